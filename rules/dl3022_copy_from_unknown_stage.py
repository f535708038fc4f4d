from dockerfile_dlint.api import Context, Finding, Level, Rule


class CopyFromUnknownStage(Rule):
    """COPY --from names no earlier build stage.

    ## What it does
    Flags `COPY --from=NAME` when no stage before this one is called `NAME` (names are
    compared without regard to case, as Docker does), and `COPY --from=N` when there is no
    earlier stage number `N`. A value that reads as an image reference (with a `/`, `:` or
    `@`, such as `--from=nginx:1.27`) is an image, not a stage, and is not flagged; neither is
    a value built from a build argument whose value is not visible.

    ## Why is this bad?
    When the name matches no earlier stage, Docker tries to pull an image of that name: a
    typo in a stage name, or a stage defined further down, turns into a confusing pull error
    or, worse, copies files from an unrelated public image.

    ## Example
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app .

    FROM gcr.io/distroless/base-debian12
    COPY --from=biuld /out/app /app
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23 AS build
    RUN go build -o /out/app .

    FROM gcr.io/distroless/base-debian12
    COPY --from=build /out/app /app
    ```
    """

    code = "DL3022"
    name = "copy-from-unknown-stage"
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for source in ctx.copy_sources:
            reference = source.resolved
            if source.stage is not None or reference is None:
                continue
            if any(mark in reference for mark in "/:@"):
                continue
            flag = source.instruction.flag("from")
            if flag is None:
                continue
            findings.append(self.finding(flag.span, self._message(reference, ctx)))
        return findings

    @staticmethod
    def _message(reference: str, ctx: Context) -> str:
        later = next((stage for stage in ctx.stages if stage.name == reference), None)
        if later is not None:
            line = later.from_instruction.line
            return f"--from={reference}: that stage is defined later, on line {line}; move it above"
        if reference.isdigit():
            return f"--from={reference}: there is no earlier stage number {reference}"
        return (
            f"--from={reference}: no earlier stage has that name, "
            f"so Docker pulls an image called {reference}"
        )
