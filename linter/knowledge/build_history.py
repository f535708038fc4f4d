"""What ran before a RUN in its image, as the build-rot rules keep track of it.

The DB rules ask the same questions of an instruction's history: did an ``apt-get update`` run
(and were the lists removed since), was ``curl`` installed, was a virtualenv made? A stage
built ``FROM`` an earlier stage carries that stage's history. :class:`StageStates` keeps a
rule's answer per stage as the engine walks the file once, and the helpers read each RUN's
commands in the order the shell runs them.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from typing import Generic, TypeVar

from dockerfile_dlint.api import Context, Instruction, SimpleCommand, Stage
from dockerfile_dlint.knowledge.package_managers import Invocation, invocation

__all__ = ["StageStates", "first_from", "invocation_of", "ordered_commands", "program"]

T = TypeVar("T")


class StageStates(Generic[T]):
    """A rule's state of each stage's image, carried on as the engine walks the file.

    The engine calls ``check`` in file order, so a stage's parent (an earlier stage) is
    complete when the stage starts: its state is copied, and a ``FROM <stage>`` inherits what
    its parent's RUNs did, at the cost of one pass over the file (no replays).
    """

    def __init__(self, fresh: Callable[[Stage], T]) -> None:
        self._fresh = fresh
        self._states: dict[int, T] = {}

    def of(self, stage: Stage) -> T:
        missing = []
        current: Stage | None = stage
        while current is not None and current.index not in self._states:
            missing.append(current)
            current = current.parent
        for new in reversed(missing):  # oldest first; a chain of any length, no recursion
            parent = new.parent
            inherited = parent is not None and parent.index in self._states
            self._states[new.index] = (
                copy.copy(self._states[parent.index])
                if inherited and parent is not None
                else self._fresh(new)
            )
        return self._states[stage.index]

    def set(self, stage: Stage, state: T) -> None:
        """Replace the stage's state (a state made on first use)."""
        self._states[stage.index] = state


def first_from(stage: Stage) -> Instruction:
    """The FROM that names the image the stage is built on (through ``FROM <stage>``)."""
    return stage.root.from_instruction


# The last RUNs' commands, sorted, kept for the several DB rules that ask of the same RUN
# (keyed by identity, checked: the objects live as long as the Context).
_ORDERED: dict[int, tuple[tuple[SimpleCommand, ...], list[SimpleCommand]]] = {}
_LIMIT = 256


def ordered_commands(ctx: Context, instruction: Instruction) -> list[SimpleCommand]:
    """The RUN's commands in the order of their text (nested ``sh -c`` scripts in place)."""
    commands = ctx.run_commands(instruction)
    cached = _ORDERED.get(id(commands))
    if cached is not None and cached[0] is commands:
        return cached[1]
    ordered = sorted(commands, key=lambda command: (command.span.line, command.span.column))
    if len(_ORDERED) >= _LIMIT:
        _ORDERED.clear()
    _ORDERED[id(commands)] = (commands, ordered)
    return ordered


def invocation_of(command: SimpleCommand) -> Invocation | None:
    """The package manager ``command`` runs, read (``package_managers.invocation``, which
    keeps its reading of each command)."""
    return invocation(command)


def program(command: SimpleCommand) -> str:
    """The command's program name without its directory, seen through ``sudo``/``env``."""
    unwrapped = command.unwrapped()
    if not unwrapped.words:
        return ""
    return posixpath.basename(unwrapped.words[0].value)
