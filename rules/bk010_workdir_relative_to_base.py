from dockerfile_dlint.api import Context, Finding, Level, Rule, lazy

WINDOWS_PATH = lazy(r"[A-Za-z]:[\\/]|\\")


class WorkdirRelativeToBase(Rule):
    """The first WORKDIR of a stage is a relative path.

    BuildKit's `WorkdirRelativePath` check. Off by default: DL3000 (`relative-workdir`)
    reports every relative `WORKDIR`, these included, so a violation is reported once.

    ## What it does
    Flags the first `WORKDIR` of a stage (counting the stages it is built `FROM`) when its
    path, with variables expanded, is relative. Later relative `WORKDIR`s build on that first
    one and are not flagged; a path whose variables expand to nothing is left alone. (DL3000,
    `relative-workdir`, flags every relative `WORKDIR`.)

    ## Why is this bad?
    A relative path is resolved against the base image's working directory, which the base
    image decides and can change in any update: the files land somewhere else and the
    commands that follow run in another directory.

    ## Example
    ```dockerfile
    FROM node:22
    WORKDIR app
    ```

    ## Use instead
    ```dockerfile
    FROM node:22
    WORKDIR /app
    ```
    """

    code = "BK010"
    name = "workdir-relative-to-base"
    aliases = ("WorkdirRelativePath",)
    level = Level.WARNING
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        workdir_set: dict[int, bool] = {}
        for stage in ctx.stages:
            done = stage.parent is not None and workdir_set.get(stage.parent.index, False)
            for instruction in stage.instructions:
                if instruction.keyword != "WORKDIR" or done:
                    continue
                done = True
                path = ctx.expand(instruction, instruction.text.text).value
                if not path or path.startswith("/") or WINDOWS_PATH.match(path):
                    continue
                message = (
                    f"WORKDIR {path} is relative to the base image's working directory, which "
                    "can change: write an absolute path"
                )
                span = instruction.text.span(0, len(instruction.text.text))
                findings.append(self.finding(span, message))
            workdir_set[stage.index] = done
        return findings
