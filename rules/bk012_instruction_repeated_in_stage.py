from itertools import pairwise

from dockerfile_dlint.api import Context, Finding, Level, Rule

ONCE_PER_STAGE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


class InstructionRepeatedInStage(Rule):
    """CMD, ENTRYPOINT or HEALTHCHECK appears more than once in a stage (BuildKit's check).

    BuildKit's `MultipleInstructionsDisallowed` check. Off by default: DL4003
    (`multiple-cmd`), DL4004 (`multiple-entrypoint`) and DL3012 (`multiple-healthcheck`)
    report repeated `CMD`, `ENTRYPOINT` and `HEALTHCHECK`; select BK012 (or
    `MultipleInstructionsDisallowed`) to get this code too.

    ## What it does
    Flags each `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of the same kind
    in the same stage replaces. The finding is on the instruction that has no effect.

    ## Why is this bad?
    Only the last one counts: the earlier ones do nothing, and a reader may believe the
    container runs (or is health-checked with) something it is not.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["python", "-m", "http.server"]
    CMD ["gunicorn", "app:app"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    CMD ["gunicorn", "app:app"]
    ```
    """

    code = "BK012"
    name = "instruction-repeated-in-stage"
    aliases = ("MultipleInstructionsDisallowed",)
    level = Level.WARNING
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for stage in ctx.stages:
            for keyword in ONCE_PER_STAGE:
                repeated = [i for i in stage.instructions if i.keyword == keyword]
                for instruction, later in pairwise(repeated):
                    message = (
                        f"this {keyword} has no effect: the {keyword} on line {later.line} "
                        f"replaces it; keep only the last one"
                    )
                    findings.append(self.finding(instruction.keyword_span, message))
        return findings
