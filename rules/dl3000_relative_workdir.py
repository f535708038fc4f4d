from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

WINDOWS_ABSOLUTE = lazy(r"[A-Za-z]:")


class RelativeWorkdir(Rule):
    """WORKDIR is a relative path.

    ## What it does
    Flags a `WORKDIR` whose path, after Docker expands the variables it knows, does not start
    with `/` (or a drive letter on Windows images). A path that starts with a variable whose
    value is not visible in the Dockerfile, such as `$HOME/app`, is left alone.

    ## Why is this bad?
    A relative `WORKDIR` is resolved against the previous one, which may have been set by the
    base image. When the base image changes its working directory, files land somewhere else
    and the `CMD` no longer finds them.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    ```
    """

    code = "DL3000"
    name = "relative-workdir"
    level = Level.ERROR
    instructions = frozenset({"WORKDIR"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        text = instruction.text.text
        if not text:
            return []
        path = ctx.expand(instruction, text)
        if not path.complete and text.lstrip("'\"").startswith("$"):
            return []
        if path.value.startswith("/") or WINDOWS_ABSOLUTE.match(path.value):
            return []
        shown = text if path.value == text else f"{text} (= {path.value})"
        span = instruction.text.span(0, len(text))
        return [self.finding(span, f"WORKDIR {shown} is relative: use an absolute path")]
