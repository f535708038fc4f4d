from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Stage


class DuplicateStageName(Rule):
    """Two build stages have the same name.

    ## What it does
    Flags `FROM … AS NAME` when an earlier stage already uses `NAME` (names are compared
    without regard to case, as Docker does).

    ## Why is this bad?
    Docker refuses to build a Dockerfile with two stages of the same name; and a reader cannot
    tell which one `COPY --from=NAME` or `--target NAME` means.

    ## Example
    ```dockerfile
    FROM node:20 AS build
    RUN npm ci && npm run build

    FROM python:3.12 AS build
    RUN pip wheel -w /wheels .
    ```

    ## Use instead
    ```dockerfile
    FROM node:20 AS frontend
    RUN npm ci && npm run build

    FROM python:3.12 AS wheels
    RUN pip wheel -w /wheels .
    ```
    """

    code = "DL3024"
    name = "duplicate-stage-name"
    level = Level.ERROR
    instructions = frozenset({"FROM"})
    onbuild = False

    def __init__(self) -> None:
        self._first_named: dict[str, Stage] = {}  # stage name -> the first stage with it

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or stage.name is None or stage.name_span is None:
            return []
        first = self._first_named.setdefault(stage.name, stage)
        if first is stage:
            return []
        message = f"stage name {stage.name} is already used on line {first.from_instruction.line}"
        return [self.finding(stage.name_span, message)]
