"""Variable expansion as Docker does it for ENV, ARG, FROM, WORKDIR, USER, COPY and friends.

Docker expands ``$V``, ``${V}``, ``${V:-word}``, ``${V-word}``, ``${V:+word}``, ``${V+word}``
and ``${V:?message}`` in these instructions itself, before any shell runs. dlint expands them
to know the effective base image, working directory or user; when a variable has no value dlint
can see (a build argument without default, say), the result says so and rules stay silent
rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping

from .records import NamedTuple

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


class Expansion(NamedTuple):
    """The expanded text, and the names of variables that had no known value.

    ``partial`` is the text with the known variables expanded and the references to unknown
    ones kept as written (``/opt/venv/bin:$PATH``); it equals ``value`` when complete.
    """

    value: str
    unknown: tuple[str, ...] = ()
    partial: str = ""

    @property
    def complete(self) -> bool:
        return not self.unknown


# The characters variables' values may add to one expansion. Real values are short (a PATH of
# a few hundred characters); values that refer to each other can double at every ENV line
# (``ENV B=$A$A``, then ``ENV C=$B$B``, …), and ten lines would make gigabytes: a reference
# past the limit counts as unknown instead, so the rules that need its value stay silent.
MAX_EXPANDED = 65_536


def expand(
    text: str,
    variables: Mapping[str, str | None],
    escape: str = "\\",
    limit: int = MAX_EXPANDED,
) -> Expansion:
    """Expand variables and remove quotes as Docker's word processing does.

    ``variables`` maps a name to its value, or to None when the name is declared without a
    value dlint can know (``ARG VERSION`` with no default). Values put in add up to ``limit``
    characters at most: a reference that would go past it counts as unknown.
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return Expansion(text, (), text)
    expander = _Expander(text, variables, escape, limit)
    value = expander.run()
    if not expander.unknown:
        return Expansion(value, (), value)
    keeper = _Expander(text, variables, escape, limit, keep_unknown=True)
    return Expansion(value, tuple(dict.fromkeys(expander.unknown)), keeper.run())


# ``${…}`` inside the word of ``${…}`` deeper than this is not expanded: its variable counts
# as unknown, so the expansion is incomplete and the rules that need its value stay silent.
# Real files nest two or three levels; the bound keeps the cost of hostile text linear.
NESTING_LIMIT = 100


class _Open:
    """A ``${name<operator>word}`` whose word is being read, and the level it is in."""

    __slots__ = ("dollar", "name", "operator", "outer", "outer_quote")

    def __init__(
        self, dollar: int, name: str, operator: str, outer: list[str], outer_quote: str
    ) -> None:
        self.dollar = dollar
        self.name = name
        self.operator = operator
        self.outer = outer
        self.outer_quote = outer_quote


class _Expander:
    """Docker's word processing in one loop: an open ``${…}`` is a frame on a stack, not a
    recursive call, so that nesting depth cannot exhaust Python's stack."""

    def __init__(
        self,
        text: str,
        variables: Mapping[str, str | None],
        escape: str,
        limit: int,
        keep_unknown: bool = False,
    ) -> None:
        self.keep_unknown = keep_unknown
        self.room = limit  # characters values may still add
        self.too_long: set[str] = set()
        self.text = text
        self.variables = variables
        self.escape = escape
        self.unknown: list[str] = []

    def run(self) -> str:
        text = self.text
        length = len(text)
        escape = self.escape
        opened: list[_Open] = []
        out: list[str] = []
        quote = ""
        position = 0
        while position < length or opened:
            if position >= length or (opened and not quote and text[position] == "}"):
                position += 1
                frame = opened.pop()
                value = self._apply(frame.name, frame.operator, "".join(out))
                out, quote = frame.outer, frame.outer_quote
                out.append(self._kept(frame.name, frame.dollar, position, value))
                continue
            char = text[position]
            position += 1
            if char == "'" and not quote:
                end = text.find("'", position)
                end = length if end < 0 else end
                out.append(text[position:end])
                position = end + 1
            elif char == '"':
                quote = "" if quote else '"'
            elif char == escape and position < length:
                following = text[position]
                if quote and following not in ('"', "$", escape):
                    out.append(char)
                out.append(following)
                position += 1
            elif char != "$":
                out.append(char)
            elif position < length and text[position] == "{":
                opening, value, position = self._braced(position, out, quote, len(opened))
                if opening is None:
                    out.append(value)
                else:
                    opened.append(opening)
                    out, quote = [], ""
            else:
                value, position = self._variable(position)
                out.append(value)
        return "".join(out)

    def _variable(self, position: int) -> tuple[str, int]:
        """``$name`` from just after the ``$``: its value and the position after it."""
        text = self.text
        start = position
        while position < len(text) and text[position] in _NAME_CHARS:
            position += 1
        name = text[start:position]
        if not name or name[0] not in _NAME_START:
            return "$", start
        value = self._lookup(name)
        if value is None and self.keep_unknown:
            return text[start - 1 : position], position
        return value or "", position

    def _braced(
        self, position: int, outer: list[str], outer_quote: str, depth: int
    ) -> tuple[_Open | None, str, int]:
        """``${…`` from its ``{``: a frame when a word follows the operator, else the value
        (and the position after the ``}``)."""
        text = self.text
        dollar = position - 1
        position += 1
        start = position
        while position < len(text) and text[position] in _NAME_CHARS:
            position += 1
        name = text[start:position]
        operator = ""
        if text.startswith((":-", ":+", ":?"), position):
            operator = text[position : position + 2]
        elif position < len(text) and text[position] in "-+?":
            operator = text[position]
        if operator and depth < NESTING_LIMIT:
            return _Open(dollar, name, operator, outer, outer_quote), "", position + len(operator)
        if operator:
            position = _after_closing_brace(text, position)
            self.unknown.append(name)
            value = ""
        else:
            if position < len(text) and text[position] != "}":
                end = text.find("}", position)
                position = len(text) if end < 0 else end
                self.unknown.append(name)
            position += 1
            value = self._apply(name, "", "")
        return None, self._kept(name, dollar, position, value), position

    def _kept(self, name: str, dollar: int, end: int, value: str) -> str:
        """The value of ``${name…}``, or its text as written when kept for an unknown name."""
        if self.keep_unknown and (self.variables.get(name) is None or name in self.too_long):
            return self.text[dollar:end]
        return value

    def _apply(self, name: str, operator: str, word: str) -> str:
        """``${name<operator>word}``; a variable without a known value counts as unset."""
        value = self._lookup(name)
        if operator == ":-":
            return value or word
        if operator == "-":
            return word if value is None else value
        if operator == ":+":
            return word if value else ""
        if operator == "+":
            return "" if value is None else word
        return value or ""

    def _lookup(self, name: str) -> str | None:
        value = self.variables.get(name)
        if value is not None and len(value) > self.room:
            self.too_long.add(name)
            value = None
        if value is None:
            self.unknown.append(name)
            return None
        self.room -= len(value)
        return value


def _after_closing_brace(text: str, position: int) -> int:
    """The position after the ``}`` that closes a ``${`` opened before ``position``, counting
    the ``${`` between (the end of the text when none closes it)."""
    depth = 1
    close = text.find("}", position)
    while close >= 0:
        opening = text.find("${", position, close)
        if opening >= 0:
            depth += 1
            position = opening + 2
            continue
        depth -= 1
        position = close + 1
        if depth == 0:
            return position
        close = text.find("}", position)
    return len(text)
