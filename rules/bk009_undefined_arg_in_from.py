from dockerfile_dlint.api import Argument, Context, Finding, Flag, Level, Rule, Span
from dockerfile_dlint.knowledge.buildkit import (
    PLATFORM_ARGS,
    expand_with,
    global_arg_defaults,
    is_valid_image_reference,
    variable_uses,
)


class UndefinedArgInFrom(Rule):
    """FROM uses a build argument that no ARG before the first FROM declares.

    BuildKit's `UndefinedArgInFrom` check.

    ## What it does
    Flags a variable in a `FROM` image or `--platform` value that is neither declared by an
    `ARG` before the first `FROM` nor one of the platform arguments Docker predefines
    (`TARGETPLATFORM`, `BUILDARCH`, …). A default written in the reference
    (`${TAG:-3.12}`) does not make the argument declared. When the image name with the
    default values is not a valid reference at all, BK016 reports that instead.

    ## Why is this bad?
    In `FROM`, Docker only expands arguments declared before the first `FROM`; an ARG inside a
    stage does not count. An undeclared one expands to nothing, so `--build-arg` has no effect
    and the image may not be the one intended.

    ## Example
    ```dockerfile
    FROM python:${PYTHON_VERSION}-slim
    ```

    ## Use instead
    ```dockerfile
    ARG PYTHON_VERSION=3.12
    FROM python:${PYTHON_VERSION}-slim
    ```
    """

    code = "BK009"
    name = "undefined-arg-in-from"
    aliases = ("UndefinedArgInFrom",)
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        escape = ctx.dockerfile.escape
        meta = [
            argument.value
            for instruction in ctx.instructions
            if instruction.keyword == "ARG" and ctx.stage(instruction) is None
            for argument in instruction.arguments
        ]
        declared = {word.partition("=")[0] for word in meta}
        defaults = global_arg_defaults(meta, escape)
        findings = []
        for stage in ctx.stages:
            instruction = stage.from_instruction
            places: list[Argument | Flag] = []
            if instruction.arguments:
                image = instruction.arguments[0]
                expanded = expand_with(image.value, defaults, escape)
                if is_valid_image_reference(expanded):
                    places.append(image)
            platform = instruction.flag("platform")
            if platform is not None and platform.value:
                places.append(platform)
            reported: set[str] = set()
            for place in places:
                text, offset = _text(place)
                for use in variable_uses(text, escape):
                    if use.name in declared or use.name in PLATFORM_ARGS:
                        continue
                    if use.name in reported:
                        continue
                    reported.add(use.name)
                    span = _span(place.span, offset + use.start, offset + use.end)
                    findings.append(self.finding(span, _message(use.name, declared)))
        return findings


def _text(place: Argument | Flag) -> tuple[str, int]:
    """The text to scan and its offset from the start of ``place``'s span."""
    if isinstance(place, Flag):
        return place.value or "", len(place.name) + 3
    return place.value, 0


def _span(span: Span, start: int, end: int) -> Span:
    if span.line != span.end_line:
        return span
    return Span(span.line, span.column + start, span.line, span.column + end)


def _message(name: str, declared: set[str]) -> str:
    message = (
        f"FROM uses ${name}, but no ARG before the first FROM declares it, so it expands to "
        f"nothing: add ARG {name}=<default> at the top of the file"
    )
    import difflib  # only for a misspelt name: not on the path of a valid file

    close = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.8)
    if close:
        message += f" (or did you mean ${close[0]}?)"
    return message
