"""GitLab Code Quality: the Code Climate issue format GitLab shows in merge requests.

A JSON array of issues, each with ``description``, ``check_name``, ``fingerprint``, ``severity``
and ``location`` (``path`` from the repository root, ``lines.begin``), the keys GitLab requires.
GitLab compares fingerprints between the target branch and the merge request to show what is
new or fixed, so they must not depend on line numbers. dlint's four levels map onto GitLab's
severities in order: style ``info``, info ``minor``, warning ``major``, error ``critical``.
"""

from __future__ import annotations

import json
from typing import Any

from ..api import Finding, Level
from . import Report
from .fingerprints import fingerprints
from .locations import repository_path

SEVERITIES = {
    Level.STYLE: "info",
    Level.INFO: "minor",
    Level.WARNING: "major",
    Level.ERROR: "critical",
}
CATEGORIES = {
    Level.STYLE: "Style",
    Level.INFO: "Clarity",
    Level.WARNING: "Bug Risk",
    Level.ERROR: "Bug Risk",
}


def render(report: Report) -> str:
    issues = [
        _issue(finding, fingerprint)
        for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": f"{finding.code} {finding.name}: {finding.message}",
        "categories": [CATEGORIES[finding.level]],
        "severity": SEVERITIES[finding.level],
        "fingerprint": fingerprint,
        "location": {
            "path": repository_path(finding.path),
            "lines": {"begin": span.line, "end": span.end_line},
        },
    }
