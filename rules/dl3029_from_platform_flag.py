from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# Build arguments BuildKit sets from the build's own platforms.
AUTOMATIC_PLATFORM_ARGS = frozenset(
    {
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"),
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
    }
)
REFERENCE = lazy(r"\$\{(\w+)[^}]*\}|\$(\w+)")


class FromPlatformFlag(Rule):
    """FROM --platform pins the stage to a fixed platform.

    ## What it does
    Flags `FROM --platform=…` with a value other than the platforms BuildKit fills in for the
    build (`$BUILDPLATFORM`, `$TARGETPLATFORM`, or their `$BUILDOS`/`$TARGETARCH` parts),
    such as `--platform=linux/amd64` or a build argument of your own.

    ## Why is this bad?
    A hard-coded platform overrides the one the build asks for: `docker build
    --platform linux/arm64` then still produces an amd64 stage, which runs under emulation
    or fails with `exec format error` on the target machine. Cross-compiling builder stages
    should follow `$BUILDPLATFORM` instead.

    ## Example
    ```dockerfile
    FROM --platform=linux/amd64 golang:1.23 AS build
    ```

    ## Use instead
    ```dockerfile
    FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    ```
    """

    code = "DL3029"
    name = "from-platform-flag"
    level = Level.WARNING
    instructions = frozenset({"FROM"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        flag = instruction.flag("platform")
        if flag is None or not flag.value or _follows_the_build(flag.value):
            return []
        return [
            self.finding(
                flag.span,
                f"--platform={flag.value} fixes the platform of this stage: drop it, or use "
                "$BUILDPLATFORM for a stage that cross-compiles",
            )
        ]


def _follows_the_build(value: str) -> bool:
    """Whether the value is made only of the platform arguments BuildKit sets."""
    names = [braced or bare for braced, bare in REFERENCE.findall(value)]
    rest = REFERENCE.sub("", value.strip("\"'")).replace("/", "")
    return bool(names) and not rest and all(name in AUTOMATIC_PLATFORM_ARGS for name in names)
