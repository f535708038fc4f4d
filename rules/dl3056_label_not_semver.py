from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH without leading zeros, then an optional
# pre-release (dot-separated identifiers, numeric ones without leading zeros) and build.
NUMBER = r"(?:0|[1-9][0-9]*)"
PRERELEASE_PART = rf"(?:{NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = lazy(
    rf"{NUMBER}\.{NUMBER}\.{NUMBER}"
    rf"(?:-{PRERELEASE_PART}(?:\.{PRERELEASE_PART})*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)


class LabelNotSemver(Rule):
    """A label the label schema types as `semver` is not a semantic version.

    ## What it does
    Flags values of labels typed `semver` in the `label-schema` option that are not a
    Semantic Versioning 2.0.0 version: `MAJOR.MINOR.PATCH`, optionally followed by a
    pre-release (`-rc.1`) and build metadata (`+build.7`). A leading `v` or a missing patch
    number is flagged. A value from a variable whose value is not visible is not flagged.

    ## Why is this bad?
    Tools that order image versions from labels (`org.opencontainers.image.version`)
    compare them by semantic versioning rules; a version they cannot parse is sorted wrongly
    or dropped.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.version=v2.1
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.version=2.1.0
    ```

    ## Options
    `label-schema`: a table of label name to type; labels of type `semver` are checked.
    """

    code = "DL3056"
    name = "label-not-semver"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if "semver" not in schema.values():
            return []
        return [
            self.finding(
                span,
                f"label {key} is not a semantic version ({value!r}): write it as "
                "MAJOR.MINOR.PATCH, such as 1.4.2",
            )
            for key, value, _, span in ctx.key_values(instruction)
            if value is not None and schema.get(key) == "semver" and not SEMVER.fullmatch(value)
        ]
