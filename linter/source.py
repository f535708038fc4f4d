"""Bytes to text, and positions back from text to the file.

Docker reads a Dockerfile as bytes split on ``\\n`` (a ``\\r`` before it is dropped, a UTF-8
byte-order mark on the first line is dropped). dlint decodes the bytes as UTF-8 so that rules work
on text, and reports what does not decode instead of failing. Every position dlint reports is a
1-based line and a 1-based column counted in characters of that physical line; an end column is
exclusive (the column just after the last character), as in SARIF.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from .patterns import lazy
from .records import NamedTuple, Record

BOM = "\ufeff"
_BINARY_SHARE = 0.10
# Characters that do not occur in text: replacement characters (undecodable bytes) and control
# characters other than tab, newline, vertical tab, form feed and carriage return.
_NOT_TEXT = lazy(r"[\ufffd\x00-\x08\x0e-\x1f]")


class Span(NamedTuple):
    """A region of the file: start line:column to end line:column (end column exclusive).

    A named tuple rather than a frozen dataclass: every word, flag and command has a span, a
    run over a monorepo makes millions, and a tuple is made in half the time. It is as
    immutable, and compares and sorts the same (field by field).
    """

    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, int]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


class Problem(NamedTuple):
    """Something in the input that is not a valid Dockerfile, with where it is."""

    span: Span
    message: str
    fatal: bool = False


class Source(NamedTuple):
    """A decoded Dockerfile: its physical lines and what went wrong decoding it."""

    path: str
    lines: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    crlf: bool = False
    binary: bool = False

    def line_text(self, line: int) -> str:
        """The text of a 1-based physical line, or '' past the end."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


class MappedText(Record):
    """Text assembled from pieces of physical lines, mapping each offset back to line:column.

    Docker joins continued lines before it reads an instruction; rules and the shell parser work
    on that joined text, and report positions in the file through this map. ``pieces`` holds,
    for each contiguous piece, (offset in ``text``, line, column) of its first character.
    Read-only; equal when text and pieces are.
    """

    _fields = ("text", "pieces")
    __slots__ = ("_starts", "pieces", "text")

    def __init__(self, text: str, pieces: tuple[tuple[int, int, int], ...]) -> None:
        self.text = text
        self.pieces = pieces
        # The offsets of the pieces, searched by position(); made on first use only, since
        # most texts are one piece (one line) and never need a search.
        self._starts: tuple[int, ...] | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MappedText):
            return NotImplemented
        return self.text == other.text and self.pieces == other.pieces

    def __hash__(self) -> int:
        return hash((self.text, self.pieces))

    @classmethod
    def single(cls, text: str, line: int, column: int) -> MappedText:
        """Text that lies on one physical line starting at line:column."""
        return cls(text, ((0, line, column),))

    @classmethod
    def of_file(cls, text: str) -> MappedText:
        """The whole text of a file (a script, say), its lines numbered from 1."""
        pieces = [(0, 1, 1)]
        start = text.find("\n")
        line = 2
        while start >= 0:
            pieces.append((start + 1, line, 1))
            start = text.find("\n", start + 1)
            line += 1
        return cls(text, tuple(pieces))

    def position(self, offset: int) -> tuple[int, int]:
        """The line:column of the character at ``offset`` (or just past the end)."""
        pieces = self.pieces
        if len(pieces) == 1:
            start, line, column = pieces[0]
            return line, column + offset - start
        if not pieces:
            return (1, 1)
        start, line, column = pieces[self._piece_at(offset)]
        return line, column + offset - start

    def span(self, start: int, end: int) -> Span:
        """The file region of text[start:end]."""
        pieces = self.pieces
        if len(pieces) == 1:  # most text lies on one line: no search
            piece_start, line, column = pieces[0]
            column += start - piece_start
            return Span(line, column, line, column + max(end - start, 0))
        if not pieces:  # only an empty text has no pieces: position() gives 1:1 for all
            return Span(1, 1, 1, 1 if end <= start else 2)
        starts = self._offsets()
        first = max(bisect_right(starts, start) - 1, 0)
        piece_start, line, column = pieces[first]
        column += start - piece_start
        if end <= start:
            return Span(line, column, line, column)
        last = max(bisect_right(starts, end - 1, first) - 1, 0)
        piece_start, end_line, end_column = pieces[last]
        return Span(line, column, end_line, end_column + end - piece_start)

    def spans(self, regions: Iterable[tuple[int, int]]) -> list[Span]:
        """The spans of text[start:end] for many (start, end), each starting at or after the
        one before: one walk along the pieces instead of a search for each."""
        pieces = self.pieces
        if len(pieces) < 2:
            return [self.span(start, end) for start, end in regions]
        found = []
        last_piece = len(pieces) - 1
        index = 0
        for start, end in regions:
            while index < last_piece and pieces[index + 1][0] <= start:
                index += 1
            piece_start, line, column = pieces[index]
            column += start - piece_start
            if end <= start:
                found.append(Span(line, column, line, column))
                continue
            end_index = index
            while end_index < last_piece and pieces[end_index + 1][0] < end:
                end_index += 1
            piece_start, end_line, end_column = pieces[end_index]
            found.append(Span(line, column, end_line, end_column + end - piece_start))
        return found

    def slice(self, start: int, end: int) -> MappedText:
        """The sub-text text[start:end] keeping its positions."""
        end = min(end, len(self.text))
        start = min(max(start, 0), end)
        line, column = self.position(start)
        pieces = [(0, line, column)]
        index = bisect_right(self._offsets(), start)
        while index < len(self.pieces) and self.pieces[index][0] < end:
            offset, piece_line, piece_column = self.pieces[index]
            pieces.append((offset - start, piece_line, piece_column))
            index += 1
        return MappedText(self.text[start:end], tuple(pieces))

    def _offsets(self) -> tuple[int, ...]:
        starts = self._starts
        if starts is None:
            starts = tuple(piece[0] for piece in self.pieces)
            self._starts = starts
        return starts

    def _piece_at(self, offset: int) -> int:
        """The index of the piece holding ``offset`` (the first piece for an offset before it)."""
        return max(bisect_right(self._offsets(), offset) - 1, 0)

    @classmethod
    def join(cls, parts: Sequence[MappedText]) -> MappedText:
        """Concatenate mapped texts, keeping each part's positions."""
        if len(parts) == 1:  # an instruction on one line: the text as it is
            return parts[0]
        text: list[str] = []
        pieces: list[tuple[int, int, int]] = []
        offset = 0
        for part in parts:
            text.append(part.text)
            pieces.extend((offset + o, line, column) for o, line, column in part.pieces)
            offset += len(part.text)
        return cls("".join(text), tuple(pieces))


