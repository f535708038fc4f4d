"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message``. GitHub matches the file
by its path from the repository root. Property values escape ``%``, CR, LF, ``:`` and ``,``;
the message escapes ``%``, CR and LF, so a multi-line message stays one command.
"""

from __future__ import annotations

from ..api import Finding, Level
from . import Report
from .locations import repository_path

COMMANDS = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "notice",
    Level.STYLE: "notice",
}


def render(report: Report) -> str:
    return "".join(_command(finding) + "\n" for finding in report.findings)


def _command(finding: Finding) -> str:
    span = finding.span
    properties = {
        "file": repository_path(finding.path),
        "line": span.line,
        "col": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
        "title": f"{finding.code} {finding.name}",
    }
    listed = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{COMMANDS[finding.level]} {listed}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
