from collections.abc import Iterator, Sequence
from functools import partial

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, SimpleCommand
from dockerfile_dlint.knowledge.package_managers import (
    APT_ARCHIVES,
    APT_LISTS,
    DOCKER_CLEAN,
    cache_mount_targets,
    cache_mounted,
    cleans_apt_archives,
    follows,
    invocations,
    mentions,
    removes_docker_clean,
    run_commands,
    ships,
    uncleaned,
)


class AptListsNotDeleted(Rule):
    """apt-get update leaves the package lists in the image.

    ## What it does
    Flags `apt-get update` (and `apt update`, `aptitude update`) in a `RUN` that does not
    delete `/var/lib/apt/lists` after it, in the same `RUN` (`rm -rf /var/lib/apt/lists/*` or
    `apt-get dist-clean`; `apt-get clean` keeps the lists). A cache mount that holds the lists
    (`RUN --mount=type=cache,target=/var/lib/apt/lists` or one of its parents; a tmpfs mount
    too) keeps them out of the image and is fine, unless the stage removed apt's
    `docker-clean` configuration: then apt also keeps the packages it downloads in
    `/var/cache/apt`, which needs a cache mount of its own. Only stages that end up in an
    image are checked: the last stage, and stages that a later `FROM` builds on; a builder
    stage whose files are only copied from is left alone.

    ## Why is this bad?
    The lists are tens of megabytes that nothing needs at run time. Deleting them in a later
    `RUN` does not help: they stay in the earlier layer. Stale lists also let a later
    `apt-get install` in a derived image install outdated versions without an update.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    code = "DL3009"
    name = "apt-lists-not-deleted"
    level = Level.INFO
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apt") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        updates = [
            read
            for read in invocations(commands, "apt-get", "apt", "aptitude", expand=expand)
            if read.subcommand == "update"
        ]
        if not updates:
            return
        if cache_mounted(instruction, "apt-get"):
            if _archives_kept(instruction, ctx, commands, updates[-1].command):
                yield self.finding(
                    updates[-1].span,
                    f"the lists are on a cache mount, but this stage removed {DOCKER_CLEAN}, "
                    f"so apt keeps what it downloads in {APT_ARCHIVES}, in the image: mount "
                    f"{APT_ARCHIVES} as a cache too",
                )
            return
        read = uncleaned(updates, commands, "apt-get")
        if read is not None:
            yield self.finding(
                read.span,
                f"{read.manager} update leaves the package lists in the image: "
                f"end this RUN with rm -rf {APT_LISTS}/*",
            )


def _archives_kept(
    instruction: Instruction, ctx: Context, commands: Sequence[SimpleCommand], update: SimpleCommand
) -> bool:
    """Whether apt's package archive ends up in the layer of a RUN whose lists are on a cache
    mount: the stage (or one it builds on) removed docker-clean, and neither a mount nor a
    clean-up after the update keeps the archive out."""
    if any(holds_archives(target) for target in cache_mount_targets(instruction)):
        return False
    if any(cleans_apt_archives(c) for c in commands if follows(c, update)):
        return False
    if any(removes_docker_clean(c) for c in commands if not follows(c, update)):
        return True
    stages = []
    stage = ctx.stage(instruction)
    while stage is not None:
        stages.append(stage)
        stage = stage.parent
    # An ONBUILD trigger runs in a later build, after the stage's RUNs and earlier triggers.
    triggered = ctx.instructions[instruction.index] is not instruction
    for earlier in ctx.instructions[: instruction.index]:
        run = earlier.effective if triggered else earlier
        if run.keyword != "RUN" or ctx.stage(earlier) not in stages:
            continue
        if not mentions(run, "docker-clean"):
            continue
        if any(removes_docker_clean(c) for c in run_commands(run, ctx.shell(run))):
            return True
    return False


def holds_archives(target: str) -> bool:
    """Whether a mount on ``target`` holds apt's package archive (it or a parent, not ``/``)."""
    return target != "/" and (APT_ARCHIVES + "/").startswith(target.rstrip("/") + "/")
