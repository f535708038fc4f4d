from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class StageNameNotLowercase(Rule):
    """A build stage name has capital letters.

    BuildKit's `StageNameCasing` check.

    ## What it does
    Flags `FROM image AS Name` when the stage name is not all lower-case.

    ## Why is this bad?
    Docker lower-cases stage names when it reads them, so `AS Builder` defines a stage called
    `builder`. Writing it with capitals suggests the case matters, and `COPY --from=Builder`
    next to `--target builder` makes the file harder to search and to read.

    ## Example
    ```dockerfile
    FROM golang:1.23 AS Builder
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23 AS builder
    ```
    """

    code = "BK001"
    name = "stage-name-not-lowercase"
    aliases = ("StageNameCasing",)
    level = Level.WARNING
    instructions = frozenset({"FROM"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        arguments = instruction.arguments
        if len(arguments) != 3 or arguments[1].value.lower() != "as":
            return []
        stage_name = arguments[2]
        if stage_name.value == stage_name.value.lower():
            return []
        message = (
            f"stage name {stage_name.value} is not lower-case: "
            f"write {stage_name.value.lower()}, the name Docker uses"
        )
        return [self.finding(stage_name.span, message)]
