from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

TARGET_PLATFORM = frozenset({"$TARGETPLATFORM", "${TARGETPLATFORM}"})


class RedundantTargetPlatform(Rule):
    """FROM --platform=$TARGETPLATFORM repeats the default.

    ## What it does
    Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

    ## Why is this bad?
    A stage is built for the target platform unless told otherwise, so the flag changes
    nothing. It suggests to readers that the stage is special, and it hides the stages that
    really do differ, the ones using `$BUILDPLATFORM`.

    ## Example
    ```dockerfile
    FROM --platform=$TARGETPLATFORM alpine:3.20
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    ```
    """

    code = "DL3065"
    name = "redundant-target-platform"
    level = Level.WARNING
    instructions = frozenset({"FROM"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        flag = instruction.flag("platform")
        if flag is None or (flag.value or "").strip("\"'") not in TARGET_PLATFORM:
            return []
        return [
            self.finding(
                flag.span,
                f"--platform={flag.value} is what Docker uses anyway: drop the flag",
            )
        ]
