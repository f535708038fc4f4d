import json

from dockerfile_dlint.api import Context, Edit, Finding, Fix, Instruction, Level, Rule, lazy

SHELL_BUILTINS = frozenset(
    {".", ":", "cd", "eval", "exec", "export", "readonly", "set", "shift", "source", "trap"}
    | {"ulimit", "umask", "unset", "wait"}
)
SHELL_SYNTAX = lazy(r"""[\s'"\\$`|&;<>(){}*?\[\]~#]""")


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

    ## Fix
    A command of plain words (no variables, quotes, globs, redirections, pipes or `&&`) is
    rewritten as its JSON array. Other commands are left to you: one that uses a variable
    needs `["sh", "-c", "exec …"]`, which DP005 explains.

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
    fixable = "safe"

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
        elif (argv := _plain_argv(instruction)) is not None:
            exec_form = json.dumps(argv)
            message = f"{keyword} in shell form: use {keyword} {exec_form}"
            span = instruction.text.span(0, len(command))
            return [self.finding(span, message, Fix((Edit(span, exec_form),)))]
        else:
            message = (
                f"{keyword} in shell form: use the JSON exec form, so the program gets signals"
            )
        span = instruction.text.span(0, len(command))
        return [self.finding(span, message)]


def _plain_argv(instruction: Instruction) -> list[str] | None:
    """The argv of a command of plain words, which exec form runs the same way; ``exec`` in
    front is dropped (exec form already makes the program process 1). None when a shell is
    needed: quotes, variables, globs, operators, an assignment or a shell builtin."""
    words = [argument.value for argument in instruction.arguments]
    if any(SHELL_SYNTAX.search(word) for word in words):
        return None
    if words and words[0] == "exec":
        words = words[1:]
    if not words or "=" in words[0] or words[0] in SHELL_BUILTINS:
        return None
    return words
