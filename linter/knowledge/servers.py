"""Web servers: how each is started, where it listens by default, and which settings move it.

A container platform routes traffic to ``$PORT`` on the container's external interface. A server
that listens on 127.0.0.1 — often simply its default — is unreachable, and one that ignores
``$PORT`` is unreachable on the platform's port. The table records, per server, the flags and
environment variables that set its address and port and the defaults otherwise; ``listen``
works out, for one command, what the server will do.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from ..patterns import lazy
from ..records import NamedTuple
from ..shell import SimpleCommand, Word

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost"})
_PYTHON = lazy(r"python(\d+(\.\d+)?)?")


class Server(NamedTuple):
    """How a server is started and configured.

    ``programs`` and ``modules`` start it (``uvicorn``, ``python -m uvicorn``), after the
    leading ``subcommand`` words; ``host_flags`` take an address, ``bind_flags`` an
    ``address:port``, ``port_flags`` a port; ``host_env``/``port_env``/``bind_env`` are the
    environment variables that set them; ``reads_port_env`` marks servers that listen on
    ``$PORT`` by themselves when it is set. ``positional_bind`` servers take ``[addr:]port``
    as their first free argument (``manage.py runserver 0.0.0.0:8000``, ``php -S``);
    ``bare_host`` is the address a host flag given without a value means (``vite --host``).
    """

    name: str
    programs: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    subcommands: tuple[str, ...] = ()
    host_flags: tuple[str, ...] = ()
    bind_flags: tuple[str, ...] = ()
    port_flags: tuple[str, ...] = ()
    host_env: str | None = None
    port_env: str | None = None
    default_host: str = "127.0.0.1"
    default_port: int | None = None
    reads_port_env: bool = False
    positional_bind: bool = False
    bare_host: str | None = None
    fix: str = ""


SERVERS = (
    Server(
        "uvicorn", ("uvicorn",), ("uvicorn",), host_flags=("--host",), port_flags=("--port",),
        host_env="UVICORN_HOST", port_env="UVICORN_PORT", default_port=8000,
        fix="--host 0.0.0.0",
    ),
    Server(
        "gunicorn", ("gunicorn",), ("gunicorn",), bind_flags=("-b", "--bind"),
        default_port=8000, reads_port_env=True, fix="--bind 0.0.0.0:${PORT:-8000}",
    ),
    Server(
        "hypercorn", ("hypercorn",), ("hypercorn",), bind_flags=("-b", "--bind"),
        default_port=8000, fix="--bind 0.0.0.0:${PORT:-8000}",
    ),
    Server(
        "daphne", ("daphne",), ("daphne",), host_flags=("-b", "--bind"),
        port_flags=("-p", "--port"), default_port=8000, fix="-b 0.0.0.0",
    ),
    Server(
        "flask run", ("flask",), ("flask",), subcommands=("run",),
        host_flags=("-h", "--host"), port_flags=("-p", "--port"), host_env="FLASK_RUN_HOST",
        port_env="FLASK_RUN_PORT", default_port=5000, fix="--host 0.0.0.0",
    ),
    Server(
        "manage.py runserver", ("manage.py", "django-admin"), subcommands=("runserver",),
        default_port=8000, positional_bind=True, fix="0.0.0.0:${PORT:-8000}",
    ),
    Server(
        "http.server", modules=("http.server",), bind_flags=(), host_flags=("-b", "--bind"),
        default_host="0.0.0.0", default_port=8000, positional_bind=True,
    ),
    Server(
        "rails server", ("rails",), subcommands=("server", "s"), host_flags=("-b", "--binding"),
        port_flags=("-p", "--port"), host_env="BINDING", default_port=3000,
        reads_port_env=True, fix="-b 0.0.0.0",
    ),
    Server(
        "next start", ("next",), subcommands=("start",), host_flags=("-H", "--hostname"),
        port_flags=("-p", "--port"), default_host="0.0.0.0", default_port=3000,
        reads_port_env=True,
    ),
    Server(
        "vite preview", ("vite",), subcommands=("preview",), host_flags=("--host",),
        port_flags=("--port",), default_host="localhost", default_port=4173,
        bare_host="0.0.0.0", fix="--host 0.0.0.0",
    ),
    Server("php -S", ("php",), subcommands=("-S",), positional_bind=True, fix="-S 0.0.0.0:8080"),
)  # fmt: skip


class Listen(NamedTuple):
    """Where a server started by a command listens.

    ``host``/``port`` are None when a variable dlint cannot see decides them; ``host_word``
    and ``port_word`` are the words that set them (None for a default or the environment);
    ``uses_port_env`` says ``$PORT`` decides the port.
    """

    server: Server
    host: str | None
    host_word: Word | None
    port: str | None
    port_word: Word | None
    uses_port_env: bool

    @property
    def loopback_only(self) -> bool:
        return self.host is not None and self.host.lower() in LOOPBACK


def find_server(command: SimpleCommand) -> tuple[Server, list[Word]] | None:
    """The server a command starts, and its arguments after the program and subcommand."""
    words = list(command.words)
    if not words:
        return None
    program = posixpath.basename(words[0].value)
    rest = words[1:]
    by_module = False
    if _PYTHON.fullmatch(program):
        if rest and rest[0].value == "-m" and len(rest) > 1:
            program, rest, by_module = rest[1].value, rest[2:], True
        elif rest and posixpath.basename(rest[0].value) == "manage.py":
            program, rest = "manage.py", rest[1:]
        else:
            return None
    for server in SERVERS:
        names = server.modules if by_module else server.programs
        if program not in names:
            continue
        if server.subcommands:
            if not rest or rest[0].value not in server.subcommands:
                continue
            rest = rest[1:]
        return server, rest
    return None


def listen(command: SimpleCommand, env: Mapping[str, str | None]) -> Listen | None:
    """Where the server ``command`` starts will listen, if it is a known server.

    ``env`` is the environment at start (None for a variable set to a value dlint cannot see).
    """
    found = find_server(command)
    if found is None:
        return None
    server, args = found
    host: str | None = _default_host(server, env)
    port = str(server.default_port) if server.default_port else None
    host_word = port_word = None
    if server.host_env and server.host_env in env:
        host = env[server.host_env]
    if server.port_env and server.port_env in env:
        port = env[server.port_env]
    for flag, word, value in _options(args, server):
        if flag == "" and value == "$?":
            host = port = None
            host_word = port_word = word
        elif flag in server.bind_flags or flag == "":
            bind_host, bind_port = _split_bind(value)
            if bind_host is not None or flag:
                host, host_word = _known(bind_host), word
            if bind_port is not None:
                port, port_word = _known(bind_port), word
        elif flag in server.host_flags:
            host, host_word = _known(value), word
        elif flag in server.port_flags:
            port, port_word = _known(value), word
    mentions_port = any(re.search(r"\$\{?PORT\b", word.value) for word in args)
    uses_port_env = mentions_port or (server.reads_port_env and port_word is None)
    return Listen(server, host, host_word, port, port_word, uses_port_env)


def _options(args: list[Word], server: Server) -> list[tuple[str, Word, str]]:
    """(flag, word holding the value, value) for each address or port setting; the flag is ''
    for a positional ``[host:]port`` of servers that take one."""
    flags = server.host_flags + server.bind_flags + server.port_flags
    found = []
    positional_done = not server.positional_bind
    index = 0
    while index < len(args):
        word = args[index]
        name, equals, inline = word.value.partition("=")
        if name in flags and equals:
            found.append((name, word, inline))
        elif (
            word.value in server.host_flags
            and server.bare_host
            and (index + 1 == len(args) or args[index + 1].value.startswith("-"))
        ):
            found.append((word.value, word, server.bare_host))
        elif word.value in flags and index + 1 < len(args):
            index += 1
            found.append((word.value, args[index], args[index].value))
        elif not positional_done and not word.value.startswith("-"):
            positional_done = True
            # An address that does not parse leaves the host unknown, not the default.
            found.append(("", word, word.value if _looks_like_bind(word.value) else "$?"))
        index += 1
    return found


def _known(value: str | None) -> str | None:
    """A host or port taken from the command, unless a variable decides it."""
    return None if value is None or "$" in value or "`" in value else value


def _default_host(server: Server, env: Mapping[str, str | None]) -> str:
    if server.name == "gunicorn":
        return "0.0.0.0"  # binds 0.0.0.0:$PORT when the platform sets PORT
    if server.name == "rails server":
        environment = env.get("RAILS_ENV") or env.get("RACK_ENV")
        return "localhost" if environment in (None, "development") else "0.0.0.0"
    return server.default_host


def _split_bind(value: str) -> tuple[str | None, str | None]:
    """``host:port``, ``[v6]:port``, ``host`` or ``:port`` into its parts."""
    if value.startswith(("unix:", "fd://")):
        return None, None
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        return host, rest.lstrip(":") or None
    colons = [i for i, char in enumerate(value) if char == ":" and not _in_braces(value, i)]
    if len(colons) > 1:
        return value, None  # an IPv6 address without brackets
    host, colon, port = (
        (value[: colons[0]], ":", value[colons[0] + 1 :]) if colons else (value, "", "")
    )
    if colon:
        return (host or "0.0.0.0"), (port or None)
    if host.isdigit():
        return None, host
    return host, None


def _in_braces(text: str, index: int) -> bool:
    return text.count("{", 0, index) > text.count("}", 0, index)


def _looks_like_bind(value: str) -> bool:
    return bool(re.fullmatch(r"(\[?[\w.:-]*\]?:)?(\d+|\$\{?\w+\}?.*)", value))


_CONFIG_BIND = lazy(r"^bind\s*=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE)
_QUOTED = lazy(r"""["']([^"']*)["']""")


def config_file_binds(text: str) -> list[str] | None:
    """The addresses a gunicorn/hypercorn Python config file binds (``bind = …``), when it
    sets them as string literals; None when it does not set ``bind`` or computes it."""
    settings = _CONFIG_BIND.findall(text)
    if not settings:
        return None
    values = _QUOTED.findall(settings[-1])
    if any("{" in value or "%" in value for value in values):
        return None  # formatted at runtime
    return values or None
