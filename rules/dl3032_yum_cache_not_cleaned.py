from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    fills_rpm_cache,
    invocations,
    mentions,
    run_commands,
    ships,
    uncleaned,
)


class YumCacheNotCleaned(Rule):
    """yum install is not followed by yum clean all.

    ## What it does
    Flags a `RUN` whose last `yum install` (or any other command that fills yum's cache:
    `update`, `upgrade`, `reinstall`, `downgrade`, `swap`, `groupinstall`, `makecache`, dnf's
    short `yum in`) is not followed, in the same `RUN`, by `yum clean all` (any `yum clean`,
    or `dnf clean` on systems where yum is dnf) or by `rm -rf /var/cache/yum`. A cache mount
    on `/var/cache/yum` (or `/var/cache/dnf`) keeps the cache out of the image and is fine,
    and so is a builder stage that no image is built on (only `COPY --from` reads it).

    ## Why is this bad?
    yum keeps the repository metadata it downloaded in `/var/cache/yum`: often a hundred
    megabytes that ship in the layer and are of no use at run time. Cleaning in a later `RUN`
    does not shrink the earlier layer.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6-99.el7
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6-99.el7 && yum clean all
    ```
    """

    code = "DL3032"
    name = "yum-cache-not-cleaned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "yum") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        if cache_mounted(instruction, "yum"):
            return
        commands = run_commands(instruction, ctx.shell(instruction))
        installs = [
            read for read in invocations(commands, "yum", expand=expand) if fills_rpm_cache(read)
        ]
        read = uncleaned(installs, commands, "yum")
        if read is not None:
            yield self.finding(
                read.span,
                f"{read.name} leaves yum's cache in the image: end this RUN with yum clean all",
            )
