import re

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span, lazy
from dockerfile_dlint.knowledge.verification import (
    VARIABLE_NAMES,
    Variable,
    insecure_variable,
    known_variable,
    mentions,
    run_assignments,
    unique_commands,
)

NEEDLES = lazy("|".join(re.escape(name.lower()) for name in VARIABLE_NAMES))
SCOPES = {
    "ENV": "in every later instruction and in the running container",
    "ARG": "in every later RUN of the stage",
    "export": "for the rest of this RUN",
    "env": "for this command",
    "prefix": "for this command",
}


class InsecureTlsVariable(Rule):
    """An environment variable switches off TLS verification.

    ## What it does
    Flags variables that make tools skip certificate checks, set with `ENV`, with an `ARG`
    default (also one a stage inherits from a global `ARG`), or in a RUN (`export X=…`,
    `X=… command`, `env X=… command`): `NODE_TLS_REJECT_UNAUTHORIZED=0`,
    `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY` (git ignores certificates whatever its value,
    even `false`), `PIP_TRUSTED_HOST`, `UV_INSECURE_HOST`, `NPM_CONFIG_STRICT_SSL=false` (any
    case), `YARN_STRICT_SSL`/`YARN_ENABLE_STRICT_SSL=false`, `CONDA_SSL_VERIFY=false`,
    `BUNDLE_SSL_VERIFY_MODE=0`, `GOINSECURE`, `-insecure` in `GOFLAGS`, and Maven's
    `-Dmaven.wagon.http.ssl.insecure=true` (and the like) in `MAVEN_OPTS`. Values that leave
    verification on (`NODE_TLS_REJECT_UNAUTHORIZED=1`) and an `ARG` without a value are not
    flagged.

    The same switches given as command-line options or config files are DS001's (download
    tools) and DS002's (package managers).

    ## Why is this bad?
    A variable reaches every program that reads it, not just the one command that needed
    it: an `ENV` stays in the image, so `NODE_TLS_REJECT_UNAUTHORIZED=0` also makes the
    application itself accept any certificate from the services it calls at run time. Anyone
    on the network path can then read and change that traffic, and what the build downloads.

    ## Example
    ```dockerfile
    FROM node:22-slim
    ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    RUN npm ci
    ```

    ## Use instead
    Give the tools the CA they are missing (a corporate proxy's, say), and keep verification
    on:
    ```dockerfile
    FROM node:22-slim
    COPY corporate-ca.pem /usr/local/share/ca-certificates/corporate-ca.crt
    ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corporate-ca.crt
    RUN npm ci
    ```
    """

    code = "DS005"
    name = "insecure-tls-variable"
    level = Level.ERROR
    instructions = frozenset({"ENV", "ARG", "RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if not mentions(instruction, NEEDLES):
            return []
        keyword = instruction.keyword
        if keyword == "ENV":
            return [
                self._finding(variable, key, value, pair.key_span, "ENV")
                for pair in ctx.key_values(instruction)
                if (key := pair.key) is not None
                and (value := pair.value) is not None
                and (variable := insecure_variable(key, value)) is not None
            ]
        if keyword == "ARG":
            return self._arguments(instruction, ctx)

        def expand(text: str) -> str | None:
            expansion = ctx.expand(instruction, text)
            return expansion.value if expansion.complete else None

        findings = []
        commands = unique_commands(ctx.run_commands(instruction))
        for assigned in run_assignments(commands, expand):
            variable = insecure_variable(assigned.name, assigned.value)
            if variable is not None:
                value = assigned.value if assigned.value is not None else "…"
                findings.append(
                    self._finding(variable, assigned.name, value, assigned.span, assigned.how)
                )
        return findings

    def _arguments(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        """ARG defaults in a stage; a global ARG counts where a stage declares it again."""
        if ctx.stage(instruction) is None:
            return []
        findings = []
        for argument in instruction.arguments:
            name, equals, raw = argument.value.partition("=")
            if not known_variable(name):
                continue
            span = argument.span
            name_span = Span(span.line, span.column, span.line, span.column + len(name))
            value: str | None
            if equals:
                expansion = ctx.expand(instruction, raw)
                value = expansion.value if expansion.complete else None
                if value is None and insecure_variable(name, None) is not None:
                    value = raw
            else:
                value = ctx.global_args.get(name)
            variable = insecure_variable(name, value) if value is not None else None
            if variable is not None and value is not None:
                findings.append(self._finding(variable, name, value, name_span, "ARG"))
        return findings

    def _finding(self, variable: Variable, name: str, value: str, span: Span, how: str) -> Finding:
        shown = value if len(value) <= 40 else value[:37] + "..."
        message = f"{name}={shown} {variable.effect}, {SCOPES[how]}: {variable.fix}"
        return self.finding(span, message)
