from __future__ import annotations

from functools import partial

from dockerfile_dlint.api import (
    Context,
    Edit,
    Finding,
    Fix,
    Instruction,
    Level,
    Rule,
    Span,
    Stage,
)
from dockerfile_dlint.knowledge.base_images import as_of
from dockerfile_dlint.knowledge.package_managers import (
    Invocation,
    invocations,
    mentions,
    package_values,
    run_commands,
    shell_variables,
)
from dockerfile_dlint.knowledge.release_packages import Gone, missing_package
from dockerfile_dlint.knowledge.stage_release import StageRelease, stage_release

# The package manager each distribution installs with.
MANAGERS = {"debian": ("apt-get", "apt"), "ubuntu": ("apt-get", "apt"), "alpine": ("apk",)}
ALL_MANAGERS = ("apt", "apk")  # a cheap first test: "apt" is in "apt-get"
# Text in a RUN that adds a package source: a package may come from there instead.
SOURCE_HINTS = (
    "sources.list", "add-apt-repository", "apt-add-repository", "/etc/apk/repositories",
)  # fmt: skip
# Options that install from another release or repository than the image's own.
OTHER_SOURCE_OPTIONS = ("-t", "--target-release", "--default-release", "-X", "--repository")


class PackageMissingFromRelease(Rule):
    """apt-get or apk installs a package that the base image's release does not have.

    ## What it does
    Flags a package of `apt-get install` or `apk add` that the release of the stage's base
    image no longer ships: `python-pip`, `python-dev` and `python` on Ubuntu 20.04 and later
    (and on Debian 11/12 and later), `mysql-client` and `mysql-server` on Debian 10 and later,
    `openjdk-8-*` on Debian 10 and later, `libssl1.0-dev`, `php5-*`, `libpng12-dev`, `netcat`
    on Debian 12 and Ubuntu 24.04, `python3-distutils` on Ubuntu 24.04,
    `software-properties-common` on Debian 13, and `python`,
    `python-dev` and `python2` on Alpine 3.12 and 3.16. The release is read from the base
    image's tag, through `FROM <stage>` and build arguments (`debian:bookworm`, `ubuntu:20.04`,
    `python:3.11-slim-bullseye`, `node:18-alpine3.17`); the floating tags of `debian`, `ubuntu`
    and `alpine` (`ubuntu`, `alpine:latest`, `debian:stable-slim`) are read as the release
    they point at on the `as-of` date (today unless set). A base whose release dlint does not
    know gets no finding. The finding stands at the package; the message names the `FROM`
    line that chose the release and what to install instead. Steps that add another package
    source (a `sources.list` line, `add-apt-repository`, `-t bullseye-backports`,
    `apk add -X …`, a `name@tag` package) may provide the package, and are left alone.

    ## Why is this bad?
    The build stops with `E: Package 'python-pip' has no installation candidate`, `E: Unable to
    locate package openjdk-8-jdk` or `ERROR: unsatisfiable constraints: python (missing)`.
    It often built once: the Dockerfile was written for an older release, and the base image's
    tag moved on (`python:3`, `php:7.2-apache` after the move to a newer Debian) or the
    Dockerfile was copied onto a newer base.

    ## Example
    ```dockerfile
    FROM php:8.2-apache-bookworm
    RUN apt-get update && apt-get install -y --no-install-recommends mysql-client
    ```

    ## Use instead
    ```dockerfile
    FROM php:8.2-apache-bookworm
    RUN apt-get update && apt-get install -y --no-install-recommends default-mysql-client
    ```

    ## Fix
    Where the new name installs what the old one did (a transitional package's target:
    `default-mysql-client`, `default-libmysqlclient-dev`, `netcat-traditional` on Debian),
    the fix writes it in place of the old name. Other replacements change the software
    (Python 2 to 3, Java 8 to 11) and are named in the message only.
    """

    code = "DB003"
    name = "package-missing-from-release"
    level = Level.ERROR
    instructions = frozenset({"RUN"})
    fixable = "safe"

    def __init__(self) -> None:
        self._other_sources: set[int] = set()  # stages where a RUN added a package source

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None:
            return []
        if mentions(instruction, *SOURCE_HINTS):
            self._other_sources.add(stage.index)
        if not mentions(instruction, *ALL_MANAGERS):
            return []
        release = stage_release(stage, as_of(ctx.options))
        if release is None or self._adds_sources(stage):
            return []
        programs = MANAGERS.get(release.distribution)
        if programs is None or not mentions(instruction, *programs):
            return []
        expand = partial(ctx.expand, instruction)
        commands = run_commands(instruction, ctx.shell(instruction))
        findings = []
        for read in invocations(commands, *programs, expand=expand):
            if not read.installs or _other_source(read):
                continue
            shell = shell_variables(commands, read.command, expand)
            for word in read.arguments:
                for package in package_values(word, expand, shell) or ():
                    if "@" in package:
                        continue  # apk's tagged repository
                    gone = missing_package(release.distribution, release.version, package)
                    if gone is not None:
                        fix = _fix(word.span, word.raw, gone) if word.static else None
                        findings.append(self.finding(word.span, _message(gone, release), fix))
        return findings

    def _adds_sources(self, stage: Stage | None) -> bool:
        while stage is not None:
            if stage.index in self._other_sources:
                return True
            stage = stage.parent
        return False


def _other_source(read: Invocation) -> bool:
    return read.has_option(*OTHER_SOURCE_OPTIONS)


def _message(gone: Gone, release: StageRelease) -> str:
    row = gone.row
    since = (
        ""
        if row.since == release.version
        else f" (gone since {release.distribution.capitalize()} {row.since})"
    )
    instead = gone.replacement
    advice = instead if instead.startswith("nothing") else f"install {instead} instead"
    return (
        f"{gone.name} is not in {release.label}{since}, {release.origin}: the install fails; "
        f"{advice}"
    )


def _fix(span: Span, raw: str, gone: Gone) -> Fix | None:
    """Rename a bare package word (no pin: a version of the old name means nothing to the
    new one) to its one-for-one replacement."""
    if not gone.row.safe or raw != gone.name:
        return None
    edit = Edit(span, gone.replacement)
    return Fix((edit,), safe=True, title=f"install {gone.replacement} instead of {gone.name}")
