from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class LatestTag(Rule):
    """FROM uses the `latest` tag.

    ## What it does
    Flags `FROM image:latest` (also when the tag comes from a build argument declared before
    the first `FROM`), unless the reference also pins a digest (`image:latest@sha256:…`), which
    fixes the content whatever the tag.

    ## Why is this bad?
    `latest` is whatever was pushed last. Builds stop being repeatable, and an upgrade of the
    base image arrives unannounced in the next deploy.

    ## Example
    ```dockerfile
    FROM node:latest
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-bookworm-slim
    ```
    """

    code = "DL3007"
    name = "latest-tag"
    level = Level.WARNING
    instructions = frozenset({"FROM"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or stage.from_instruction is not instruction:
            return []  # a FROM under ONBUILD (an error of its own) starts no stage
        image = stage.base_image
        if image is None or image.tag != "latest" or image.digest:
            return []
        message = f"image {stage.image_resolved} uses the latest tag: pin a version"
        return [self.finding(instruction.arguments[0].span, message)]
