"""Options of ``dlint smoke``: the command line over ``[tool.dlint.smoke]``, validated once.

Every problem becomes a :class:`SmokeUsageError` whose one line names the option or key, so the
command exits 2 before it touches Docker instead of failing half-way through a build.

Merging: a scalar given on the command line replaces the configuration's; ``build-args`` and
``env`` merge key by key (command line wins), and so do ``secrets`` by id; ``fail-on-log`` and
``expect-log`` add up.
Configuration paths are relative to the configuration file, command-line paths to the
current directory. The environment is read from ``env-file`` first, then ``env``, then
``--env``, the way ``docker run`` layers ``--env-file`` and ``--env``. ``secret-env`` names add
up too: which values are secret is decided by :mod:`secretpolicy`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .buildsecrets import BuildSecret, SecretProblem, check_secrets, parse_secret

FORMATS = ("text", "json")
BUILDERS = ("auto", "buildkit", "classic")
PROBE_MODES = ("auto", "direct", "published")
DEFAULTS: Mapping[str, Any] = {
    "port": 8080,
    "health": "/health",
    "startup-budget": 10.0,
    "timeout": 300.0,
    "format": "text",
    "probe": "auto",
    "keep": False,
    "observe": 2.0,
    "builder": "auto",
}
# Networks that take away the container's own address, which the probe needs.
UNUSABLE_NETWORKS = ("host", "none")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}
# docker run --memory's format (go-units RAMInBytes): binary multiples, optional i and b.
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt])?i?b?\s*$", re.IGNORECASE)
_SIZE_UNITS = {None: 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
# The engine refuses a memory limit under 6 MiB.
MIN_MEMORY = 6 << 20
# A request line must stay one line of visible ASCII: no spaces, CR, LF or other controls.
_HEALTH_PATH = re.compile(r"/[\x21-\x7e]*")
_ENV_NAME = re.compile(r"[^\s=]+")


class SmokeUsageError(Exception):
    """Bad input: one line for the user, and exit code 2."""


@dataclass(frozen=True)
class CommandLine:
    """What the command line gave; None or empty where an option was not used."""

    context: str | None = None
    dockerfile: str | None = None
    target: str | None = None
    build_args: tuple[str, ...] = ()
    port: int | None = None
    env: tuple[str, ...] = ()
    env_file: str | None = None
    network: str | None = None
    health: str | None = None
    startup_budget: str | None = None
    timeout: str | None = None
    fail_on_log: tuple[str, ...] = ()
    expect_log: tuple[str, ...] = ()
    keep: bool | None = None
    output_format: str | None = None
    probe: str | None = None
    secret_env: tuple[str, ...] = ()
    memory: str | None = None
    observe: str | None = None
    builder: str | None = None
    secret: tuple[str, ...] = ()
    platform: str | None = None


@dataclass(frozen=True)
class SmokeOptions:
    """A validated smoke run.

    ``env`` and ``build_args`` hold the user's values, some of them secrets: ``secret_names``
    lists the names marked secret with ``--secret-env`` (more are secret by their name, see
    :mod:`secretpolicy`). ``memory`` is the container's limit in bytes (None: no limit);
    ``observe`` how long the container is watched once it answered healthy. ``builder`` is
    auto, buildkit or classic (see :mod:`builder`); ``secrets`` the build secrets for
    ``RUN --mount=type=secret``; ``platform`` is passed to the build as given.
    """

    context: Path
    dockerfile: Path
    target: str | None
    build_args: Mapping[str, str]
    port: int
    env: Mapping[str, str]
    network: str | None
    health_path: str
    startup_budget: float
    timeout: float
    fail_on_log: tuple[re.Pattern[str], ...]
    expect_log: tuple[re.Pattern[str], ...]
    keep: bool
    output_format: str
    probe: str
    secret_names: frozenset[str] = frozenset()
    memory: int | None = None
    observe: float = 2.0
    builder: str = "auto"
    secrets: tuple[BuildSecret, ...] = ()
    platform: str | None = None


# Each configuration key, with what it must be and a check of its TOML value.
CONFIG_KEYS: Mapping[str, tuple[str, Callable[[Any], bool]]] = {
    "context": ("a directory path", lambda v: isinstance(v, str)),
    "dockerfile": ("a file path", lambda v: isinstance(v, str)),
    "target": ("a stage name", lambda v: isinstance(v, str)),
    "build-args": ("a table of NAME = value", lambda v: _is_str_table(v)),
    "port": ("a port number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "env": ("a table of NAME = value", lambda v: _is_str_table(v)),
    "env-file": ("a file path", lambda v: isinstance(v, str)),
    "network": ("a Docker network name", lambda v: isinstance(v, str)),
    "health": ("a path such as /health", lambda v: isinstance(v, str)),
    "startup-budget": ("a duration such as 10s", lambda v: _is_duration_value(v)),
    "timeout": ("a duration such as 300s", lambda v: _is_duration_value(v)),
    "fail-on-log": ("a list of regular expressions", lambda v: _is_str_list(v)),
    "expect-log": ("a list of regular expressions", lambda v: _is_str_list(v)),
    "keep": ("true or false", lambda v: isinstance(v, bool)),
    "format": (f"one of {', '.join(FORMATS)}", lambda v: v in FORMATS),
    "probe": (f"one of {', '.join(PROBE_MODES)}", lambda v: v in PROBE_MODES),
    "secret-env": ("a list of variable names", lambda v: _is_str_list(v)),
    "memory": ("a size such as 512m", lambda v: _is_size_value(v)),
    "observe": ("a duration such as 2s", lambda v: _is_duration_value(v)),
    "builder": (f"one of {', '.join(BUILDERS)}", lambda v: v in BUILDERS),
    "secrets": ("a list of id=NAME[,src=FILE|,env=VAR]", lambda v: _is_str_list(v)),
    "platform": ("a platform such as linux/amd64", lambda v: isinstance(v, str)),
}


def resolve_options(
    cli: CommandLine, table: Mapping[str, Any], config_root: Path | None, where: str
) -> SmokeOptions:
    """Validate the configuration table, then lay the command line over it.

    ``where`` names the table in messages (``pyproject.toml: tool.dlint.smoke``);
    ``config_root`` is the directory configuration paths are relative to.
    """
    _check_table(table, where)
    root = config_root or Path.cwd()

    def config_path(key: str) -> Path | None:
        value = table.get(key)
        return None if value is None else root / value

    context = Path(cli.context) if cli.context is not None else config_path("context")
    context = context or Path(".")
    if not context.is_dir():
        raise SmokeUsageError(f"build context is not a directory: {context}")
    dockerfile = Path(cli.dockerfile) if cli.dockerfile else config_path("dockerfile")
    _check_readable_directory(context)
    dockerfile = dockerfile or context / "Dockerfile"
    if not dockerfile.is_file():
        raise SmokeUsageError(f"no such Dockerfile: {dockerfile}")
    _check_readable_file(dockerfile)
    env_file = Path(cli.env_file) if cli.env_file else config_path("env-file")
    env = dict(read_env_file(env_file)) if env_file else {}
    env.update(table.get("env", {}))
    env.update(parse_pairs(cli.env, "--env", from_environment=True))
    if "PORT" in env:
        raise SmokeUsageError("set the port with --port (or port = … in the config), not as env")
    build_args = dict(table.get("build-args", {}))
    build_args.update(parse_pairs(cli.build_args, "--build-arg", from_environment=True))
    port = cli.port if cli.port is not None else table.get("port", DEFAULTS["port"])
    if not 1 <= port <= 65535:
        raise SmokeUsageError(f"--port: {port} is not a TCP port (1-65535)")
    health = cli.health or table.get("health", DEFAULTS["health"])
    if not _HEALTH_PATH.fullmatch(health):
        raise SmokeUsageError(
            f"--health: {health!r} must be a path starting with / (visible ASCII, no spaces)"
        )
    network = cli.network or table.get("network")
    if network is not None and (network in UNUSABLE_NETWORKS or network.startswith("container:")):
        raise SmokeUsageError(
            f"--network {network}: the container needs its own address to be probed; "
            "name a bridge network (docker network ls)"
        )
    return SmokeOptions(
        context=context,
        dockerfile=dockerfile,
        target=cli.target or table.get("target"),
        build_args=build_args,
        port=port,
        env=env,
        network=network,
        health_path=health,
        startup_budget=_duration(cli.startup_budget, table, "startup-budget"),
        timeout=_duration(cli.timeout, table, "timeout"),
        fail_on_log=_patterns([*table.get("fail-on-log", []), *cli.fail_on_log], "--fail-on-log"),
        expect_log=_patterns([*table.get("expect-log", []), *cli.expect_log], "--expect-log"),
        keep=cli.keep if cli.keep is not None else table.get("keep", DEFAULTS["keep"]),
        output_format=cli.output_format or table.get("format", DEFAULTS["format"]),
        probe=cli.probe or table.get("probe", DEFAULTS["probe"]),
        secret_names=_secret_names([*table.get("secret-env", []), *cli.secret_env]),
        memory=_memory(cli.memory, table),
        observe=_duration(cli.observe, table, "observe", allow_zero=True),
        builder=cli.builder or table.get("builder", DEFAULTS["builder"]),
        secrets=_secrets(table.get("secrets", []), root, cli.secret),
        platform=cli.platform or table.get("platform"),
    )


def parse_duration(text: str | float, option: str, allow_zero: bool = False) -> float:
    """Seconds from ``10s``, ``500ms``, ``2m`` or a plain number of seconds; must be > 0
    (or >= 0 where zero means "not at all", as for ``observe``)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        match = _DURATION.match(str(text))
        if not match:
            raise SmokeUsageError(f"{option}: {text!r} is not a duration (such as 10s, 500ms, 2m)")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise SmokeUsageError(f"{option}: must be more than 0 s")
    return seconds


