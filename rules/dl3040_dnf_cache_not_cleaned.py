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
    followed, in the same `RUN`, by `dnf clean all` (`microdnf clean all`, or any `clean` of
    dnf, microdnf or yum, which share the cache) or by `rm -rf /var/cache/dnf` (or
    `/var/cache/yum`). A cache mount on one of these directories keeps the cache out of the
    image and is fine, and so is a builder stage that no image is built on (only
    `COPY --from` reads it).

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
        if cache_mounted(instruction, "dnf"):
            return
        commands = run_commands(instruction, ctx.shell(instruction))
        installs = [
            read
            for read in invocations(commands, "dnf", "microdnf", expand=expand)
            if fills_rpm_cache(read)
        ]
        read = uncleaned(installs, commands, "dnf")
        if read is not None:
            yield self.finding(
                read.span,
                f"{read.name} leaves the package cache in the image: end this RUN with "
                f"{read.manager} clean all",
            )
