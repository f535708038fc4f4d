"""Output formats for findings: ``text`` for people, the others for tools and CI servers.

Each format is a module with ``render(report) -> str``, imported only when it is asked for, so
that the check path of a pre-commit hook loads the text renderer and nothing else. A format
whose document can be large also has ``write(report, stream)``, which writes it piece by piece.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from ..records import Value

if TYPE_CHECKING:
    from ..api import Finding, Level, Rule
    from ..engine import FileResult

# Format name -> module in this package (each has ``render(report) -> str``).
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "checkstyle": "checkstyle",
}


class Report(Value):
    """What a run found: the findings sorted by file, line, column and code; each file's result
    (its decoded source, for showing lines and for fingerprints); the rules that ran, at their
    levels for this run (formats that describe the rules need them); rule crashes."""

    _fields = ("findings", "results", "rules", "levels", "internal_errors", "color")
    __slots__ = _fields

    def __init__(
        self,
        findings: Sequence[Finding],
        results: Sequence[FileResult],
        rules: Sequence[type[Rule]] = (),
        levels: Mapping[str, Level] | None = None,
        internal_errors: Sequence[str] = (),
        color: bool = False,
    ) -> None:
        self.findings = findings
        self.results = results
        self.rules = rules
        self.levels: Mapping[str, Level] = {} if levels is None else levels
        self.internal_errors = internal_errors
        self.color = color


def render(format_name: str, report: Report) -> str:
    module = importlib.import_module(f"{__name__}.{FORMATS[format_name]}")
    text: str = module.render(report)
    return text


def write(format_name: str, report: Report, stream: TextIO) -> None:
    module = importlib.import_module(f"{__name__}.{FORMATS[format_name]}")
    if hasattr(module, "write"):
        module.write(report, stream)
    else:
        stream.write(module.render(report))
