from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Stage


class NonJsonCmdArgs(Rule):
    """CMD or ENTRYPOINT in shell form without a SHELL instruction (BuildKit's check).

    BuildKit's `JSONArgsRecommended` check. Off by default: DL3025 (`shell-form-cmd`) reports
    shell-form commands, with advice that keeps `$PORT` working; select BK007 (or
    `JSONArgsRecommended`) to get this code too.

    ## What it does
    Flags `CMD` and `ENTRYPOINT` written as plain text rather than a JSON array, unless a
    `SHELL` instruction earlier in the stage (or in a stage it is built `FROM`) shows that a
    shell was chosen on purpose.

    ## Why is this bad?
    In shell form Docker runs `/bin/sh -c "…"`: the shell is process 1 and does not pass
    SIGTERM on, so the program is killed instead of stopping cleanly.

    ## Example
    ```dockerfile
    ENTRYPOINT my-server --port 8080
    ```

    ## Use instead
    ```dockerfile
    ENTRYPOINT ["my-server", "--port", "8080"]
    ```
    """

    code = "BK007"
    name = "non-json-cmd-args"
    aliases = ("JSONArgsRecommended",)
    level = Level.WARNING
    instructions = frozenset({"CMD", "ENTRYPOINT"})
    enabled_by_default = False
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.json or not instruction.text.text.strip():
            return []
        stage = ctx.stage(instruction)
        if stage is None or _shell_chosen(stage, instruction):
            return []
        keyword = instruction.keyword
        message = (
            f"{keyword} in shell form runs under /bin/sh, which does not pass signals on: "
            f'write it as a JSON array ({keyword} ["program", "arg"]) or set SHELL explicitly'
        )
        return [self.finding(instruction.text.span(0, len(instruction.text.text)), message)]


def _shell_chosen(stage: Stage, instruction: Instruction) -> bool:
    """Whether a SHELL instruction runs before ``instruction`` in its stage or an ancestor."""
    current: Stage | None = stage
    while current is not None:
        for other in current.instructions:
            if other.keyword == "SHELL" and other.index < instruction.index:
                return True
        current = current.parent
    return False
