"""Scan the startup logs for the lines the deployment contract forbids, and the ones it needs.

Errors: ❌, ``ERROR``, ``CRITICAL``, ``Traceback``, ``BinaryNotFoundError`` (Prisma's missing
engine) and each ``--fail-on-log`` pattern. Warnings: ⚠️. Both fail the run: a healthy
container's startup log has neither. ``ERROR`` and ``CRITICAL`` match as upper-case words only,
so that ``error_count=0`` or ``on_error`` stay quiet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

ERROR_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("❌", re.compile("\u274c")),
    ("ERROR", re.compile(r"\bERROR\b")),
    ("CRITICAL", re.compile(r"\bCRITICAL\b")),
    ("Traceback", re.compile(r"\bTraceback\b")),
    ("BinaryNotFoundError", re.compile(r"BinaryNotFoundError")),
)
WARNING_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (("⚠️", re.compile("\u26a0")),)
MAX_LINE = 300


@dataclass(frozen=True)
class LogLine:
    """A log line that matched: its 1-based number, text, and the pattern that matched."""

    number: int
    text: str
    pattern: str


@dataclass
class LogScan:
    errors: list[LogLine] = field(default_factory=list)
    warnings: list[LogLine] = field(default_factory=list)
    missing_expected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.errors or self.warnings or self.missing_expected)


def scan_logs(
    text: str, fail_on: Sequence[re.Pattern[str]], expect: Sequence[re.Pattern[str]]
) -> LogScan:
    """Each line is reported once, as an error before a warning."""
    scan = LogScan()
    errors = [*ERROR_PATTERNS, *((pattern.pattern, pattern) for pattern in fail_on)]
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        shown = line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…"
        if name := _first_match(errors, line):
            scan.errors.append(LogLine(number, shown, name))
        elif name := _first_match(WARNING_PATTERNS, line):
            scan.warnings.append(LogLine(number, shown, name))
    scan.missing_expected = [
        pattern.pattern for pattern in expect if not any(pattern.search(line) for line in lines)
    ]
    return scan


def tail(text: str, count: int = 20) -> list[str]:
    """The last ``count`` lines, for a report on a container that exited."""
    return text.splitlines()[-count:]


def _first_match(patterns: Sequence[tuple[str, re.Pattern[str]]], line: str) -> str | None:
    return next((name for name, pattern in patterns if pattern.search(line)), None)
