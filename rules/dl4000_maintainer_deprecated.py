from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


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

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    """

    code = "DL4000"
    name = "maintainer-deprecated"
    level = Level.ERROR
    instructions = frozenset({"MAINTAINER"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        message = "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…"
        return [self.finding(instruction.keyword_span, message)]