def decode(data: bytes, path: str = "Dockerfile") -> Source:
    """Decode a Dockerfile's bytes; undecodable input becomes problems with positions."""
    problems: list[Problem] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # The file decodes to no lines: the problem is an empty span at 1:1, the one place
        # that lies inside any file (the byte-order mark is not a character of a line).
        problem = Problem(
            Span(1, 1, 1, 1),
            "file is UTF-16 encoded; Docker reads a Dockerfile as UTF-8",
            fatal=True,
        )
        return Source(path, (), (problem,), binary=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        problems.append(_invalid_utf8(data, error))
    if text.startswith(BOM):
        text = text[1:]
    if _looks_binary(text):
        problem = Problem(Span(1, 1, 1, 1), "binary data, not a Dockerfile", fatal=True)
        return Source(path, (), (problem,), binary=True)
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    crlf = "\r" in text and any(line.endswith("\r") for line in raw_lines)
    if crlf:
        lines = tuple(line[:-1] if line.endswith("\r") else line for line in raw_lines)
    else:
        lines = tuple(raw_lines)
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        count = text.count("\0")
        problems.append(
            Problem(Span(line, column, line, column + 1), f"NUL byte in the file ({count} in all)")
        )
    return Source(path, lines, tuple(problems), crlf=crlf)


def _invalid_utf8(data: bytes, error: UnicodeDecodeError) -> Problem:
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    prefix = data[line_start : error.start]
    if line == 1 and prefix.startswith(b"\xef\xbb\xbf"):
        prefix = prefix[3:]
    column = len(prefix.decode("utf-8", errors="replace")) + 1
    bad = data[error.start : error.end].hex(" ")
    return Problem(
        Span(line, column, line, column + 1),
        f"invalid UTF-8 (byte {bad}); Docker reads a Dockerfile as UTF-8",
    )


def _looks_binary(text: str) -> bool:
    """True for data that is not text: many replacement or control characters."""
    sample = text[:8192]
    if not sample:
        return False
    return len(_NOT_TEXT.findall(sample)) > _BINARY_SHARE * len(sample)
