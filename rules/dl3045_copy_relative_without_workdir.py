from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Stage, lazy

WINDOWS_ABSOLUTE = lazy(r"[A-Za-z]:[\\/]")


class CopyRelativeWithoutWorkdir(Rule):
    """COPY to a relative destination before any WORKDIR.

    ## What it does
    Flags `COPY` whose destination is a relative path (`app/`, `.`) when no `WORKDIR` has
    been set yet in the stage, nor in the stage it is built `FROM`. A destination that is
    absolute (also `C:\\…` on Windows), or that comes from a variable whose value is not
    visible, is not flagged.

    ## Why is this bad?
    A relative destination is resolved against the working directory of the base image,
    which the Dockerfile does not show and which a new base image version may change: the
    files then land somewhere else, and the `CMD` that expects them fails at start-up.

    ## Example
    ```dockerfile
    FROM node:22-slim
    COPY package.json .
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY package.json .
    ```
    """

    code = "DL3045"
    name = "copy-relative-without-workdir"
    level = Level.WARNING
    instructions = frozenset({"COPY"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if len(instruction.arguments) < 2:
            return []
        destination = instruction.arguments[-1]
        path = destination.value
        if not instruction.json or "$" in path:
            expansion = ctx.expand(instruction, path)
            if not expansion.complete:
                return []
            path = expansion.value
        if path.startswith("/") or WINDOWS_ABSOLUTE.match(path):
            return []
        stage = ctx.stage(instruction)
        if stage is None or _workdir_set(stage, instruction):
            return []
        return [
            self.finding(
                destination.span,
                f"COPY to the relative path {path} before any WORKDIR: the files land in the "
                "base image's working directory; set WORKDIR first or use an absolute path",
            )
        ]


def _workdir_set(stage: Stage, instruction: Instruction) -> bool:
    """Whether a WORKDIR runs before ``instruction`` in its stage or in a parent stage."""
    if any(
        other.keyword == "WORKDIR" and other.index < instruction.index
        for other in stage.instructions
    ):
        return True
    parent = stage.parent
    seen = {stage.index}
    while parent is not None and parent.index not in seen:
        if any(other.keyword == "WORKDIR" for other in parent.instructions):
            return True
        seen.add(parent.index)
        parent = parent.parent
    return False
