"""Which rules run, at which level, and when a run fails: settings resolved against the rules.

A selector is a rule code (``DL3006``), a code prefix (``DL3``, ``DP``), a rule name
(``untagged-image``), an alias or ``ALL``. Rules that are off by default run only when a
selector names them exactly.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from .api import Level, Rule
from .config import ConfigError, Settings
from .patterns import lazy
from .records import Value

CODE_LIKE = lazy(r"[A-Z]+[0-9]*")


class Selection(Value):
    """The enabled rules and their levels, per-file ignores and the failure threshold.

    ``experimental`` holds the experimental rules that are off but not ignored: a file's
    ``# check=experimental=…`` directive may turn them on. ``configured`` holds the codes whose
    level the configuration sets: their findings take it; the others keep the level the rule
    gave each finding (a rule may report some findings milder than its level).
    """

    _fields = (
        *("rules", "levels", "threshold", "per_file_ignores", "root", "options"),
        *("experimental", "honour_pragmas", "chosen", "ignored", "level_names"),
        *("shellcheck", "configured"),
    )
    __slots__ = _fields

    def __init__(
        self,
        rules: tuple[type[Rule], ...],
        levels: dict[str, Level],
        threshold: Level | None,
        per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = (),
        root: Path | None = None,
        options: Mapping[str, Any] | None = None,
        experimental: tuple[type[Rule], ...] = (),
        honour_pragmas: bool = True,
        chosen: tuple[str, ...] | None = None,
        ignored: tuple[str, ...] = (),
        level_names: Mapping[str, str] | None = None,
        shellcheck: bool = False,
        configured: frozenset[str] = frozenset(),
    ) -> None:
        self.rules = rules
        self.levels = levels
        self.threshold = threshold
        self.per_file_ignores = per_file_ignores
        self.root = root
        self.options: Mapping[str, Any] = {} if options is None else options
        self.experimental = experimental
        self.honour_pragmas = honour_pragmas
        self.chosen = chosen
        self.ignored = ignored
        self.level_names: Mapping[str, str] = {} if level_names is None else level_names
        self.shellcheck = shellcheck
        self.configured = configured

    def ignored_codes(self, path: str) -> frozenset[str]:
        """Codes ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        relative = _relative(path, self.root)
        codes: set[str] = set()
        for pattern, selectors in self.per_file_ignores:
            if _glob_matches(relative, pattern):
                codes.update(
                    rule.code for rule in self.rules if any(matches(s, rule) for s in selectors)
                )
        return frozenset(codes)

    def wants_code(self, code: str) -> bool:
        """Whether a finding of an outside tool (ShellCheck's ``SC2086``) is reported:
        ``select`` (if any) and ``ignore`` judged by code and prefix."""
        if any(_names_code(selector, code) for selector in self.ignored):
            return False
        return self.chosen is None or any(_names_code(s, code) for s in self.chosen)

    def may_want(self, prefix: str) -> bool:
        """Whether some code starting with ``prefix`` could be reported (``SC``: is running
        ShellCheck worth it?)."""
        if any(s == "ALL" or prefix.startswith(s.upper()) for s in self.ignored):
            return False
        return self.chosen is None or any(
            s == "ALL" or s.upper().startswith(prefix) or prefix.startswith(s.upper())
            for s in self.chosen
        )

    def code_level(self, code: str, default: Level) -> Level | None:
        """An outside code's level after ``levels`` (most specific selector); None: off."""
        best: tuple[int, str] | None = None
        for selector, level in self.level_names.items():
            if _names_code(selector, code):
                rank = 0 if selector == "ALL" else len(selector)
                if best is None or rank >= best[0]:
                    best = (rank, level)
        if best is None:
            return default
        return None if best[1] == "off" else Level.parse(best[1])

    def ignored_in(self, path: str, code: str) -> bool:
        """Whether ``per-file-ignores`` switches an outside code off for ``path``."""
        if not self.per_file_ignores:
            return False
        relative = _relative(path, self.root)
        return any(
            _glob_matches(relative, pattern) and any(_names_code(s, code) for s in selectors)
            for pattern, selectors in self.per_file_ignores
        )

    def fails(self, levels: Iterable[Level]) -> bool:
        """True when any finding's level reaches the failure threshold."""
        return self.threshold is not None and any(level >= self.threshold for level in levels)


