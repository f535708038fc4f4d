from __future__ import annotations

import json
import posixpath

from dockerfile_dlint.api import (
    Context,
    Edit,
    Finding,
    Fix,
    Level,
    NamedTuple,
    Rule,
    SimpleCommand,
    Span,
    Stage,
    StartupCommand,
    Word,
)
from dockerfile_dlint.knowledge.servers import (
    LOOPBACK,
    Listen,
    Server,
    config_file_binds,
    find_server,
    listen,
)

ALL_INTERFACES = "0.0.0.0"


class _Loopback(NamedTuple):
    """The loopback address a server listens on, where that comes from (`` (its default)``),
    and the ``host:port`` bind it was read from when not from the command (gunicorn)."""

    host: str
    source: str
    bind: str | None = None


class ServerBindsLocalhost(Rule):
    """A server started by the container listens on 127.0.0.1 only.

    ## What it does
    Looks at what the container runs at start (`CMD`/`ENTRYPOINT`, through `sh -c` and the
    scripts they run) for known web servers — uvicorn, gunicorn, hypercorn, daphne,
    `flask run`, `manage.py runserver`, `python -m http.server`, `rails server`,
    `next start`, `vite preview`, `php -S` — and works out the address each listens on:
    from its flags, from the environment variables it reads (`UVICORN_HOST`,
    `FLASK_RUN_HOST`, `GUNICORN_CMD_ARGS` …), from a gunicorn config file copied into the
    image, or from its default. Reports the ones that listen on loopback only, explicitly
    (`--host 127.0.0.1`, `localhost`) or by default (uvicorn and `flask run` default to
    127.0.0.1).

    ## Why is this bad?
    Inside a container, 127.0.0.1 is the container's own loopback: nothing outside it — not
    the platform's router, not its health check, not `docker run -p` — can connect. The image
    builds and the server logs that it started, and the platform still kills the container
    for not listening on `$PORT`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install fastapi uvicorn
    COPY . /app
    WORKDIR /app
    CMD ["uvicorn", "main:app", "--port", "8080"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install fastapi uvicorn
    COPY . /app
    WORKDIR /app
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]
    ```

    ## Fix
    Bind to all interfaces. An explicit loopback address in the command (`--host 127.0.0.1`,
    `-b localhost:8000`, `runserver 127.0.0.1:8000`) becomes `0.0.0.0`; a server that binds
    loopback by default or through its environment gets the option that overrides it, right
    after its program or subcommand: `--host 0.0.0.0` (uvicorn, `flask run`, vite),
    `--bind 0.0.0.0:<port>` (gunicorn, hypercorn; the port it listened on), `--bind 0.0.0.0`
    (daphne), `--binding 0.0.0.0` (rails), `0.0.0.0:<port>` (runserver). Exec-form commands
    get new JSON strings, shell-form and `sh -c` commands new words. Commands inside a script
    the container runs are not rewritten. The fix is unsafe: it exposes the server on every
    interface of the container, which is what a platform needs and not what a server meant
    to be internal (behind a proxy in the same container) should do.
    """

    code = "DP006"
    name = "server-binds-localhost"
    level = Level.ERROR
    fixable = "unsafe"

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for stage in ctx.stages:
            if not any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions):
                continue
            final = ctx.final_state(stage)
            runtime: dict[str, str | None] = dict(final.env)
            runtime.update(dict.fromkeys(final.unknown_env))
            loopback = []
            public = False
            for started in ctx.startup_commands(stage):
                env = dict(runtime)
                for assignment in started.command.assignments:
                    name, _, value = assignment.value.partition("=")
                    env[name] = value if assignment.static else None
                where = listen(started.command, env)
                if where is None:
                    continue
                address = self._address(ctx, stage, started, where, env)
                if address is not None:
                    loopback.append(self._finding(ctx, stage, started, where, address))
                elif where.host is None or not where.loopback_only:
                    public = True
            if not public:  # else the loopback one serves the public one, on purpose
                findings += loopback
        return findings

    def _address(
        self,
        ctx: Context,
        stage: Stage,
        started: StartupCommand,
        where: Listen,
        env: dict[str, str | None],
    ) -> _Loopback | None:
        """The loopback address, when the server listens on loopback only."""
        name = where.server.name
        if name == "gunicorn" and where.host_word is None:
            return self._gunicorn_settings(ctx, stage, started, env)
        if not where.loopback_only or where.host is None:
            return None
        if where.host_word is not None:
            return _Loopback(where.host, "")
        variable = where.server.host_env
        if variable and variable in env:
            return _Loopback(where.host, f" (from {variable})")
        return _Loopback(where.host, " (its default)")

    def _gunicorn_settings(
        self, ctx: Context, stage: Stage, started: StartupCommand, env: dict[str, str | None]
    ) -> _Loopback | None:
        """gunicorn without -b: GUNICORN_CMD_ARGS, then a config file, decide."""
        arguments = env.get("GUNICORN_CMD_ARGS") or ""
        words = arguments.split()
        for index, flag in enumerate(words):
            if flag in ("-b", "--bind") or flag.startswith("--bind="):
                following = words[index + 1] if index + 1 < len(words) else ""
                bind = following if "=" not in flag else flag.partition("=")[2]
                host = bind.rpartition(":")[0] if ":" in bind else bind
                return (
                    _Loopback(host, " (from GUNICORN_CMD_ARGS)", bind) if host in LOOPBACK else None
                )
        config = started.command.flag_value("-c", "--config") or "gunicorn.conf.py"
        config = config.removeprefix("python:")
        workdir = ctx.final_state(stage).workdir
        if not config.startswith("/"):
            if workdir is None:
                return None
            config = posixpath.join(workdir, config)
        found = ctx.image_file(stage, config)
        text = found.read(ctx.build_context) if found else None
        binds = config_file_binds(text) if text else None
        if not binds:
            return None
        hosts = [bind.rpartition(":")[0] if ":" in bind else bind for bind in binds]
        if all(host.strip("[]") in LOOPBACK or host in LOOPBACK for host in hosts):
            return _Loopback(hosts[0], f" (bind in {config})", binds[0])
        return None

    def _finding(
        self,
        ctx: Context,
        stage: Stage,
        started: StartupCommand,
        where: Listen,
        address: _Loopback,
    ) -> Finding:
        host, source = address.host, address.source
        if started.script is None and where.host_word is not None:
            span = where.host_word.span
        elif started.script is None and started.command.words:
            span = started.command.words[0].span
        else:
            span = started.anchor
        hint = f": use {where.server.fix}" if where.server.fix else ""
        message = (
            f"{where.server.name} listens on {host} only{source}{started.where}; nothing "
            f"outside the container can reach it, so the platform's port check fails{hint}"
        )
        edit = _edit(ctx, stage, started, where, address)
        fix = Fix((edit,), safe=False, title="listen on all interfaces") if edit else None
        return self.finding(span, message, fix)


