from __future__ import annotations

import posixpath
from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from typing import cast

from dockerfile_dlint.api import (
    Context,
    Finding,
    Fix,
    Instruction,
    Level,
    NamedTuple,
    Rule,
    SimpleCommand,
    Span,
    Stage,
    State,
    lazy,
)
from dockerfile_dlint.knowledge.console_scripts import read_requirements, scripts_of
from dockerfile_dlint.knowledge.package_managers import pip_install

DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_MAX_INCLUDES = 8
_UNSAFE_IN_ENV = lazy(r"[\s\"'\\$`]")


class Installed(NamedTuple):
    """A console script in a user ``bin`` directory, and how it got there."""

    bin_dir: str
    how: str


class _Use(NamedTuple):
    """A console script run by name while its bin directory is not on PATH; ``before`` is
    the instruction an ``ENV PATH`` must precede to fix it (None when that would not)."""

    span: Span
    message: str
    bin_dir: str
    before: Instruction | None


class UserBinNotOnPath(Rule):
    """A command from `pip install --user` is run by name, but its directory is not on PATH.

    ## What it does
    Follows `pip install --user` (and `PIP_USER`) through the build: the console scripts of
    the packages it installs — named on the command line or in requirements files read from
    the build context, nested `-r` included — land in `$HOME/.local/bin` (or
    `$PYTHONUSERBASE/bin`), also when a later stage copies `$HOME/.local` from the stage
    that installed them. When one of those commands is then run by its bare name — in a
    later `RUN`, later in the same `RUN`, or when the container starts — while `PATH` (as
    set by `ENV PATH`, inherited through `FROM <stage>`, or exported in the `RUN`) does not
    contain that directory, the command is reported. `python -m <module>` is not affected.

    ## Why is this bad?
    The shell only looks on PATH: the build stops with `prisma: not found`, or the container
    exits at start with `exec: "uvicorn": executable file not found in $PATH`. The package is
    installed; its command is just not where the shell looks.

    ## Example
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN pip install --user prisma uvicorn

    FROM python:3.12-slim
    COPY --from=builder /root/.local /root/.local
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN pip install --user prisma uvicorn

    FROM python:3.12-slim
    COPY --from=builder /root/.local /root/.local
    ENV PATH="/root/.local/bin:$PATH"
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```

    ## Fix
    `ENV PATH="<home>/.local/bin:$PATH"` (the directory the message names) is inserted once
    per stage and directory, before the first use: above the `RUN` that runs the command, or
    above the stage's first `CMD`/`ENTRYPOINT` for a command run at start, and above the
    comment lines that belong to that instruction. There is no fix where an `ENV PATH` would
    not help, or where dlint cannot tell: a `RUN` that sets PATH itself before the command,
    or an `ENV PATH` after the stage's `CMD`/`ENTRYPOINT`. Running the tool as
    `python -m <module>` works too.
    """

    code = "DP004"
    name = "user-bin-not-on-path"
    level = Level.ERROR
    fixable = "safe"

    def finish(self, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        installed: dict[int, dict[str, Installed]] = {}
        for stage in ctx.stages:
            scripts = dict(installed[stage.parent.index]) if stage.parent else {}
            uses: list[_Use] = []
            for instruction in stage.instructions:
                if instruction.keyword == "COPY" and instruction.flag("from") is not None:
                    scripts.update(self._copied(ctx, instruction, installed))
                elif instruction.keyword == "RUN":
                    uses += self._run(ctx, stage, instruction, scripts)
            installed[stage.index] = scripts
            if scripts and any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions):
                uses += self._startup(ctx, stage, scripts)
            findings += self._findings(ctx, uses)
        return findings

    def _findings(self, ctx: Context, uses: list[_Use]) -> list[Finding]:
        """One finding per use; the uses of a bin directory in a stage share one fix, placed
        before the first of them, so that fixing them all adds one ``ENV PATH``."""
        first: dict[str, Instruction] = {}
        for use in uses:
            known = first.get(use.bin_dir)
            if use.before is not None and (known is None or use.before.line < known.line):
                first[use.bin_dir] = use.before
        fixes = {bin_dir: _path_fix(ctx, before, bin_dir) for bin_dir, before in first.items()}
        return [
            self.finding(use.span, use.message, fixes[use.bin_dir] if use.before else None)
            for use in uses
        ]

    def _run(
        self, ctx: Context, stage: Stage, run: Instruction, scripts: dict[str, Installed]
    ) -> list[_Use]:
        script = ctx.shell(run)
        if script is None:
            return []
        state = ctx.state(run)
        path = _path_entries(state.env.get("PATH"))
        path_from_state = True
        workdir = state.workdir
        # A view, not a copy: a stage with thousands of ENV lines and RUNs stays linear.
        # (A ChainMap writes to its first map only: the state's variables are never changed.)
        env = ChainMap({}, cast("MutableMapping[str, str | None]", state.variables))
        uses = []
        for command in script.commands:
            if command.program == "export" or (not command.words and command.assignments):
                for word in (*command.args, *command.assignments):
                    name, equals, value = word.value.partition("=")
                    if equals and name == "PATH":
                        path = _path_entries(value)
                        path_from_state = False
                    elif equals:
                        env[name] = value
                continue
            if command.program == "cd" and command.args and command.args[0].static:
                target = command.args[0].value
                base = workdir or "/"
                workdir = posixpath.normpath(posixpath.join(base, target))
                continue
            local_path = path
            before: Instruction | None = run if path_from_state else None
            for word in command.assignments:
                name, _, value = word.value.partition("=")
                if name == "PATH":
                    local_path = _path_entries(value)
                    before = None
            span = command.words[0].span if command.words else None
            use = self._use(command, span, scripts, local_path, "", before)
            if use is not None:
                uses.append(use)
            self._record(ctx, stage, run, command, state, env, workdir, scripts)
        return uses

    def _record(
        self,
        ctx: Context,
        stage: Stage,
        run: Instruction,
        command: SimpleCommand,
        state: State,
        env: Mapping[str, str | None],
        workdir: str | None,
        scripts: dict[str, Installed],
    ) -> None:
        """Remember the console scripts a ``pip install --user`` puts in the user bin."""
        install = pip_install(command, env)
        if install is None or not install.user:
            return
        base = env.get("PYTHONUSERBASE")
        if base is None:
            home = env.get("HOME") or ctx.home(run)
            if home is None or "PYTHONUSERBASE" in env:
                return
            base = posixpath.join(home, ".local")
        requirements = list(install.requirements)
        for name in install.requirement_files:
            requirements += _requirements_from(ctx, stage, name, workdir)
        how = f"`pip install --user` (line {run.line})"
        for requirement in requirements:
            for script in scripts_of(requirement):
                scripts[script] = Installed(posixpath.join(base, "bin"), how)

    def _copied(
        self, ctx: Context, copy: Instruction, installed: dict[int, dict[str, Installed]]
    ) -> dict[str, Installed]:
        """Scripts a ``COPY --from`` brings along with the user base they live in."""
        source = ctx.copy_source(copy)
        if source is None or source.stage is None:
            return {}
        theirs = installed.get(source.stage.index, {})
        values = [ctx.expand(copy, argument.value) for argument in copy.arguments]
        if not theirs or len(values) < 2 or not all(value.complete for value in values):
            return {}
        destination = values[-1].value
        if not destination.startswith("/"):
            destination = posixpath.join(ctx.state(copy).workdir or "/", destination)
        brought = {}
        for value in values[:-1]:
            origin = posixpath.normpath("/" + value.value.lstrip("/"))
            for name, script in theirs.items():
                placed = _placed(script.bin_dir, origin, posixpath.normpath(destination))
                if placed is not None:
                    how = f"COPY --from={source.reference} (line {copy.line})"
                    brought[name] = Installed(placed, how)
        return brought

    def _startup(self, ctx: Context, stage: Stage, scripts: dict[str, Installed]) -> list[_Use]:
        final = ctx.final_state(stage)
        path = _path_entries(final.env.get("PATH"))
        before = _startup_fix_point(stage)
        uses = []
        for started in ctx.startup_commands(stage):
            span = started.anchor
            if started.script is None and started.command.words:
                span = started.command.words[0].span
            use = self._use(started.command, span, scripts, path, started.where, before)
            if use is not None:
                uses.append(use)
        return uses

    def _use(
        self,
        command: SimpleCommand,
        span: Span | None,
        scripts: dict[str, Installed],
        path: tuple[str, ...] | None,
        where: str,
        before: Instruction | None,
    ) -> _Use | None:
        name = command.name
        if span is None or path is None or not name or "/" in name or name not in scripts:
            return None
        script = scripts[name]
        if script.bin_dir in path:
            return None
        message = (
            f"{name}{where} is in {script.bin_dir}, put there by {script.how}, and that "
            f"directory is not on PATH: the shell reports '{name}: not found'. Add "
            f'ENV PATH="{script.bin_dir}:$PATH" before this, or run it with python -m'
        )
        return _Use(span, message, script.bin_dir, before)


