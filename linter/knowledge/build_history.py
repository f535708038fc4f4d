"""What ran before a RUN in its image: the stage chain's earlier instructions and commands.

The build-rot rules ask the same questions of the history of an instruction: did an ``apt-get
update`` run (and were the lists removed since), was ``curl`` installed, was a virtualenv made?
A stage built ``FROM`` an earlier stage carries that stage's history, so the walk follows
``FROM <stage>`` back to the first stage and reads each RUN's commands in the order the shell
runs them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from dockerfile_dlint.api import Context, Instruction, SimpleCommand, Stage

__all__ = ["earlier_runs", "first_from", "ordered_commands", "program"]


def first_from(stage: Stage) -> Instruction:
    """The FROM that names the image the stage is built on (through ``FROM <stage>``)."""
    while stage.parent is not None:
        stage = stage.parent
    return stage.from_instruction


def earlier_runs(ctx: Context, instruction: Instruction) -> Iterator[Instruction]:
    """The RUN instructions of ``instruction``'s image that ran before it, oldest first:
    those of the stages it is built on, then those of its own stage."""
    stage = ctx.stage(instruction)
    if stage is None:
        return
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None:
        chain.append(current)
        current = current.parent
    for ancestor in reversed(chain):
        for other in ancestor.instructions:
            if other is instruction:
                return
            if other.keyword == "RUN":
                yield other


def ordered_commands(ctx: Context, instruction: Instruction) -> list[SimpleCommand]:
    """The RUN's commands in the order of their text (nested ``sh -c`` scripts in place)."""
    commands = ctx.run_commands(instruction)
    return sorted(commands, key=lambda command: (command.span.line, command.span.column))


def program(command: SimpleCommand) -> str:
    """The command's program name without its directory, seen through ``sudo``/``env``."""
    unwrapped = command.unwrapped()
    if not unwrapped.words:
        return ""
    return posixpath.basename(unwrapped.words[0].value)
