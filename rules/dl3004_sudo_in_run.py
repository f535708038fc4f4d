from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
)


class SudoInRun(Rule):
    """RUN uses `sudo`.

    ## What it does
    Flags `sudo` run as a command in a `RUN` instruction, also by its path, in the exec form
    and in scripts given to `sh -c`. `sudo` installed as a package or named in a sudoers file
    is not flagged.

    ## Why is this bad?
    Build steps run as the `USER` in effect, root unless the Dockerfile says otherwise, so
    `sudo` is either needless or a way around a `USER` set on purpose. It also behaves in
    ways a build does not expect: it may ask for a password with no terminal to type it,
    it resets the environment (so `ENV` values such as `PATH` or proxy settings vanish), and
    it leaves a setuid binary and a sudoers policy in the image, which widens what an
    attacker in the running container can do.

    ## Example
    ```dockerfile
    FROM ubuntu:24.04
    USER app
    RUN sudo apt-get update && sudo apt-get install -y curl
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y curl
    USER app
    ```
    To drop privileges in an entrypoint script, use a tool made for it, such as `gosu` or
    `su-exec`.
    """

    code = "DL3004"
    name = "sudo-in-run"
    level = Level.ERROR
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "sudo" not in instruction.text.text and not instruction.heredocs:
            return []
        for command in ctx.run_commands(instruction):
            if command.program == "sudo":
                message = (
                    "do not use sudo in a build: run the step as root (switch USER around it) "
                    "and use gosu or su-exec to drop privileges at run time"
                )
                return [self.finding(command.words[0].span, message)]
        return []