def _startup_fix_point(stage: Stage) -> Instruction | None:
    """The stage's first CMD or ENTRYPOINT, before which an ``ENV PATH`` reaches the
    container; None when a later ``ENV`` sets PATH again (without ``$PATH`` it drops the
    directory, and with it the model no longer sees the directory: no fix either way)."""
    instructions = stage.instructions
    first = next(i for i, x in enumerate(instructions) if x.keyword in ("CMD", "ENTRYPOINT"))
    if any(_sets_path(instruction) for instruction in instructions[first:]):
        return None
    return instructions[first]


def _sets_path(instruction: Instruction) -> bool:
    arguments = instruction.arguments
    if instruction.keyword != "ENV" or not arguments:
        return False
    if "=" not in arguments[0].value:  # the legacy form, ENV PATH value
        return arguments[0].value == "PATH"
    return any(argument.value.partition("=")[0] == "PATH" for argument in arguments)


def _path_fix(ctx: Context, before: Instruction, bin_dir: str) -> Fix | None:
    """``ENV PATH="<bin_dir>:$PATH"`` on a line of its own above ``before`` and the comment
    lines directly above it (which belong to ``before``: pragmas, explanations)."""
    if _UNSAFE_IN_ENV.search(bin_dir):
        return None
    env = "env" if before.keyword_text.islower() else "ENV"
    edit = ctx.line_above(before, f'{env} PATH="{bin_dir}:$PATH"')
    return Fix((edit,), title=f"put {bin_dir} on PATH")


