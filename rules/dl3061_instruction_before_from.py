from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

# Instructions that need a stage (an unknown word is a parse error, reported as such).
STAGE_INSTRUCTIONS = frozenset(
    {
        *("ADD", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL"),
        *("MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"),
    }
)


class InstructionBeforeFrom(Rule):
    """An instruction other than ARG comes before the first FROM.

    ## What it does
    Flags every instruction before the first `FROM` that is not `ARG`. Comments and parser
    directives may come first too. Lines that are no instruction at all are parse errors
    (DL1000), not flagged here.

    ## Why is this bad?
    Only `ARG` may precede `FROM`: it declares build arguments for the `FROM` lines. Any other
    instruction has no stage to apply to, and Docker stops the build with an error.

    ## Example
    ```dockerfile
    ENV LANG=C.UTF-8
    FROM debian:12
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    ENV LANG=C.UTF-8
    ```
    """

    code = "DL3061"
    name = "instruction-before-from"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for instruction in ctx.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword in STAGE_INSTRUCTIONS:
                findings.append(self._finding(instruction))
        return findings

    def _finding(self, instruction: Instruction) -> Finding:
        return self.finding(
            instruction.keyword_span,
            f"{instruction.keyword} before the first FROM: only ARG may come before FROM; "
            "move it into a stage",
        )
