"""JSON output: an array of findings with hadolint's keys, plus ``name`` and end positions.

The text is what ``json.dumps(records, indent=2)`` gives, byte for byte, but each finding is
written on its own into a fixed template: with ``indent`` the standard library falls back to its
pure-Python encoder, which for a whole monorepo (60,000 findings) holds millions of small
strings at once, about 140 MB, and takes a second. Strings go through the C escaper that
``json.dumps`` itself uses (ASCII output), integers through ``int.__repr__``, as there.
"""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring_ascii

from ..api import Finding
from . import Report

KEYS = ("code", "name", "level", "file", "line", "column", "end_line", "end_column", "message")
# One finding as json.dumps(..., indent=2) writes an object inside a list; %s: a JSON value.
_OBJECT = "  {\n" + ",\n".join(f"    {encode_basestring_ascii(key)}: %s" for key in KEYS) + "\n  }"


def finding_values(finding: Finding) -> tuple[str, str, str, str, int, int, int, int, str]:
    """The values of a finding's record, in the order of ``KEYS``."""
    span = finding.span
    return (
        finding.code,
        finding.name,
        finding.level.label,
        finding.path,
        span.line,
        span.column,
        span.end_line,
        span.end_column,
        finding.message,
    )


def finding_record(finding: Finding) -> dict[str, str | int]:
    return dict(zip(KEYS, finding_values(finding), strict=True))


def render_json(findings: Sequence[Finding]) -> str:
    if not findings:
        return "[]\n"
    return "[\n" + ",\n".join(map(_object_text, findings)) + "\n]\n"


def _object_text(finding: Finding) -> str:
    code, name, level, path, line, column, end_line, end_column, message = finding_values(finding)
    encode = encode_basestring_ascii
    return _OBJECT % (
        *(encode(code), encode(name), encode(level), encode(path)),
        *(int.__repr__(line), int.__repr__(column)),
        *(int.__repr__(end_line), int.__repr__(end_column), encode(message)),
    )


def render(report: Report) -> str:
    return render_json(report.findings)
