"""Read a hadolint configuration file (``.hadolint.yaml``) into dlint's settings.

Projects switching from hadolint keep their ``.hadolint.yaml``: its ignored rules, level
overrides, failure threshold and rule options carry over unchanged, because dlint keeps
hadolint's rule codes. Keys about hadolint's own output (``format``, ``no-color`` …) have no
meaning for dlint and are skipped; keys hadolint does not know are skipped too, as hadolint
does, but reported in ``warnings`` so that a misspelt key does not go unnoticed.

PyYAML is imported on first use only: most runs have no hadolint file, and a pre-commit hook
must start fast.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import LABEL_TYPES, ConfigError, Settings

CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")
Fail = Callable[[str, str], ConfigError]
OVERRIDE_LEVELS = ("error", "warning", "info", "style")
# hadolint's failure thresholds; "ignore" (below style) fails on everything, as style does.
THRESHOLDS = {
    **{level: level for level in ("error", "warning", "info", "style", "none")},
    "ignore": "style",
}
# hadolint keys about its own output and logging: accepted, without effect in dlint.
OUTPUT_KEYS = frozenset({"format", "output-format", "no-color", "verbose", "file-path-in-report"})
KNOWN_KEYS = frozenset(
    {
        *("ignored", "override", "failure-threshold", "no-fail", "trustedRegistries"),
        *("label-schema", "strict-labels", "disable-ignore-pragma"),
    }
    | OUTPUT_KEYS
)


@dataclass(frozen=True)
class HadolintConfig:
    """dlint settings read from a hadolint file, with what ``Settings`` cannot hold.

    ``disable_ignore_pragma`` is hadolint's switch that makes ``# hadolint ignore=…``
    comments ineffective; ``warnings`` lists keys that were skipped.
    """

    settings: Settings
    disable_ignore_pragma: bool = False
    warnings: tuple[str, ...] = ()


def find_hadolint_config(directory: Path) -> Path | None:
    """The ``.hadolint.yaml`` (or ``.hadolint.yml``) in ``directory``, if there is one."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    return None


def load_hadolint_config(path: Path) -> HadolintConfig:
    """Read and check a hadolint configuration file; problems raise ``ConfigError``."""
    table = _read_yaml(path)

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: {key}: {problem}")

    warnings = [
        f"{path}: {key}: unknown hadolint key, ignored"
        + (" (hadolint reads trustedRegistries)" if key == "trusted-registries" else "")
        for key in table
        if key not in KNOWN_KEYS
    ]
    levels, override_warnings = _override(table.get("override"), path, fail)
    warnings.extend(override_warnings)
    threshold = _threshold(table, fail)
    options: dict[str, Any] = {}
    registries = table.get("trustedRegistries")
    if registries is not None:
        options["trusted-registries"] = list(_strings(registries, "trustedRegistries", fail))
    schema = table.get("label-schema")
    if schema is not None:
        options["label-schema"] = _label_schema(schema, fail)
    strict = _boolean(table, "strict-labels", fail)
    if strict is not None:
        options["strict-labels"] = strict
    ignored = _codes(table.get("ignored"), "ignored", fail)
    settings = Settings(
        # Rules hadolint leaves off (level "ignore") run once an override gives them a level.
        select=("ALL", *levels) if levels else None,
        ignore=ignored,
        failure_threshold=threshold,
        levels=levels,
        options=options,
        root=path.parent,
        path=path,
    )
    return HadolintConfig(
        settings,
        disable_ignore_pragma=bool(_boolean(table, "disable-ignore-pragma", fail)),
        warnings=tuple(warnings),
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {_yaml_problem(error)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of hadolint settings at the top level")
    return {str(key): value for key, value in data.items()}


def _yaml_problem(error: Exception) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None:
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(problem)


def _override(value: object, path: Path, fail: Fail) -> tuple[dict[str, str], list[str]]:
    """``override: {error: [...], ...}`` as dlint levels, code -> level."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        raise fail("override", "expected a mapping of level: [rule codes]")
    levels: dict[str, str] = {}
    warnings = []
    for level, codes in value.items():
        if level not in OVERRIDE_LEVELS:
            warnings.append(
                f"{path}: override.{level}: unknown level, ignored "
                f"(use {', '.join(OVERRIDE_LEVELS)})"
            )
            continue
        for code in _codes(codes, f"override.{level}", fail):
            levels[code] = level
    return levels, warnings


def _threshold(table: Mapping[str, Any], fail: Fail) -> str:
    no_fail = _boolean(table, "no-fail", fail)
    value = table.get("failure-threshold")
    if value is None:
        threshold = "info"
    elif isinstance(value, str) and value.strip().lower() in THRESHOLDS:
        threshold = THRESHOLDS[value.strip().lower()]
    else:
        raise fail("failure-threshold", f"must be one of {', '.join(THRESHOLDS)}")
    return "none" if no_fail else threshold


def _label_schema(value: object, fail: Fail) -> dict[str, str]:
    if not isinstance(value, dict):
        raise fail("label-schema", "expected a mapping of label: type")
    schema = {}
    for label, kind in value.items():
        if not isinstance(kind, str) or kind.strip().lower() not in LABEL_TYPES:
            raise fail(f"label-schema.{label}", f"must be one of {', '.join(LABEL_TYPES)}")
        schema[str(label)] = kind.strip().lower()
    return schema


def _boolean(table: Mapping[str, Any], key: str, fail: Fail) -> bool | None:
    value = table.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise fail(key, "must be true or false")


def _strings(value: object, key: str, fail: Fail) -> tuple[str, ...]:
    """A list of strings; a single string counts as a list of one."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(key, "expected a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def _codes(value: object, key: str, fail: Fail) -> tuple[str, ...]:
    """Rule codes (``DL3008``, ``SC2086``), upper-cased as dlint's selectors expect."""
    if value is None:
        return ()
    codes = _strings(value, key, fail)
    for code in codes:
        if not code.replace("-", "").isalnum():
            raise fail(key, f"{code!r} is not a rule code such as DL3008")
    return tuple(code.upper() for code in codes)
