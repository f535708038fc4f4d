from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class EmptyLabel(Rule):
    """A label the label schema requires is set to an empty value.

    ## What it does
    Flags `LABEL key=` and `LABEL key=""` for keys listed in the `label-schema` option. A
    value from a variable whose value is not visible is not flagged.

    ## Why is this bad?
    A required label that is present but empty passes a check for the key and still leaves
    the image without the information: who owns it, where its source is, which version it is.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors=""
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors="platform-team@example.com"
    ```

    ## Options
    `label-schema`: a table of label name to type; only labels named there are checked.
    """

    code = "DL3051"
    name = "empty-label"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if not schema:
            return []
        return [
            self.finding(span, f"label {key} is empty: give it a value")
            for key, value, _, span in ctx.key_values(instruction)
            if key in schema and value == ""
        ]
