from dockerfile_dlint.api import Comment, Context, Finding, Instruction, Level, Rule


class MalformedDefinitionDescription(Rule):
    """The comment above a named stage or an ARG does not start with its name.

    BuildKit's `InvalidDefinitionDescription` check, experimental in BuildKit and so off by
    default: turn it on with `# check=experimental=InvalidDefinitionDescription` or by
    selecting BK021.

    ## What it does
    BuildKit reads the comment lines directly above `FROM … AS name` and `ARG name` as their
    description (shown by `docker buildx build --call=outline` and `--call=targets`) when the
    last of them starts with the name: `# name description`. This check flags that last
    comment when it starts with another word. An empty `#` line between the comment and the
    instruction ends the description block; parser directives at the top are not comments.

    ## Why is this bad?
    Tools show no description for the stage or argument, and a comment meant as one is
    silently dropped.

    ## Example
    ```dockerfile
    # The Python version to build with
    ARG PYTHON_VERSION=3.12
    ```

    ## Use instead
    ```dockerfile
    # PYTHON_VERSION The Python version to build with
    ARG PYTHON_VERSION=3.12
    ```
    """

    code = "BK021"
    name = "malformed-definition-description"
    aliases = ("InvalidDefinitionDescription",)
    level = Level.WARNING
    enabled_by_default = False
    experimental = True

    def finish(self, ctx: Context) -> list[Finding]:
        directive_lines = {directive.span.line for directive in ctx.dockerfile.directives}
        comments = [c for c in ctx.dockerfile.comments if c.span.line not in directive_lines]
        findings = []
        previous_end = 0
        position = 0
        for instruction in ctx.instructions:
            block: list[Comment] = []
            while position < len(comments) and comments[position].span.line < instruction.line:
                comment = comments[position]
                position += 1
                if comment.span.line <= previous_end:
                    continue
                if comment.text.strip():
                    block.append(comment)
                else:
                    block = []
            previous_end = instruction.span.end_line
            keys = _keys(instruction, ctx)
            if not block or not keys:
                continue
            last = block[-1]
            if last.text.strip().split(" ")[0] in keys:
                continue
            example = keys[0] if len(keys) == 1 else "<name>"
            message = (
                f"this comment is read as the description of {instruction.keyword} "
                f"{', '.join(keys)} only when it starts with the name: write # {example} "
                "<description>, or leave an empty # line before the instruction"
            )
            findings.append(self.finding(last.span, message))
        return findings


def _keys(instruction: Instruction, ctx: Context) -> list[str]:
    if instruction.keyword == "ARG":
        return [argument.value.partition("=")[0] for argument in instruction.arguments]
    if instruction.keyword == "FROM":
        stage = ctx.stage(instruction)
        if stage is not None and stage.name:
            return [stage.name]
    return []
