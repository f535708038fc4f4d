from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    NamedTuple,
    Rule,
    SimpleCommand,
    lazy,
)
from dockerfile_dlint.knowledge.base_image_tables import DEBIAN, UBUNTU
from dockerfile_dlint.knowledge.base_images import BaseImage, Release, as_of, stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    first_from,
    invocation_of,
    ordered_commands,
    program,
)

# A sources line: `deb [options] URL SUITE COMPONENT…`.
SOURCES_LINE = lazy(
    r"\bdeb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(?:https?|ftp)://([^/\s\"']+)\S*\s+([a-z]+)"
)
# The distributions' own mirrors, which drop a release when it is archived (a suffix match on
# the host). Archive hosts (archive.debian.org, old-releases.ubuntu.com) keep them.
DEBIAN_MIRRORS = ("deb.debian.org", "httpredir.debian.org", "http.debian.net", "ftp.debian.org",
                  "security.debian.org", "cdn-fastly.deb.debian.org")  # fmt: skip
UBUNTU_MIRRORS = ("archive.ubuntu.com", "security.ubuntu.com", "ports.ubuntu.com")
# Text showing the build already points apt or yum elsewhere: the rule trusts it.
REPOINTED = ("archive.debian.org", "old-releases.ubuntu.com", "vault.centos.org",
             "snapshot.debian.org", "sources.list", "mirrorlist", "yum.repos.d",
             "baseurl")  # fmt: skip
REPOSITORY_PATHS = ("/etc/apt", "/etc/yum.repos.d", "/etc/yum.conf")
# yum/dnf subcommands that read no repository.
OFFLINE_YUM = frozenset({"clean", "history", "--version", "version", "help"})


class _Cause(NamedTuple):
    line: int
    release: Release
    source: str  # "FROM" or "sources line"
    runtime: str | None = None  # the language image of the FROM (python, node …)


class ReleaseRepositoriesGone(Rule):
    """The package manager reads repositories of a release that have been removed.

    ## What it does
    Flags the `apt-get update` (or the first `yum`/`dnf` command on CentOS) that reads the
    package repositories of a release whose repositories have left the distribution's
    mirrors: base images of archived releases (`debian:jessie`, `debian:buster`,
    `python:3.6-jessie`, `ubuntu:12.10`, `centos:7`, `centos:8`), and sources lines that name
    such a release by codename (`deb http://archive.ubuntu.com/ubuntu precise main`,
    `jessie-backports`), also on a newer base. The finding names the line that causes it: the
    `FROM`, or the sources line. Not flagged when the build already points apt or yum at an
    archive (`archive.debian.org`, `old-releases.ubuntu.com`, `vault.centos.org`) or rewrites
    or copies its repository files. Judged on today's date (`--as-of`).

    ## Why is this bad?
    After a release's end of life its repositories move to an archive host. `apt-get update`
    then fails with `The repository '… jessie Release' does not have a Release file` or
    `404 Not Found`, and yum with `Could not retrieve mirrorlist`: the Dockerfile that built
    last year no longer builds, though nothing in it changed.

    ## Example
    ```dockerfile
    FROM python:3.6-jessie
    RUN apt-get update && apt-get install -y libpq-dev
    ```

    ## Use instead
    Move to a supported release:
    ```dockerfile
    FROM python:3.12-slim-bookworm
    RUN apt-get update && apt-get install -y libpq-dev
    ```
    """

    code = "DB001"
    name = "release-repositories-gone"
    level = Level.ERROR
    instructions = frozenset({"RUN", "COPY", "ADD"})
    onbuild = False

    def __init__(self) -> None:
        self._states: StageStates[_Image | None] = StageStates(lambda stage: None)

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        stage = ctx.stage(instruction)
        if stage is None:
            return
        image = self._states.of(stage)
        if image is None:
            origin = first_from(stage)
            image = _Image(_base_cause(stage_base(stage), as_of(ctx.options), origin.span.line))
            self._states.set(stage, image)
        if image.failed:
            return
        if instruction.keyword != "RUN":
            image.repointed |= _copies_repositories(instruction)
            return
        written = _sources_causes(instruction, ctx.options)
        if image.cause is None and not written:
            return  # nothing read here can be gone (being repointed matters only with a cause)
        text = instruction.text.text + "".join(h.body.text for h in instruction.heredocs)
        if any(mark in text for mark in REPOINTED) and not written:
            image.repointed = True
        for command in ordered_commands(ctx, instruction):
            if written and command.span.line >= written[0].line:
                image.cause, written = written[0], written[1:]
                image.repointed = False
            cause = image.cause
            if cause is None or (cause.source == "FROM" and image.repointed):
                continue
            if _reads_repositories(command, cause.release):
                image.failed = True  # the build stops here: one finding per image
                read = invocation_of(command)
                span = read.span if read is not None else command.span
                name = read.name if read is not None else program(command)
                yield self.finding(span, _message(name, cause))
                return
        if written:
            image.cause, image.repointed = written[-1], False


