from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    invocations,
    mentions,
    run_commands,
    unpinned,
)


class ZypperUnpinned(Rule):
    """zypper install names a package without a version.

    ## What it does
    Flags each package of `zypper install` (`in`) that names no version: `curl` rather than
    `curl=8.6.0` (or a range such as `curl>=8.6`). `.rpm` files count as pinned. Patterns,
    patches and products (`-t pattern`) have no version to pin and are left alone.

    ## Why is this bad?
    Without a version every build installs whatever the repository holds that day, so the
    image changes without a change to the Dockerfile and an old build cannot be reproduced.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl && zypper clean
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl=8.6.0 && zypper clean
    ```
    """

    code = "DL3037"
    name = "zypper-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "zypper"):
            return
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        for read in invocations(commands, "zypper", expand=expand):
            if not read.installs or read.option_values("-t", "--type") not in ((), ("package",)):
                continue
            for word, packages in unpinned(read, commands, expand):
                names = ", ".join(packages)
                yield self.finding(
                    word.span,
                    f"zypper {read.subcommand} {names} without a version: pin it, "
                    f"as in {packages[0]}=<version>",
                )
