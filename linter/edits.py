"""Fixes as data: text edits on exact spans that a rule attaches to its finding.

A rule that can repair what it reports says how, as replacements of regions of the file
(``Edit``); ``dlint check --fix`` applies them (see :mod:`dockerfile_dlint.fixing`). Edits are
written with ``\\n`` line breaks: they are written with the file's own line endings.
"""

from __future__ import annotations

from .records import NamedTuple
from .source import Span


class Edit(NamedTuple):
    """Replace ``span`` (end exclusive) with ``text``; an empty span inserts."""

    span: Span
    text: str

    @classmethod
    def insert(cls, line: int, column: int, text: str) -> Edit:
        return cls(Span(line, column, line, column), text)

    @classmethod
    def insert_line_before(cls, line: int, text: str) -> Edit:
        """A whole new line above ``line`` (``text`` without its line break)."""
        return cls.insert(line, 1, text + "\n")


class Fix(NamedTuple):
    """How to repair one finding. ``safe`` fixes keep what the image does; unsafe ones may
    change behaviour (exposure, a command's meaning) and need ``--unsafe-fixes``."""

    edits: tuple[Edit, ...]
    safe: bool = True
    title: str = ""
