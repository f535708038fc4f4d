from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Fix, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    invocations,
    mentions,
    option_insertion,
    run_commands,
)

# apk add options that fetch the index into the cache, where later apk commands find it.
UPDATES = ("-U", "--update", "--update-cache")


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

    ## Fix
    `--no-cache` is inserted after `add` and the switches that directly follow it, in each
    `apk add` of the `RUN`. An `apk update` or a removal of the cache elsewhere is left as
    written. The fix is safe when the `apk add` does not refresh the index itself: the
    packages are the same, and an index an earlier `apk update` left stays. It is unsafe
    with `-U`/`--update`/`--update-cache`, because then the fixed image no longer holds the
    index that `add` stored, and a later `apk` command that counted on it (a later `RUN`, or
    the container at run time) finds no packages.
    """

    code = "DL3019"
    name = "apk-add-without-no-cache"
    level = Level.INFO
    instructions = frozenset({"RUN"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apk"):
            return
        if cache_mounted(instruction, "apk"):
            return
        script = ctx.shell(instruction)
        commands = run_commands(instruction, script)
        expand = partial(ctx.expand, instruction)
        line_text = ctx.dockerfile.source.line_text
        for read in invocations(commands, "apk", expand=expand):
            if not read.installs or read.has_option("--no-cache"):
                continue
            edit = option_insertion(
                read, "--no-cache", line_text, script is None, after_options=True
            )
            refreshes = read.has_option(*UPDATES)
            fix = Fix((edit,), safe=not refreshes, title="add --no-cache") if edit else None
            yield self.finding(
                read.span,
                "apk add without --no-cache keeps apk's index in the image; add --no-cache",
                fix,
            )
