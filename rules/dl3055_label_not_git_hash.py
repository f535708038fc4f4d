from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# A Git object name: full (40 hexadecimal digits, 64 for SHA-256 repositories) or
# abbreviated to 7 digits or more, as `git rev-parse --short` prints it.
GIT_HASH = lazy(r"[0-9a-f]{7,40}|[0-9a-f]{64}")


class LabelNotGitHash(Rule):
    """A label the label schema types as `hash` does not hold a Git commit hash.

    ## What it does
    Flags values of labels typed `hash` in the `label-schema` option that are not a Git
    commit hash in lower-case hexadecimal: the full 40 digits (64 in SHA-256 repositories)
    or an abbreviation of at least 7. A value from a variable whose value is not visible
    (`--build-arg GIT_SHA=…`) is not flagged.

    ## Why is this bad?
    The revision label (`org.opencontainers.image.revision`) is how people trace an image
    back to its source. A branch name, a tag or a typo in it points to nothing, or to a
    commit that keeps moving.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.revision=main
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.revision=0f3c2d1a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a
    ```

    ## Options
    `label-schema`: a table of label name to type; labels of type `hash` are checked.
    """

    code = "DL3055"
    name = "label-not-git-hash"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if "hash" not in schema.values():
            return []
        return [
            self.finding(
                span,
                f"label {key} is not a Git commit hash ({value!r}): use the output of "
                "git rev-parse HEAD",
            )
            for key, value, _, span in ctx.key_values(instruction)
            if value is not None and schema.get(key) == "hash" and not GIT_HASH.fullmatch(value)
        ]
