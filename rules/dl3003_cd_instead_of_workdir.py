from dockerfile_dlint.api import Context, Finding, Instruction, Level, MappedText, Rule, lazy

_ONLY_HEREDOC = lazy(r"\d*<<-?\S+")
_WORD_END = frozenset(" \t\n;&|()")


def _script_text(instruction: Instruction) -> MappedText:
    """The text whose top-level commands the RUN's shell runs (a lone heredoc is the script)."""
    heredocs = instruction.heredocs
    if len(heredocs) == 1 and _ONLY_HEREDOC.fullmatch(instruction.text.text.strip()):
        return heredocs[0].body
    return instruction.text


def _offset_of(text: MappedText, line: int, column: int) -> int | None:
    """The offset in ``text`` of the character at line:column of the file, if it is there."""
    pieces = text.pieces
    for index, (start, piece_line, piece_column) in enumerate(pieces):
        end = pieces[index + 1][0] if index + 1 < len(pieces) else len(text.text)
        if piece_line == line and piece_column <= column < piece_column + end - start:
            return start + column - piece_column
    return None


def _in_subshell(text: str, end: int) -> bool:
    """Whether offset ``end`` of shell text lies inside a ``( … )`` subshell."""
    stack: list[str] = []
    index = 0
    while index < end:
        char = text[index]
        top = stack[-1] if stack else ""
        if top == "'":
            if char == "'":
                stack.pop()
        elif char == "\\":
            index += 1
        elif top == '"' and char not in '"$`':
            pass
        elif char == '"':
            if top == '"':
                stack.pop()
            else:
                stack.append('"')
        elif char == "`":
            if top == "`":
                stack.pop()
            else:
                stack.append("`")
        elif char == "$" and text.startswith("((", index + 1):
            stack.append("((")
            index += 2
        elif char in "$<>" and text.startswith("(", index + 1):
            stack.append("$(")
            index += 1
        elif top == '"':
            pass
        elif char == "'":
            stack.append("'")
        elif char == "#" and (index == 0 or text[index - 1] in _WORD_END):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        elif char == "(":
            if text.startswith("((", index):
                stack.append("((")
                index += 1
            else:
                stack.append("(")
        elif char == ")" and stack and stack[-1] != '"':
            closed = stack.pop()
            index += 1 if closed == "((" else 0
        index += 1
    return "(" in stack


class CdInsteadOfWorkdir(Rule):
    """RUN changes directory with `cd` instead of using WORKDIR.

    ## What it does
    Flags a `RUN` whose shell runs `cd` at its top level (the first one is reported). A `cd`
    inside a subshell (`(cd src && make)`), a command substitution (`"$(cd "$dir" && pwd)"`)
    or a script given to `sh -c` only affects that group and is not flagged.

    ## Why is this bad?
    A `cd` lasts until the end of its `RUN`; the next instruction starts again in the
    `WORKDIR`. Long `cd a && … && cd ../b` chains are hard to follow, and a forgotten `cd`
    makes later relative paths point somewhere else. `WORKDIR` states the directory once, is
    created when missing, and holds for every following instruction, `CMD` included.

    ## Example
    ```dockerfile
    FROM node:22
    COPY . /app
    RUN cd /app && npm ci
    ```

    ## Use instead
    ```dockerfile
    FROM node:22
    WORKDIR /app
    COPY . .
    RUN npm ci
    ```
    """

    code = "DL3003"
    name = "cd-instead-of-workdir"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "cd" not in instruction.text.text and not instruction.heredocs:
            return []
        script = ctx.shell(instruction)
        if script is None:
            return []
        text: MappedText | None = None
        for command in script.commands:
            if command.name != "cd" or command.nested_in is not None:
                continue
            if text is None:
                text = _script_text(instruction)
            span = command.words[0].span
            offset = _offset_of(text, span.line, span.column)
            if offset is not None and _in_subshell(text.text, offset):
                continue
            message = (
                "`cd` only lasts until the end of this RUN: set the directory with WORKDIR, "
                "or run the commands that need it in a subshell `( cd … && … )`"
            )
            return [self.finding(span, message)]
        return []
