from dockerfile_dlint.api import Context, Finding, Level, Rule, Stage


class MissingLabel(Rule):
    """An image is built without a label the label schema requires.

    ## What it does
    For each label in the `label-schema` option, flags the stages that produce an image
    without it: stages that no other stage builds on (`FROM stage`) or copies from
    (`COPY --from`, `RUN --mount=from=`). Labels set in a stage's parent stages count, since
    the image inherits them; labels the base image may carry are not visible and do not.

    ## Why is this bad?
    A label schema is how an organisation finds the owner, the source and the version of a
    running image. An image that lacks a required label drops out of those inventories and
    of the security notices based on them.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY app /usr/local/bin/app
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.source=https://github.com/example/app
    COPY app /usr/local/bin/app
    ```

    ## Options
    `label-schema`: a table of label name to type; every label named there is required.
    """

    code = "DL3049"
    name = "missing-label"
    level = Level.INFO

    def finish(self, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if not schema:
            return []
        used = ctx.stages_used_by_others()
        findings: list[Finding] = []
        for stage in ctx.stages:
            if stage.index in used:
                continue
            present = _labels_of(stage, ctx)
            from_instruction = stage.from_instruction
            span = (
                from_instruction.arguments[0].span
                if from_instruction.arguments
                else from_instruction.keyword_span
            )
            findings.extend(
                self.finding(
                    span,
                    f"label {name} is missing from the image of this stage: add LABEL {name}=…",
                )
                for name in schema
                if name not in present
            )
        return findings


def _labels_of(stage: Stage, ctx: Context) -> set[str]:
    """The label keys a stage sets, itself or through the stages it is built from."""
    keys: set[str] = set()
    current: Stage | None = stage
    seen: set[int] = set()
    while current is not None and current.index not in seen:
        seen.add(current.index)
        for instruction in current.instructions:
            if instruction.keyword == "LABEL":
                keys.update(key for key, _, _, _ in ctx.key_values(instruction) if key is not None)
        current = current.parent
    return keys
