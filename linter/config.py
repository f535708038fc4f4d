"""Configuration: ``[tool.dlint]`` in pyproject.toml or a ``.dlint.toml``, then CLI overrides.

The nearest configuration file wins, searching upward from the current directory: in each
directory ``.dlint.toml`` first, then a ``pyproject.toml`` that has a ``[tool.dlint]`` table.
A configuration that cannot be used is an error naming the file, the key and the problem,
never a silent default.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .records import Value

HADOLINT_NAMES = (".hadolint.yaml", ".hadolint.yml")
LEVEL_NAMES = ("error", "warning", "info", "style")
THRESHOLD_NAMES = (*LEVEL_NAMES, "none")
LABEL_TYPES = ("text", "url", "semver", "hash", "rfc3339", "spdx", "email")
# Options some rules read (through Context.options), with a check of each value.
OPTIONS: dict[str, tuple[str, Any]] = {
    "trusted-registries": (
        "a list of registry host patterns such as docker.io or *.gcr.io",
        lambda value: isinstance(value, list) and all(isinstance(item, str) for item in value),
    ),
    "label-schema": (
        f"a table of label = type, the type one of {', '.join(LABEL_TYPES)}",
        lambda value: (
            isinstance(value, dict)
            and all(isinstance(kind, str) and kind in LABEL_TYPES for kind in value.values())
        ),
    ),
    "strict-labels": ("true or false", lambda value: isinstance(value, bool)),
    "max-file-size": ("a size such as 10MB, 512k or a number of bytes", lambda v: _size(v)),
    "as-of": (
        "a date such as 2026-01-31 (the day date-dependent rules judge by)",
        lambda v: _date(v),
    ),
}
KEYS = (
    *("ignore", "select", "failure-threshold", "levels", "per-file-ignores", "exclude"),
    *OPTIONS,
    "smoke",
)


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names file, key and problem."""


