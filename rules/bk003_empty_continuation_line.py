from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span


class EmptyContinuationLine(Rule):
    """A continued instruction has an empty line in it.

    BuildKit's `NoEmptyContinuation` check.

    ## What it does
    Flags an instruction continued with the escape character (`\\`) when one of its
    continuation lines is empty or holds only whitespace. Comment lines inside the instruction
    are fine. One finding per instruction, on its first empty line.

    ## Why is this bad?
    Docker skips the empty line and keeps joining, so the instruction goes on past what looks
    like its end, and whatever follows becomes part of it. Docker has announced that empty
    continuation lines will become an error.

    ## Example
    ```dockerfile
    RUN apt-get update && \\

        apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && \\
        apt-get install -y curl
    ```
    """

    code = "BK003"
    name = "empty-continuation-line"
    aliases = ("NoEmptyContinuation",)
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        lines = ctx.dockerfile.source.lines
        for instruction in ctx.instructions:
            if instruction.span.end_line == instruction.span.line:
                continue
            empty = _first_empty_line(instruction, lines)
            if empty is not None:
                message = (
                    f"empty line inside the continued {instruction.keyword}: Docker joins "
                    "across it; remove the line (or end the instruction above it)"
                )
                findings.append(self.finding(Span(empty, 1, empty, 1), message))
        return findings


def _first_empty_line(instruction: Instruction, lines: tuple[str, ...]) -> int | None:
    """The first blank line among the instruction's own lines (heredoc bodies excluded)."""
    heredocs = instruction.effective.heredocs
    last = heredocs[0].span.line - 1 if heredocs else instruction.span.end_line
    for number in range(instruction.span.line + 1, last + 1):
        if not lines[number - 1].strip():
            return number
    return None
