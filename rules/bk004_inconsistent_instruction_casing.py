from dockerfile_dlint.api import Context, Finding, Level, Rule
from dockerfile_dlint.knowledge.buildkit import INSTRUCTIONS


class InconsistentInstructionCasing(Rule):
    """An instruction keyword's case differs from the rest of the file.

    BuildKit's `ConsistentInstructionCasing` check.

    ## What it does
    Counts the instruction keywords written all upper-case and all lower-case, from the first
    `FROM` on, and flags every keyword that is not written in the majority's case, including
    mixed-case ones such as `Run`. On a tie, upper-case is the majority. Words that are not
    instructions (a broken continuation) are left to DL1000.

    ## Why is this bad?
    Docker accepts any case, but a file that mixes `RUN` and `run` is harder to read and to
    search, and usually shows pieces pasted from elsewhere.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    run apk add --no-cache curl
    RUN curl --version
    COPY . /app
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    RUN curl --version
    COPY . /app
    ```
    """

    code = "BK004"
    name = "inconsistent-instruction-casing"
    aliases = ("ConsistentInstructionCasing",)
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        keywords = [
            instruction
            for instruction in ctx.instructions
            if ctx.stage(instruction) is not None and instruction.keyword in INSTRUCTIONS
        ]
        lower = sum(1 for i in keywords if i.keyword_text == i.keyword_text.lower())
        upper = sum(1 for i in keywords if i.keyword_text == i.keyword_text.upper())
        majority_lower = lower > upper
        findings = []
        for instruction in keywords:
            text = instruction.keyword_text
            wanted = text.lower() if majority_lower else text.upper()
            if text == wanted:
                continue
            case = "lower-case" if majority_lower else "upper-case"
            message = f"{text} is not {case} like most instructions in this file: write {wanted}"
            findings.append(self.finding(instruction.keyword_span, message))
        return findings
