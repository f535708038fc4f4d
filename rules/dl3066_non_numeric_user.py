from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

REFERENCE = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class NonNumericUser(Rule):
    """USER names the user by name instead of by numeric id.

    ## What it does
    Flags `USER name` and `USER name:group` where the user part, after expanding environment
    variables, is not a number. A user taken from a build argument (`USER $APP_UID`) is not
    flagged, since the build can pass a numeric id for it, and neither is a value whose
    variables have no visible value.

    ## Why is this bad?
    A name only means something inside the image's `/etc/passwd`. The container runtime and
    the platform around it cannot resolve it: Kubernetes refuses `runAsNonRoot` for a
    non-numeric user because it cannot prove the user is not root, and files shared through
    volumes are owned by a number the host does not know.

    ## Example
    ```dockerfile
    FROM node:22-slim
    USER node
    ```

    ## Use instead
    ```dockerfile
    FROM node:22-slim
    USER 1000:1000
    ```
    """

    code = "DL3066"
    name = "non-numeric-user"
    level = Level.INFO
    instructions = frozenset({"USER"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        text = instruction.text.text
        if not text:
            return []
        names = set(REFERENCE.findall(text))
        if names & (set(ctx.state(instruction).args) | set(ctx.global_args)):
            return []
        expansion = ctx.expand(instruction, text)
        if not expansion.complete:
            return []
        user = expansion.value.partition(":")[0]
        if not user or (user.isascii() and user.isdigit()):
            return []
        return [
            self.finding(
                instruction.text.span(0, len(text)),
                f"USER {user} is a name the host and the platform cannot resolve: "
                "use the numeric id (and group id), such as USER 10001:10001",
            )
        ]
