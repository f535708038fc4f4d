from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


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
        for found in unpinned_installs(instruction, ctx, "zypper"):
            if found.read.option_values("-t", "--type") not in ((), ("package",)):
                continue
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"zypper {found.read.subcommand} {names} without a version: pin it, "
                f"as in {found.packages[0]}=<version>",
            )
