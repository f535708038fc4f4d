from collections.abc import Iterator

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    ShellScript,
    SimpleCommand,
    Stage,
    lazy,
)
from dockerfile_dlint.knowledge.base_images import BaseImage, stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    first_from,
    invocation_of,
    ordered_commands,
    program,
)

# The commands the rule knows, with the package that installs each (apt name, apk name).
PACKAGES = {
    "curl": ("curl", "curl"),
    "wget": ("wget", "wget"),
    "git": ("git", "git"),
    "gpg": ("gnupg", "gnupg"),
    "unzip": ("unzip", "unzip"),
    "xz": ("xz-utils", "xz"),
    "make": ("make", "make"),
    "gcc": ("gcc", "gcc"),
    "g++": ("g++", "g++"),
    "bash": ("bash", "bash"),
    "sudo": ("sudo", "sudo"),
    "locale-gen": ("locales", "musl-locales"),
    "ssh": ("openssh-client", "openssh-client"),
    "zip": ("zip", "zip"),
}
# Text that shows the RUN tests for the command or tolerates its failure.
GUARDS = ("command -v", "which ", "type ", "hash ", "||", "if ", "test -x", "[ -x")
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
# Where a COPY or ADD may put a program.
BIN_DIRECTORIES = ("/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/")
SET_E = lazy(r"\bset\s+-[a-zA-Z]*e|\bset\s+-o\s+errexit")


class CommandNotInImage(Rule):
    """RUN uses a command the base image does not have, before anything installs it.

    ## What it does
    Flags a RUN command such as `curl`, `wget`, `git`, `gpg`, `unzip`, `xz`, `make`, `gcc`,
    `bash`, `sudo` or `locale-gen` on a base image known to lack it — `debian`, `ubuntu`,
    `alpine`, and the slim and Alpine variants of `python`, `node`, `ruby` (the full variants
    have most of them) — when no step before it in the image may have added it: a package
    manager install, a script that may install, a COPY or ADD into a bin directory. A RUN
    whose `SHELL` is a shell the image lacks (`SHELL ["/bin/bash", "-c"]` on Alpine) is
    flagged at its keyword, naming the SHELL line. Not flagged: commands guarded by `command
    -v`, `which`, `if` or `||`, commands whose failure the shell ignores (a non-final member
    of a pipeline; a command followed by `;`, or in a heredoc script, without `set -e`), and
    images the rule does not know.

    ## Why is this bad?
    The command is not found and the build stops: `/bin/sh: 1: curl: not found`, exit 127.
    It often follows a move from a full image (`python:3.12`, which has curl) to its slim
    variant (which does not).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
     && curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz
    ```
    """

    code = "DB006"
    name = "command-not-in-image"
    level = Level.ERROR
    instructions = frozenset({"RUN", "COPY", "ADD"})
    onbuild = False

    def __init__(self) -> None:
        # Per stage: whether an earlier step may have added commands to the image.
        self._installed: StageStates[list[bool]] = StageStates(lambda stage: [False])

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None:
            return []
        installed = self._installed.of(stage)
        if installed[0]:
            return []
        if instruction.keyword != "RUN":
            arguments = instruction.arguments
            installed[0] = bool(arguments) and arguments[-1].value.startswith(BIN_DIRECTORIES)
            return []
        commands = ordered_commands(ctx, instruction)
        findings = list(self._judge(instruction, ctx, stage, commands))
        installed[0] = any(_installs_or_runs_script(command) for command in commands)
        return findings

    def _judge(
        self, instruction: Instruction, ctx: Context, stage: Stage, commands: list[SimpleCommand]
    ) -> Iterator[Finding]:
        base = stage_base(stage)
        if base is None or not base.commands:
            return
        origin = first_from(stage)
        shell = ctx.state(instruction).shell
        shell_name = shell[0].rsplit("/", 1)[-1] if shell else ""
        if not instruction.json and shell_name in PACKAGES and not base.has_command(shell_name):
            if base.has_command(shell_name) is False:
                where = _shell_line(ctx, instruction)
                yield self.finding(
                    instruction.keyword_span,
                    f"RUN runs its script with {shell[0]} (SHELL, line {where}), but "
                    + _message(shell_name, base, origin.span.line),
                )
            return
        text = instruction.text.text
        bodies = "".join(heredoc.body.text for heredoc in instruction.heredocs)
        if not any(name in text + bodies for name in PACKAGES):
            return
        if any(guard in text + bodies for guard in GUARDS):
            return
        if instruction.json and instruction.arguments:
            first = instruction.arguments[0]
            name = first.value.rsplit("/", 1)[-1]
            if name in PACKAGES and base.has_command(name) is False:
                yield self.finding(first.span, _message(name, base, origin.span.line))
                return
        script = ctx.shell(instruction)
        errexit = bool(SET_E.search(text)) or ";" not in text.replace("\\;", "")
        if instruction.heredocs:
            errexit = any(SET_E.search(heredoc.body.text) for heredoc in instruction.heredocs)
        for index, command in enumerate(commands):
            name = program(command)
            if name in PACKAGES and base.has_command(name) is False:
                last = index == len(commands) - 1
                if not _ignored_in_pipeline(command, script) and (errexit or last):
                    words = command.unwrapped().words
                    yield self.finding(words[0].span, _message(name, base, origin.span.line))
                    return
            if _installs_or_runs_script(command):
                return


def _shell_line(ctx: Context, instruction: Instruction) -> int:
    """The line of the SHELL instruction in force for ``instruction``."""
    line = 0
    for other in ctx.instructions:
        if other is instruction:
            break
        if other.keyword == "SHELL":
            line = other.span.line
    return line


def _message(name: str, base: BaseImage, line: int) -> str:
    apt, apk = PACKAGES[name]
    if base.package_manager == "apk":
        install = f"apk add --no-cache {apk}"
    elif base.package_manager == "apt-get":
        install = f"apt-get update && apt-get install -y --no-install-recommends {apt}"
    else:
        install = f"install {apt} first"
    return (
        f"{name} is not in {base.describe()} (FROM, line {line}) and nothing installed it "
        f"before this command: the build stops with '{name}: not found' (exit 127); run "
        f"{install} before it"
    )


def _installs_or_runs_script(command: SimpleCommand) -> bool:
    name = program(command)
    if name in SHELLS or name.endswith(".sh") or name.startswith("./"):
        return True
    read = invocation_of(command)
    return read is not None and read.installs and read.manager not in ("pip", "npm", "yarn")


def _ignored_in_pipeline(command: SimpleCommand, script: ShellScript | None) -> bool:
    """A pipeline's status is its last command's: an earlier member's failure is lost."""
    if script is None:
        return False
    return any(command in pipeline[:-1] for pipeline in script.pipelines)
