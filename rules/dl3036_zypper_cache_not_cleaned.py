from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    invocations,
    mentions,
    run_commands,
    ships,
    uncleaned,
)


class ZypperCacheNotCleaned(Rule):
    """zypper install is not followed by zypper clean.

    ## What it does
    Flags a `RUN` whose last `zypper install` (`in`) is not followed, in the same `RUN`, by
    `zypper clean` (`zypper cc`) or `rm -rf /var/cache/zypp`. A cache mount on
    `/var/cache/zypp` keeps the cache out of the image and is fine, and so is a builder stage
    that no image is built on (only `COPY --from` reads it).

    ## Why is this bad?
    zypper keeps repository metadata and downloaded packages in `/var/cache/zypp`. They ship
    in the layer and are of no use at run time; cleaning in a later `RUN` does not shrink the
    earlier layer.

    ## Example
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl=8.6.0
    ```

    ## Use instead
    ```dockerfile
    FROM opensuse/leap:15.6
    RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
    ```
    """

    code = "DL3036"
    name = "zypper-cache-not-cleaned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "zypper") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        if cache_mounted(instruction, "zypper"):
            return
        commands = run_commands(instruction, ctx.shell(instruction))
        installs = [
            read for read in invocations(commands, "zypper", expand=expand) if read.installs
        ]
        read = uncleaned(installs, commands, "zypper")
        if read is not None:
            yield self.finding(
                read.span,
                f"{read.name} leaves zypper's cache in the image: end this RUN with zypper clean",
            )