class Settings(Value):
    """Rule selection and failure policy for a run.

    Selectors are rule codes, code prefixes (``DL3``), rule names or ``ALL``. ``levels`` maps
    a selector to a level name or ``off``. ``options`` holds the settings some rules read
    (``trusted-registries``, ``label-schema``, ``strict-labels``). ``per_file_ignores`` maps
    a glob, relative to ``root`` (the configuration file's directory), to selectors ignored in
    matching files. ``exclude`` holds globs of paths not to lint; ``smoke`` the
    ``[tool.dlint.smoke]`` table, which ``dlint smoke`` validates itself. ``ignore_pragmas``
    is False when a hadolint configuration sets ``disable-ignore-pragma``; ``warnings`` are
    what the user should hear about the file (keys hadolint ignores, say).
    """

    _fields = (
        *("select", "ignore", "failure_threshold", "levels", "per_file_ignores", "options"),
        *("exclude", "smoke", "ignore_pragmas", "warnings", "root", "path"),
    )
    __slots__ = _fields

    def __init__(
        self,
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        failure_threshold: str = "info",
        levels: Mapping[str, str] | None = None,
        per_file_ignores: Mapping[str, tuple[str, ...]] | None = None,
        options: Mapping[str, Any] | None = None,
        exclude: tuple[str, ...] = (),
        smoke: Mapping[str, Any] | None = None,
        ignore_pragmas: bool = True,
        warnings: tuple[str, ...] = (),
        root: Path | None = None,
        path: Path | None = None,
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.failure_threshold = failure_threshold
        self.levels: Mapping[str, str] = {} if levels is None else levels
        self.per_file_ignores: Mapping[str, tuple[str, ...]] = (
            {} if per_file_ignores is None else per_file_ignores
        )
        self.options: Mapping[str, Any] = {} if options is None else options
        self.exclude = exclude
        self.smoke: Mapping[str, Any] = {} if smoke is None else smoke
        self.ignore_pragmas = ignore_pragmas
        self.warnings = warnings
        self.root = root
        self.path = path


def _size(value: object) -> bool:
    """Whether ``value`` is a size ``--max-file-size`` accepts."""
    from .engine import parse_size

    if not isinstance(value, (str, int)):
        return False
    try:
        parse_size(value)
    except ValueError:
        return False
    return True


def parse_date(value: object) -> date:
    """A day from a TOML date or an ISO ``YYYY-MM-DD`` string; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"invalid date {value!r}: expected YYYY-MM-DD")


def _date(value: object) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


def find_config(start: Path) -> Path | None:
    """The nearest configuration, upward: in each directory ``.dlint.toml``, then
    ``pyproject.toml`` with ``[tool.dlint]``, then hadolint's ``.hadolint.yaml``/``.yml``."""
    for directory in (start, *start.parents):
        candidate = directory / ".dlint.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if _configures_dlint(pyproject):
            return pyproject
        for name in HADOLINT_NAMES:
            if (directory / name).is_file():
                return directory / name
    return None


def load_settings(path: Path) -> Settings:
    """Read and validate a configuration file (dlint's, or hadolint's YAML)."""
    if path.name in HADOLINT_NAMES or path.suffix in (".yaml", ".yml"):
        from .hadolint_config import load_hadolint_config

        hadolint = load_hadolint_config(path)
        return hadolint.settings.replace(
            ignore_pragmas=not hadolint.disable_ignore_pragma,
            warnings=hadolint.warnings,
        )
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("dlint", {})
        prefix = "tool.dlint."
    else:
        table = data
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {prefix.rstrip('.')}: expected a table")
    return _settings(table, path, prefix)


def _configures_dlint(pyproject: Path) -> bool:
    """Whether ``pyproject`` exists and has a ``[tool.dlint]`` table. One that never says
    ``dlint`` (nor has an escape in a quoted key, which could spell it) is not parsed: most
    Python projects have a pyproject.toml without dlint's table, and parsing it costs a few
    milliseconds of a start."""
    try:
        data = pyproject.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False
    except OSError as error:
        raise ConfigError(f"{pyproject}: cannot read: {error.strerror}") from None
    if not (b"dlint" in data or b"\\u" in data or b"\\U" in data):
        return False
    return "dlint" in _parse_toml(data, pyproject).get("tool", {})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    return _parse_toml(data, path)


def _parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    # Imported here: most runs find no configuration file, and start-up time counts.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        table: dict[str, Any] = tomllib.loads(data.decode())
        return table
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _settings(table: dict[str, Any], path: Path, prefix: str) -> Settings:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: {prefix}{key}: {problem}")

    for key in table:
        if key not in KEYS:
            raise fail(key, f"unknown key (known keys: {', '.join(KEYS)})")
    select = table.get("select")
    threshold = table.get("failure-threshold", "info")
    if not isinstance(threshold, str) or threshold.lower() not in THRESHOLD_NAMES:
        raise fail("failure-threshold", f"must be one of {', '.join(THRESHOLD_NAMES)}")
    levels = table.get("levels", {})
    if not isinstance(levels, dict):
        raise fail("levels", "expected a table of selector = level")
    for selector, level in levels.items():
        if not isinstance(level, str) or level.lower() not in (*LEVEL_NAMES, "off"):
            raise fail(f"levels.{selector}", f"must be one of {', '.join(LEVEL_NAMES)}, off")
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        raise fail("exclude", "expected a list of glob patterns")
    smoke = table.get("smoke", {})
    if not isinstance(smoke, dict):
        raise fail("smoke", "expected a table (the settings of dlint smoke)")
    for key, (expected, valid) in OPTIONS.items():
        if key in table and not valid(table[key]):
            raise fail(key, f"must be {expected}")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise fail("per-file-ignores", "expected a table of glob = [selectors]")
    return Settings(
        select=None if select is None else _selectors(select, lambda p: fail("select", p)),
        ignore=_selectors(table.get("ignore", []), lambda p: fail("ignore", p)),
        failure_threshold=threshold.lower(),
        levels={selector: level.lower() for selector, level in levels.items()},
        per_file_ignores={
            glob: _selectors(value, lambda p, g=glob: fail(f"per-file-ignores.{g}", p))
            for glob, value in per_file.items()
        },
        options={key: _option(key, table[key]) for key in OPTIONS if key in table},
        exclude=tuple(exclude),
        smoke=smoke,
        root=path.parent,
        path=path,
    )


def _option(key: str, value: Any) -> Any:
    """An option's value as rules read it (``as-of``: a date)."""
    return parse_date(value) if key == "as-of" else value


def _selectors(value: object, fail: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail("expected a list of rule codes or names")
    return tuple(item.strip() for item in value)
