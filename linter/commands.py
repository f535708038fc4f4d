"""The shell text Docker runs for an instruction, handed to the shell parser.

A shell-form RUN, CMD or ENTRYPOINT runs its joined text through the stage's SHELL. When the
instruction opens heredocs, the bodies follow the command as they would in a shell script
(``cat <<EOF > /etc/apt/sources.list``); a RUN whose whole command is one heredoc runs the body
itself as a script. Text for a non-POSIX shell (PowerShell, cmd) or a script with a non-shell
shebang is not shell, and gives None.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable

from .model import Stage
from .patterns import lazy
from .shell import ShellScript, SimpleCommand, Word, parse_shell
from .source import MappedText, Span
from .syntax import Argument, Heredoc, Instruction

SHELL_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT"})
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "busybox"})
ONLY_HEREDOC = lazy(r"\d*<<-?\S+")
_WINDOWS_IMAGE = lazy(r"windows|nanoserver|servercore", re.IGNORECASE)
_SHEBANG = lazy(r"#!\s*(\S+)(?:\s+(\S+))?")


def shell_script(
    instruction: Instruction,
    shell: tuple[str, ...],
    parse: Callable[[MappedText], ShellScript] = parse_shell,
) -> ShellScript | None:
    """The parsed shell commands of a shell-form instruction, or of the ``-c`` script of an
    exec form that runs a shell (``["bash", "-c", "…"]``); None when it is not shell.
    ``parse`` is the shell parser (one that remembers earlier scripts, say)."""
    if instruction.keyword not in SHELL_KEYWORDS:
        return None
    if instruction.json:
        script = exec_form_script(instruction)
        return parse(script) if script is not None else None
    if shell and posixpath.basename(shell[0]).lower() not in POSIX_SHELLS:
        return None
    text = instruction.text
    heredocs = instruction.heredocs
    if not heredocs:
        return parse(text)
    if len(heredocs) == 1 and ONLY_HEREDOC.fullmatch(text.text.strip()):
        body = heredocs[0].body
        return parse(body) if _is_shell_script(body.text) else None
    return parse(with_heredoc_bodies(text, heredocs))


def exec_form_script(instruction: Instruction) -> MappedText | None:
    """The ``-c`` script of ``["sh", "-c", "…"]`` (options before ``-c`` allowed)."""
    arguments = instruction.arguments
    if not arguments or posixpath.basename(arguments[0].value) not in POSIX_SHELLS:
        return None
    index = 1
    while index < len(arguments):
        value = arguments[index].value
        if value in ("-o", "+o"):  # takes an option name
            index += 2
            continue
        if not value.startswith(("-", "+")):
            return None
        if "c" in value[1:] and not value.startswith("--") and index + 1 < len(arguments):
            return json_argument_text(instruction, arguments[index + 1])
        index += 1
    return None


def json_argument_text(instruction: Instruction, argument: Argument) -> MappedText:
    """A JSON string's decoded value, each character mapped to where it is written."""
    text = instruction.text
    line, column = argument.span.line, argument.span.column
    start = next((i for i in range(len(text.text)) if text.position(i) == (line, column)), None)
    if start is None:
        return MappedText.single(argument.value, line, column)
    raw = text.text[start + 1 :]
    parts = []
    position = 0
    while position < len(raw) and raw[position] != '"':
        if raw[position] == "\\":
            length = 6 if raw.startswith("\\u", position) else 2
            decoded = json.loads('"' + raw[position : position + length] + '"')
            where = text.slice(start + 1 + position, start + 2 + position).pieces[:1]
            parts.append(MappedText(decoded, where))
            position += length
        else:
            end = position
            while end < len(raw) and raw[end] not in '"\\':
                end += 1
            parts.append(text.slice(start + 1 + position, start + 1 + end))
            position = end
    return MappedText.join(parts) if parts else MappedText.single("", line, column)


def exec_form_command(instruction: Instruction) -> SimpleCommand | None:
    """The command of an exec-form RUN (``RUN ["apt-get", "install", "curl"]``), or None."""
    if not instruction.json or not instruction.arguments:
        return None
    words = tuple(
        Word(json.dumps(argument.value), argument.value, True, argument.span)
        for argument in instruction.arguments
    )
    first, last = words[0].span, words[-1].span
    span = Span(first.line, first.column, last.end_line, last.end_column)
    return SimpleCommand(words, (), (), span)


def with_heredoc_bodies(command: MappedText, heredocs: tuple[Heredoc, ...]) -> MappedText:
    """The command line followed by each heredoc body and its delimiter line, as the shell
    reads them."""
    end_line, end_column = command.position(max(len(command.text) - 1, 0))
    parts = [command, MappedText.single("\n", end_line, end_column + 1)]
    for heredoc in heredocs:
        parts.append(heredoc.body)
        parts.append(MappedText.single(heredoc.name + "\n", heredoc.span.end_line, 1))
    return MappedText.join(parts)


def windows_base(stage: Stage | None) -> bool:
    """Whether a stage builds on a Windows image (by name), whose default shell is cmd."""
    while stage is not None and stage.parent is not None:
        stage = stage.parent
    if stage is None:
        return False
    return bool(_WINDOWS_IMAGE.search(stage.image_resolved or stage.image))


def _is_shell_script(body: str) -> bool:
    """No shebang, or a shebang naming a POSIX shell (also through ``/usr/bin/env``)."""
    match = _SHEBANG.match(body)
    if match is None:
        return True
    program = posixpath.basename(match.group(1))
    if program == "env" and match.group(2):
        program = posixpath.basename(match.group(2))
    return program in POSIX_SHELLS
