from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
)

# Commands for an interactive machine or a booted system: in an image build there is no
# terminal, no init system, and nothing they start or change survives the RUN.
POINTLESS = {
    "free": "reports the build container's memory, which tells nothing about where it will run",
    "kill": "stops processes that end with the RUN anyway",
    "mount": "mounts nothing that survives the RUN (use RUN --mount)",
    "ps": "lists the build container's processes, which end with the RUN",
    "service": "starts or stops a service that does not survive the RUN",
    "shutdown": "has no machine to shut down",
    "ssh": "opens a remote session a build cannot use (use RUN --mount=type=ssh for keys)",
    "top": "is interactive and has no terminal in a build",
    "vim": "is an interactive editor and has no terminal in a build",
}


class PointlessCommandInRun(Rule):
    """RUN uses a command that makes no sense in an image build.

    ## What it does
    Flags `RUN` commands meant for an interactive machine or a running system: `free`,
    `kill`, `mount`, `ps`, `service`, `shutdown`, `ssh`, `top` and `vim`, also by their path
    (`/bin/ps`), behind `sudo` or `env`, in the exec form and in scripts given to `sh -c`.

    ## Why is this bad?
    A build step runs once, without a terminal or an init system, and only its files end up
    in the image. A service started with `service … start` is gone when the step ends, `top`
    and `vim` wait for a terminal that is not there, and `ps` or `free` describe the build
    machine rather than the container that will run later. Such a command is either a
    leftover from interactive experiments or a sign the step relies on something that will
    not exist at run time.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y nginx && service nginx start
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y nginx
    CMD ["nginx", "-g", "daemon off;"]
    ```
    """

    code = "DL3001"
    name = "pointless-command-in-run"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        for command in ctx.run_commands(instruction, unwrapped=True):
            program = command.program
            if program in POINTLESS:
                message = (
                    f"`{program}` {POINTLESS[program]}: drop it from the build, "
                    "and start services in CMD or ENTRYPOINT"
                )
                return [self.finding(command.words[0].span, message)]
        return []
