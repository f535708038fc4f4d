import posixpath
from itertools import pairwise

from dockerfile_dlint.api import (
    Argument,
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Span,
    lazy,
)

# Shells whose `-o pipefail` option (on the command line or through `set`) makes a pipeline
# fail when any of its commands fails. A Dockerfile that passes `-o pipefail` to a shell
# without the option does not build, so any shell given it in SHELL counts.
PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash", "sh", "dash", "ksh", "mksh", "busybox"})
# `yes` never stops by itself: it ends by SIGPIPE when the reader exits, which pipefail turns
# into a failed step. Pipelines fed only by it are left alone.
ENDLESS_PRODUCERS = frozenset({"yes"})
_ONLY_HEREDOC = lazy(r"\d*<<-?\S+")
_SET_PIPEFAIL = lazy(r"\bset\s+(?:[-+][A-Za-z]+\s+)*-[A-Za-z]*o\s+pipefail\b")


def _run_by_this_shell(command: SimpleCommand) -> bool:
    """A command of the RUN's own shell: top level or in a substitution, not `sh -c "…"`."""
    label = command.nested_in
    return label is None or label[0] in "$`<>"


def _sets_pipefail(arguments: list[str]) -> bool:
    """Whether shell options such as ``-o pipefail`` or ``-euxo pipefail`` turn pipefail on."""
    for before, argument in pairwise(arguments):
        if argument == "pipefail" and before[:1] == "-" and before[1:2] != "-" and "o" in before:
            return True
    return False


def _shell_has_pipefail(shell: tuple[str, ...]) -> bool:
    if not shell or posixpath.basename(shell[0]) not in PIPEFAIL_SHELLS:
        return False
    return _sets_pipefail(list(shell[1:]))


def _shebang(instruction: Instruction) -> str | None:
    """The shebang line of a RUN that runs one here-document as its script."""
    heredocs = instruction.heredocs
    if len(heredocs) != 1 or not _ONLY_HEREDOC.fullmatch(instruction.text.text.strip()):
        return None
    body = heredocs[0].body.text
    return body.partition("\n")[0] if body.startswith("#!") else None


def _pipefail_from(script_commands: tuple[SimpleCommand, ...]) -> Span | None:
    """Where the script itself runs ``set -o pipefail`` (its first such command)."""
    for command in script_commands:
        if (
            command.name == "set"
            and _run_by_this_shell(command)
            and _sets_pipefail([word.value for word in command.args])
        ):
            return command.span
    return None


