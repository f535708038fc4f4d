"""JSON output: an array of findings with hadolint's keys, plus ``name`` and end positions."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..api import Finding
from . import Report


def finding_record(finding: Finding) -> dict[str, object]:
    span = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "level": finding.level.label,
        "file": finding.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": finding.message,
    }


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps([finding_record(finding) for finding in findings], indent=2) + "\n"


def render(report: Report) -> str:
    return render_json(report.findings)
