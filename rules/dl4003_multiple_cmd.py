from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class MultipleCmd(Rule):
    """A stage has more than one CMD.

    ## What it does
    Flags every `CMD` after the first in the same build stage.

    ## Why is this bad?
    Only the last `CMD` of a stage counts; the earlier ones do nothing. Usually one of them was
    meant to be a `RUN`, or an edit left a stale command behind that a reader will trust.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD python manage.py migrate
    CMD ["gunicorn", "app.wsgi"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    CMD ["gunicorn", "app.wsgi"]
    ```
    """

    code = "DL4003"
    name = "multiple-cmd"
    level = Level.WARNING
    instructions = frozenset({"CMD"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        first = ctx.first_in_stage(instruction)
        if first is None or first is instruction:
            return []
        message = f"another CMD in this stage, on line {first.line}: only the last one takes effect"
        return [self.finding(instruction.keyword_span, message)]
