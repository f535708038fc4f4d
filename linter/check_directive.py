"""The ``# check=`` parser directive: BuildKit's switches for its build checks.

``# check=skip=JSONArgsRecommended,StageNameCasing;error=true;experimental=all`` at the top of
a Dockerfile turns BuildKit checks off, makes any violation fail the build, and turns on
experimental checks. dlint reads it as BuildKit does (``frontend/dockerfile/linter``):

- only as a parser directive, in the comment block at the top of the file (after an optional
  ``#!`` line); BuildKit has no per-instruction form;
- the value ends at its first space (``skip=A; error=true`` is read as ``skip=A;``);
- up to three ``;``-separated options: ``skip`` and ``experimental`` take ``all`` or a
  comma-separated list of check names, ``error`` takes a boolean (``true``, ``1``, ``t``…);
- ``skip`` never turns off an experimental check, which runs only when ``experimental`` names
  it (or says ``all``).

What BuildKit would reject (an option without ``=``, an unknown option, a value that is not a
boolean, text after a space) is recorded as a problem with its span; the well-formed options
still apply. Check names may also be given as dlint's BK codes. The directive applies to BK
rules only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .patterns import lazy
from .records import NamedTuple
from .source import Problem, Span
from .syntax import WHITESPACE, Dockerfile

if TYPE_CHECKING:
    from .api import Rule

_DIRECTIVE = lazy(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)\s*")
_DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
# What Go's strconv.ParseBool accepts.
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_MAX_OPTIONS = 3


class CheckDirective(NamedTuple):
    """What a ``# check=`` directive asks for; the defaults when there is none."""

    skip: frozenset[str] = frozenset()
    skip_all: bool = False
    error: bool = False
    experimental: frozenset[str] = frozenset()
    experimental_all: bool = False
    problems: tuple[Problem, ...] = ()
    span: Span | None = None

    @property
    def changes_nothing(self) -> bool:
        """Whether no rule is turned off or on (no directive, or only ``error=``)."""
        return not (self.skip or self.skip_all or self.experimental or self.experimental_all)

    def skips(self, rule: type[Rule]) -> bool:
        """Whether the directive turns ``rule`` off (a BuildKit check that is not
        experimental, named in ``skip`` or covered by ``skip=all``)."""
        if not is_buildkit_check(rule) or is_experimental(rule):
            return False
        return self.skip_all or not self.skip.isdisjoint(_names(rule))

    def enables(self, rule: type[Rule]) -> bool:
        """Whether the directive turns on ``rule``, an experimental BuildKit check."""
        if not is_buildkit_check(rule) or not is_experimental(rule):
            return False
        return self.experimental_all or not self.experimental.isdisjoint(_names(rule))

    def raises(self, rule: type[Rule]) -> bool:
        """Whether ``error=true`` makes ``rule``'s findings errors."""
        return self.error and is_buildkit_check(rule)


def is_buildkit_check(rule: type[Rule]) -> bool:
    return rule.code.startswith("BK")


def is_experimental(rule: type[Rule]) -> bool:
    return rule.experimental


def _names(rule: type[Rule]) -> set[str]:
    return {rule.code, *rule.aliases}


def read_check_directive(dockerfile: Dockerfile) -> CheckDirective:
    """The file's ``# check=`` directive, read as BuildKit reads it."""
    found = _find_directive(dockerfile.source.lines)
    if found is None:
        return CheckDirective()
    line, column, value = found
    return _OptionParser(line, column).parse(value)


def _find_directive(lines: tuple[str, ...]) -> tuple[int, int, str] | None:
    """(line, column of the value, value) of the first ``check`` directive at the top."""
    start = 1 if lines and lines[0].startswith("#!") else 0
    for index in range(start, len(lines)):
        line = lines[index]
        content = line.lstrip(WHITESPACE)
        match = _DIRECTIVE.fullmatch(content)
        if match is None or match.group(1).lower() not in _DIRECTIVE_NAMES:
            return None
        if match.group(1).lower() == "check":
            column = len(line) - len(content) + match.start(2) + 1
            return index + 1, column, match.group(2)
    return None


class _OptionParser:
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column
        self.problems: list[Problem] = []
        self.skip: frozenset[str] = frozenset()
        self.skip_all = False
        self.error = False
        self.experimental: frozenset[str] = frozenset()
        self.experimental_all = False

    def span(self, start: int, end: int) -> Span:
        return Span(self.line, self.column + start, self.line, self.column + max(end, start + 1))

    def problem(self, start: int, end: int, message: str) -> None:
        self.problems.append(Problem(self.span(start, end), message))

    def parse(self, value: str) -> CheckDirective:
        read, space, ignored = value.partition(" ")
        if space:
            rest = len(read) + 1
            self.problem(
                rest,
                len(value),
                f"BuildKit reads the check directive only up to the first space, so "
                f"{ignored.strip()!r} is ignored and the build fails: remove the spaces",
            )
        offset = 0
        parts = read.split(";", _MAX_OPTIONS - 1)
        for number, part in enumerate(parts):
            if part or not space:
                self.option(part, offset, last=number == len(parts) - 1)
            offset += len(part) + 1
        return CheckDirective(
            self.skip,
            self.skip_all,
            self.error,
            self.experimental,
            self.experimental_all,
            tuple(self.problems),
            self.span(0, len(value)),
        )

    def option(self, part: str, offset: int, last: bool) -> None:
        key, equals, raw = part.partition("=")
        end = offset + len(part)
        if not equals:
            self.problem(
                offset,
                end,
                f"invalid check option {part!r}: write skip=…, error=… or experimental=…",
            )
            return
        if last and ";" in raw:
            self.problem(
                offset,
                end,
                f"the check directive takes at most {_MAX_OPTIONS} options separated by ';': "
                f"{part!r} is not read as separate options",
            )
            return
        name = key.strip()
        text = raw.strip()
        if name == "skip":
            self.skip_all = text == "all"
            self.skip = frozenset() if self.skip_all else _list(text)
        elif name == "experimental":
            self.experimental_all = text == "all"
            self.experimental = frozenset() if self.experimental_all else _list(text)
        elif name == "error":
            if text in _TRUE or text in _FALSE:
                self.error = text in _TRUE
            else:
                self.problem(
                    offset + len(key) + 1,
                    end,
                    f"error={text!r} is not a boolean: write error=true or error=false",
                )
        else:
            self.problem(
                offset,
                offset + len(key),
                f"invalid check option {name!r}: the options are skip, error and experimental",
            )


def _list(text: str) -> frozenset[str]:
    return frozenset(name.strip() for name in text.split(",") if name.strip())
