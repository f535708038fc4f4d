from collections.abc import Iterable, Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, SimpleCommand
from dockerfile_dlint.knowledge.base_images import stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    first_from,
    invocation_of,
    ordered_commands,
    program,
)
from dockerfile_dlint.knowledge.package_managers import (
    cache_mount_targets,
    mentions,
)

APT_PROGRAMS = ("apt-get", "apt", "aptitude")
LISTS = "/var/lib/apt/lists"
# Commands that fetch the package lists themselves: add-apt-repository runs an update after
# adding the repository (unless told not to with -n / --no-update).
UPDATING_PROGRAMS = frozenset({"add-apt-repository", "apt-add-repository"})
# A script run by a shell (`curl …/setup_20.x | bash -`, `sh install.sh`, `./setup.sh`) may
# run apt-get update itself (NodeSource's setup scripts do): the rule counts it as one.
SHELLS = frozenset({"sh", "bash", "dash", "zsh"})


class AptInstallWithoutUpdate(Rule):
    """apt-get install runs before any apt-get update in the image.

    ## What it does
    Flags `apt-get install` (and `apt install`, `aptitude install`) in a stage built on an
    official Debian or Ubuntu image (`debian`, `ubuntu`, and the language images built on
    them: `python`, `node`, `ruby`, `golang`, `php` …) when no `apt-get update` ran before it
    in the image — in the same RUN, an earlier RUN, or a stage it is built `FROM` — or when
    the lists were deleted (`rm -rf /var/lib/apt/lists/*`) after the last update. Installing
    only local `.deb` files, and RUNs that keep the lists in a cache mount, are not flagged.

    ## Why is this bad?
    These images ship without package lists: they are deleted when the image is built, to keep
    it small. Without `apt-get update`, apt knows no package, and the build stops with
    `E: Unable to locate package …`. It works on a machine whose build cache still holds an
    earlier layer with lists, which is why it surprises on the next clean build.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get install -y --no-install-recommends libpq5
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update \\
     && apt-get install -y --no-install-recommends libpq5 \\
     && rm -rf /var/lib/apt/lists/*
    ```
    """

    code = "DB004"
    name = "apt-install-without-update"
    level = Level.ERROR
    instructions = frozenset({"RUN"})
    onbuild = False

    def __init__(self) -> None:
        # Per stage: whether the image has package lists (a one-item list, to be changed).
        self._lists: StageStates[list[bool]] = StageStates(lambda stage: [False])

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or _lists_cached(instruction):
            return
        lists = self._lists.of(stage)
        commands = ordered_commands(ctx, instruction)
        if not mentions(instruction, *APT_PROGRAMS):
            lists[0] = _lists_after(commands, lists[0])
            return
        base = stage_base(stage)
        if base is None or base.distribution not in ("debian", "ubuntu"):
            return
        if "||" in instruction.text.text and _updates(commands):
            lists[0] = True
            return  # install || (apt-get update && install): a retry the rule cannot follow
        origin = first_from(stage)
        for command in commands:
            if _is_update(command):
                lists[0] = True
            elif _removes_lists(command):
                lists[0] = False
            elif not lists[0] and _installs_from_lists(command):
                read = invocation_of(command)
                if read is None or all(base.has_package(w.value) for w in read.arguments):
                    continue  # apt-get install curl where curl is installed: nothing to fetch
                yield self.finding(
                    read.span,
                    f"{read.name} with no package lists: {base.reference} (FROM, line "
                    f"{origin.span.line}) ships without them and no apt-get update ran before "
                    "in this image, so apt stops with 'Unable to locate package'; run "
                    f"apt-get update in the same RUN, before {read.name}",
                )
                lists[0] = True  # one finding per missing update


def _lists_cached(instruction: Instruction) -> bool:
    return any(target.rstrip("/") in (LISTS, "/var/lib/apt") for target in
               cache_mount_targets(instruction))  # fmt: skip


def _lists_after(commands: Iterable[SimpleCommand], has_lists: bool) -> bool:
    for command in commands:
        if _is_update(command):
            has_lists = True
        elif _removes_lists(command):
            has_lists = False
    return has_lists


def _updates(commands: Iterable[SimpleCommand]) -> bool:
    return any(_is_update(command) for command in commands)


def _is_update(command: SimpleCommand) -> bool:
    name = program(command)
    if name in SHELLS or name.endswith(".sh"):
        return True
    if name in UPDATING_PROGRAMS:
        return not command.has_flag("-n", "--no-update")
    if name not in APT_PROGRAMS:
        return False
    read = invocation_of(command)
    return read is not None and read.subcommand == "update"


def _removes_lists(command: SimpleCommand) -> bool:
    if program(command) != "rm":
        return False
    return any(word.value.rstrip("/*").rstrip("/") == LISTS or word.value.startswith(LISTS + "/")
               for word in command.args)  # fmt: skip


def _installs_from_lists(command: SimpleCommand) -> bool:
    if program(command) not in APT_PROGRAMS:
        return False
    read = invocation_of(command)
    if read is None or not read.installs or not read.arguments:
        return False
    return not all(_local_file(word.value) for word in read.arguments)


def _local_file(argument: str) -> bool:
    """``./app.deb``, ``/tmp/*.deb``: a package file, installed without the lists."""
    return argument.endswith(".deb") or argument.startswith(("/", "./", "../"))
