from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
)

# Options that already keep wget's progress output short or out of the build log.
QUIET_OPTIONS = ("--progress", "-q", "--quiet", "-o", "--output-file", "-a", "--append-output")
QUIET_LONG = ("--no-verbose",)


def _stderr_to_file(command: SimpleCommand) -> bool:
    """Whether the command's standard error ends up in a file (``2>/dev/null`` and the like)."""
    out = err = False  # False: the build log
    for redirect in command.redirects:
        operator = redirect.operator
        to_file = redirect.target is not None
        if operator in (">", "1>", ">>", "1>>", ">|") and to_file:
            out = True
        elif operator in ("2>", "2>>") and to_file:
            err = True
        elif operator in ("&>", "&>>", ">&") and to_file:
            out = err = True
        elif operator.replace(" ", "") == "2>&1":
            err = out
        elif operator.replace(" ", "") in (">&2", "1>&2"):
            out = err
    return err


class WgetWithoutProgress(Rule):
    """`wget` runs without a progress option.

    ## What it does
    Flags `wget` in a `RUN` without `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or
    `-o`/`-a` (log to a file), also behind `sudo`, in the exec form and in `sh -c` scripts.
    A `wget` whose standard error goes to a file, such as `2>/dev/null`, is not flagged.

    ## Why is this bad?
    Without a terminal, GNU wget prints a line of dots for every few kilobytes it downloads.
    A large download writes thousands of lines into the build log, which hides the output
    that matters and can hit the log size limits of CI systems and BuildKit.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN wget https://example.com/tool.tar.gz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    ```
    """

    code = "DL3047"
    name = "wget-without-progress"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "wget" not in instruction.text.text and not instruction.heredocs:
            return []
        findings = []
        for command in ctx.run_commands(instruction, unwrapped=True):
            if command.program != "wget":
                continue
            if command.has_flag(*QUIET_OPTIONS, *QUIET_LONG):
                continue
            if any(word.value == "-nv" for word in command.args) or _stderr_to_file(command):
                continue
            message = (
                "wget without a progress option fills the build log with dots: "
                "add --progress=dot:giga, or -nv / -q"
            )
            findings.append(self.finding(command.words[0].span, message))
        return findings
