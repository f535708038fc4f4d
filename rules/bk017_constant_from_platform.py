from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.buildkit import expand_with, parse_platform


class ConstantFromPlatform(Rule):
    """FROM pins `--platform` to a constant.

    BuildKit's `FromPlatformFlagConstDisallowed` check.

    ## What it does
    Flags `FROM --platform=linux/amd64 …` and other values without a build argument, unless
    the stage's name mentions the platform's operating system or architecture (a stage called
    `build-amd64` is clearly meant for that platform).

    ## Why is this bad?
    A constant platform makes the stage build for that platform whatever the build asks for:
    `docker build --platform linux/arm64` silently produces an amd64 stage, and on other
    machines the build runs under emulation.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 node:22 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM node:22 AS build
    ```
    """

    code = "BK017"
    name = "constant-from-platform"
    aliases = ("FromPlatformFlagConstDisallowed",)
    level = Level.WARNING
    instructions = frozenset({"FROM"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        flag = instruction.flag("platform")
        if flag is None or not flag.value or "$" in flag.value:
            return []
        value = expand_with(flag.value, {}, ctx.dockerfile.escape)
        platform = parse_platform(value)
        if platform is None:
            return []
        stage = ctx.stage(instruction)
        stage_name = stage.name if stage is not None and stage.name else ""
        if platform.os in stage_name or platform.architecture in stage_name:
            return []
        message = (
            f"--platform={value} fixes this stage's platform whatever the build targets: use "
            "$BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform"
        )
        return [self.finding(flag.span, message)]
