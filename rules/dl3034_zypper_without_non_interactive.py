from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    invocations,
    mentions,
    piped_from,
    run_commands,
)

CHANGES = frozenset({"install", "in", "remove", "rm", "source-install", "si", "patch"})


class ZypperWithoutNonInteractive(Rule):
    """zypper changes packages without a non-interactive switch.

    ## What it does
    Flags `zypper install` (`in`), `remove` (`rm`), `source-install` (`si`) and `patch`
    without `-y`/`--no-confirm` after the subcommand or the global `-n`/`--non-interactive`
    before it, unless its input is piped from `yes`.

    ## Why is this bad?
    zypper asks for confirmation before it changes anything. A build has no terminal to
    answer, so the question fails the build or leaves it waiting.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper install curl=8.6.0 && zypper clean
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl=8.6.0 && zypper clean
    ```
    """

    code = "DL3034"
    name = "zypper-without-non-interactive"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "zypper"):
            return
        expand = partial(ctx.expand, instruction)
        script = ctx.shell(instruction)
        for read in invocations(run_commands(instruction, script), "zypper", expand=expand):
            if read.subcommand not in CHANGES:
                continue
            if read.has_option("-n", "--non-interactive", "-y", "--no-confirm"):
                continue
            if piped_from(read.command, script, "yes"):
                continue
            yield self.finding(
                read.span,
                f"{read.name} without --non-interactive: a build cannot answer zypper's "
                "prompt; use zypper --non-interactive (or -y after the subcommand)",
            )
