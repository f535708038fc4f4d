"""What a long-running caller keeps from one lint of a file to the next.

The language server lints a file on every pause in typing, and an edit changes one
instruction: the others are the same lines as at the last lint. Reading an instruction (the
lexer's work) and parsing its shell script (tree-sitter's, then the commands and their words)
depend only on its own lines and where they are, so a :class:`Reuse` remembers both and hands
back the same results for the same input, least recently used forgotten first. ``dlint check``
reads each file once and passes none.

Results are shared between lints, so they must stay as they are: they are immutable
(instructions, spans, scripts are tuples and read-only records). One thing is not shared: a
script's tuple of commands is new for each lint, because the package managers' reading of a
script is kept by the identity of that tuple (``package_managers.invocations``) and depends
on the variables of the lint it was read in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from .shell import ShellScript, parse_shell
from .source import MappedText

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Instructions and scripts remembered: a few dozen files' worth.
MAX_ENTRIES = 4096


class Remembered(Generic[K, V]):
    """A bounded mapping that forgets the least recently used entry first."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class Reuse:
    """The lexer's instructions and the shell parser's scripts of earlier lints."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self.instructions: Remembered[Hashable, object] = Remembered(size)
        self.scripts: Remembered[tuple[str, tuple[tuple[int, int, int], ...]], ShellScript] = (
            Remembered(size)
        )

    def parse_shell(self, text: MappedText) -> ShellScript:
        """:func:`~dockerfile_dlint.shell.parse_shell`, remembered by text and position."""
        key = (text.text, text.pieces)
        script = self.scripts.get(key)
        if script is None:
            script = parse_shell(text)
            self.scripts.put(key, script)
        return script._replace(commands=tuple(list(script.commands)))


ShellParser = Callable[[MappedText], ShellScript]
