from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

MAX_PORT = 65535


class InvalidPort(Rule):
    """EXPOSE names a port number above 65535.

    ## What it does
    Flags `EXPOSE` ports, and ends of port ranges, greater than 65535, also when the number
    comes from a build argument or environment variable with a visible value.

    ## Why is this bad?
    TCP and UDP ports are 16-bit numbers: a higher port cannot exist, so the instruction
    documents something no container can listen on, and tools that read the exposed ports
    reject the image's configuration or silently drop the entry.

    ## Example
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 80800
    ```

    ## Use instead
    ```dockerfile
    FROM nginx:1.27
    EXPOSE 8080
    ```
    """

    code = "DL3011"
    name = "invalid-port"
    level = Level.ERROR
    instructions = frozenset({"EXPOSE"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for argument in instruction.arguments:
            expansion = ctx.expand(instruction, argument.value)
            if not expansion.complete:
                continue
            for word in expansion.value.split():
                ports = word.partition("/")[0].split("-")
                if any(
                    port.isascii() and port.isdigit() and int(port) > MAX_PORT for port in ports
                ):
                    findings.append(
                        self.finding(
                            argument.span,
                            f"port {word} is outside the range of ports (0 to 65535): "
                            "expose the port the service really listens on",
                        )
                    )
                    break
        return findings
