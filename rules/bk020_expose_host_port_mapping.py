from dockerfile_dlint.api import Argument, Context, Finding, Instruction, Level, Rule

PROTOCOLS = frozenset({"", "tcp", "udp", "sctp"})


class ExposeHostPortMapping(Rule):
    """EXPOSE gives a host port or an IP address.

    BuildKit's `ExposeInvalidFormat` check.

    ## What it does
    Flags `EXPOSE 8080:80`, `EXPOSE 127.0.0.1:80:80` and other port specifications with a
    host port or address in front of the container port. Variables are expanded first when
    their values are known.

    ## Why is this bad?
    `EXPOSE` only documents which ports the container listens on; publishing to a host port
    is decided by `docker run -p`. Docker ignores the host part here (a future release will
    reject it), so the mapping the line seems to promise does not happen.

    ## Example
    ```dockerfile
    EXPOSE 8080:80
    ```

    ## Use instead
    ```dockerfile
    EXPOSE 80
    ```
    """

    code = "BK020"
    name = "expose-host-port-mapping"
    aliases = ("ExposeInvalidFormat",)
    level = Level.WARNING
    instructions = frozenset({"EXPOSE"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for argument in instruction.arguments:
            for spec in _port_specs(argument, instruction, ctx):
                address, host_port, container = _split(spec)
                port, _, protocol = container.partition("/")
                if not (address or host_port) or not port or protocol.lower() not in PROTOCOLS:
                    continue
                message = (
                    f"EXPOSE {spec} maps a host {'address and port' if address else 'port'}, "
                    f"which EXPOSE ignores: write EXPOSE {container} and publish with "
                    "docker run -p"
                )
                findings.append(self.finding(argument.span, message))
        return findings


def _split(spec: str) -> tuple[str, str, str]:
    """(host address, host port, container port) of ``[address:][host port:]port``."""
    parts = spec.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _port_specs(argument: Argument, instruction: Instruction, ctx: Context) -> list[str]:
    """The port specifications an EXPOSE word stands for: expanded when every variable in it
    is known, as written otherwise."""
    expansion = ctx.expand(instruction, argument.value)
    if expansion.complete:
        return expansion.value.split()
    return [argument.value]
