"""Decoding: what does not decode becomes a problem with a position, never an exception."""

from __future__ import annotations

import random

from dockerfile_dlint.source import MappedText, Span, decode


def test_invalid_utf8_is_reported_where_it_is_and_the_text_survives() -> None:
    source = decode(b"FROM a\nLABEL x=caf\xe9 y=1\n")
    assert [(p.span, p.fatal) for p in source.problems] == [(Span(2, 12, 2, 13), False)]
    assert "invalid UTF-8" in source.problems[0].message
    assert source.lines[1] == "LABEL x=caf\ufffd y=1"


def test_nul_byte_is_reported() -> None:
    source = decode(b"FROM a\nRUN x\x00y\n")
    assert source.problems[0].span == Span(2, 6, 2, 7)
    assert "NUL" in source.problems[0].message


def test_random_bytes_are_binary() -> None:
    data = random.Random(7).randbytes(4096)
    source = decode(data)
    assert source.binary and source.lines == ()
    assert source.problems[0].fatal


def test_utf16_is_named() -> None:
    source = decode("FROM a\n".encode("utf-16"))
    assert source.binary
    assert "UTF-16" in source.problems[0].message


def test_lines_split_only_on_newline_and_drop_the_carriage_return() -> None:
    source = decode(b"FROM a\r\nLABEL a=b\x0cc\rd\n")
    assert source.lines == ("FROM a", "LABEL a=b\x0cc\rd")
    assert source.crlf


def test_mapped_text_positions_across_pieces() -> None:
    text = MappedText.join([MappedText.single("ab ", 3, 5), MappedText.single("cd", 4, 1)])
    assert text.position(1) == (3, 6)
    assert text.span(1, 5) == Span(3, 6, 4, 3)
    part = text.slice(3, 5)
    assert part.text == "cd" and part.span(0, 2) == Span(4, 1, 4, 3)
