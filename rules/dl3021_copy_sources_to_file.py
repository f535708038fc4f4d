from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class CopySourcesToFile(Rule):
    """COPY with several sources to a destination that does not end with /.

    ## What it does
    Flags `COPY a b dest` where there is more than one source and the destination, after
    expanding variables, does not end with `/` (or `\\` on Windows). The destination `.` is a
    directory for BuildKit and is not flagged, nor is a destination whose variables have no
    visible value.

    ## Why is this bad?
    Docker copies several sources only into a directory, and it knows a destination is meant
    as one by its trailing `/`. Without it the classic builder stops with an error, and the
    intent is unclear to readers.

    ## Example
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json /app
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json /app/
    ```
    """

    code = "DL3021"
    name = "copy-sources-to-file"
    level = Level.ERROR
    instructions = frozenset({"COPY"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        arguments = instruction.arguments
        if len(arguments) < 3:
            return []
        target = arguments[-1]
        path = target.value
        if not instruction.json or "$" in path:
            expansion = ctx.expand(instruction, path)
            if not expansion.complete:
                return []
            path = expansion.value
        if path == "." or path.endswith(("/", "\\")):
            return []
        return [
            self.finding(
                target.span,
                f"COPY of {len(arguments) - 1} sources into {path}: end the destination with "
                f"/ ({path}/) so it is a directory",
            )
        ]
