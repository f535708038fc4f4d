from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Edit, Finding, Fix, Instruction, Level, Rule, Word
from dockerfile_dlint.knowledge.package_managers import (
    Invocation,
    invocations,
    is_written,
    mentions,
    run_commands,
)

# Subcommands apt-get has and runs as apt does: the same packages, the same changes.
SAME_IN_APT_GET = frozenset(
    {"install", "remove", "purge", "autoremove", "update", "clean", "autoclean"}
)
# apt-get has these too, but they do something else: apt's upgrade also installs the new
# packages an upgrade needs, where apt-get's holds those upgrades back.
DIFFERENT_IN_APT_GET = frozenset({"upgrade"})


class AptInsteadOfAptGet(Rule):
    """RUN uses apt instead of apt-get.

    ## What it does
    Flags every `apt` command in a `RUN` (`apt install`, `apt update`, …), also behind `sudo`
    or inside `sh -c`.

    ## Why is this bad?
    `apt` is the front end for people at a terminal: its output and behaviour may change
    between releases and it warns that it has no stable command-line interface. In a script,
    `apt-get` and `apt-cache` do the same work with an interface that is kept stable.

    ## Example
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt update && apt install -y curl
    ```

    ## Use instead
    ```dockerfile
    FROM ubuntu:24.04
    RUN apt-get update && apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    `apt` becomes `apt-get` (a path such as `/usr/bin/apt` keeps its directory) for the
    subcommands that work the same in both: `install`, `remove`, `purge`, `autoremove`,
    `update`, `clean` and `autoclean`; that fix is safe. `apt upgrade` becomes `apt-get
    upgrade` only as an unsafe fix, since apt-get holds back the upgrades that need new
    packages where apt installs them. Other subcommands are left to you: `list`, `search`
    and `show` (apt-get has none of them: `apt-cache` does the work), and `full-upgrade`,
    `reinstall` and `satisfy`, which older apt-get releases lack. After the fix, the rules
    for `apt-get` (`-y`, `--no-install-recommends`, pinned versions) apply to the command;
    where they would report something the file did not have, `--fix` keeps `apt`.
    """

    code = "DL3027"
    name = "apt-instead-of-apt-get"
    level = Level.WARNING
    instructions = frozenset({"RUN"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apt"):
            return
        expand = partial(ctx.expand, instruction)
        line_text = ctx.dockerfile.source.line_text
        for read in invocations(
            run_commands(instruction, ctx.shell(instruction)), "apt", expand=expand
        ):
            program = read.words[0]
            exact = bool(read.operands) and all(
                is_written(word, line_text) for word in (program, read.operands[0])
            )
            edit = _to_apt_get(program) if exact else None
            yield self.finding(
                program.span,
                f"{read.name} uses apt, which is meant for a terminal; use apt-get "
                "(or apt-cache) in scripts",
                _fix(read, edit),
            )


def _to_apt_get(program: Word) -> Edit | None:
    """``-get`` inserted after the program name as written: ``apt``, ``/usr/bin/apt``,
    ``"apt"`` (a quoted shell word, or a JSON string in exec form)."""
    raw = program.raw
    span = program.span
    if raw.endswith("apt"):
        return Edit.insert(span.end_line, span.end_column, "-get")
    if raw[:1] == raw[-1:] and raw[-1:] in ("'", '"') and raw[1:-1].endswith("apt"):
        return Edit.insert(span.end_line, span.end_column - 1, "-get")
    return None


def _fix(read: Invocation, edit: Edit | None) -> Fix | None:
    subcommand = read.subcommand
    if edit is None or subcommand is None:
        return None
    if subcommand in SAME_IN_APT_GET:
        return Fix((edit,), title="use apt-get")
    if subcommand in DIFFERENT_IN_APT_GET:
        return Fix((edit,), safe=False, title="use apt-get (it holds back some upgrades)")
    return None
