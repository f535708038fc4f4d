import json
import re

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

SHELL_SYNTAX = re.compile(r"""[\s'"\\$`|&;<>(){}*?\[\]~#]""")


class ShellFormCmd(Rule):
    """CMD or ENTRYPOINT is written in shell form.

    ## What it does
    Flags `CMD` and `ENTRYPOINT` that are not a JSON array (`CMD npm start` rather than
    `CMD ["npm", "start"]`) and says what to write instead. When the command uses a variable
    such as `$PORT`, the advice is `["sh", "-c", "exec …"]`: plain exec form passes `$PORT`
    to the program literally, because no shell runs to expand it.

    ## Why is this bad?
    In shell form Docker runs `/bin/sh -c "…"`: the shell, not your program, is process 1. It
    does not pass on SIGTERM, so the platform's graceful stop turns into a kill after the
    timeout, and in-flight requests are dropped. An `ENTRYPOINT` in shell form also ignores
    the arguments of `CMD` and `docker run`.

    ## Example
    ```dockerfile
    CMD gunicorn app:app
    ENTRYPOINT uvicorn main:app --host 0.0.0.0 --port $PORT
    ```

    ## Use instead
    ```dockerfile
    CMD ["gunicorn", "app:app"]
    ENTRYPOINT ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port $PORT"]
    ```
    """

    code = "DL3025"
    name = "shell-form-cmd"
    level = Level.WARNING
    instructions = frozenset({"CMD", "ENTRYPOINT"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.json or not instruction.text.text:
            return []
        command = instruction.text.text
        keyword = instruction.keyword
        if "$" in command:
            exec_form = json.dumps(["sh", "-c", f"exec {command}"])
            message = (
                f"{keyword} in shell form: use {keyword} {exec_form} (plain exec form would not "
                "expand the variables)"
            )
        elif all(not SHELL_SYNTAX.search(argument.value) for argument in instruction.arguments):
            exec_form = json.dumps([argument.value for argument in instruction.arguments])
            message = f"{keyword} in shell form: use {keyword} {exec_form}"
        else:
            message = (
                f"{keyword} in shell form: use the JSON exec form, so the program gets signals"
            )
        span = instruction.text.span(0, len(command))
        return [self.finding(span, message)]