def matches(selector: str, rule: type[Rule]) -> bool:
    """Whether ``selector`` names ``rule`` (by code, prefix, name, alias or ALL)."""
    return (
        selector == "ALL"
        or (
            rule.code.startswith(selector.upper())
            and CODE_LIKE.fullmatch(selector.upper()) is not None
        )
        or selector.lower() == rule.name
        or selector in rule.aliases
    )


def names_exactly(selector: str, rule: type[Rule]) -> bool:
    return (
        selector.upper() == rule.code or selector.lower() == rule.name or selector in rule.aliases
    )


def build_selection(
    settings: Settings,
    rules: Sequence[type[Rule]],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    failure_threshold: str | None = None,
) -> Selection:
    """Resolve config and CLI selectors: ``--select`` replaces, ``--ignore`` adds."""
    origin = str(settings.path) if settings.path else "configuration"
    checked = [
        (settings.select or (), f"{origin}: select"),
        (settings.ignore, f"{origin}: ignore"),
        (tuple(settings.levels), f"{origin}: levels"),
        (select, "--select"),
        (ignore, "--ignore"),
    ]
    checked.extend(
        (selectors, f"{origin}: per-file-ignores")
        for selectors in settings.per_file_ignores.values()
    )
    for selectors, where in checked:
        for selector in selectors:
            _validate(selector, rules, where)
    chosen = tuple(select) if select else settings.select
    ignored = (*settings.ignore, *ignore)
    enabled = []
    experimental = []
    levels: dict[str, Level] = {}
    configured = set()
    for rule in rules:
        if any(matches(s, rule) for s in ignored):
            continue
        level = _level_override(rule, settings.levels)
        if level == "off":
            continue
        if _selected(rule, chosen):
            enabled.append(rule)
        elif rule.experimental and (chosen is None or any(matches(s, rule) for s in chosen)):
            experimental.append(rule)
        else:
            continue
        levels[rule.code] = Level.parse(level) if level else rule.level
        if level:
            configured.add(rule.code)
    threshold_name = (failure_threshold or settings.failure_threshold).lower()
    threshold = None if threshold_name == "none" else Level.parse(threshold_name)
    return Selection(
        tuple(enabled),
        levels,
        threshold,
        tuple(settings.per_file_ignores.items()),
        settings.root,
        settings.options,
        tuple(experimental),
        settings.ignore_pragmas,
        None if chosen is None else tuple(chosen),
        tuple(ignored),
        dict(settings.levels),
        configured=frozenset(configured),
    )


def _names_code(selector: str, code: str) -> bool:
    upper = selector.upper()
    return selector == "ALL" or (CODE_LIKE.fullmatch(upper) is not None and code.startswith(upper))


def _selected(rule: type[Rule], chosen: Sequence[str] | None) -> bool:
    if chosen is None:
        return rule.enabled_by_default
    if rule.enabled_by_default:
        return any(matches(selector, rule) for selector in chosen)
    return any(names_exactly(selector, rule) for selector in chosen)


def _level_override(rule: type[Rule], levels: Mapping[str, str]) -> str | None:
    """The level of the most specific selector naming the rule (exact, then longest prefix)."""
    best: tuple[int, str] | None = None
    for selector, level in levels.items():
        if names_exactly(selector, rule):
            rank = 1000
        elif matches(selector, rule):
            rank = 0 if selector == "ALL" else len(selector)
        else:
            continue
        if best is None or rank >= best[0]:
            best = (rank, level)
    return best[1] if best else None


def _validate(selector: str, rules: Sequence[type[Rule]], where: str) -> None:
    if selector == "ALL" or CODE_LIKE.fullmatch(selector):
        return
    if any(names_exactly(selector, rule) for rule in rules):
        return
    raise ConfigError(
        f"{where}: unknown rule {selector!r} (use a code such as DL3006 or a rule name)"
    )


def _relative(path: str, root: Path | None) -> str:
    resolved = Path(path).resolve()
    if root is not None:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return PurePosixPath(path).as_posix()


def _glob_matches(relative: str, pattern: str) -> bool:
    if "/" not in pattern:
        return fnmatch.fnmatchcase(PurePosixPath(relative).name, pattern)
    return fnmatch.fnmatchcase(relative, pattern)
