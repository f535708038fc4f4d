"""Everything a rule may use: import from here, and from the standard library, nothing else.

A rule is a subclass of :class:`Rule` in its own module under ``dockerfile_dlint.rules``. The
engine makes one instance per file, calls ``check(instruction, ctx)`` for each instruction whose
keyword the rule lists, then ``finish(ctx)`` once; both yield :class:`Finding` objects made with
``self.finding(span, message)``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .accounts import ACCOUNT_PROGRAMS, Account, Group, accounts_created
from .buildcontext import BuildContext
from .commands import exec_form_command, shell_script, windows_base
from .edits import Edit, Fix
from .imagefiles import ImageFile, find_image_file
from .images import ImageReference
from .knowledge.image_users import red_hat_family
from .model import CopySource, Model, Stage, State
from .outputs import StageOutput, cache_targets, copies_into, stage_outputs
from .patterns import LazyPattern, lazy
from .permissions import Change, Denial, denial, stage_changes
from .records import NamedTuple
from .shell import Redirect, ShellScript, SimpleCommand, Word, parse_shell, unwrap
from .source import MappedText, Problem, Span
from .startup import StartupCommand, effective_entrypoint_and_cmd, startup_commands
from .syntax import Argument, Comment, Directive, Dockerfile, Flag, Heredoc, Instruction
from .users import Accounts, User, lineage_accounts, runtime_user, user_at, user_instruction
from .variables import Expansion, expand

if TYPE_CHECKING:
    from .reuse import Reuse

__all__ = [
    "Argument",
    "BuildContext",
    "Comment",
    "Context",
    "CopySource",
    "Denial",
    "Directive",
    "Dockerfile",
    "Edit",
    "Expansion",
    "Finding",
    "Fix",
    "Flag",
    "Heredoc",
    "ImageFile",
    "ImageReference",
    "Instruction",
    "KeyValue",
    "LazyPattern",
    "Level",
    "MappedText",
    "NamedTuple",
    "Problem",
    "Redirect",
    "Rule",
    "ShellScript",
    "SimpleCommand",
    "Span",
    "Stage",
    "StageOutput",
    "StartupCommand",
    "State",
    "User",
    "Word",
    "cache_targets",
    "copies_into",
    "exec_form_command",
    "expand",
    "lazy",
    "unwrap",
    "user_instruction",
    "windows_base",
]


class Level(enum.IntEnum):
    """How serious a finding is; higher is more serious (hadolint's four levels)."""

    STYLE = 1
    INFO = 2
    WARNING = 3
    ERROR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        """A level from its name (``error``, ``warning``, ``info``, ``style``)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {text!r}: use error, warning, info or style") from None


class Finding(NamedTuple):
    """One problem found in a file, at an exact span."""

    code: str
    name: str
    level: Level
    message: str
    span: Span
    path: str = ""
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.span.line, self.span.column, self.code)


class KeyValue(NamedTuple):
    """One ``key=value`` of ENV or LABEL as Docker reads it: the key and value expanded
    (None where a variable's value is not visible), the span of the key and that of the
    whole pair."""

    key: str | None
    value: str | None
    key_span: Span
    span: Span


class Rule:
    """Base of every rule. Class attributes describe it; the docstring documents it.

    ``instructions`` lists the keywords ``check`` is called for (empty: none). With
    ``onbuild = True`` (the default) ``check`` is also called for the trigger of an
    ``ONBUILD`` whose keyword is listed, since Docker runs it in a later build. ``aliases``
    are other names the rule answers to (a BuildKit check's name); ``fixable`` is ``"safe"``
    or ``"unsafe"`` for rules that offer fixes, None otherwise. An ``experimental`` rule is
    off by default and a file's ``# check=experimental=…`` directive can turn it on.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    level: ClassVar[Level] = Level.WARNING
    instructions: ClassVar[frozenset[str]] = frozenset()
    onbuild: ClassVar[bool] = True
    enabled_by_default: ClassVar[bool] = True
    aliases: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[str | None] = None
    experimental: ClassVar[bool] = False

    def check(self, instruction: Instruction, ctx: Context) -> Iterable[Finding]:
        return ()

    def finish(self, ctx: Context) -> Iterable[Finding]:
        return ()

    def finding(self, span: Span, message: str, fix: Fix | None = None) -> Finding:
        """A finding of this rule; ``fix`` says how to repair it (see ``fixable``)."""
        return Finding(self.code, self.name, self.level, message, span, fix=fix)


class Context:
    """What a rule may know about the file beyond one instruction.

    ``options`` holds the configuration's rule options by their config key
    (``trusted-registries``, ``label-schema``, ``strict-labels``), absent when not set.
    """

    def __init__(
        self,
        dockerfile: Dockerfile,
        model: Model,
        build_context: BuildContext | None = None,
        options: Mapping[str, Any] | None = None,
        reuse: Reuse | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.model = model
        self.build_context = build_context
        self.options: Mapping[str, Any] = options or {}
        self._reuse = reuse  # scripts parsed by earlier lints (see reuse.py)
        self._shell_cache: dict[int, ShellScript | None] = {}
        self._unwrapped_cache: dict[int, tuple[SimpleCommand, ...]] = {}
        self._startup_cache: dict[int, list[StartupCommand]] = {}
        self._outputs_cache: dict[int, list[StageOutput]] = {}
        self._copy_source_of: dict[int, CopySource] | None = None
        self._user_cache: dict[int, User] = {}
        self._accounts_cache: dict[int, Accounts] = {}
        self._changes_cache: dict[int, list[Change]] = {}
        self._image_files: dict[tuple[int, str], ImageFile | None] = {}
        self._made_cache: dict[int, list[tuple[SimpleCommand, Account | Group]]] = {}
        self._expanded: dict[tuple[int, str], Expansion] = {}  # rules expand the same words

    @property
    def path(self) -> str:
        return self.dockerfile.source.path

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        return self.dockerfile.instructions

    @property
    def stages(self) -> list[Stage]:
        return self.model.stages

    @property
    def global_args(self) -> Mapping[str, str | None]:
        return self.model.global_args

    @property
    def copy_sources(self) -> list[CopySource]:
        return self.model.copy_sources

    def copy_source(self, instruction: Instruction) -> CopySource | None:
        """The ``--from`` source of a ``COPY`` (None for other instructions)."""
        if self._copy_source_of is None:
            self._copy_source_of = {id(s.instruction): s for s in self.model.copy_sources}
        return self._copy_source_of.get(id(instruction))

    def state(self, instruction: Instruction) -> State:
        """ENV, ARG, USER, WORKDIR and SHELL in effect when ``instruction`` runs."""
        return self.model.state(instruction)

    def final_state(self, stage: Stage) -> State:
        """The state after ``stage``'s last instruction: what its image runs with (ENV,
        USER, WORKDIR, SHELL; build arguments do not reach the container)."""
        return self.model.final_state(stage)

    def entrypoint_and_cmd(self, stage: Stage) -> tuple[Instruction | None, Instruction | None]:
        """The ENTRYPOINT and CMD in force for ``stage``'s image, inheritance and the
        ENTRYPOINT-resets-CMD rule applied."""
        return effective_entrypoint_and_cmd(stage)

    def stage(self, instruction: Instruction) -> Stage | None:
        """The stage ``instruction`` belongs to (None before the first FROM)."""
        return self.model.stage(instruction)

    def expand(self, instruction: Instruction, text: str) -> Expansion:
        """``text`` with the variables Docker would expand at ``instruction``."""
        key = (id(instruction), text)
        found = self._expanded.get(key)
        if found is None:
            variables = self.state(instruction).variables
            found = self._expanded[key] = expand(text, variables, self.dockerfile.escape)
        return found

    def shell(self, instruction: Instruction) -> ShellScript | None:
        """The shell commands of a shell-form RUN, CMD or ENTRYPOINT, or of the ``-c`` script
        of an exec form that runs a shell (None otherwise, and on Windows base images).

        The text is parsed as Docker hands it to the shell: continuation lines joined, comment
        lines removed; heredoc bodies are included, so that ``cat <<EOF > file`` and a
        ``RUN <<EOF`` script are both seen. Positions map back to the file.
        """
        key = id(instruction)
        if key not in self._shell_cache:
            if windows_base(self.stage(instruction)):
                self._shell_cache[key] = None  # cmd or PowerShell, not a POSIX shell
            else:
                shell = self.state(instruction).shell
                parse = self._reuse.parse_shell if self._reuse else parse_shell
                self._shell_cache[key] = shell_script(instruction, shell, parse)
        return self._shell_cache[key]

    def run_commands(
        self, instruction: Instruction, unwrapped: bool = False
    ) -> tuple[SimpleCommand, ...]:
        """The commands a RUN runs: its shell commands (``sh -c`` scripts, heredoc scripts
        and exec-form ``["sh", "-c", …]`` included), or else its exec-form argv as one
        command. With ``unwrapped``, each is seen through wrappers (``sudo -E wget …`` is
        ``wget …``) and wrappers that run nothing (``command -v``) are left out."""
        script = self.shell(instruction)
        if script is not None:
            commands = script.commands
        else:
            command = exec_form_command(instruction)
            commands = (command,) if command is not None else ()
        if not unwrapped:
            return commands
        key = id(instruction)
        found = self._unwrapped_cache.get(key)
        if found is None:
            found = tuple(c for c in (command.unwrapped() for command in commands) if c.words)
            self._unwrapped_cache[key] = found
        return found

    def startup_commands(self, stage: Stage) -> list[StartupCommand]:
        """What ``stage``'s container runs at start: ENTRYPOINT and CMD as Docker combines
        them, through ``sh -c``, init wrappers and the shell scripts they run (see
        :mod:`dockerfile_dlint.startup`)."""
        if stage.index not in self._startup_cache:
            self._startup_cache[stage.index] = startup_commands(self, stage)
        return self._startup_cache[stage.index]

    def stage_outputs(self, stage: Stage) -> list[StageOutput]:
        """Outputs of known build tools in ``stage``'s image (Prisma engines, Playwright
        browsers, ``pip install --user`` packages …) with their paths: see
        :mod:`dockerfile_dlint.outputs`."""
        if stage.index not in self._outputs_cache:
            self._outputs_cache[stage.index] = stage_outputs(self, stage)
        return self._outputs_cache[stage.index]

    def user(self, instruction: Instruction) -> User:
        """Who ``instruction`` runs as: the USER in effect, resolved through the accounts
        the Dockerfile creates and the base image's (see :mod:`dockerfile_dlint.users`),
        with HOME from ``ENV HOME`` or the account; home None when it cannot be told."""
        key = id(instruction)
        if key not in self._user_cache:
            self._user_cache[key] = user_at(self, instruction)
        return self._user_cache[key]

    def accounts(self, stage: Stage) -> Accounts:
        """The user accounts ``stage`` and the stages it is built from create (useradd,
        adduser), with the base image's known ones."""
        if stage.index not in self._accounts_cache:
            self._accounts_cache[stage.index] = lineage_accounts(self, stage)
        return self._accounts_cache[stage.index]

    def accounts_made(self, run: Instruction) -> list[tuple[SimpleCommand, Account | Group]]:
        """The accounts and groups the commands of a RUN create (``useradd``, ``adduser``,
        ``groupadd``, ``addgroup``; see :mod:`dockerfile_dlint.accounts`), each with its
        command, build arguments and ENV expanded as at the RUN."""
        key = id(run)
        found = self._made_cache.get(key)
        if found is None:
            found = []
            red_hat: bool | None = None  # the base image's family, read when needed
            for command in self.run_commands(run, unwrapped=True):
                if command.program not in ACCOUNT_PROGRAMS:
                    continue
                if red_hat is None:
                    stage = self.stage(run)
                    red_hat = red_hat_family(stage.root.base_image if stage else None)
                made = accounts_created(command, self.state(run).variables, red_hat)
                if made is not None:
                    found.append((command, made))
            self._made_cache[key] = found
        return found

    def home(self, instruction: Instruction) -> str | None:
        """HOME for ``instruction``: the resolved user's, else the model's guess
        (``/home/<user>``) for a user dlint cannot resolve."""
        return self.user(instruction).home or self.state(instruction).home

    def runtime_user(self, stage: Stage) -> User:
        """Who ``stage``'s container runs as (its last USER, or the base image's default)."""
        return runtime_user(self, stage)

    def runtime_location(self, stage: Stage, output: StageOutput) -> str | None:
        """Where the tool that made ``output`` looks for it when ``stage``'s container runs:
        under the runtime user's HOME, unless the tool's variable (``PYTHONUSERBASE``,
        ``PRISMA_BINARY_CACHE_DIR``, ``PLAYWRIGHT_BROWSERS_PATH``, ``XDG_CACHE_HOME``) is
        set with ENV. None for output found by path (a virtualenv), or when it cannot be told."""
        tool = output.tool
        if not tool.location.startswith("$HOME"):
            return None
        final = self.final_state(stage)
        if any(name in final.unknown_env for name in (tool.override, "XDG_CACHE_HOME", "HOME")):
            return None
        return tool.path(self.runtime_user(stage).home, final.workdir, final.env)

    def denial(self, stage: Stage, path: str, user: User, execute: bool = False) -> Denial | None:
        """What keeps ``user`` from reading (or executing) ``path`` in ``stage``'s image, by
        the owners and modes the Dockerfile makes known (see
        :mod:`dockerfile_dlint.permissions`); None when nothing known does."""
        if stage.index not in self._changes_cache:
            self._changes_cache[stage.index] = stage_changes(self, stage)
        return denial(path, user, self._changes_cache[stage.index], execute)

    def image_file(self, stage: Stage, path: str) -> ImageFile | None:
        """Where the file at ``path`` in ``stage``'s image was copied from, if known."""
        key = (stage.index, path)
        if key not in self._image_files:
            self._image_files[key] = find_image_file(self.model, stage, path, self.build_context)
        return self._image_files[key]

    def key_values(self, instruction: Instruction) -> list[KeyValue]:
        """The pairs of an ENV or LABEL, legacy ``ENV key value`` form included."""
        arguments = instruction.arguments
        if not arguments:
            return []
        first = arguments[0]
        raw: list[tuple[str, str, Span]] = []
        if "=" not in first.value:
            rest = instruction.text.text[len(first.value) :].strip()
            raw.append((first.value, rest, first.span))
        else:
            for argument in arguments:
                raw_key, _, raw_value = argument.value.partition("=")
                raw.append((raw_key, raw_value, argument.span))
        pairs = []
        for raw_key, raw_value, span in raw:
            key = self.expand(instruction, raw_key)
            value = self.expand(instruction, raw_value)
            key_span = span  # a key continued onto another line: the whole pair
            if span.line == span.end_line:
                key_span = Span(span.line, span.column, span.line, span.column + len(raw_key))
            pairs.append(
                KeyValue(
                    key.value if key.complete else None,
                    value.value if value.complete else None,
                    key_span,
                    span,
                )
            )
        return pairs

    def stages_used_by_others(self) -> set[int]:
        """Indexes of the stages another stage builds on (``FROM``), copies from
        (``COPY --from``) or mounts (``RUN --mount=from=``): builder stages."""
        used = {stage.parent.index for stage in self.stages if stage.parent is not None}
        used.update(source.stage.index for source in self.copy_sources if source.stage)
        by_name = {stage.name: stage.index for stage in self.stages if stage.name}
        for instruction in self.instructions:
            if instruction.keyword != "RUN":
                continue
            for flag in instruction.flags:
                if flag.name != "mount" or not flag.value:
                    continue
                for option in flag.value.split(","):
                    name, _, value = option.partition("=")
                    if name.strip() == "from" and value:
                        target = value.lower()
                        if target in by_name:
                            used.add(by_name[target])
                        elif target.isdigit() and int(target) < len(self.stages):
                            used.add(int(target))
        return used

    def line_above(self, instruction: Instruction, text: str) -> Edit:
        """An edit that puts ``text`` on a new line above ``instruction`` and the comment lines
        directly above it (they belong to it: pragmas, explanations), indented like it."""
        comment_lines = {comment.span.line for comment in self.dockerfile.comments}
        line = instruction.span.line
        while line - 1 in comment_lines:
            line -= 1
        keyword = instruction.keyword_span
        indent = self.dockerfile.source.line_text(keyword.line)[: keyword.column - 1]
        return Edit.insert_line_before(line, (indent if not indent.strip() else "") + text)

    def first_in_stage(self, instruction: Instruction) -> Instruction | None:
        """The first instruction of ``instruction``'s stage with the same keyword."""
        stage = self.stage(instruction)
        if stage is None:
            return None
        keyword = instruction.keyword
        return next((other for other in stage.instructions if other.keyword == keyword), None)
