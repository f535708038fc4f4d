from dockerfile_dlint.api import Context, Finding, Level, Rule
from dockerfile_dlint.knowledge.buildkit import (
    expand_with,
    global_arg_defaults,
    is_valid_image_reference,
)


class InvalidDefaultBaseImage(Rule):
    """With its build arguments' defaults, a FROM image is empty or not a valid name.

    BuildKit's `InvalidDefaultArgInFrom` check.

    ## What it does
    Expands each `FROM` image with the defaults of the `ARG`s before the first `FROM` (an
    `ARG` without a default expands to nothing) and flags the result when Docker would not
    accept it as an image name: empty, `python:` with an empty tag, a leading `/`, capitals in
    the repository name.

    ## Why is this bad?
    A plain `docker build` without `--build-arg` fails on that line; the Dockerfile only
    works when every caller remembers to pass the argument.

    ## Example
    ```dockerfile
    ARG PYTHON_VERSION
    FROM python:${PYTHON_VERSION}
    ```

    ## Use instead
    ```dockerfile
    ARG PYTHON_VERSION=3.12
    FROM python:${PYTHON_VERSION}
    ```
    """

    code = "BK016"
    name = "invalid-default-base-image"
    aliases = ("InvalidDefaultArgInFrom",)
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        escape = ctx.dockerfile.escape
        meta = [
            argument.value
            for instruction in ctx.instructions
            if instruction.keyword == "ARG" and ctx.stage(instruction) is None
            for argument in instruction.arguments
        ]
        defaults = global_arg_defaults(meta, escape)
        findings = []
        for stage in ctx.stages:
            arguments = stage.from_instruction.arguments
            if not arguments:
                continue
            image = arguments[0]
            expanded = expand_with(image.value, defaults, escape)
            if is_valid_image_reference(expanded):
                continue
            if expanded == image.value:
                message = f"{image.value} is not a valid image name: Docker cannot pull it"
            else:
                shown = expanded or "an empty name"
                message = (
                    f"with the default build arguments, {image.value} is {shown}, which is not "
                    "a valid image name: give the ARGs it uses defaults"
                )
            findings.append(self.finding(image.span, message))
        return findings
