"""What a container runs when it starts: the stage's ENTRYPOINT and CMD, followed through.

Docker combines ENTRYPOINT and CMD (an exec-form ENTRYPOINT gets CMD as arguments; a
shell-form one ignores CMD; an ENTRYPOINT resets a CMD inherited from the parent image). The
command then often hides behind a shell (``sh -c "…"``), an init wrapper (``tini --``) or a
script copied from the build context (``./docker-entrypoint.sh``). This module follows all of
these, so that rules judge the commands that really run, and report findings inside a script
at the CMD or ENTRYPOINT that starts it, naming the script's file and line.
"""

from __future__ import annotations

import json
import posixpath
from typing import TYPE_CHECKING

from .commands import json_argument_text
from .model import Stage
from .patterns import lazy
from .records import NamedTuple
from .shell import ShellScript, SimpleCommand, Word, parse_shell, unwrap
from .source import MappedText, Span
from .syntax import Instruction

if TYPE_CHECKING:
    from .api import Context

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_MAX_SCRIPT_DEPTH = 3
_SCRIPT_SHEBANG = lazy(r"#!\s*(?:/usr/bin/env\s+)?\S*?(sh|bash|dash|ash|zsh)\b")


class StartupCommand(NamedTuple):
    """A command the container runs at start.

    ``command``'s spans are in the Dockerfile when ``script`` is None, else in the script
    (``script`` is its path in the image); ``anchor`` is where a finding is reported in the
    Dockerfile either way: the command itself, or the argument that names the script.
    """

    command: SimpleCommand
    instruction: Instruction
    anchor: Span
    script: str | None = None

    @property
    def where(self) -> str:
        """`` (in start.sh line 4)`` for a command from a script, '' otherwise."""
        if self.script is None:
            return ""
        return f" (in {self.script} line {self.command.span.line})"


def startup_commands(ctx: Context, stage: Stage) -> list[StartupCommand]:
    """The commands ``stage``'s container runs at start, scripts followed (bounded)."""
    entrypoint, cmd = effective_entrypoint_and_cmd(stage)
    starter = entrypoint or cmd
    if starter is None:
        return []
    follower = _Follower(ctx, stage)
    if not starter.json:
        return follower.shell_form(starter)
    argv = list(_exec_words(starter))
    if entrypoint is not None and cmd is not None:
        argv += _exec_words(cmd) if cmd.json else _shell_cmd_words(cmd)
    commands = follower.argv(argv, starter, starter.text.span(0, len(starter.text.text)), 0)
    if entrypoint is not None and cmd is not None and cmd.json and follower.ran_script:
        # An entrypoint script ends, by convention, with exec "$@": CMD is what it runs.
        commands += follower.argv(list(_exec_words(cmd)), cmd, cmd.span, 0)
    return commands


def effective_entrypoint_and_cmd(stage: Stage) -> tuple[Instruction | None, Instruction | None]:
    """The ENTRYPOINT and CMD in force for a stage's image, as Docker sets them."""
    entrypoint = cmd = None
    entrypoint_depth = cmd_depth = -1
    current: Stage | None = stage
    depth = 0
    while current is not None and (entrypoint is None or cmd is None):
        for instruction in reversed(current.instructions):
            if instruction.keyword == "ENTRYPOINT" and entrypoint is None:
                entrypoint, entrypoint_depth = instruction, depth
            elif instruction.keyword == "CMD" and cmd is None:
                cmd, cmd_depth = instruction, depth
        current = current.parent
        depth += 1
    if entrypoint is not None and cmd is not None and cmd_depth > entrypoint_depth:
        cmd = None  # an ENTRYPOINT resets the CMD inherited from the parent image
    if entrypoint is not None and not entrypoint.json:
        cmd = None  # a shell-form ENTRYPOINT ignores CMD
    return entrypoint, cmd


