from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import invocations, mentions, run_commands


class ZypperDistUpgrade(Rule):
    """RUN upgrades the whole distribution with zypper dist-upgrade.

    ## What it does
    Flags `zypper dist-upgrade` and its short form `zypper dup`.

    ## Why is this bad?
    A distribution upgrade moves every package of the base image to whatever the repositories
    hold that day, possibly to a new release of the distribution. The result depends on the
    day of the build, can break the software the base image was tested with, and belongs in
    a newer base image instead.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.5
    RUN zypper --non-interactive dist-upgrade
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    ```
    """

    code = "DL3035"
    name = "zypper-dist-upgrade"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "zypper"):
            return
        expand = partial(ctx.expand, instruction)
        for read in invocations(
            run_commands(instruction, ctx.shell(instruction)), "zypper", expand=expand
        ):
            if read.subcommand in ("dist-upgrade", "dup"):
                yield self.finding(
                    read.span,
                    f"zypper {read.subcommand} upgrades the whole distribution at build time; "
                    "use a newer base image instead",
                )
