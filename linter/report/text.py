"""Text output: ``file:line:col: CODE level: message``, the source line, a caret under the span."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ..api import Finding, Level
from ..source import Source
from . import Report

WINDOW = 160
_COLORS = {
    Level.ERROR: "31",
    Level.WARNING: "33",
    Level.INFO: "36",
    Level.STYLE: "35",
}


def render(report: Report) -> str:
    sources = {result.path: result.source for result in report.results}
    return render_text(report.findings, sources, report.color)


def render_text(findings: Sequence[Finding], sources: Mapping[str, Source], color: bool) -> str:
    paint = _painter(color)
    blocks = []
    for finding in findings:
        source = sources.get(finding.path)
        line_text = source.line_text(finding.span.line) if source else ""
        blocks.append(_block(finding, line_text, paint))
    if findings:
        blocks.append(_summary(findings, len({finding.path for finding in findings})))
    return "".join(blocks)


def _painter(color: bool) -> Callable[[str, str], str]:
    if not color:
        return lambda text, _code: text
    return lambda text, code: f"\033[{code}m{text}\033[0m"


def _block(finding: Finding, line_text: str, paint: Callable[[str, str], str]) -> str:
    span = finding.span
    level_color = _COLORS[finding.level]
    head = (
        f"{paint(f'{finding.path}:{span.line}:{span.column}:', '1')} "
        f"{paint(finding.code, '1')} {paint(finding.level.label, level_color)}: {finding.message}\n"
    )
    if not line_text:
        return head
    start = max(span.column - 1, 0)
    stop = span.end_column - 1 if span.end_line == span.line else len(line_text)
    stop = max(stop, start + 1)
    offset = max(0, start - WINDOW // 2) if len(line_text) > WINDOW else 0
    shown = _printable(line_text[offset : offset + WINDOW])
    prefix = "".join("\t" if char == "\t" else " " for char in shown[: start - offset])
    carets = "^" * max(1, min(stop, offset + WINDOW) - start)
    gutter = " " * len(str(span.line))
    return f"{head}  {span.line} | {shown}\n  {gutter} | {prefix}{paint(carets, level_color)}\n"


def _printable(text: str) -> str:
    return "".join(char if char >= " " or char == "\t" else "\ufffd" for char in text)


def _summary(findings: Sequence[Finding], files: int) -> str:
    counts = Counter(finding.level for finding in findings)
    parts = [
        f"{counts[level]} {level.label}{'s' if counts[level] != 1 else ''}"
        for level in sorted(counts, reverse=True)
    ]
    total = len(findings)
    noun = "finding" if total == 1 else "findings"
    where = "1 file" if files == 1 else f"{files} files"
    return f"\n{total} {noun} in {where}: {', '.join(parts)}\n"
