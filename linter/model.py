"""Instructions to build stages, and the state each instruction runs in.

Rules judge an instruction by what Docker knows when it runs it: the stage it belongs to, the
stage's base (another stage, an image, or ``scratch``), and the ENV, ARG, USER, WORKDIR and SHELL
in effect, inherited through ``FROM <stage>``. This module computes that once per file.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Set
from types import MappingProxyType
from typing import Any

from .images import ImageReference
from .records import NamedTuple, Record
from .snapshots import FlaggedNames, Snapshot, Variables
from .source import Span
from .syntax import Argument, Dockerfile, Instruction
from .variables import MAX_EXPANDED, Expansion, expand

DEFAULT_SHELL = ("/bin/sh", "-c")


# Characters that variables' values may add, in all, to the values the model keeps for a file
# (ENV, ARG, WORKDIR, USER …): each expansion is bounded (MAX_EXPANDED), and this keeps a file
# of many such expansions within tens of megabytes.
EXPANSION_BUDGET = 16_000_000


class State(Record):
    """What is in effect when an instruction runs (read-only: :meth:`replace` makes a copy).

    ``env`` holds ENV values set in this Dockerfile (the base image's own are unknown); a
    value that refers to an unknown variable keeps the reference as written
    (``/opt/venv/bin:$PATH``) and its name is in ``unknown_env``;
    ``args`` the build arguments in scope, None where no default is visible; ``user`` and
    ``workdir`` are None while the base image's defaults apply. The mappings are read-only
    views that instructions share (see snapshots.py): copy one to change it.
    """

    _fields = ("env", "args", "unknown_env", "user", "workdir", "shell")
    __slots__ = _fields

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        args: Mapping[str, str | None] | None = None,
        unknown_env: Set[str] = frozenset(),
        user: str | None = None,
        workdir: str | None = None,
        shell: tuple[str, ...] = DEFAULT_SHELL,
    ) -> None:
        self.env: Mapping[str, str] = {} if env is None else env
        self.args: Mapping[str, str | None] = {} if args is None else args
        self.unknown_env = unknown_env
        self.user = user
        self.workdir = workdir
        self.shell = shell

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return self.field_values() == other.field_values()

    __hash__ = None  # type: ignore[assignment]  # its mappings are not hashable

    @property
    def home(self) -> str | None:
        """HOME for commands run here: ENV HOME, else root's, else /home/<user> (a guess that
        holds for users made with ``useradd -m``); None for a numeric non-root user."""
        if "HOME" in self.env:
            return None if "HOME" in self.unknown_env else self.env["HOME"]
        user = (self.user or "root").partition(":")[0]
        if user in ("root", "0"):
            return "/root"
        return None if user.isdigit() else f"/home/{user}"

    @property
    def variables(self) -> Mapping[str, str | None]:
        """Names Docker can expand here: build arguments, overridden by ENV."""
        if not self.args and not self.unknown_env:
            return self.env
        return Variables(self.args, self.env, self.unknown_env)


class Stage(Record):
    """A build stage: ``FROM base [AS name]`` and the instructions up to the next FROM.

    ``image`` is the base as written, ``image_resolved`` after build-argument expansion (None
    when an argument's value is unknown); ``parent`` is set when the base is an earlier stage.
    """

    _fields = (
        *("index", "from_instruction", "image", "image_resolved", "name", "name_span"),
        *("parent", "instructions"),
    )
    __slots__ = _fields

    def __init__(
        self,
        index: int,
        from_instruction: Instruction,
        image: str,
        image_resolved: str | None,
        name: str | None,
        name_span: Span | None,
        parent: Stage | None,
        instructions: list[Instruction] | None = None,
    ) -> None:
        self.index = index
        self.from_instruction = from_instruction
        self.image = image
        self.image_resolved = image_resolved
        self.name = name
        self.name_span = name_span
        self.parent = parent
        self.instructions: list[Instruction] = [] if instructions is None else instructions

    @property
    def lineage(self) -> list[Stage]:
        """This stage, then the stages it is built ``FROM``, back to the one on an image."""
        stages = [self]
        while stages[-1].parent is not None:
            stages.append(stages[-1].parent)
        return stages

    @property
    def root(self) -> Stage:
        """The stage of this lineage that starts from an image (itself, without a parent)."""
        return self.lineage[-1]

    @property
    def base_is_scratch(self) -> bool:
        return self.parent is None and (self.image_resolved or "").lower() == "scratch"

    @property
    def base_image(self) -> ImageReference | None:
        """The image this stage starts from; None for a stage, scratch, or an unknown value."""
        if self.parent is not None or not self.image_resolved or self.base_is_scratch:
            return None
        return ImageReference.parse(self.image_resolved)


class CopySource(NamedTuple):
    """Where ``COPY --from=…`` takes files: an earlier stage, or an image."""

    instruction: Instruction
    reference: str
    resolved: str | None
    stage: Stage | None


class Model(Record):
    """A Dockerfile's stages, the state before each instruction, and COPY --from sources."""

    _fields = ("dockerfile", "global_args", "stages", "states", "stage_of", "copy_sources")
    __slots__ = (*_fields, "final_states", "_stage_named", "_copy_source_of")

    def __init__(
        self,
        dockerfile: Dockerfile,
        global_args: Mapping[str, str | None],
        stages: list[Stage],
        states: list[State],
        stage_of: list[Stage | None],
        copy_sources: list[CopySource],
        final_states: dict[int, State] | None = None,
        stage_named: dict[str, Stage] | None = None,
        copy_source_of: dict[int, CopySource] | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.global_args = global_args
        self.stages = stages
        self.states = states
        self.stage_of = stage_of
        self.copy_sources = copy_sources
        self.final_states: dict[int, State] = {} if final_states is None else final_states
        self._stage_named: dict[str, Stage] = {} if stage_named is None else stage_named
        self._copy_source_of: dict[int, CopySource] = (
            {} if copy_source_of is None else copy_source_of
        )

    def state(self, instruction: Instruction) -> State:
        return self.states[instruction.index]

    def final_state(self, stage: Stage) -> State:
        """The state after the stage's last instruction: what its image carries."""
        return self.final_states[stage.index]

    def stage(self, instruction: Instruction) -> Stage | None:
        return self.stage_of[instruction.index]

    def stage_named(self, name: str) -> Stage | None:
        """The first stage named ``name`` (any case)."""
        return self._stage_named.get(name.lower())

    def copy_source(self, instruction: Instruction) -> CopySource | None:
        """Where a ``COPY --from`` takes its files (None for another instruction)."""
        source = self._copy_source_of.get(instruction.index)
        return source if source is not None and source.instruction is instruction else None


def build_model(dockerfile: Dockerfile, build_args: Mapping[str, str] | None = None) -> Model:
    """Follow the Dockerfile top to bottom, as Docker would run it.

    ``build_args`` are ``--build-arg`` values; without them, ARG defaults apply.
    """
    return _ModelBuilder(dockerfile, build_args or {}).run()


class _ModelBuilder:
    def __init__(self, dockerfile: Dockerfile, build_args: Mapping[str, str]) -> None:
        self.dockerfile = dockerfile
        self.build_args = build_args
        self.escape = dockerfile.escape
        self.global_args: dict[str, str | None] = {}
        self.stages: list[Stage] = []
        self.states: list[State] = []
        self.stage_of: list[Stage | None] = []
        self.copy_sources: list[CopySource] = []
        self.final_states: dict[int, State] = {}
        self.stage_named: dict[str, Stage] = {}  # the first stage of each name
        # The builder's own handles on the state's views, which it updates.
        self.env: Snapshot[str] = Snapshot.empty()
        self.args: Snapshot[str | None] = Snapshot.empty()
        self.unknown_env = FlaggedNames()
        self.final_variables: dict[int, tuple[Snapshot[str], FlaggedNames]] = {}
        self.state = self._fresh_state()
        # Characters that variables' values may still add to the values the model keeps.
        self.expansion_room = EXPANSION_BUDGET

    def run(self) -> Model:
        for instruction in self.dockerfile.instructions:
            stage = self.stages[-1] if self.stages else None
            if instruction.keyword == "FROM":
                self._close_stage()
                stage = self._from(instruction)
            self.states.append(self.state)
            self.stage_of.append(stage)
            if stage is not None and instruction.keyword != "FROM":
                stage.instructions.append(instruction)
            self._apply(instruction, stage)
        self._close_stage()
        return Model(
            self.dockerfile,
            MappingProxyType(self.global_args),
            self.stages,
            self.states,
            self.stage_of,
            self.copy_sources,
            self.final_states,
            self.stage_named,
            {source.instruction.index: source for source in self.copy_sources},
        )

    def _close_stage(self) -> None:
        if self.stages:
            index = self.stages[-1].index
            self.final_states[index] = self.state
            self.final_variables[index] = (self.env, self.unknown_env)

    def _fresh_state(self) -> State:
        self.env, self.args, self.unknown_env = Snapshot.empty(), Snapshot.empty(), FlaggedNames()
        return State(self.env, self.args, self.unknown_env)

    def _from(self, instruction: Instruction) -> Stage:
        words = [argument.value for argument in instruction.arguments]
        image = words[0] if words else ""
        resolved = self.expand(image, self.global_args)
        name = name_span = None
        if len(words) >= 3 and words[1].upper() == "AS":
            name = words[2].lower()
            name_span = instruction.arguments[2].span
        image_resolved = resolved.value if resolved.complete else None
        parent = None
        if image_resolved is not None:
            parent = self.stage_named.get(image_resolved.lower())
        stage = Stage(len(self.stages), instruction, image, image_resolved, name, name_span, parent)
        self.stages.append(stage)
        if name is not None:
            self.stage_named.setdefault(name, stage)
        if parent is not None:
            self.env, self.unknown_env = self.final_variables[parent.index]
            self.args = Snapshot.empty()
            self.state = self.final_states[parent.index].replace(args=self.args)
        else:
            self.state = self._fresh_state()
        return stage

    def expand(self, text: str, variables: Mapping[str, str | None]) -> Expansion:
        """``text`` expanded, within what is left of the file's budget: past it, every
        reference counts as unknown and the values kept are the file's own text."""
        limit = min(MAX_EXPANDED, self.expansion_room)
        expansion = expand(text, variables, self.escape, limit)
        added = len(expansion.value) - len(text)
        if expansion.partial is not expansion.value:
            added += len(expansion.partial) - len(text)
        self.expansion_room -= max(added, 0)
        return expansion

    def _apply(self, instruction: Instruction, stage: Stage | None) -> None:
        keyword = instruction.keyword
        if keyword == "ARG":
            self._arg(instruction, stage)
        elif stage is None:
            return
        elif keyword == "ENV":
            self._env(instruction)
        elif keyword == "USER" and instruction.arguments:
            user = self.expand(instruction.arguments[0].value, self.state.variables)
            self._set(user=user.value if user.complete else None)
        elif keyword == "WORKDIR" and instruction.arguments:
            self._workdir(instruction)
        elif keyword == "SHELL" and instruction.json and instruction.arguments:
            self._set(shell=tuple(argument.value for argument in instruction.arguments))
        elif keyword == "COPY" and instruction.flag("from") is not None:
            self._copy_from(instruction, stage)

    def _set(self, **changes: Any) -> None:
        self.state = self.state.replace(**changes)

    def _arg(self, instruction: Instruction, stage: Stage | None) -> None:
        if stage is None:
            self._global_arg(instruction)
            return
        args = self.args
        for name, equals, default in _declarations(instruction):
            value: str | None
            if name in self.build_args:
                value = self.build_args[name]
            elif equals:
                # ENV values as they are, partly known ones too, over the build arguments.
                expansion = self.expand(default, Variables(args, self.env))
                value = expansion.value if expansion.complete else None
            elif name in self.global_args:
                value = self.global_args[name]
            elif name in args:
                continue
            else:
                value = None
            args = args.updated([(name, value)])
        self.args = args
        self._set(args=args)

    def _global_arg(self, instruction: Instruction) -> None:
        scope = self.global_args
        for name, equals, default in _declarations(instruction):
            if name in self.build_args:
                scope[name] = self.build_args[name]
            elif equals:
                value = self.expand(default, scope)
                scope[name] = value.value if value.complete else None
            else:
                scope.setdefault(name, None)

    def _env(self, instruction: Instruction) -> None:
        variables = self.state.variables
        # For the text kept of a partly known value, a partly known variable contributes
        # its own partial text: PATH=/a:$PATH then PATH=/b:$PATH gives /b:/a:$PATH.
        partial_variables = Variables(self.args, self.env)
        values = []
        unknown: dict[str, bool] = {}
        for name, raw in key_values(instruction.arguments, instruction.text.text):
            value = self.expand(raw, variables)
            if value.complete:
                values.append((name, value.value))
            else:
                values.append((name, self.expand(raw, partial_variables).partial))
            unknown[name] = not value.complete
        self.env = self.env.updated(values)
        self.unknown_env = self.unknown_env.updated(unknown)
        self._set(env=self.env, unknown_env=self.unknown_env)

    def _workdir(self, instruction: Instruction) -> None:
        path = self.expand(instruction.text.text, self.state.variables)
        if not path.complete:
            self._set(workdir=None)
            return
        current = self.state.workdir
        if posixpath.isabs(path.value):
            self._set(workdir=posixpath.normpath(path.value))
        elif current is not None:
            self._set(workdir=posixpath.normpath(posixpath.join(current, path.value)))

    def _copy_from(self, instruction: Instruction, stage: Stage | None) -> None:
        flag = instruction.flag("from")
        if flag is None or flag.value is None or stage is None:
            return
        resolved = self.expand(flag.value, self.state.variables)
        reference = resolved.value.lower() if resolved.complete else None
        source = None
        if reference is not None:
            source = self.stage_named.get(reference)
            if source is not None and source.index >= stage.index:
                source = None  # only a stage before this one
            if source is None and reference.isdigit() and int(reference) < stage.index:
                source = self.stages[int(reference)]
        self.copy_sources.append(CopySource(instruction, flag.value, reference, source))


def _declarations(instruction: Instruction) -> list[tuple[str, str, str]]:
    """The ``name[=default]`` of an ARG: (name, "=" or "", default), unnamed ones left out."""
    declared = []
    for argument in instruction.arguments:
        name, equals, default = argument.value.partition("=")
        if name:
            declared.append((name, equals, default))
    return declared


def key_values(arguments: tuple[Argument, ...], text: str) -> list[tuple[str, str]]:
    """The ``key=value`` pairs of ENV or LABEL, including the legacy ``ENV key value`` form."""
    if not arguments:
        return []
    first = arguments[0].value
    if "=" not in first:
        rest = text[len(first) :].strip()
        return [(first, rest)]
    pairs = []
    for argument in arguments:
        name, _, value = argument.value.partition("=")
        if name:
            pairs.append((name, value))
    return pairs
