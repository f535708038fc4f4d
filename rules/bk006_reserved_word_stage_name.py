from dockerfile_dlint.api import Context, Finding, Level, Rule
from dockerfile_dlint.knowledge.buildkit import RESERVED_STAGE_NAMES


class ReservedWordStageName(Rule):
    """A build stage is named `scratch` or `context`.

    BuildKit's `ReservedStageName` check. Off by default: DL3063 reports the same mistake
    under hadolint's code; select BK006 (or `ReservedStageName`) to get this code too.

    ## What it does
    Flags `FROM … AS scratch` and `FROM … AS context` (in any case).

    ## Why is this bad?
    `scratch` already means the empty image and `context` the build context: a stage with one
    of these names makes `FROM scratch` or `COPY --from=context` mean something else than a
    reader expects.

    ## Example
    ```dockerfile
    FROM alpine:3.20 AS scratch
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20 AS base
    ```
    """

    code = "BK006"
    name = "reserved-word-stage-name"
    aliases = ("ReservedStageName",)
    level = Level.WARNING
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        return [
            self.finding(
                stage.name_span,
                f"stage name {stage.name} is reserved by Docker: choose another name",
            )
            for stage in ctx.stages
            if stage.name in RESERVED_STAGE_NAMES and stage.name_span is not None
        ]
