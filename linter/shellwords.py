"""Quote removal for shell words, keeping where each character of the value came from.

A rule asks for ``apt-get install -y "$PKGS"`` what the words *are* (``$PKGS``, not the quoted
text) and where they *are* in the Dockerfile. :func:`unquote` answers both: it returns the value
in pieces, each with the offset in the raw word it came from, and whether the value is exact
(no expansion, substitution, unquoted glob or brace expansion left in it).
"""

from __future__ import annotations

import re

from .patterns import lazy

# A piece of a word's value: its text, and the offset in the raw word where that text starts.
Piece = tuple[str, int]

NEEDS_UNQUOTING = lazy(r"[\\'\"$`*?\[{~<>]")
_PLAIN = lazy(r"[^\\'\"$`*?\[{~<>]+")
_PLAIN_IN_DOUBLE = lazy(r'[^\\"$`]+')
_PLAIN_IN_ANSI = lazy(r"[^\\']+")
_ANSI_ESCAPE = lazy(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_ANSI_CHARS = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip
_BRACE_EXPANSION = lazy(r"\{[^{}\s]*(?:,|\.\.)[^{}\s]*\}")
_NAME = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL_PARAMETERS = frozenset("0123456789@*#?$!-")


def unquote(raw: str) -> tuple[list[Piece], bool]:
    """Remove quotes and escapes from a word: (value pieces, whether the value is exact)."""
    pieces: list[Piece] = []
    static = True
    index, size = 0, len(raw)
    while index < size:
        plain = _PLAIN.match(raw, index)
        if plain is not None:
            pieces.append((plain.group(), index))
            index = plain.end()
            continue
        char = raw[index]
        if char == "\\":
            if index + 1 == size:
                pieces.append(("\\", index))
            elif raw[index + 1] != "\n":
                pieces.append((raw[index + 1], index + 1))
            index += 2
        elif char == "'":
            end = raw.find("'", index + 1)
            end = size if end < 0 else end
            pieces.append((raw[index + 1 : end], index + 1))
            index = end + 1
        elif raw.startswith("$'", index):
            index = _scan_ansi_c(raw, index + 2, pieces)
        elif char == '"' or raw.startswith('$"', index):
            index, exact = _scan_double_quoted(raw, index + (2 if char == "$" else 1), pieces)
            static = static and exact
        elif char in "$`<>" and (expansion_end := _expansion_end(raw, index)) is not None:
            pieces.append((raw[index:expansion_end], index))
            static = False
            index = expansion_end
        else:
            if (
                char in "*?"
                or (char == "[" and "]" in raw[index + 1 :])
                or (char == "~" and index == 0)
                or (char == "{" and _BRACE_EXPANSION.match(raw, index))
            ):
                static = False
            pieces.append((char, index))
            index += 1
    return pieces, static


def _scan_double_quoted(raw: str, index: int, pieces: list[Piece]) -> tuple[int, bool]:
    """Scan from inside a double quote to just past its end: (next index, whether exact)."""
    static = True
    size = len(raw)
    while index < size:
        plain = _PLAIN_IN_DOUBLE.match(raw, index)
        if plain is not None:
            pieces.append((plain.group(), index))
            index = plain.end()
            continue
        char = raw[index]
        if char == '"':
            return index + 1, static
        if char == "\\":
            escaped = raw[index + 1 : index + 2]
            if escaped in ("$", "`", '"', "\\"):
                pieces.append((escaped, index + 1))
            elif escaped != "\n":
                pieces.append((raw[index : index + 2], index))
            index += 2
        elif (end := _expansion_end(raw, index)) is not None:
            pieces.append((raw[index:end], index))
            static = False
            index = end
        else:
            pieces.append((char, index))
            index += 1
    return size, static


def _scan_ansi_c(raw: str, index: int, pieces: list[Piece]) -> int:
    """Scan the inside of ``$'…'``, decoding its C escapes; return the index past it."""
    size = len(raw)
    while index < size:
        if raw[index] == "'":
            return index + 1
        plain = _PLAIN_IN_ANSI.match(raw, index)
        escape = _ANSI_ESCAPE.match(raw, index)
        if plain is not None:
            pieces.append((plain.group(), index))
            index = plain.end()
        elif escape is not None:
            code = escape.group(1)
            if code[0] == "x" and len(code) > 1:
                decoded = chr(int(code[1:], 16))
            elif code[0] in "01234567":
                decoded = chr(int(code, 8))
            else:
                decoded = _ANSI_CHARS.get(code, "\\" + code)
            pieces.append((decoded, index))
            index = escape.end()
        else:
            pieces.append(("\\", index))
            index += 1
    return size


def _expansion_end(raw: str, index: int) -> int | None:
    """Where the expansion or substitution starting at ``index`` ends; None if it is literal."""
    char, after = raw[index], raw[index + 1 : index + 2]
    if char == "`":
        return _skip_nested(raw, index + 1, "`")
    if after == "(":
        return _skip_nested(raw, index + 2, ")")
    if char != "$":
        return None
    if after == "{":
        return _skip_nested(raw, index + 2, "}")
    name = _NAME.match(raw, index + 1)
    if name is not None:
        return name.end()
    return index + 2 if after and after in _SPECIAL_PARAMETERS else None


def _skip_nested(raw: str, index: int, closer: str) -> int:
    """The index just past ``closer``, skipping nested quotes and substitutions (no recursion)."""
    expected = [closer]
    size = len(raw)
    while index < size:
        char = raw[index]
        innermost = expected[-1]
        if char == "\\":
            index += 1
        elif char == innermost:
            expected.pop()
            if not expected:
                return index + 1
        elif innermost == '"':
            if char == "$" and raw[index + 1 : index + 2] in ("(", "{"):
                expected.append(")" if raw[index + 1] == "(" else "}")
                index += 1
            elif char == "`":
                expected.append("`")
        elif innermost == "`":
            pass
        elif char == "'":
            quote_end = raw.find("'", index + 1)
            index = size if quote_end < 0 else quote_end
        elif char in '"`':
            expected.append(char)
        elif char == "(":
            expected.append(")")
        elif char == "$" and raw[index + 1 : index + 2] == "{":
            expected.append("}")
            index += 1
        index += 1
    return size
