from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    invocations,
    mentions,
    run_commands,
)


class ApkAddWithoutNoCache(Rule):
    """apk add runs without --no-cache.

    ## What it does
    Flags `apk add` without `--no-cache`, unless the `RUN` has a cache mount for apk's cache
    (`--mount=type=cache,target=/var/cache/apk`, or `/etc/apk/cache`). Deleting the cache by
    hand afterwards is what `--no-cache` replaces, so `apk add --update … && rm -rf
    /var/cache/apk/*` is flagged too, in every stage.

    ## Why is this bad?
    Without `--no-cache`, apk keeps the package index it downloaded (and, with a cache
    directory, the packages) in `/var/cache/apk`, which then ships in the layer. `--no-cache`
    fetches a fresh index and keeps nothing, so `apk update` and `rm -rf /var/cache/apk/*` are
    no longer needed.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk update && apk add curl=8.9.1-r0
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl=8.9.1-r0
    ```
    """

    code = "DL3019"
    name = "apk-add-without-no-cache"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apk"):
            return
        if cache_mounted(instruction, "apk"):
            return
        commands = run_commands(instruction, ctx.shell(instruction))
        expand = partial(ctx.expand, instruction)
        for read in invocations(commands, "apk", expand=expand):
            if not read.installs or read.has_option("--no-cache"):
                continue
            yield self.finding(
                read.span,
                "apk add without --no-cache keeps apk's index in the image; add --no-cache",
            )
