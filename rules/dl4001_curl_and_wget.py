from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    Word,
)

TOOLS = ("curl", "wget")


def _downloaders(instruction: Instruction, ctx: Context) -> list[tuple[str, Word]]:
    """The curl and wget commands the RUN's own shell runs, in order."""
    text = instruction.text.text
    if "curl" not in text and "wget" not in text and not instruction.heredocs:
        return []
    return [
        (command.program, command.words[0])
        for command in ctx.run_commands(instruction, unwrapped=True)
        if command.program in TOOLS
    ]


class CurlAndWget(Rule):
    """A stage uses both curl and wget.

    ## What it does
    Flags each `RUN` that runs `curl` or `wget` (by name or path, behind `sudo`, or in a
    `sh -c` script) once the same stage has used the other one too. `ONBUILD RUN` triggers
    are judged among themselves, since they run in a later build.

    ## Why is this bad?
    Both tools do the same job here. Using both means installing, updating and scanning two
    packages (and their libraries) instead of one, and two sets of options for retries,
    redirects and TLS to keep right.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL -o /tmp/a.tgz https://example.com/a.tgz
    RUN wget -q -O /tmp/b.tgz https://example.com/b.tgz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN curl -fsSL -o /tmp/a.tgz https://example.com/a.tgz \
     && curl -fsSL -o /tmp/b.tgz https://example.com/b.tgz
    ```
    """

    code = "DL4001"
    name = "curl-and-wget"
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        seen: dict[str, int] = {}
        seen_onbuild: dict[str, int] = {}
        for instruction in ctx.instructions:
            if instruction.keyword == "FROM":
                seen, seen_onbuild = {}, {}
                continue
            trigger = instruction.trigger
            if instruction.keyword == "RUN":
                used = seen
            elif trigger is not None and trigger.keyword == "RUN":
                used, instruction = seen_onbuild, trigger
            else:
                continue
            tools = _downloaders(instruction, ctx)
            for tool, _word in tools:
                used.setdefault(tool, instruction.line)
            if tools and len(used) == len(TOOLS):
                tool, word = tools[0]
                other = "wget" if tool == "curl" else "curl"
                message = (
                    f"this stage uses both {tool} and {other} (line {used[other]}): "
                    f"use one of them for every download"
                )
                findings.append(self.finding(word.span, message))
        return findings
