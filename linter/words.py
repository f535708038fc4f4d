"""Instruction text to its parts: flags, words, JSON strings and heredoc markers.

Each function follows the BuildKit routine named in its docstring, and returns the parts with
their spans in the file.
"""

from __future__ import annotations

import json
import re
from functools import cache

from .patterns import lazy
from .source import MappedText, Span
from .syntax import WHITESPACE, Argument, Flag, Instruction

_HEREDOC_WORD = lazy(r"(\d*)<<(-?)([^<]*)")


def split_flags(joined: MappedText, start: int, stop: int) -> tuple[tuple[Flag, ...], int]:
    """Parse ``--flag[=value]`` words after the keyword, as BuildKit's extractBuilderFlags."""
    text = joined.text
    flags: list[Flag] = []
    position = start
    while True:
        while position < stop and text[position] in WHITESPACE:
            position += 1
        if not text.startswith("--", position) or position >= stop:
            return tuple(flags), position
        word_start = position
        word, position = _flag_word(text, position, stop)
        if word == "--":
            return tuple(flags), position
        name, equals, value = word[2:].partition("=")
        flags.append(Flag(name, value if equals else None, joined.span(word_start, position)))


def _flag_word(text: str, position: int, stop: int) -> tuple[str, int]:
    """One flag word: quotes removed, backslash escapes resolved; returns it and its end."""
    word = []
    quote = ""
    while position < stop:
        char = text[position]
        if not quote and char in WHITESPACE:
            break
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        elif char == "\\" and position + 1 < stop:
            position += 1
            word.append(text[position])
        elif char != "\\":
            word.append(char)
        position += 1
    return "".join(word), position


def split_words(text: MappedText, escape: str) -> tuple[Argument, ...]:
    """Whitespace-separated words, quotes and escapes kept, as BuildKit's parseWords.

    One regular expression finds the words (a loop over the characters in Python took 7% of
    a whole lint), and their spans come from one walk along the text's pieces.
    """
    matches = list(_word_pattern(escape).finditer(text.text))
    spans = text.spans(match.span() for match in matches)
    return tuple(Argument(match.group(), span) for match, span in zip(matches, spans, strict=True))


@cache
def _word_pattern(escape: str) -> re.Pattern[str]:
    """One word of parseWords: whitespace ends it outside quotes; the escape character keeps
    the next character (any, also whitespace) in the word, and does so inside double quotes
    but not single ones; a quote left open runs to the end of the text."""
    esc = re.escape(escape)
    blank = "".join(map(re.escape, WHITESPACE))
    plain = f"[^{blank}'\"{esc}]+"
    escaped = f"{esc}.?"
    double = f'"(?:[^"{esc}]+|{esc}.?)*"?'
    single = "'[^']*'?"
    return re.compile(f"(?:{plain}|{escaped}|{double}|{single})+", re.DOTALL)


def json_string_arguments(text: MappedText, values: list[str]) -> list[Argument]:
    """Locate each string literal of a valid JSON array of strings in the text."""
    decoder = json.decoder.scanstring  # type: ignore[attr-defined]
    source = text.text
    arguments = []
    position = source.index("[") + 1
    for value in values:
        start = source.index('"', position)
        _, end = decoder(source, start + 1)
        arguments.append(Argument(value, text.span(start, end)))
        position = end
    return arguments


def heredoc_markers(
    instruction: Instruction,
) -> list[tuple[str, bool, bool, int | None, Span]]:
    """The heredocs an instruction opens: words like ``<<EOF``, ``<<-'EOF'``, ``3<<EOF``."""
    if "<<" not in instruction.text.text:
        return []
    markers = []
    for word in split_words(instruction.text, "\\"):
        match = _HEREDOC_WORD.fullmatch(word.value)
        if match is None or not match.group(3):
            continue
        rest = match.group(3)
        quoted = "'" in rest or '"' in rest
        name = _unquote(rest)
        if not name:
            continue
        fd = int(match.group(1)) if match.group(1) else None
        markers.append((name, quoted, match.group(2) == "-", fd, word.span))
    return markers


def _unquote(word: str) -> str:
    """Remove shell quotes and backslash escapes from a heredoc delimiter word."""
    result = []
    quote = ""
    position = 0
    while position < len(word):
        char = word[position]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and position + 1 < len(word):
                position += 1
                result.append(word[position])
            else:
                result.append(char)
        elif char in "'\"":
            quote = char
        elif char == "\\" and position + 1 < len(word):
            position += 1
            result.append(word[position])
        else:
            result.append(char)
        position += 1
    return "".join(result)
