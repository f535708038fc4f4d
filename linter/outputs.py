"""What each build stage produces that the running app needs: tool outputs with their paths.

For every RUN of a stage this finds the known tools (``knowledge.tool_outputs``) and resolves
where their output lands, from the HOME, WORKDIR and environment in effect (a ``cd`` earlier in
the same RUN and ``VAR=value`` prefixes included). Output written under a
``RUN --mount=type=cache`` target never reaches the image: it is marked ``cached``.
"""

from __future__ import annotations

import posixpath
from collections import ChainMap
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, cast

from .knowledge.tool_outputs import (
    PIP_PACKAGES,
    VIRTUALENV,
    ToolOutput,
    installs_node_packages,
    installs_python_packages,
    may_output,
    tool_output,
)
from .model import CopySource, Stage
from .records import NamedTuple
from .shell import SimpleCommand, Word
from .syntax import Instruction

if TYPE_CHECKING:
    from .api import Context


class StageOutput(NamedTuple):
    """Output of a known tool in a stage: where it is, and which RUN made it."""

    stage: Stage
    tool: ToolOutput
    path: str
    instruction: Instruction
    command: SimpleCommand
    cached: bool


def stage_outputs(ctx: Context, stage: Stage) -> list[StageOutput]:
    """Outputs of the stage and of the stages it is built FROM, first producer of each path."""
    lineage = []
    current: Stage | None = stage
    while current is not None:
        lineage.append(current)
        current = current.parent
    runs = [i for s in reversed(lineage) for i in s.instructions if i.keyword == "RUN"]
    python_stage = _python_or_node(ctx, runs)
    found: dict[str, StageOutput] = {}
    for run in runs:
        script = ctx.shell(run)
        if script is None:
            continue
        state = ctx.state(run)
        # Views, not copies: a stage with thousands of ENV lines and of commands stays linear.
        # (A ChainMap writes to its first map only: the state's read-only env is never changed.)
        env = ChainMap({}, cast("MutableMapping[str, str]", state.env))
        workdir = state.workdir
        caches = cache_targets(run, workdir)
        for command in script.commands:
            if command.program == "cd" and command.args and command.args[0].static:
                workdir = _change_directory(workdir, command.args[0].value)
                continue
            if command.program == "export":
                env.update(_assignments(command.args))
                continue
            if not may_output(command.program or ""):
                continue
            local = env.new_child(_assignments(command.assignments))
            recognised = tool_output(command, local, python_stage)
            if recognised is None:
                continue
            tool, directory = recognised
            if directory is not None:
                path = _absolute(directory, workdir)
            elif tool is PIP_PACKAGES and "VIRTUAL_ENV" not in local:
                path = _virtualenv_on_path(local.get("PATH", ""), found) or tool.path(
                    None, None, local
                )
            else:
                path = tool.path(local.get("HOME") or ctx.home(run), workdir, local)
            if path is None or path in found:
                continue
            cached = any(path == c or path.startswith(c.rstrip("/") + "/") for c in caches)
            owner = next(s for s in lineage if run in s.instructions)
            found[path] = StageOutput(owner, tool, path, run, command, cached)
    return list(found.values())


def cache_targets(run: Instruction, workdir: str | None) -> list[str]:
    """The targets of a RUN's ``--mount=type=cache`` flags, as absolute paths."""
    targets = []
    for flag in run.flags:
        if flag.name != "mount" or not flag.value:
            continue
        options = dict(part.partition("=")[::2] for part in flag.value.split(","))
        target = options.get("target") or options.get("dst") or options.get("destination")
        if options.get("type") == "cache" and target:
            if not target.startswith("/"):
                target = posixpath.join(workdir or "/", target)
            targets.append(posixpath.normpath(target))
    return targets


def _python_or_node(ctx: Context, runs: list[Instruction]) -> bool | None:
    """Whether a bare ``prisma`` here is the Python client (True) or the Node CLI (False)."""
    python = node = False
    for run in runs:
        script = ctx.shell(run)
        for command in script.commands if script else ():
            python = python or installs_python_packages(command)
            node = node or installs_node_packages(command)
    if python != node:
        return python
    return None


def _virtualenv_on_path(path: str, found: dict[str, StageOutput]) -> str | None:
    """The virtualenv whose ``bin`` comes first on PATH, if this stage made it."""
    for directory in path.split(":"):
        if directory.endswith("/bin"):
            venv = posixpath.dirname(posixpath.normpath(directory))
            made = found.get(venv)
            if made is not None and made.tool is VIRTUALENV:
                return venv
    return None


def _absolute(path: str, workdir: str | None) -> str | None:
    if path.startswith("/"):
        return posixpath.normpath(path)
    return posixpath.normpath(posixpath.join(workdir, path)) if workdir else None


def _change_directory(workdir: str | None, target: str) -> str | None:
    if target.startswith("/"):
        return posixpath.normpath(target)
    if workdir is None or target.startswith(("~", "-")):
        return None
    return posixpath.normpath(posixpath.join(workdir, target))


def _assignments(words: tuple[Word, ...]) -> dict[str, str]:
    """``NAME=value`` words with a literal value."""
    values = {}
    for word in words:
        name, equals, assigned = word.value.partition("=")
        if equals and word.static and name.isidentifier():
            values[name] = assigned
    return values


class StageCopy(NamedTuple):
    """A ``COPY --from=<stage>`` into a stage's lineage: its sources as absolute paths and its
    destination, both expanded and normalised (a relative destination is under WORKDIR)."""

    copy: CopySource
    producer: Stage
    sources: list[str]
    destination: str


def copies_into(ctx: Context, stage: Stage) -> list[StageCopy]:
    """The copies from other stages that ``stage`` (or a stage it is built from) makes, skipping
    those whose words cannot be expanded."""
    lineage = {member.index for member in stage.lineage}
    found = []
    for copy in ctx.copy_sources:
        consumer = ctx.stage(copy.instruction)
        producer = copy.stage
        if producer is None or consumer is None or consumer.index not in lineage:
            continue
        instruction = copy.instruction
        values = [ctx.expand(instruction, argument.value) for argument in instruction.arguments]
        if len(values) < 2 or not all(value.complete for value in values):
            continue
        destination = values[-1].value
        if not destination.startswith("/"):
            destination = posixpath.join(ctx.state(instruction).workdir or "/", destination)
        sources = [posixpath.normpath("/" + value.value.lstrip("/")) for value in values[:-1]]
        found.append(StageCopy(copy, producer, sources, posixpath.normpath(destination)))
    return found
