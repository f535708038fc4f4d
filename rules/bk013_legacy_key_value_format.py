from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class LegacyKeyValueFormat(Rule):
    """ENV or LABEL uses the old `key value` form.

    BuildKit's `LegacyKeyValueFormat` check.

    ## What it does
    Flags `ENV key value` and `LABEL key value`, where the first word has no `=`: the form
    that sets one key to the whole rest of the line.

    ## Why is this bad?
    The old form is easy to misread: `ENV PATH /app/bin:$PATH LANG C.UTF-8` sets `PATH` to
    everything after it, `LANG` included. Docker deprecated it in favour of `key=value`,
    which can also set several keys in one instruction.

    ## Example
    ```dockerfile
    ENV NODE_ENV production
    ```

    ## Use instead
    ```dockerfile
    ENV NODE_ENV=production
    ```
    """

    code = "BK013"
    name = "legacy-key-value-format"
    aliases = ("LegacyKeyValueFormat",)
    level = Level.WARNING
    instructions = frozenset({"ENV", "LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        arguments = instruction.arguments
        if len(arguments) < 2 or "=" in arguments[0].value:
            return []
        keyword = instruction.keyword
        key = arguments[0].value
        message = (
            f"{keyword} {key} <value> is the legacy form: write {keyword} {key}=<value> "
            "(quote the value if it has spaces)"
        )
        return [self.finding(arguments[0].span, message)]
