from __future__ import annotations

import posixpath

from dockerfile_dlint.api import Context, Finding, Instruction, Level, NamedTuple, Rule, lazy

# A RUN that chains more commands than this was split from its neighbours on purpose.
CHAINED = 1
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_SEPARATOR = lazy(r"[;&|\n]")


class _Previous(NamedTuple):
    instruction: Instruction
    flags: frozenset[tuple[str, str | None]]
    commands: int


def _flags(instruction: Instruction) -> frozenset[tuple[str, str | None]]:
    return frozenset((flag.name, flag.value) for flag in instruction.flags)


def _command_count(instruction: Instruction, ctx: Context) -> int | None:
    """How many commands the RUN's own shell runs; None when it is not shell (PowerShell …)."""
    if instruction.json:
        return _exec_form_count([argument.value for argument in instruction.arguments])
    script = ctx.shell(instruction)
    if script is None:
        return None
    return sum(
        1
        for command in script.commands
        if command.words and (command.nested_in is None or command.nested_in[0] in "$`<>")
    )


def _exec_form_count(argv: list[str]) -> int:
    """One program, or for ``["sh", "-c", "a && b"]`` one more when the script chains."""
    if len(argv) > 2 and posixpath.basename(argv[0]) in SHELLS and "-c" in argv[1:-1]:
        script = argv[argv.index("-c", 1) + 1]
        return 2 if _SEPARATOR.search(script) else 1
    return 1


class ConsecutiveRun(Rule):
    """Two short RUN instructions follow each other.

    ## What it does
    Flags a `RUN` that directly follows another `RUN` (comments between them do not count)
    when each of them runs a single command and both have the same flags (`--mount`,
    `--network`, `--security`). A `RUN` that already chains commands (`a && b`, `a | b`), or
    a here-document script of several commands, shows that the split was chosen, and is
    left alone.

    ## Why is this bad?
    Each `RUN` makes a layer and a cache step. Short steps in a row add layers and cache
    entries, and files deleted in a later step still take space in the earlier layer.
    Joining related commands keeps the image smaller and the build faster.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update
    RUN apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl
    ```
    """

    code = "DL3059"
    name = "consecutive-run"
    level = Level.INFO

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        previous: _Previous | None = None
        for instruction in ctx.instructions:
            if instruction.keyword != "RUN":
                previous = None
                continue
            count = _command_count(instruction, ctx)
            if count is None:
                previous = None
                continue
            flags = _flags(instruction)
            if (
                previous is None
                or previous.flags != flags
                or count > CHAINED
                or previous.commands > CHAINED
            ):
                previous = _Previous(instruction, flags, count)
                continue
            message = (
                f"RUN directly after the RUN on line {previous.instruction.line}: "
                "join them with && into one layer"
            )
            findings.append(self.finding(instruction.keyword_span, message))
        return findings
