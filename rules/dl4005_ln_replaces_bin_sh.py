import posixpath
from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span

SYSTEM_SHELLS = frozenset({"/bin/sh", "/usr/bin/sh"})


class LnReplacesBinSh(Rule):
    """RUN replaces /bin/sh with a link to another shell.

    ## What it does
    Flags `ln` commands whose link name is `/bin/sh` (or `/usr/bin/sh`, the same file on
    merged-/usr distributions), such as `ln -sf /bin/bash /bin/sh`. Commands that only read
    `/bin/sh` (`ln -s /bin/sh /usr/local/bin/sh`) are not flagged.

    ## Why is this bad?
    Swapping the system shell behind the package manager's back changes it for every program
    in the image, not just for the Dockerfile's `RUN` steps: maintainer scripts of later
    package installs and the image's users then run under a shell they were not written for.
    The `SHELL` instruction changes the shell of the following `RUN`, `CMD` and `ENTRYPOINT`
    instructions only, and says so where readers look.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN ln -sf /bin/bash /bin/sh
    RUN source /etc/profile && make
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    SHELL ["/bin/bash", "-c"]
    RUN source /etc/profile && make
    ```
    """

    code = "DL4005"
    name = "ln-replaces-bin-sh"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        text = instruction.text.text
        if "ln" not in text or "/sh" not in text:
            return
        for argv in _commands(instruction, ctx):
            if not argv or posixpath.basename(argv[0][0]) != "ln":
                continue
            operands = [(value, span) for value, span in argv[1:] if not value.startswith("-")]
            if len(operands) < 2:
                continue
            link, span = operands[-1]
            if posixpath.normpath(link) in SYSTEM_SHELLS:
                yield self.finding(
                    span,
                    f"ln replaces {link} for the whole image: "
                    'use SHELL ["/bin/bash", "-c"] to change the shell of RUN instead',
                )


def _commands(instruction: Instruction, ctx: Context) -> list[list[tuple[str, Span]]]:
    """Each command's words (value and span): the parsed shell of the RUN (also of an exec
    form ``["sh", "-c", "…"]``), or else the exec-form array itself."""
    script = ctx.shell(instruction)
    if script is not None:
        return [[(word.value, word.span) for word in command.words] for command in script.commands]
    if instruction.json:
        return [[(argument.value, argument.span) for argument in instruction.arguments]]
    return []
