"""Find a ``docker`` CLI that can build with BuildKit, against the engine dlint talks to.

The Docker SDK cannot run a BuildKit build (BuildKit serves the build context over a gRPC
session that only the CLI implements), so BuildKit builds go through the CLI. Two kinds can:

- a CLI with the buildx plugin (``docker buildx version`` answers): ``docker buildx build
  --load``; buildx 0.13 and later print the progress as ``rawjson``, older ones as ``plain``;
- a CLI older than 23.0 (Debian bookworm's ``docker.io`` 20.10 is one), which has BuildKit
  built in: ``DOCKER_BUILDKIT=1 docker build --progress plain``.

A CLI of 23.0 or later without buildx has neither (with ``DOCKER_BUILDKIT=1`` it stops at
"the buildx component is missing"), so every ``docker`` on PATH is asked in turn, in PATH
order: a machine whose first ``docker`` is such a CLI may still have a capable one behind it.
``DLINT_DOCKER`` names one CLI to use instead of searching.

The CLI must build on the engine the SDK client uses (the image is then booted with the SDK):
:func:`cli_environment` points it at the same address.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

BUILDX, BUILTIN = "buildx", "builtin"
# The first Docker CLI release without BuildKit built in (it moved to the buildx plugin).
FIRST_CLI_WITHOUT_BUILTIN = 23
# buildx v0.13.0 added --progress rawjson (buildx release notes, March 2024).
FIRST_BUILDX_WITH_RAWJSON = (0, 13)
PROBE_TIMEOUT = 15.0
OVERRIDE = "DLINT_DOCKER"
_VERSION = re.compile(r"v?(\d+)\.(\d+)")
# docker --version: "Docker version 20.10.24+dfsg1, build 297e128".
_CLIENT_VERSION = re.compile(r"version (\d+\.\d+[^\s,]*)")


@dataclass(frozen=True)
class DockerCli:
    """A CLI that can run a BuildKit build: where it is, how (``buildx`` or ``builtin``), its
    version as it printed it, and the progress format it will be asked for."""

    path: str
    kind: str
    version: str
    progress: str

    def describe(self) -> str:
        how = "docker buildx build" if self.kind == BUILDX else "DOCKER_BUILDKIT=1 docker build"
        return f"{how} ({self.path}, {self.version})"


@dataclass(frozen=True)
class Search:
    """What the search found: the CLI to use (None: none can), and why each other one cannot,
    for the message that says how to get BuildKit."""

    cli: DockerCli | None
    rejected: tuple[str, ...] = ()


def find_buildkit_cli(environment: Mapping[str, str] | None = None) -> Search:
    """The first ``docker`` on PATH (or ``$DLINT_DOCKER``) that can build with BuildKit."""
    environment = os.environ if environment is None else environment
    rejected: list[str] = []
    for path in _candidates(environment):
        cli, reason = _probe(path, environment)
        if cli is not None:
            return Search(cli, tuple(rejected))
        rejected.append(f"{path}: {reason}")
    return Search(None, tuple(rejected))


def cli_environment(
    engine_address: str, environment: Mapping[str, str] | None = None, kind: str = BUILTIN
) -> dict[str, str]:
    """The environment for the build process: the engine the SDK client reached, BuildKit on.

    With ``DOCKER_HOST`` set, both already follow it. Otherwise the SDK chose the current
    context's address (or the default socket); a local socket is handed over as
    ``DOCKER_HOST``. A TCP or SSH context (which may need TLS material) is left to the CLI,
    which resolves the same current context itself; ``DOCKER_CONTEXT``, which the SDK does not
    read, is dropped so that it cannot send the CLI elsewhere.
    """
    env = dict(os.environ if environment is None else environment)
    if not env.get("DOCKER_HOST"):
        env.pop("DOCKER_CONTEXT", None)
        if engine_address.startswith(("unix://", "npipe://")):
            env["DOCKER_HOST"] = engine_address
    if kind == BUILTIN:
        env["DOCKER_BUILDKIT"] = "1"
    return env


def _candidates(environment: Mapping[str, str]) -> Iterator[str]:
    override = environment.get(OVERRIDE)
    if override:
        yield override
        return
    seen: set[str] = set()
    for directory in environment.get("PATH", os.defpath).split(os.pathsep):
        path = Path(directory or ".") / "docker"
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            yield str(path)


def _probe(path: str, environment: Mapping[str, str]) -> tuple[DockerCli | None, str]:
    """The CLI at ``path`` if it can build with BuildKit, else why not."""
    env = dict(environment)
    env.pop("DOCKER_BUILDKIT", None)
    buildx = _output([path, "buildx", "version"], env)
    if buildx is not None and (match := _VERSION.search(buildx)):
        numbers = (int(match[1]), int(match[2]))
        progress = "rawjson" if numbers >= FIRST_BUILDX_WITH_RAWJSON else "plain"
        return DockerCli(path, BUILDX, f"buildx {match[0]}", progress), ""
    client = _output([path, "--version"], env)
    found = _CLIENT_VERSION.search(client or "")
    if found is None:
        return None, "does not run (docker --version gave no version)"
    version = found[1]
    if int(version.split(".")[0]) >= FIRST_CLI_WITHOUT_BUILTIN:
        return None, f"CLI {version} without the buildx plugin"
    return DockerCli(path, BUILTIN, f"CLI {version}", "plain"), ""


def _output(command: list[str], env: Mapping[str, str]) -> str | None:
    """What the command printed on stdout when it succeeded; None otherwise. Neither
    ``docker --version`` nor ``docker buildx version`` asks the engine anything."""
    try:
        done = subprocess.run(
            command,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
