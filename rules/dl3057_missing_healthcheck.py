from dockerfile_dlint.api import Context, Finding, Level, Rule, Stage


class MissingHealthcheck(Rule):
    """An image is built without a HEALTHCHECK.

    ## What it does
    Flags the stages that produce an image without a `HEALTHCHECK`: stages that no other
    stage builds on (`FROM stage`) or copies from (`COPY --from`, `RUN --mount=from=`), and
    that have no `HEALTHCHECK` themselves nor in the stages they are built from. Builder
    stages are never flagged. `HEALTHCHECK NONE` counts as a decision and silences the rule.
    Off by default: many platforms probe health themselves and ignore the instruction.

    ## Why is this bad?
    Without a health check Docker and Swarm only know whether the process runs, not whether
    it answers: a server stuck in a deadlock or still warming up receives traffic and is
    never restarted.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    COPY site /usr/share/nginx/html
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    COPY site /usr/share/nginx/html
    HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    ```
    """

    code = "DL3057"
    name = "missing-healthcheck"
    level = Level.INFO
    enabled_by_default = False

    def finish(self, ctx: Context) -> list[Finding]:
        used = ctx.stages_used_by_others()
        findings = []
        for stage in ctx.stages:
            if stage.index in used or _has_healthcheck(stage):
                continue
            instruction = stage.from_instruction
            span = (
                instruction.arguments[0].span if instruction.arguments else instruction.keyword_span
            )
            findings.append(
                self.finding(
                    span,
                    "the image of this stage has no HEALTHCHECK: add one that probes the "
                    "service, or HEALTHCHECK NONE to say it is deliberate",
                )
            )
        return findings


def _has_healthcheck(stage: Stage) -> bool:
    current: Stage | None = stage
    seen: set[int] = set()
    while current is not None and current.index not in seen:
        seen.add(current.index)
        if any(instruction.keyword == "HEALTHCHECK" for instruction in current.instructions):
            return True
        current = current.parent
    return False
