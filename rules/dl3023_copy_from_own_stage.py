from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class CopyFromOwnStage(Rule):
    """COPY --from names the stage the instruction is in.

    ## What it does
    Flags `COPY --from=NAME` inside the stage called `NAME` (names compared without regard
    to case, as Docker does), and `COPY --from=N` inside stage number `N`.

    ## Why is this bad?
    A stage cannot read its own result while it is being built: Docker refuses the build
    with a circular dependency. It is usually a copy-paste slip, where an earlier builder
    stage was meant.

    ## Example
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app .
    COPY --from=build /out/app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app .

    FROM gcr.io/distroless/base-debian12
    COPY --from=build /out/app /usr/local/bin/app
    ```
    """

    code = "DL3023"
    name = "copy-from-own-stage"
    level = Level.ERROR
    instructions = frozenset({"COPY"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        flag = instruction.flag("from")
        stage = ctx.stage(instruction)
        if flag is None or not flag.value or stage is None:
            return []
        expansion = ctx.expand(instruction, flag.value)
        if not expansion.complete:
            return []
        reference = expansion.value.lower()
        if reference != stage.name and reference != str(stage.index):
            return []
        return [
            self.finding(
                flag.span,
                f"--from={flag.value} names this very stage, which cannot copy from itself: "
                "name an earlier stage",
            )
        ]
