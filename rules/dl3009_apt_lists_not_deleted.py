from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    APT_LISTS,
    cache_mounted,
    invocations,
    mentions,
    run_commands,
    ships,
    uncleaned,
)


class AptListsNotDeleted(Rule):
    """apt-get update leaves the package lists in the image.

    ## What it does
    Flags `apt-get update` (and `apt update`, `aptitude update`) in a `RUN` that does not
    delete `/var/lib/apt/lists` after it, in the same `RUN` (`rm -rf /var/lib/apt/lists/*` or
    `apt-get dist-clean`; `apt-get clean` keeps the lists). A cache mount that holds the lists
    (`RUN --mount=type=cache,target=/var/lib/apt/lists` or one of its parents) keeps them out
    of the image and is fine. Only stages that end up in an image are checked: the last stage,
    and stages that a later `FROM` builds on; a builder stage whose files are only copied from
    is left alone.

    ## Why is this bad?
    The lists are tens of megabytes that nothing needs at run time. Deleting them in a later
    `RUN` does not help: they stay in the earlier layer. Stale lists also let a later
    `apt-get install` in a derived image install outdated versions without an update.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    code = "DL3009"
    name = "apt-lists-not-deleted"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apt") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        if cache_mounted(instruction, "apt-get"):
            return
        commands = run_commands(instruction, ctx.shell(instruction))
        updates = [
            read
            for read in invocations(commands, "apt-get", "apt", "aptitude", expand=expand)
            if read.subcommand == "update"
        ]
        read = uncleaned(updates, commands, "apt-get")
        if read is not None:
            yield self.finding(
                read.span,
                f"{read.manager} update leaves the package lists in the image: "
                f"end this RUN with rm -rf {APT_LISTS}/*",
            )