def _edit(
    ctx: Context, stage: Stage, started: StartupCommand, where: Listen, address: _Loopback
) -> Edit | None:
    """The change that makes the server listen on all interfaces, for a command written in
    the Dockerfile (one in a script is the script's to fix)."""
    if started.script is not None:
        return None
    if where.host_word is not None:
        return _replace_host(ctx, where.host_word, address.host)
    return _add_option(ctx, stage, started.command, where, address)


def _replace_host(ctx: Context, word: Word, host: str) -> Edit | None:
    """``0.0.0.0`` in place of the loopback address, where the word is written."""
    span = word.span
    if span.line != span.end_line:
        return None
    written = ctx.dockerfile.source.line_text(span.line)[span.column - 1 : span.end_column - 1]
    for candidate in (f"[{host}]", host):
        if written.count(candidate) == 1:
            column = span.column + written.index(candidate)
            where = Span(span.line, column, span.line, column + len(candidate))
            return Edit(where, ALL_INTERFACES)
    return None


def _add_option(
    ctx: Context, stage: Stage, command: SimpleCommand, where: Listen, address: _Loopback
) -> Edit | None:
    """The server's bind option, right after its program or subcommand word."""
    found = find_server(command)
    option = _bind_option(where, address)
    if found is None or option is None:
        return None
    anchor = command.words[len(command.words) - len(found[1]) - 1]
    span = anchor.span
    if span.line != span.end_line:
        return None
    written = ctx.dockerfile.source.line_text(span.line)[span.column - 1 : span.end_column - 1]
    entrypoint, cmd = ctx.entrypoint_and_cmd(stage)
    elements = [a.span for i in (entrypoint, cmd) if i is not None and i.json for a in i.arguments]
    if span in elements:
        text = "".join(f", {json.dumps(part)}" for part in option)
    elif written == anchor.raw:
        text = "".join(f" {part}" for part in option)
    else:
        return None  # the word is not written as the parser read it (escapes): leave it
    return Edit.insert(span.end_line, span.end_column, text)


def _bind_option(where: Listen, address: _Loopback) -> list[str] | None:
    """The words that make the server listen on all interfaces, on the port it uses."""
    server: Server = where.server
    if server.host_flags:
        flag = next((f for f in server.host_flags if f.startswith("--")), server.host_flags[0])
        return [flag, ALL_INTERFACES]
    port = address.bind.rpartition(":")[2] if address.bind and ":" in address.bind else where.port
    if port is None or not port.isdigit():
        return None
    if server.bind_flags:
        return ["--bind", f"{ALL_INTERFACES}:{port}"]
    if server.positional_bind:
        return [f"{ALL_INTERFACES}:{port}"]
    return None
