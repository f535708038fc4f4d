from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.buildkit import expand_with, variable_uses

TARGET = "TARGETPLATFORM"
SENTINEL = "\0target-platform\0"


class RedundantTargetPlatformFlag(Rule):
    """FROM sets `--platform=$TARGETPLATFORM`, which is the default (BuildKit's check).

    BuildKit's `RedundantTargetPlatform` check. Off by default: DL3065 reports the same flag
    under hadolint's code; select BK014 (or `RedundantTargetPlatform`) to get this code too.

    ## What it does
    Flags a `FROM --platform` value that is just the `TARGETPLATFORM` argument.

    ## Why is this bad?
    A stage is built for the target platform unless told otherwise, so the flag changes
    nothing; it only makes readers look for a cross-platform trick that is not there.

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ```
    """

    code = "BK014"
    name = "redundant-target-platform-flag"
    aliases = ("RedundantTargetPlatform",)
    level = Level.WARNING
    instructions = frozenset({"FROM"})
    enabled_by_default = False
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        flag = instruction.flag("platform")
        if flag is None or not flag.value:
            return []
        escape = ctx.dockerfile.escape
        uses = variable_uses(flag.value, escape)
        if {use.name for use in uses} != {TARGET}:
            return []
        if expand_with(flag.value, {TARGET: SENTINEL}, escape) != SENTINEL:
            return []
        message = (
            f"--platform={flag.value} is the default for every stage: remove the flag "
            "(use $BUILDPLATFORM for a stage that must run on the build machine)"
        )
        return [self.finding(flag.span, message)]
