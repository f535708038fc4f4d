from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

FORBIDDEN = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


class OnbuildForbiddenTrigger(Rule):
    """ONBUILD triggers ONBUILD, FROM or MAINTAINER.

    ## What it does
    Flags `ONBUILD ONBUILD …`, `ONBUILD FROM …` and `ONBUILD MAINTAINER …`.

    ## Why is this bad?
    Docker does not allow these instructions as triggers: the build of the image itself,
    or of every image built from it, stops with an error.

    ## Example
    ```dockerfile
    FROM node:22-slim
    ONBUILD FROM node:22-slim
    ONBUILD COPY . /app
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    ONBUILD COPY . /app
    ```
    """

    code = "DL3043"
    name = "onbuild-forbidden-trigger"
    level = Level.ERROR
    instructions = frozenset({"ONBUILD"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        trigger = instruction.trigger
        if trigger is None or trigger.keyword not in FORBIDDEN:
            return []
        return [
            self.finding(
                trigger.keyword_span,
                f"ONBUILD {trigger.keyword} is not allowed: move the {trigger.keyword} out "
                "of the trigger",
            )
        ]
