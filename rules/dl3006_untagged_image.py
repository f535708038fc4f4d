from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class UntaggedImage(Rule):
    """FROM names an image without a tag or digest.

    ## What it does
    Flags `FROM image` with neither `:tag` nor `@digest`, after expanding build arguments
    declared before the first `FROM` (so `ARG BASE=python` then `FROM $BASE` is flagged, and
    `ARG BASE=python:3.12` then `FROM $BASE` is not). `scratch` and earlier build stages are
    not images and are never flagged.

    ## Why is this bad?
    Without a tag Docker pulls `latest`, which moves. The same Dockerfile then builds a
    different image next week, and a new major version of the base can break the build or,
    worse, the running service.

    ## Example
    ```dockerfile
    FROM python
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    ```
    """

    code = "DL3006"
    name = "untagged-image"
    level = Level.WARNING
    instructions = frozenset({"FROM"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or stage.from_instruction is not instruction:
            return []  # a FROM under ONBUILD (an error of its own) starts no stage
        image = stage.base_image
        if image is None or image.tag or image.digest:
            return []
        shown = stage.image
        if stage.image_resolved != stage.image:
            shown = f"{stage.image} (= {stage.image_resolved})"
        message = (
            f"image {shown} has no tag: pin a version, such as {stage.image_resolved}:<version>"
        )
        return [self.finding(instruction.arguments[0].span, message)]
