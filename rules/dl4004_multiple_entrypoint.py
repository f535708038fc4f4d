from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class MultipleEntrypoint(Rule):
    """A stage has more than one ENTRYPOINT.

    ## What it does
    Flags every `ENTRYPOINT` after the first in the same build stage.

    ## Why is this bad?
    Only the last `ENTRYPOINT` of a stage counts. An earlier one that looks like the way the
    container starts is dead text, and the container starts differently from what a reader
    expects.

    ## Example
    ```dockerfile
    FROM node:20-slim
    ENTRYPOINT ["node", "migrate.js"]
    ENTRYPOINT ["node", "server.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    ENTRYPOINT ["node", "server.js"]
    ```
    """

    code = "DL4004"
    name = "multiple-entrypoint"
    level = Level.ERROR
    instructions = frozenset({"ENTRYPOINT"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        first = ctx.first_in_stage(instruction)
        if first is None or first is instruction:
            return []
        message = (
            f"another ENTRYPOINT in this stage, on line {first.line}: "
            "only the last one takes effect"
        )
        return [self.finding(instruction.keyword_span, message)]
