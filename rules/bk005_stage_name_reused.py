from dockerfile_dlint.api import Context, Finding, Level, Rule


class StageNameReused(Rule):
    """Two build stages have the same name (BuildKit's check).

    BuildKit's `DuplicateStageName` check. Off by default: DL3024 (`duplicate-stage-name`)
    reports the same mistake; select BK005 (or `DuplicateStageName`) to get this code too.

    ## What it does
    Flags `FROM … AS name` when an earlier stage has the same name, compared without regard to
    case as Docker compares them.

    ## Why is this bad?
    Docker stops the build on a repeated stage name: `COPY --from=name` and `--target name`
    would not know which stage is meant.

    ## Example
    ```dockerfile
    FROM node:22 AS build
    FROM python:3.12 AS Build
    ```

    ## Use instead
    ```dockerfile
    FROM node:22 AS frontend
    FROM python:3.12 AS backend
    ```
    """

    code = "BK005"
    name = "stage-name-reused"
    aliases = ("DuplicateStageName",)
    level = Level.WARNING
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        seen: dict[str, int] = {}
        for stage in ctx.stages:
            if stage.name is None or stage.name_span is None:
                continue
            if stage.name in seen:
                message = (
                    f"stage name {stage.name} is already used on line {seen[stage.name]}: "
                    "give each stage its own name"
                )
                findings.append(self.finding(stage.name_span, message))
            else:
                seen[stage.name] = stage.from_instruction.line
        return findings
