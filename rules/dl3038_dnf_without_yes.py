from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    Invocation,
    invocations,
    mentions,
    piped_from,
    run_commands,
)


class DnfWithoutYes(Rule):
    """dnf install runs without -y.

    ## What it does
    Flags `dnf install` and `microdnf install` (also `groupinstall`, `localinstall`,
    `group install`, `module install`) without `-y` (`--assumeyes`), unless its input is
    piped from `yes`.

    ## Why is this bad?
    dnf asks "Is this ok [y/N]" before it installs anything, and so does microdnf on recent
    releases. A build has no terminal to answer, so the answer is no and the build fails.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install httpd-2.4.62-1.fc40 && dnf clean all
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd-2.4.62-1.fc40 && dnf clean all
    ```
    """

    code = "DL3038"
    name = "dnf-without-yes"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "dnf"):
            return
        expand = partial(ctx.expand, instruction)
        script = ctx.shell(instruction)
        for read in invocations(
            run_commands(instruction, script), "dnf", "microdnf", expand=expand
        ):
            if not self._installs(read) or read.has_option("-y", "--assumeyes"):
                continue
            if piped_from(read.command, script, "yes"):
                continue
            yield self.finding(
                read.span,
                f"{read.name} without -y: a build cannot answer the prompt, so it fails; add -y",
            )

    @staticmethod
    def _installs(read: Invocation) -> bool:
        if read.installs:
            return True
        arguments = read.arguments
        return (
            read.subcommand in ("group", "module")
            and bool(arguments)
            and (arguments[0].value == "install")
        )
