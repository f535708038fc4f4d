"""Variable expansion as Docker does it for ENV, ARG, FROM, WORKDIR, USER, COPY and friends.

Docker expands ``$V``, ``${V}``, ``${V:-word}``, ``${V-word}``, ``${V:+word}``, ``${V+word}``
and ``${V:?message}`` in these instructions itself, before any shell runs. dlint expands them
to know the effective base image, working directory or user; when a variable has no value dlint
can see (a build argument without default, say), the result says so and rules stay silent
rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Expansion:
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


def expand(text: str, variables: Mapping[str, str | None], escape: str = "\\") -> Expansion:
    """Expand variables and remove quotes as Docker's word processing does.

    ``variables`` maps a name to its value, or to None when the name is declared without a
    value dlint can know (``ARG VERSION`` with no default).
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return Expansion(text, (), text)
    expander = _Expander(text, variables, escape)
    value = expander.run()
    if not expander.unknown:
        return Expansion(value, (), value)
    keeper = _Expander(text, variables, escape, keep_unknown=True)
    return Expansion(value, tuple(dict.fromkeys(expander.unknown)), keeper.run())


class _Expander:
    def __init__(
        self,
        text: str,
        variables: Mapping[str, str | None],
        escape: str,
        keep_unknown: bool = False,
    ) -> None:
        self.keep_unknown = keep_unknown
        self.text = text
        self.variables = variables
        self.escape = escape
        self.position = 0
        self.unknown: list[str] = []

    def run(self, stop: str = "") -> str:
        out: list[str] = []
        text = self.text
        quote = ""
        while self.position < len(text):
            char = text[self.position]
            if not quote and char in stop:
                break
            self.position += 1
            if char == "'" and not quote:
                end = text.find("'", self.position)
                end = len(text) if end < 0 else end
                out.append(text[self.position : end])
                self.position = end + 1
            elif char == '"':
                quote = "" if quote else '"'
            elif char == self.escape and self.position < len(text):
                following = text[self.position]
                if quote and following not in ('"', "$", self.escape):
                    out.append(char)
                out.append(following)
                self.position += 1
            elif char == "$":
                out.append(self._variable())
            else:
                out.append(char)
        return "".join(out)

    def _variable(self) -> str:
        text = self.text
        if self.position < len(text) and text[self.position] == "{":
            return self._braced()
        start = self.position
        while self.position < len(text) and text[self.position] in _NAME_CHARS:
            self.position += 1
        name = text[start : self.position]
        if not name or name[0] not in _NAME_START:
            self.position = start
            return "$"
        value = self._lookup(name)
        if value is None and self.keep_unknown:
            return text[start - 1 : self.position]
        return value or ""

    def _braced(self) -> str:
        text = self.text
        dollar = self.position - 1
        self.position += 1
        start = self.position
        while self.position < len(text) and text[self.position] in _NAME_CHARS:
            self.position += 1
        name = text[start : self.position]
        operator = ""
        if text.startswith((":-", ":+", ":?"), self.position):
            operator = text[self.position : self.position + 2]
        elif self.position < len(text) and text[self.position] in "-+?":
            operator = text[self.position]
        if operator:
            self.position += len(operator)
            word = self.run(stop="}")
        elif self.position < len(text) and text[self.position] != "}":
            end = text.find("}", self.position)
            self.position = len(text) if end < 0 else end
            self.unknown.append(name)
            word = ""
        else:
            word = ""
        self.position += 1
        value = self._apply(name, operator, word)
        if self.keep_unknown and self.variables.get(name) is None:
            return text[dollar : self.position]
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
        if value is None:
            self.unknown.append(name)
        return value
