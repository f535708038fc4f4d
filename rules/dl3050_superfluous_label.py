from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class SuperfluousLabel(Rule):
    """LABEL sets a label the label schema does not list, while strict labels are on.

    ## What it does
    With the `strict-labels` option on, flags every label key that the `label-schema`
    option does not name. A key built from a variable whose value is not visible is not
    flagged.

    ## Why is this bad?
    A strict label schema keeps the image metadata of a whole organisation uniform: a label
    outside it is often a misspelling of a required one (`org.opencontainers.image.url` for
    `….source`), or metadata nobody maintains.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL maintainer=someone@example.com
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors=someone@example.com
    ```

    ## Options
    `strict-labels`: turn the rule on; `label-schema`: the labels allowed.
    """

    code = "DL3050"
    name = "superfluous-label"
    level = Level.INFO
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if ctx.options.get("strict-labels") is not True:
            return []
        schema = ctx.options.get("label-schema") or {}
        return [
            self.finding(
                key_span,
                f"label {key} is not in the label schema: remove it, or add it to label-schema",
            )
            for key, _, key_span, _ in ctx.key_values(instruction)
            if key is not None and key not in schema
        ]