def parse_memory(text: str | int, option: str) -> int:
    """Bytes from docker's ``--memory`` format (``512m``, ``1g``, ``1.5GiB``, a plain number of
    bytes), checked against the engine's minimum so that a bad value is exit 2, not a failed
    container."""
    if isinstance(text, int) and not isinstance(text, bool):
        size = text
    else:
        match = _SIZE.match(str(text))
        if not match:
            raise SmokeUsageError(f"{option}: {text!r} is not a size (such as 256m, 1g)")
        size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower() or None])
    if size < MIN_MEMORY:
        raise SmokeUsageError(f"{option}: the engine needs at least 6m")
    return size


def format_size(size: int) -> str:
    """``268435456`` -> ``256m``: sizes as the user wrote them in docker's format."""
    for unit, factor in (("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}b"


def parse_pairs(
    values: tuple[str, ...] | list[str], option: str, from_environment: bool
) -> dict[str, str]:
    """``K=V`` options; a bare ``K`` takes its value from dlint's environment, as docker does."""
    pairs: dict[str, str] = {}
    for value in values:
        name, equals, text = value.partition("=")
        if not name or any(char.isspace() for char in name):
            raise SmokeUsageError(f"{option}: expected NAME=VALUE, got a bad name")
        if equals:
            pairs[name] = text
        elif from_environment and name in os.environ:
            pairs[name] = os.environ[name]
    return pairs


def read_env_file(path: Path) -> dict[str, str]:
    """Docker's env-file format: ``NAME=value`` per line, ``#`` comments, no quote handling."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise SmokeUsageError(f"--env-file: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise SmokeUsageError(f"--env-file: {path} is not UTF-8 text") from None
    entries = [line.lstrip() for line in lines]
    entries = [entry for entry in entries if entry and not entry.startswith("#")]
    try:
        return parse_pairs(entries, f"--env-file {path}", from_environment=True)
    except SmokeUsageError:
        raise SmokeUsageError(f"--env-file: {path}: expected NAME=VALUE lines") from None


def _check_table(table: Mapping[str, Any], where: str) -> None:
    for key, value in table.items():
        if key not in CONFIG_KEYS:
            known = ", ".join(CONFIG_KEYS)
            raise SmokeUsageError(f"{where}.{key}: unknown key (known keys: {known})")
        expected, valid = CONFIG_KEYS[key]
        if not valid(value):
            raise SmokeUsageError(f"{where}.{key}: must be {expected}")


def _duration(
    given: str | None, table: Mapping[str, Any], key: str, allow_zero: bool = False
) -> float:
    if given is not None:
        return parse_duration(given, f"--{key}", allow_zero)
    return parse_duration(table.get(key, DEFAULTS[key]), key, allow_zero)


def _memory(given: str | None, table: Mapping[str, Any]) -> int | None:
    if given is not None:
        return parse_memory(given, "--memory")
    value = table.get("memory")
    return None if value is None else parse_memory(value, "memory")


def _secret_names(names: list[str]) -> frozenset[str]:
    for name in names:
        if not _ENV_NAME.fullmatch(name):
            raise SmokeUsageError(f"--secret-env: {name!r} is not a variable name")
    return frozenset(names)


def _secrets(configured: list[str], root: Path, given: tuple[str, ...]) -> tuple[BuildSecret, ...]:
    """The configuration's secrets, then the command line's (which replace those of the same
    id); each readable now."""
    try:
        secrets = {s.id: s for s in (parse_secret(spec, "secrets", root) for spec in configured)}
        secrets.update((s.id, s) for s in (parse_secret(spec, "--secret") for spec in given))
        check_secrets(secrets.values())
    except SecretProblem as error:
        raise SmokeUsageError(str(error)) from None
    return tuple(secrets.values())


def _check_readable_directory(path: Path) -> None:
    """An unreadable context is the user's to fix: say so before anything is built."""
    try:
        with os.scandir(path):
            pass
    except OSError as error:
        raise SmokeUsageError(f"cannot read the build context {path}: {error.strerror}") from None


def _check_readable_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        raise SmokeUsageError(f"cannot read the Dockerfile {path}: {error.strerror}") from None


def _patterns(texts: list[str], option: str) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for text in texts:
        try:
            patterns.append(re.compile(text))
        except re.error as error:
            problem = f"{option}: {text!r} is not a regular expression: {error}"
            raise SmokeUsageError(problem) from None
    return tuple(patterns)


def _is_str_table(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_duration_value(value: object) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _is_size_value(value: object) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)
