from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

RESERVED = frozenset({"scratch", "context"})


class ReservedStageName(Rule):
    """A build stage is named scratch or context.

    ## What it does
    Flags `FROM … AS scratch` and `FROM … AS context`, in any letter case (Docker compares
    stage names without regard to case).

    ## Why is this bad?
    `scratch` already means the empty image and `context` names the build context in
    BuildKit: a stage with such a name either fails the build or makes `FROM scratch` and
    `COPY --from=context` mean something other than what every reader expects.

    ## Example
    ```dockerfile
    FROM alpine:3.20 AS scratch
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS base
    ```
    """

    code = "DL3063"
    name = "reserved-stage-name"
    level = Level.WARNING
    instructions = frozenset({"FROM"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or stage.name not in RESERVED or stage.name_span is None:
            return []
        return [
            self.finding(
                stage.name_span,
                f"stage name {stage.name} is reserved by Docker: choose another name",
            )
        ]
