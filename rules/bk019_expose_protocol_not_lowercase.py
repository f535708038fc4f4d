from dockerfile_dlint.api import Argument, Context, Finding, Instruction, Level, Rule

PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


class ExposeProtocolNotLowercase(Rule):
    """EXPOSE writes a port's protocol in capitals.

    BuildKit's `ExposeProtoCasing` check.

    ## What it does
    Flags `EXPOSE 53/UDP` and other port specifications whose protocol (`tcp`, `udp` or
    `sctp`) is not all lower-case. Variables are expanded first when their values are known.

    ## Why is this bad?
    Docker lower-cases the protocol itself, so the capitals have no effect except to make the
    file inconsistent with the lower-case form Docker and `docker port` show.

    ## Example
    ```dockerfile
    EXPOSE 8080/TCP
    ```

    ## Use instead
    ```dockerfile
    EXPOSE 8080/tcp
    ```
    """

    code = "BK019"
    name = "expose-protocol-not-lowercase"
    aliases = ("ExposeProtoCasing",)
    level = Level.WARNING
    instructions = frozenset({"EXPOSE"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for argument in instruction.arguments:
            for spec in _port_specs(argument, instruction, ctx):
                container = spec.split(":")[-1]
                port, _, protocol = container.partition("/")
                if not port or protocol.lower() not in PROTOCOLS or protocol == protocol.lower():
                    continue
                message = (
                    f"protocol {protocol} in {spec} is not lower-case: "
                    f"write {port}/{protocol.lower()}"
                )
                findings.append(self.finding(argument.span, message))
        return findings


def _port_specs(argument: Argument, instruction: Instruction, ctx: Context) -> list[str]:
    """The port specifications an EXPOSE word stands for: expanded when every variable in it
    is known, as written otherwise."""
    expansion = ctx.expand(instruction, argument.value)
    if expansion.complete:
        return expansion.value.split()
    return [argument.value]
