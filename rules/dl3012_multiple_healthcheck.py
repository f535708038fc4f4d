from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class MultipleHealthcheck(Rule):
    """A stage has more than one HEALTHCHECK.

    ## What it does
    Flags every `HEALTHCHECK` of a stage after the first one (`HEALTHCHECK NONE` counts).

    ## Why is this bad?
    Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are dead code that
    readers take for the real check, and edits to them change nothing.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    HEALTHCHECK CMD curl -f http://localhost/health || exit 1
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    HEALTHCHECK CMD curl -f http://localhost/health || exit 1
    ```
    """

    code = "DL3012"
    name = "multiple-healthcheck"
    level = Level.ERROR
    instructions = frozenset({"HEALTHCHECK"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        first = ctx.first_in_stage(instruction)
        if first is None or first is instruction:
            return []
        return [
            self.finding(
                instruction.keyword_span,
                f"another HEALTHCHECK in this stage (the first is on line {first.line}): only "
                "the last one applies; keep a single HEALTHCHECK",
            )
        ]
