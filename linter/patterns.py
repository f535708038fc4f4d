"""Regular expressions compiled on first use.

Compiling a regular expression costs about 0.1 ms in Python 3.11, and a table of tools such as
``knowledge/verification`` holds dozens that a given Dockerfile never needs: compiled at import,
they would add milliseconds to every start of ``dlint check``, which a pre-commit hook pays
for each commit. A :class:`LazyPattern` reads like a compiled pattern and compiles itself the
first time it is used.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, Union


class LazyPattern:
    """A pattern of ``str`` compiled the first time one of its methods is called."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, pos, endpos)

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos)

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(text, pos, endpos)

    def sub(
        self, replacement: str | Callable[[re.Match[str]], str], text: str, count: int = 0
    ) -> str:
        return self.compiled.sub(replacement, text, count)

    def split(self, text: str, maxsplit: int = 0) -> list[str | None]:
        return self.compiled.split(text, maxsplit)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"


# Where a compiled pattern and a lazy one are both welcome.
AnyPattern = Union[re.Pattern[str], LazyPattern]  # noqa: UP007 (a runtime alias)


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """A regular expression compiled on first use (see :class:`LazyPattern`)."""
    return LazyPattern(pattern, flags)
