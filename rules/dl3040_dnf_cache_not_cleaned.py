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


class DnfCacheNotCleaned(Rule):
    """dnf install is not followed by dnf clean all.

    ## What it does
    Flags a `RUN` whose last `dnf install` or `microdnf install` (also `dnf in`, `upgrade`,
    `update`, `reinstall`, `swap`, `makecache`, `module install`, `group install`) is not
    followed, in the same `RUN`, by its own `clean all` (for dnf also `yum clean all`: on
    systems with dnf, yum is dnf) or by removing the cache (`rm -rf /var/cache/dnf`; microdnf
    keeps its cache in `/var/cache/yum`, dnf5 in `/var/cache/libdnf5`). A cache or tmpfs
    mount on the cache directory keeps it out of the image and is fine, and so is a builder
    stage that no image is built on (only `COPY --from` reads it).

    ## Why is this bad?
    dnf keeps the repository metadata it downloaded, often a hundred megabytes or more, in
    `/var/cache/dnf`. It ships in the layer and is of no use at run time; cleaning in a later
    `RUN` does not shrink the earlier layer.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd-2.4.62-1.fc40
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd-2.4.62-1.fc40 && dnf clean all
    ```
    """

    code = "DL3040"
    name = "dnf-cache-not-cleaned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "dnf") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        reads = invocations(commands, "dnf", "microdnf", expand=expand)
        for manager in ("dnf", "microdnf"):
            if cache_mounted(instruction, manager):
                continue
            fills = [read for read in reads if read.manager == manager and fills_rpm_cache(read)]
            read = uncleaned(fills, commands, manager)
            if read is not None:
                yield self.finding(
                    read.span,
                    f"{read.name} leaves the package cache in the image: end this RUN with "
                    f"{read.manager} clean all",
                )
