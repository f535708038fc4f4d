from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class MaintainerUsed(Rule):
    """MAINTAINER is used (BuildKit's check).

    BuildKit's `MaintainerDeprecated` check. Off by default: DL4000 (`maintainer-deprecated`)
    reports the same instruction; select BK008 (or `MaintainerDeprecated`) to get this code
    too.

    ## What it does
    Flags every `MAINTAINER` instruction.

    ## Why is this bad?
    `MAINTAINER` is deprecated: it fills a legacy image field that current tools ignore. The
    author belongs in the `org.opencontainers.image.authors` label.

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Use instead
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    """

    code = "BK008"
    name = "maintainer-used"
    aliases = ("MaintainerDeprecated",)
    level = Level.WARNING
    instructions = frozenset({"MAINTAINER"})
    enabled_by_default = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        message = "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors=…"
        return [self.finding(instruction.keyword_span, message)]
