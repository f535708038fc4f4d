from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    invocations,
    mentions,
    piped_from,
    run_commands,
)


class YumWithoutYes(Rule):
    """yum install runs without -y.

    ## What it does
    Flags `yum install` (and `groupinstall`, `localinstall`) without `-y` (`--assumeyes`),
    unless its input is piped from `yes`.

    ## Why is this bad?
    yum asks "Is this ok [y/N]" before it installs anything. A build has no terminal to
    answer, so yum reads end of input, answers no, and the build fails.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install httpd-2.4.6-99.el7 && yum clean all
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6-99.el7 && yum clean all
    ```
    """

    code = "DL3030"
    name = "yum-without-yes"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "yum"):
            return
        expand = partial(ctx.expand, instruction)
        script = ctx.shell(instruction)
        for read in invocations(run_commands(instruction, script), "yum", expand=expand):
            if not read.installs or read.has_option("-y", "--assumeyes"):
                continue
            if piped_from(read.command, script, "yes"):
                continue
            yield self.finding(
                read.span,
                f"{read.name} without -y: a build cannot answer yum's prompt, so it fails; add -y",
            )
