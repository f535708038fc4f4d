"""Checkstyle XML, read by Jenkins (Warnings Next Generation), Bitbucket, TeamCity and others.

Every file linted gets a ``<file>`` element, with or without errors, as Checkstyle writes it:
servers count the files checked. Checkstyle has three severities, so dlint's ``style`` and
``info`` are both ``info``; the rule code is the ``source``. Characters XML 1.0 cannot carry
(control characters from a binary file's text) become U+FFFD, so the document always parses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from xml.sax.saxutils import quoteattr

from ..api import Finding, Level
from . import Report

SEVERITIES = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "info",
    Level.STYLE: "info",
}
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(report: Report) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[finding.path].append(finding)
    paths = sorted({result.path for result in report.results} | set(by_file))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for path in paths:
        findings = by_file.get(path, [])
        if not findings:
            lines.append(f"  <file name={_attribute(path)}/>")
            continue
        lines.append(f"  <file name={_attribute(path)}>")
        lines.extend(f"    {_error(finding)}" for finding in findings)
        lines.append("  </file>")
    lines.append("</checkstyle>")
    return "\n".join(lines) + "\n"


def _error(finding: Finding) -> str:
    attributes = {
        "line": str(finding.span.line),
        "column": str(finding.span.column),
        "severity": SEVERITIES[finding.level],
        "message": finding.message,
        "source": finding.code,
    }
    listed = " ".join(f"{key}={_attribute(value)}" for key, value in attributes.items())
    return f"<error {listed}/>"


def _attribute(value: str) -> str:
    return quoteattr(NOT_XML.sub("\ufffd", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
