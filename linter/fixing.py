"""Apply the fixes rules attach to findings, keeping everything else exactly as written.

Each pass lints the text, takes the wanted fixes whose edits do not overlap (the others wait
for the next pass), and applies them from the end of the file backwards, so that offsets stay
valid. A pass whose result gains a finding code the file did not have is retried fix by fix,
keeping only the fixes that add nothing new. Passes repeat until no fix is left or the text
stops changing, at most ``MAX_PASSES`` times, so ``--fix`` twice gives what ``--fix`` once
gives. Line endings (LF or CRLF) and a byte-order mark are kept; a file that is not valid
UTF-8 is never rewritten, since writing it back would change bytes nobody asked to change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .api import Finding
from .edits import Edit, Fix
from .engine import FileResult, lint_bytes
from .selection import Selection, matches

MAX_PASSES = 10
BOM = "\ufeff"


@dataclass(frozen=True)
class FixOutcome:
    """The fixed text (None when nothing changed or the file cannot be fixed), how many
    findings the fixes removed, and why the file was left alone if it was."""

    data: bytes | None
    fixed: int
    skipped: str | None = None


def fix_bytes(
    data: bytes,
    display: str,
    selection: Selection,
    context: Path | None,
    wanted: Callable[[Finding], bool],
) -> FixOutcome:
    """Apply every wanted fix to ``data`` (the file's bytes), in passes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FixOutcome(None, 0, "not valid UTF-8: not rewritten")
    bom = text.startswith(BOM)
    body = text[1:] if bom else text
    newline = "\r\n" if "\r\n" in body else "\n"

    def lint(content: str) -> FileResult:
        encoded = ((BOM if bom else "") + content).encode("utf-8")
        return lint_bytes(encoded, display, selection, context)

    first = lint(body)
    baseline = {finding.code for finding in first.findings}
    fixable_before = sum(1 for finding in first.findings if finding.fix and wanted(finding))
    current, result = body, first
    rejected: set[Fix] = set()  # fixes that brought a new finding code: not tried again
    for _ in range(MAX_PASSES):
        fixes = [
            f.fix
            for f in result.findings
            if f.fix is not None and wanted(f)
            if f.fix not in rejected
        ]
        if not fixes:
            break
        changed = _apply(current, _compatible(current, fixes), newline)
        changed_result = lint(changed)
        if not {f.code for f in changed_result.findings} <= baseline:
            changed, changed_result = _one_by_one(current, fixes, newline, baseline, lint, rejected)
        if changed == current:
            break
        current, result = changed, changed_result
    if current == body:
        return FixOutcome(None, 0)
    fixable_after = sum(1 for finding in result.findings if finding.fix and wanted(finding))
    fixed = max(len(first.findings) - len(result.findings), fixable_before - fixable_after)
    return FixOutcome(((BOM if bom else "") + current).encode("utf-8"), fixed)


def wanted_fixes(
    unsafe: bool, only: Sequence[str], selection: Selection
) -> Callable[[Finding], bool]:
    """Which findings' fixes to apply: safe ones (unsafe too with ``unsafe``), of the rules
    ``only`` names when given."""
    rules = {rule.code: rule for rule in selection.rules}

    def wanted(finding: Finding) -> bool:
        fix = finding.fix
        if fix is None or not (fix.safe or unsafe):
            return False
        if not only:
            return True
        rule = rules.get(finding.code)
        return rule is not None and any(matches(selector, rule) for selector in only)

    return wanted


def _one_by_one(
    text: str,
    fixes: list[Fix],
    newline: str,
    baseline: set[str],
    lint: Callable[[str], FileResult],
    rejected: set[Fix],
) -> tuple[str, FileResult]:
    """Apply fixes one at a time, keeping those that bring no new finding code; the others
    go into ``rejected``."""
    current = text
    result = lint(current)
    for fix in fixes:
        if not _compatible(current, [fix]):
            continue
        candidate = _apply(current, [fix], newline)
        candidate_result = lint(candidate)
        if {f.code for f in candidate_result.findings} <= baseline:
            current, result = candidate, candidate_result
        else:
            rejected.add(fix)
    return current, result


def _compatible(text: str, fixes: list[Fix]) -> list[Fix]:
    """Fixes whose edits touch no region another chosen fix touches (first come first)."""
    starts = _line_starts(text)
    taken: list[tuple[int, int]] = []
    chosen = []
    for fix in fixes:
        ranges = [_range(starts, text, edit) for edit in fix.edits]
        if any(r is None for r in ranges):
            continue
        if any(_overlaps(r, other) for r in ranges if r for other in taken):
            continue
        taken.extend(r for r in ranges if r)
        chosen.append(fix)
    return chosen


def _overlaps(one: tuple[int, int], other: tuple[int, int]) -> bool:
    if one[0] == one[1] or other[0] == other[1]:  # insertions: same place is a conflict
        return other[0] <= one[0] <= other[1] or one[0] <= other[0] <= one[1]
    return one[0] < other[1] and other[0] < one[1]


def _apply(text: str, fixes: list[Fix], newline: str) -> str:
    starts = _line_starts(text)
    edits: list[tuple[int, int, str]] = []
    for fix in fixes:
        for edit in fix.edits:
            found = _range(starts, text, edit)
            if found is not None:
                edits.append((found[0], found[1], edit.text.replace("\n", newline)))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _range(starts: list[int], text: str, edit: Edit) -> tuple[int, int] | None:
    """The offsets of an edit's span, or None when it lies outside the text."""
    start = _offset(starts, text, edit.span.line, edit.span.column)
    end = _offset(starts, text, edit.span.end_line, edit.span.end_column)
    if start is None or end is None or end < start:
        return None
    return start, end


def _offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    if line == len(starts) + 1 and column == 1:
        return len(text)  # just past the last line
    if not 0 < line <= len(starts):
        return None
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    if end > start and text[end - 1] == "\r" and line < len(starts):
        end -= 1
    offset = start + column - 1
    return offset if start <= offset <= end else None