def _path_entries(value: str | None) -> tuple[str, ...] | None:
    """PATH's directories; None when an unknown part could hold anything."""
    if value is None:
        return DEFAULT_PATH
    entries: list[str] = []
    for entry in value.split(":"):
        if entry in ("$PATH", "${PATH}"):
            entries.extend(DEFAULT_PATH)
        elif "$" in entry or "`" in entry:
            return None
        elif entry:
            entries.append(posixpath.normpath(entry))
    return tuple(entries)


def _placed(path: str, source: str, destination: str) -> str | None:
    """Where copying ``source`` to ``destination`` puts ``path``, if it brings it."""
    if path == source:
        return destination
    prefix = source.rstrip("/") + "/"
    if source == "/" or path.startswith(prefix):
        return posixpath.join(destination, path[len(prefix) :] if source != "/" else path[1:])
    return None


def _requirements_from(ctx: Context, stage: Stage, name: str, workdir: str | None) -> list[str]:
    """Requirements of a file in the image, following nested ``-r`` includes (bounded)."""
    found: list[str] = []
    pending = [posixpath.join(workdir or "/", name)]
    seen: set[str] = set()
    while pending and len(seen) < _MAX_INCLUDES:
        path = posixpath.normpath(pending.pop())
        if path in seen:
            continue
        seen.add(path)
        image_file = ctx.image_file(stage, path)
        text = image_file.read(ctx.build_context) if image_file else None
        if text is None:
            continue
        requirements, included = read_requirements(text)
        found += requirements
        pending += [posixpath.join(posixpath.dirname(path), other) for other in included]
    return found
