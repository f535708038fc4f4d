from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    invocations,
    mentions,
    run_commands,
    unpinned,
)


class DnfUnpinned(Rule):
    """dnf install names a package without a version.

    ## What it does
    Flags each package of `dnf install` or `microdnf install` that names no version: `httpd`
    rather than `httpd-2.4.62-1.fc40`, where the version follows the name after a dash and
    starts with a digit. `.rpm` files and groups (`@development-tools`) count as pinned. For
    `dnf module install`, the module needs a stream: `nodejs:20`.

    ## Why is this bad?
    Without a version every build installs whatever the repository holds that day, so the
    image changes without a change to the Dockerfile and an old build cannot be reproduced.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd && dnf clean all
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd-2.4.62-1.fc40 && dnf clean all
    ```
    """

    code = "DL3041"
    name = "dnf-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "dnf"):
            return
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        for read in invocations(commands, "dnf", "microdnf", expand=expand):
            arguments = read.arguments
            if read.subcommand == "install":
                loose = unpinned(read, commands, expand)
                label, missing, example = read.name, "a version", "{}-<version>"
            elif read.subcommand == "module" and arguments and arguments[0].value == "install":
                loose = unpinned(read, commands, expand, arguments[1:], lambda m: ":" in m)
                label, missing, example = (
                    f"{read.manager} module install",
                    "a stream",
                    "{}:<stream>",
                )
            else:
                continue
            for word, packages in loose:
                names = ", ".join(packages)
                yield self.finding(
                    word.span,
                    f"{label} {names} without {missing}: pin it, "
                    f"as in {example.format(packages[0])}",
                )
