import re

from dockerfile_dlint.api import Context, Finding, Level, Rule, lazy

INLINE_IGNORE = lazy(r"\s*(?:dlint|hadolint)\s+ignore\s*=", re.IGNORECASE)


class InlineIgnorePragma(Rule):
    """A comment silences rules for the next instruction.

    ## What it does
    Flags `# hadolint ignore=…` and `# dlint ignore=…` comments. File-wide
    `# … global ignore=…` comments and the configuration file are left alone. Off by
    default: turn it on where exceptions must be decided centrally.

    ## Why is this bad?
    Inline pragmas spread exceptions over many files where nobody reviews them as a whole;
    an exception kept in the configuration is visible, reviewed once, and easy to remove
    when the reason for it goes away.

    ## Example
    ```dockerfile
    # hadolint ignore=DL3008
    RUN apt-get update && apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    RUN apt-get update && apt-get install -y curl=8.5.0-2ubuntu10.6
    ```
    """

    code = "DL1001"
    name = "inline-ignore-pragma"
    level = Level.INFO
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        return [
            self.finding(
                comment.span,
                "inline ignore pragma: fix the finding, or move the exception to the "
                "configuration (ignore or per-file-ignores)",
            )
            for comment in ctx.dockerfile.comments
            if INLINE_IGNORE.match(comment.text)
        ]
