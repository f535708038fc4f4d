"""Which builder builds the image: BuildKit through the ``docker`` CLI, or the engine's classic
builder through the Docker SDK.

``--builder auto`` (the default) takes BuildKit whenever a capable CLI is found
(:mod:`dockercli`), and the classic builder otherwise; ``buildkit`` and ``classic`` force one.
The classic builder refuses what modern Dockerfiles use (``RUN --mount``, ``COPY --chmod``,
``COPY --link``, heredocs): a file that uses any of it is never handed to it, since the build
would fail for dlint's reason, not the file's. :class:`BuilderUnavailable` then carries the
message for exit 2: the lines that need BuildKit and how to get it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .dockercli import DockerCli, Search

BUILDERS = ("auto", "buildkit", "classic")
BUILDKIT, CLASSIC = "buildkit", "classic"
# Flags only BuildKit's Dockerfile frontend knows, by instruction.
BUILDKIT_FLAGS = {
    "RUN": ("mount", "network", "security"),
    "COPY": ("chmod", "link", "parents", "exclude"),
    "ADD": ("chmod", "link", "checksum", "keep-git-dir", "parents", "exclude"),
}
HOW_TO_GET_BUILDKIT = (
    "install the docker buildx plugin (Debian/Ubuntu: apt-get install docker-buildx or "
    "docker-buildx-plugin; Docker Desktop has it), or put a docker CLI older than 23.0 with "
    "BuildKit built in (Debian bookworm's docker.io) on PATH or in $DLINT_DOCKER"
)

_PARSE_ERROR = re.compile(r"dockerfile parse error line (\d+)")


class BuilderUnavailable(Exception):
    """The builder asked for (or the one the Dockerfile needs) cannot be used: exit 2."""


@dataclass(frozen=True)
class BuildkitLine:
    """One line of the Dockerfile that only BuildKit builds, and what on it needs BuildKit."""

    line: int
    construct: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.construct}"


@dataclass(frozen=True)
class BuilderChoice:
    """The builder to use; ``cli`` is set for BuildKit."""

    name: str
    cli: DockerCli | None = None


def buildkit_lines(dockerfile: Path) -> list[BuildkitLine]:
    """The lines of ``dockerfile`` that the classic builder refuses, in file order."""
    from ..lexer import lex
    from ..source import decode

    found = []
    for instruction in lex(decode(dockerfile.read_bytes(), str(dockerfile))).instructions:
        keyword = instruction.keyword
        for flag in instruction.flags:
            if flag.name in BUILDKIT_FLAGS.get(keyword, ()):
                found.append(BuildkitLine(flag.span.line, f"{keyword} --{flag.name}"))
        if instruction.heredocs:
            found.append(BuildkitLine(instruction.line, f"{keyword} with a heredoc (<<)"))
    return sorted(found, key=lambda item: item.line)


def choose_builder(requested: str, dockerfile: Path, search: Callable[[], Search]) -> BuilderChoice:
    """The builder for ``requested`` (auto, buildkit, classic), or :class:`BuilderUnavailable`.

    ``search`` finds the CLI; it is not called when ``classic`` is forced.
    """
    needs = buildkit_lines(dockerfile)
    if requested == CLASSIC:
        if needs:
            raise BuilderUnavailable(
                f"--builder classic cannot build {dockerfile}: {_listed(needs)} "
                f"{_need(needs)} BuildKit; "
                'drop --builder classic (or set builder = "auto") to build with BuildKit'
            )
        return BuilderChoice(CLASSIC)
    found = search()
    if found.cli is not None:
        return BuilderChoice(BUILDKIT, found.cli)
    if requested == BUILDKIT or needs:
        why = (
            f"{_listed(needs)} {_need(needs)} BuildKit"
            if needs
            else "--builder buildkit was asked for"
        )
        raise BuilderUnavailable(
            f"cannot build {dockerfile} with BuildKit: {why}, and no docker CLI here can run "
            f"a BuildKit build{_rejected(found.rejected)}. To get BuildKit: {HOW_TO_GET_BUILDKIT}"
        )
    return BuilderChoice(CLASSIC)


def frontend_explanation(error: str, dockerfile: Path) -> str | None:
    """Why BuildKit's Dockerfile frontend refused the file, when the error is a parse error at
    or just after a BuildKit-only line (a heredoc's body reads as an unknown instruction): the
    frontend built into the engine is older than that syntax."""
    match = _PARSE_ERROR.search(error)
    if not match:
        return None
    before = [item for item in buildkit_lines(dockerfile) if item.line <= int(match[1])]
    if not before:
        return None
    return (
        f"{before[-1]} needs a newer Dockerfile frontend than the one built into this engine "
        "(engines before Docker 23.0 know neither COPY --link nor heredocs): upgrade the "
        "engine, or put `# syntax=docker/dockerfile:1` on the first line so that BuildKit "
        "pulls a current frontend (this needs a registry)."
    )


def _listed(lines: Sequence[BuildkitLine]) -> str:
    shown = ", ".join(str(line) for line in lines[:8])
    more = f" and {len(lines) - 8} more" if len(lines) > 8 else ""
    return f"{shown}{more}"


def _need(lines: Sequence[BuildkitLine]) -> str:
    return "needs" if len(lines) == 1 else "need"


def _rejected(rejected: Sequence[str]) -> str:
    return f" ({'; '.join(rejected)})" if rejected else " (no docker on PATH)"
