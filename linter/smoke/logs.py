"""Scan the startup logs for the lines the deployment contract forbids, and the ones it needs.

Errors: ❌, ``ERROR``, ``CRITICAL``, ``Traceback``, ``BinaryNotFoundError`` (Prisma's missing
engine) and each ``--fail-on-log`` pattern. Warnings: ⚠️. Both fail the run: a healthy
container's startup log has neither. ``ERROR`` and ``CRITICAL`` match as upper-case words only,
so that ``error_count=0`` or ``on_error`` stay quiet.

Patterns match the log as the app wrote it (an ``--expect-log`` line may well contain a value
that is masked in output); the lines kept for the report are redacted first, and only then
cut to length, so that no part of a secret survives either step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .printable import printable

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
    text: str,
    fail_on: Sequence[re.Pattern[str]],
    expect: Sequence[re.Pattern[str]],
    redact: Callable[[str], str] = lambda line: line,
) -> LogScan:
    """Each line is reported once, as an error before a warning; ``redact`` masks the lines
    kept for the report."""
    scan = LogScan()
    errors = [*ERROR_PATTERNS, *((pattern.pattern, pattern) for pattern in fail_on)]
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if name := _first_match(errors, line):
            scan.errors.append(LogLine(number, _shown(line, redact), name))
        elif name := _first_match(WARNING_PATTERNS, line):
            scan.warnings.append(LogLine(number, _shown(line, redact), name))
    scan.missing_expected = [
        pattern.pattern for pattern in expect if not any(pattern.search(line) for line in lines)
    ]
    return scan


def tail(text: str, count: int = 20, redact: Callable[[str], str] = lambda t: t) -> list[str]:
    """The last ``count`` lines, for the report: redacted as a whole (a secret may span lines),
    then line by line once printable (an escape code may split a secret)."""
    return [redact(printable(line)) for line in redact(text).splitlines()[-count:]]


def _shown(line: str, redact: Callable[[str], str]) -> str:
    """A log line as the report shows it: printable, redacted, then cut to length."""
    line = redact(printable(redact(line)))
    return line if len(line) <= MAX_LINE else line[:MAX_LINE] + "…"


def _first_match(patterns: Sequence[tuple[str, re.Pattern[str]]], line: str) -> str | None:
    return next((name for name, pattern in patterns if pattern.search(line)), None)
