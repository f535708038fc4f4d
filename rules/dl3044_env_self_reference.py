from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span

NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
NAME_CHARS = NAME_START | frozenset("0123456789")


class EnvSelfReference(Rule):
    """ENV uses a variable that the same ENV instruction defines.

    ## What it does
    Flags a value in `ENV A=… B=$A` that refers to a variable set by the same `ENV`
    instruction, when that variable had no value before it (from an earlier `ENV` or `ARG`
    of the stage). A value that refers to its own name (`PATH=/opt/bin:$PATH`,
    `PORT=${PORT:-8080}`) means the earlier value on purpose and is flagged only when the same
    ENV also sets that name to something else. References in single quotes or escaped with a
    backslash stay text and are not flagged.

    ## Why is this bad?
    Docker expands every value of an `ENV` instruction with the variables as they were
    before the instruction: `B` gets the old (here empty) value of `A`, not the one set a
    few words earlier. The image then carries a `PATH` or `HOME` that is silently wrong.

    ## Example
    ```dockerfile
    FROM eclipse-temurin:21
    ENV APP_HOME=/opt/app \
        PATH=$APP_HOME/bin:$PATH
    ```

    ## Use instead
    ```dockerfile
    FROM eclipse-temurin:21
    ENV APP_HOME=/opt/app
    ENV PATH=$APP_HOME/bin:$PATH
    ```
    """

    code = "DL3044"
    name = "env-self-reference"
    level = Level.ERROR
    instructions = frozenset({"ENV"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        pairs = _pairs(instruction)
        if len(pairs) < 2:
            return []
        state = ctx.state(instruction)
        env, args = state.env, state.args
        findings = []
        for index, (name, value, span) in enumerate(pairs):
            if "$" not in value:
                continue
            used = [
                reference
                for reference in sorted(_references(value, ctx.dockerfile.escape), key=value.find)
                if reference not in env
                and reference not in args
                and _set_elsewhere(pairs, index, reference)
            ]
            if used:
                findings.append(
                    self.finding(
                        span,
                        f"{name} uses ${used[0]}, which this ENV sets: Docker expands it with "
                        f"the value from before this instruction; set {used[0]} in an "
                        "earlier ENV",
                    )
                )
        return findings


def _set_elsewhere(pairs: list[tuple[str, str, Span]], index: int, reference: str) -> bool:
    """Whether another pair of the ENV sets ``reference``. A pair that refers to its own name
    (``PATH=/opt/bin:$PATH``) means the earlier value: only a different value set for the same
    name in this ENV (``A=1 A=$A``) makes it a mistake."""
    name, value, _ = pairs[index]
    return any(
        other == reference and (reference != name or other_value != value)
        for position, (other, other_value, _) in enumerate(pairs)
        if position != index
    )


def _pairs(instruction: Instruction) -> list[tuple[str, str, Span]]:
    """The ``name=value`` words of ENV, with each word's span (legacy ``ENV A b`` has one)."""
    arguments = instruction.arguments
    if not arguments or "=" not in arguments[0].value:
        return []
    pairs = []
    for argument in arguments:
        name, _, value = argument.value.partition("=")
        if name:
            pairs.append((name, value, argument.span))
    return pairs


def _references(value: str, escape: str) -> set[str]:
    """Names of the variables a value expands: ``$A``, ``${A}``, ``${A:-x}``, not ``'$A'``."""
    names = set()
    quoted = False
    index = 0
    while index < len(value):
        char = value[index]
        if char == escape:
            index += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "'" and not quoted:
            end = value.find("'", index + 1)
            index = len(value) if end < 0 else end + 1
            continue
        elif char == "$":
            start = index + 1
            if value.startswith("{", start):
                start += 1
            end = start
            while end < len(value) and value[end] in NAME_CHARS:
                end += 1
            if end > start and value[start] in NAME_START:
                names.add(value[start:end])
            index = end
            continue
        index += 1
    return names
