"""dlint's positions in the editor's terms.

dlint counts 1-based lines split on ``\\n`` (a ``\\r`` before it dropped) and 1-based columns
in characters, an end column just after the span (see :mod:`dockerfile_dlint.source`). The
Language Server Protocol counts 0-based lines and, within a line, units of the encoding the
client and server agreed on: UTF-16 code units unless the client offers UTF-8 or UTF-32 (a
character outside the Basic Multilingual Plane, an emoji in a LABEL say, is two UTF-16
units). Positions past a line's end or the file's end are moved back to it, as clients expect.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from ..source import BOM, Span


# A lone surrogate (a client can send one, escaped in JSON) counts as the one unit it is.
def _utf16(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


UNITS: dict[str, Callable[[str], int]] = {
    types.PositionEncodingKind.Utf16: _utf16,
    types.PositionEncodingKind.Utf8: _utf8,
    types.PositionEncodingKind.Utf32: len,
}


class LineIndex:
    """The lines of a text as dlint numbers them, and positions in them for the client."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.units = UNITS.get(encoding, _utf16)
        # dlint drops a byte-order mark; a client that kept it counts it on line 1.
        self.bom = self.units(BOM) if text.startswith(BOM) else 0
        if self.bom:
            self.lines[0] = self.lines[0][1:]

    def position(self, line: int, column: int) -> types.Position:
        """The client's position of dlint's ``line``:``column``."""
        if line < 1:
            return types.Position(0, 0)
        if line > len(self.lines):
            line, column = len(self.lines), len(self.lines[-1]) + 1
        text = self.lines[line - 1]
        character = self.units(text[: max(column - 1, 0)])
        return types.Position(line - 1, character + (self.bom if line == 1 else 0))

    def range(self, span: Span) -> types.Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        if _key(end) < _key(start):
            end = start
        return types.Range(start, end)

    def end(self) -> types.Position:
        """The position just after the text's last character."""
        return self.position(len(self.lines), len(self.lines[-1]) + 1)


def _key(position: types.Position) -> tuple[int, int]:
    return (position.line, position.character)


def contains(outer: types.Range, position: types.Position) -> bool:
    """Whether ``position`` lies in ``outer``, its ends included (a cursor just after a
    finding's last character is still on it)."""
    return _key(outer.start) <= _key(position) <= _key(outer.end)


def overlaps(one: types.Range, other: types.Range) -> bool:
    """Whether two ranges share a position, ends included."""
    return _key(one.start) <= _key(other.end) and _key(other.start) <= _key(one.end)
