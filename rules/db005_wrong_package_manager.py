from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, SimpleCommand
from dockerfile_dlint.knowledge.base_images import BaseImage, stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    first_from,
    invocation_of,
    ordered_commands,
    program,
)
from dockerfile_dlint.knowledge.package_managers import mentions

# The distributions whose images have each package manager.
HOMES = {
    "apt-get": frozenset({"debian", "ubuntu"}),
    "apt": frozenset({"debian", "ubuntu"}),
    "aptitude": frozenset({"debian", "ubuntu"}),
    "apk": frozenset({"alpine"}),
    "yum": frozenset({"centos", "rhel", "fedora", "amazonlinux"}),
    "dnf": frozenset({"centos", "rhel", "fedora", "amazonlinux"}),
    "microdnf": frozenset({"rhel-minimal"}),
}
FAMILY = {
    "debian": "Debian",
    "ubuntu": "Ubuntu",
    "alpine": "Alpine",
    "centos": "CentOS",
    "rhel": "Red Hat UBI",
    "rhel-minimal": "Red Hat UBI minimal",
    "fedora": "Fedora",
    "amazonlinux": "Amazon Linux",
    "distroless": "distroless",
}
# Text that shows a RUN choosing its package manager at run time: multi-distribution scripts.
GUARDS = ("command -v", "which ", "type ", "hash ", "os-release", "alpine-release",
          "debian_version", "redhat-release", "||", "if ")  # fmt: skip
# Packages that bring another distribution's package manager along.
MANAGER_PACKAGES = frozenset({"apk-tools", "apk-tools-static", "yum", "dnf", "apt", "rpm"})


class WrongPackageManager(Rule):
    """RUN uses a package manager the base image does not have.

    ## What it does
    Flags `apt-get`/`apt` on an Alpine, Red Hat (UBI, CentOS, Fedora, Amazon Linux) or
    distroless base, `apk` on a Debian, Ubuntu or Red Hat base, `yum`/`dnf` on Debian,
    Ubuntu or Alpine, and `yum`/`dnf` on a UBI *minimal* image (which has only `microdnf`).
    The base is followed through `FROM <stage>` and ARG defaults. Scripts that pick the
    package manager at run time (`command -v apk`, `if [ -f /etc/alpine-release ]`, `apk add
    … || apt-get install …`) are not flagged, nor are images the rule does not know.

    ## Why is this bad?
    The command does not exist in the image, and the build stops with `apt-get: not found`
    (exit 127). This usually happens when a base image is switched (`python:3.12` to
    `python:3.12-alpine` to save space) and the install lines stay as they were.

    ## Example
    ```dockerfile
    FROM python:3.12-alpine
    RUN apt-get update && apt-get install -y libpq-dev
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-alpine
    RUN apk add --no-cache postgresql-dev
    ```
    """

    code = "DB005"
    name = "wrong-package-manager"
    level = Level.ERROR
    instructions = frozenset({"RUN"})
    onbuild = False

    def __init__(self) -> None:
        # Per stage: whether a step installed another distribution's package manager.
        self._installed: StageStates[list[bool]] = StageStates(lambda stage: [False])

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        stage = ctx.stage(instruction)
        if stage is None or not mentions(instruction, *HOMES):
            return
        installed = self._installed.of(stage)
        commands = ordered_commands(ctx, instruction)
        installed[0] = installed[0] or any(_installs_manager(c) for c in commands)
        base = stage_base(stage)
        if base is None or base.distribution not in FAMILY or installed[0]:
            return
        if any(guard in instruction.text.text for guard in GUARDS):
            return
        origin = first_from(stage)
        for command in commands:
            name = program(command)
            if name not in HOMES or base.distribution in HOMES[name]:
                continue
            read = invocation_of(command)
            words = read.words if read is not None else command.unwrapped().words
            yield self.finding(words[0].span, _message(name, base, origin.span.line))
            return  # the build stops at the first


def _message(name: str, base: BaseImage, line: int) -> str:
    family = FAMILY[base.distribution]
    has = base.package_manager
    if not has:
        instead = f"{family} images have no package manager (and no shell)"
        fix = "install in a builder stage and COPY the files in"
    else:
        instead = f"it is {family}, whose package manager is {has}"
        fix = f"use {has}, or a base image of the distribution the line was written for"
    return (
        f"{name} is not in {base.describe()} (FROM, line {line}): {instead}, so the build "
        f"stops with '{name}: not found'; {fix}"
    )


def _installs_manager(command: SimpleCommand) -> bool:
    """Whether the command installs another distribution's package manager."""
    read = invocation_of(command)
    return (
        read is not None
        and read.installs
        and any(word.value in MANAGER_PACKAGES for word in read.arguments)
    )
