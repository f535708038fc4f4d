"""The language server's arithmetic: dlint's spans in the client's units, and the one edit
that turns a text into its fixed version."""

from __future__ import annotations

from dockerfile_dlint.lsp.features import Placed
from dockerfile_dlint.lsp.linting import Linted
from dockerfile_dlint.lsp.positions import LineIndex, contains, overlaps
from dockerfile_dlint.source import Span
from hypothesis import given
from hypothesis import strategies as st
from lspclient import apply_edits
from lsprotocol import types

UTF8 = types.PositionEncodingKind.Utf8
UTF32 = types.PositionEncodingKind.Utf32


def at(line: int, character: int) -> types.Position:
    return types.Position(line, character)


def test_columns_are_counted_in_the_clients_units() -> None:
    text = 'LABEL a="🐳é" b=1\n'
    span = Span(1, 14, 1, 17)  # b=1, after 13 characters
    assert LineIndex(text).range(span) == types.Range(at(0, 14), at(0, 17))
    assert LineIndex(text, UTF8).range(span) == types.Range(at(0, 17), at(0, 20))
    assert LineIndex(text, UTF32).range(span) == types.Range(at(0, 13), at(0, 16))
    assert LineIndex("RUN \ud800 x\n").position(1, 7) == at(0, 6)  # a lone surrogate: one unit


def test_crlf_bom_and_positions_past_the_end() -> None:
    index = LineIndex("\ufeffFROM a\r\nRUN b\r\n")
    assert index.position(1, 1) == at(0, 1)  # the client counts the mark dlint dropped
    assert index.position(2, 6) == at(1, 5)
    assert index.position(2, 60) == at(1, 5)  # the \r is not part of the line
    assert index.position(3, 1) == at(2, 0)
    assert index.position(9, 1) == at(2, 0)
    assert LineIndex("FROM a").position(2, 1) == at(0, 6)
    assert LineIndex("FROM a").end() == at(0, 6)
    assert index.range(Span(2, 3, 1, 1)) == types.Range(at(1, 2), at(1, 2))


def test_ranges_contain_and_overlap_with_their_ends() -> None:
    finding = types.Range(at(2, 4), at(2, 9))
    assert contains(finding, at(2, 4)) and contains(finding, at(2, 9))
    assert not contains(finding, at(2, 10)) and not contains(finding, at(1, 5))
    assert overlaps(finding, types.Range(at(0, 0), at(2, 4)))
    assert not overlaps(finding, types.Range(at(2, 10), at(3, 0)))


LINES = st.lists(st.sampled_from(["FROM a", "RUN b", "", "x\r", "RUN c \\", "  y"]), max_size=8)


@given(LINES, LINES, st.booleans(), st.booleans())
def test_the_fix_all_edit_turns_the_text_into_the_fixed_text(
    old: list[str], new: list[str], old_end: bool, new_end: bool
) -> None:
    before = "\n".join(old) + ("\n" if old_end else "")
    after = "\n".join(new) + ("\n" if new_end else "")
    edit = Placed(Linted(before, ()), types.PositionEncodingKind.Utf16).replacement(after)
    change = {
        "range": {
            "start": {"line": edit.range.start.line, "character": edit.range.start.character},
            "end": {"line": edit.range.end.line, "character": edit.range.end.character},
        },
        "newText": edit.new_text,
    }
    assert apply_edits(before, [change]) == after