class _Follower:
    def __init__(self, ctx: Context, stage: Stage) -> None:
        self.ctx = ctx
        self.stage = stage
        self.ran_script = False

    def shell_form(self, instruction: Instruction) -> list[StartupCommand]:
        script = self.ctx.shell(instruction)
        if script is None:
            return []
        return self._from_script(script, instruction, None, None, 0)

    def argv(
        self, words: list[Word], instruction: Instruction, anchor: Span, depth: int
    ) -> list[StartupCommand]:
        """The commands an exec-form argv runs."""
        words = list(unwrap(tuple(words)))
        if not words:
            return []
        program = posixpath.basename(words[0].value)
        if program in SHELLS:
            return self._shell_program(words, instruction, depth)
        script = self._script_file(words[0].value, instruction)
        if script is not None and depth < _MAX_SCRIPT_DEPTH:
            return self._run_script(script, words[0], instruction, depth)
        command = SimpleCommand(tuple(words), (), (), _covering(words))
        return [StartupCommand(command, instruction, command.span if depth == 0 else anchor)]

    def _shell_program(
        self, words: list[Word], instruction: Instruction, depth: int
    ) -> list[StartupCommand]:
        """``sh -c "…"`` or ``sh script.sh``."""
        for index, word in enumerate(words[1:], 1):
            if word.value.startswith("-") and "c" in word.value[1:] and index + 1 < len(words):
                text = _word_text(words[index + 1], instruction)
                return self._from_script(parse_shell(text), instruction, None, None, depth)
            if not word.value.startswith("-"):
                script = self._script_file(word.value, instruction, search_path=False)
                if script is not None and depth < _MAX_SCRIPT_DEPTH:
                    return self._run_script(script, word, instruction, depth)
                return []
        return []

    def _run_script(
        self, script: tuple[str, str], named_by: Word, instruction: Instruction, depth: int
    ) -> list[StartupCommand]:
        path, text = script
        self.ran_script = True
        parsed = parse_shell(MappedText.of_file(text))
        return self._from_script(parsed, instruction, path, named_by.span, depth + 1)

    def _from_script(
        self,
        script: ShellScript,
        instruction: Instruction,
        path: str | None,
        anchor: Span | None,
        depth: int,
    ) -> list[StartupCommand]:
        found = []
        for written in script.commands:
            command = written.unwrapped()
            here = anchor or command.span
            found.append(StartupCommand(command, instruction, here, path))
            if depth < _MAX_SCRIPT_DEPTH and command.words:
                found.extend(self._nested(command, instruction, path, here, depth))
        return found

    def _nested(
        self,
        command: SimpleCommand,
        instruction: Instruction,
        path: str | None,
        anchor: Span,
        depth: int,
    ) -> list[StartupCommand]:
        """Scripts a command runs: ``./next.sh``, ``sh next.sh``, ``. ./env.sh``, ``exec x.sh``."""
        words = list(command.words)
        if words[0].value in (".", "source") and len(words) > 1:
            words = words[1:]
        words = list(unwrap(tuple(words)))
        if not words:
            return []
        target = words[0].value
        if posixpath.basename(target) in SHELLS and len(words) > 1:
            target = words[1].value
            if target.startswith("-"):
                return []
        script = self._script_file(target, instruction, search_path=False)
        if script is None:
            return []
        self.ran_script = True
        parsed = parse_shell(MappedText.of_file(script[1]))
        inner_anchor = anchor if path is not None else words[0].span
        return self._from_script(parsed, instruction, script[0], inner_anchor, depth + 1)

    def _script_file(
        self, name: str, instruction: Instruction, search_path: bool = True
    ) -> tuple[str, str] | None:
        """(path in the image, text) of a shell script the container can run by ``name``."""
        state = self.ctx.state(instruction)
        candidates = []
        if name.startswith("/"):
            candidates.append(name)
        elif "/" in name or not search_path:
            if state.workdir is not None:
                candidates.append(posixpath.join(state.workdir, name))
        else:
            path = state.env.get("PATH")
            directories = path.split(":") if path else DEFAULT_PATH
            candidates.extend(posixpath.join(d, name) for d in directories if d.startswith("/"))
        context = self.ctx.build_context
        for candidate in candidates:
            found = self.ctx.image_file(self.stage, candidate)
            text = found.read(context) if found is not None else None
            if text is not None and _is_shell_script(candidate, text):
                return posixpath.normpath(candidate), text
        return None


def _is_shell_script(path: str, text: str) -> bool:
    first = text.split("\n", 1)[0]
    if first.startswith("#!"):
        return _SCRIPT_SHEBANG.match(first) is not None
    return path.endswith(".sh")


def _exec_words(instruction: Instruction) -> list[Word]:
    """The JSON strings of an exec-form instruction as shell words (no expansion happens)."""
    return [
        Word(json.dumps(argument.value), argument.value, True, argument.span)
        for argument in instruction.arguments
    ]


def _shell_cmd_words(cmd: Instruction) -> list[Word]:
    """A shell-form CMD appended to an exec-form ENTRYPOINT: ``/bin/sh -c "<text>"``."""
    span = cmd.text.span(0, len(cmd.text.text))
    return [
        Word("/bin/sh", "/bin/sh", True, span),
        Word("-c", "-c", True, span),
        Word(cmd.text.text, cmd.text.text, False, span),
    ]


def _word_text(word: Word, instruction: Instruction) -> MappedText:
    """The text of a ``sh -c`` script word, mapped into the file where possible."""
    argument = next((a for a in instruction.arguments if a.span == word.span), None)
    if argument is not None and instruction.json:
        return json_argument_text(instruction, argument)
    return MappedText.single(word.value, word.span.line, word.span.column)


def _covering(words: list[Word]) -> Span:
    first, last = words[0].span, words[-1].span
    return Span(first.line, first.column, last.end_line, last.end_column)
