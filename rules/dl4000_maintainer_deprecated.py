from dockerfile_dlint.api import Context, Edit, Finding, Fix, Instruction, Level, Rule, Span


class MaintainerDeprecated(Rule):
    """MAINTAINER is deprecated.

    ## What it does
    Flags every `MAINTAINER` instruction.

    ## Why is this bad?
    Docker deprecated `MAINTAINER` in favour of labels; tools that read image metadata look
    for the `org.opencontainers.image.authors` label, not for the old field.

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Fix
    The instruction becomes `LABEL maintainer="…"` with the same text.

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    """

    code = "DL4000"
    name = "maintainer-deprecated"
    level = Level.ERROR
    instructions = frozenset({"MAINTAINER"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        message = "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…"
        value = instruction.text.text
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'
        label = "label" if instruction.keyword_text.islower() else "LABEL"
        replacement = f"{label} maintainer={quoted}"
        span = instruction.span
        edit = Edit(Span(span.line, span.column, span.end_line, span.end_column), replacement)
        return [self.finding(instruction.keyword_span, message, Fix((edit,)))]