def _pipe_offset(script: str) -> int | None:
    """Where the first pipe ``|`` (not ``||``) of shell text is, outside quotes."""
    quote = ""
    index = 0
    while index < len(script):
        char = script[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char in "'\"":
            quote = char
        elif char == "\\":
            index += 1
        elif char == "|":
            if script.startswith("||", index):
                index += 2
                continue
            if index == 0 or script[index - 1] != ">":
                return index
        index += 1
    return None


def _exec_form_script(instruction: Instruction) -> Argument | None:
    """The script argument of ``RUN ["bash", "-c", "a | b"]`` when it pipes without pipefail."""
    argv = [argument.value for argument in instruction.arguments]
    if len(argv) < 3 or posixpath.basename(argv[0]) not in PIPEFAIL_SHELLS:
        return None
    if "-c" not in argv[1:-1]:
        return None
    position = argv.index("-c", 1) + 1
    if _sets_pipefail(argv[1:position]):
        return None
    script = argv[position]
    pipe = _pipe_offset(script)
    if pipe is None:
        return None
    turned_on = _SET_PIPEFAIL.search(script)
    if turned_on is not None and turned_on.start() < pipe:
        return None
    return instruction.arguments[position]


def _pipe_span(pipeline: tuple[SimpleCommand, ...]) -> Span:
    """From the earliest command's start to the latest command's end.

    Usually the first and the last command, but a broken script (an unterminated heredoc whose
    delimiter the shell grammar reads as a later command) can map them out of order.
    """
    start = min((command.span.line, command.span.column) for command in pipeline)
    end = max((command.span.end_line, command.span.end_column) for command in pipeline)
    return Span(start[0], start[1], end[0], end[1])


def _describe(pipeline: tuple[SimpleCommand, ...]) -> str:
    """``curl … | tar …``: the pipeline by its command names."""
    parts = [
        f"{command.name} …" if len(command.words) > 1 else command.name or "…"
        for command in pipeline
    ]
    return " | ".join(parts)


def _on_alpine(instruction: Instruction, ctx: Context) -> bool:
    """Whether the stage builds on an Alpine image, whose /bin/sh is busybox ash."""
    stage = ctx.stage(instruction)
    while stage is not None and stage.parent is not None:
        stage = stage.parent
    image = stage.base_image if stage is not None else None
    return image is not None and "alpine" in f"{image.repository}:{image.tag or ''}"


class PipeWithoutPipefail(Rule):
    """RUN has a pipeline but the shell does not use `-o pipefail`.

    ## What it does
    Flags a `RUN` whose shell runs a pipeline (`a | b`) when neither the stage's `SHELL`
    (including one inherited through `FROM <stage>`) nor the script itself (`set -o pipefail`
    before the pipeline) turns on `pipefail`. A here-document script with its own shebang
    (`#!/bin/bash`) runs in that interpreter, not the `SHELL`, so only its own
    `set -o pipefail` counts. An exec-form `RUN ["bash", "-c", "a | b"]` is flagged unless
    `-o pipefail` is among the shell's options or the script sets it. A pipeline fed by
    `yes` (`yes | sdkmanager --licenses`) is left alone: `yes` only ends when the reader
    closes the pipe, and pipefail would turn that into a failed step. PowerShell and cmd are
    not checked.

    ## Why is this bad?
    A pipeline's exit status is that of its last command. In
    `curl -fsSL https://example.com/install.sh | sh`, a failed download still gives `sh`
    an empty script and the step succeeds, so the image is built without the tool and the
    error only shows at run time.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL https://example.com/install.sh | sh
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    RUN curl -fsSL https://example.com/install.sh | sh
    ```
    On Alpine, without bash, use `SHELL ["/bin/ash", "-eo", "pipefail", "-c"]`.
    """

    code = "DL4006"
    name = "pipe-without-pipefail"
    level = Level.WARNING
    instructions = frozenset({"RUN"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "|" not in instruction.text.text and not instruction.heredocs:
            return []
        if instruction.json:
            argument = _exec_form_script(instruction)
            if argument is None:
                return []
            shell = instruction.arguments[0].value
            message = (
                f"{shell} -c runs a pipeline without pipefail, so a failure before the last "
                f'command is hidden: add "-o", "pipefail" before "-c"'
            )
            return [self.finding(argument.span, message)]
        script = ctx.shell(instruction)
        if script is None:
            return []
        pipelines = [
            pipeline
            for pipeline in script.pipelines
            if _run_by_this_shell(pipeline[0])
            and not all(member.program in ENDLESS_PRODUCERS for member in pipeline[:-1])
        ]
        if not pipelines:
            return []
        shebang = _shebang(instruction)
        if shebang is None and _shell_has_pipefail(ctx.state(instruction).shell):
            return []
        if shebang is not None and "pipefail" in shebang:
            return []
        turned_on = _pipefail_from(script.commands)
        for pipeline in pipelines:
            span = _pipe_span(pipeline)
            if turned_on is not None and turned_on < span:
                continue
            if shebang is not None:
                advice = "add `set -o pipefail` at the top of the script"
            elif _on_alpine(instruction, ctx):
                advice = 'set SHELL ["/bin/ash", "-eo", "pipefail", "-c"] before this RUN'
            else:
                advice = 'set SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN'
            message = (
                f"only the exit status of the last command of `{_describe(pipeline)}` counts, "
                f"so a failure before it goes unnoticed: {advice}"
            )
            return [self.finding(span, message)]
        return []