class _Image:
    """What the rule knows of a stage's image so far."""

    __slots__ = ("cause", "failed", "repointed")

    def __init__(self, cause: _Cause | None) -> None:
        self.cause = cause
        self.repointed = False
        self.failed = False


def _base_cause(base: BaseImage | None, today: date, line: int) -> _Cause | None:
    if base is None or base.release is None or not base.release.archived_by(today):
        return None
    image = base.reference.rpartition("/")[2].partition(":")[0] if base.runtime else None
    return _Cause(line, base.release, "FROM", image)


def _sources_causes(instruction: Instruction, options: Mapping[str, Any]) -> list[_Cause]:
    """Sources lines of archived releases that the RUN writes, with their lines."""
    texts = [instruction.text] + [heredoc.body for heredoc in instruction.heredocs]
    causes = []
    for text in texts:
        if "deb" not in text.text:
            continue
        today = as_of(options)
        for match in SOURCES_LINE.finditer(text.text):
            host, suite = match.group(1).lower(), match.group(2)
            release = _archived_release(host, suite, today)
            if release is not None:
                causes.append(_Cause(text.position(match.start())[0], release, "sources line"))
    return causes


def _archived_release(host: str, codename: str, today: date) -> Release | None:
    if host.endswith(DEBIAN_MIRRORS):
        release = DEBIAN.get(codename)
    elif host.endswith(UBUNTU_MIRRORS):
        release = UBUNTU.get(codename)
    else:
        return None  # a vendor's repository, or an archive host
    return release if release is not None and release.archived_by(today) else None


def _copies_repositories(instruction: Instruction) -> bool:
    arguments = instruction.arguments
    return bool(arguments) and arguments[-1].value.startswith(REPOSITORY_PATHS)


def _reads_repositories(command: SimpleCommand, release: Release) -> bool:
    read = invocation_of(command)
    if read is None:
        return False
    if release.distribution == "centos":
        return read.manager in ("yum", "dnf") and read.subcommand not in OFFLINE_YUM
    return read.manager in ("apt-get", "apt", "aptitude") and read.subcommand == "update"


def _message(name: str, cause: _Cause) -> str:
    release = cause.release
    label = f"{release.distribution.capitalize()} {release.version} {release.codename}"
    if release.distribution == "centos":
        label = f"CentOS {release.version}"
    archived = release.archived.isoformat() if release.archived else "its end of life"
    where = "the base image (FROM" if cause.source == "FROM" else "the sources line (at"
    if release.distribution == "centos":
        fix = f"move to a supported base image, or point yum at {release.archive}"
    else:
        fix = (
            f"move to a supported release (such as {_successor(cause)}), or point apt at "
            f"{release.archive}"
        )
    return (
        f"{name} reads the repositories of {label}, named by {where}, line {cause.line}), "
        f"which left the distribution's mirrors by {archived}: it fails with 'does not have "
        f"a Release file' / 404; {fix}"
    )


def _successor(cause: _Cause) -> str:
    if cause.runtime is not None:
        return f"a {cause.runtime} tag of a current release, e.g. {cause.runtime}:<version>-slim"
    if cause.release.distribution == "ubuntu":
        return "ubuntu:24.04"
    return "debian:bookworm-slim"
