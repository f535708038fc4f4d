from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import invocations, mentions, run_commands


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
    """

    code = "DL3027"
    name = "apt-instead-of-apt-get"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apt"):
            return
        expand = partial(ctx.expand, instruction)
        for read in invocations(
            run_commands(instruction, ctx.shell(instruction)), "apt", expand=expand
        ):
            yield self.finding(
                read.words[0].span,
                f"{read.name} uses apt, which is meant for a terminal; use apt-get "
                "(or apt-cache) in scripts",
            )
