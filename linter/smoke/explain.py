"""Explanations for build failures whose messages do not say what to fix.

Each explanation names the cause behind a message people meet when a Dockerfile moves to a
multi-stage build or a deploy pipeline, and points to the static rule that catches it before
the build (DP001: third-party downloads and apt repositories at build time; DP004: CLIs
installed with ``pip install --user`` that are not on PATH).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .buildlog import BuildStep

_COPY_MISSING = re.compile(
    r"COPY failed: (?:stat|file not found in build context or excluded by \.dockerignore: stat)"
    r" (?P<path>\S+?):? (?:file does not exist|no such file or directory)"
    r"|\"(?P<buildkit>/[^\"]+)\": not found"
    # BuildKit 0.8 (engine 20.10) walks the source and names the first part that is missing.
    r"|failed to walk \S*?/buildkit-mount\d+(?P<walked>/\S*?): lstat"
)
_FROM_FLAG = re.compile(r"--from=(\S+)")
_DOWNLOAD = re.compile(
    r"curl: \(\d+\)|E: The repository .* (?:does not have a Release file|is not signed)"
    r"|E: Failed to fetch|NO_PUBKEY|gpg: no valid OpenPGP data found"
    r"|Could not resolve ['\"]?[\w.-]+|Temporary failure resolving"
)
_NOT_FOUND = re.compile(r"(?:^|[\s:])(?P<name>[\w.+-]+): (?:command )?not found\s*$")
_BUILDKIT_ONLY = re.compile(r"requires BuildKit|unknown flag: (?:mount|chmod|link)")
_PULL = re.compile(r"pull access denied|manifest unknown|repository does not exist")


def explain_build_failure(
    error: str, step: BuildStep | None, steps: Sequence[BuildStep]
) -> str | None:
    """The likely cause and fix for a failed build, or None for an unknown pattern."""
    output = "\n".join([*(step.output if step else []), error])
    instruction = step.instruction if step else ""
    if match := _COPY_MISSING.search(output):
        path = "/" + (match["path"] or match["buildkit"] or "").lstrip("/")
        if match["walked"]:
            path = _copied_source(instruction, match["walked"])
        return _copy_missing(path, instruction)
    if _DOWNLOAD.search(output):
        return (
            "a download during the build failed (curl: (22) is an HTTP status of 400 or more; "
            "apt errors name a repository or key): builds that fetch keys, repositories or "
            "installers from third-party servers break whenever those servers do. Vendor the "
            "key into the build context, use curl --fail --retry, or install from the base "
            "distribution's own packages (DP001)."
        )
    for line in output.splitlines():
        if match := _NOT_FOUND.search(line):
            return _command_not_found(match["name"], steps)
    if _BUILDKIT_ONLY.search(output):
        return (
            "this Dockerfile uses BuildKit-only syntax (RUN --mount, COPY --chmod/--link, "
            "heredocs) that the builder used does not know: the classic builder knows none "
            "of it, and the Dockerfile frontend built into engines before 23.0 knows neither "
            "COPY --link nor heredocs (a `# syntax=docker/dockerfile:1` line brings a newer "
            "one, pulled from a registry)."
        )
    if _PULL.search(output) and instruction.upper().startswith("FROM"):
        return (
            f"the base image of `{instruction}` is not in the local engine and cannot be "
            "pulled: pull or build it first (docker pull / docker build -t …)."
        )
    return None


def _copied_source(instruction: str, walked: str) -> str:
    """The COPY source under the path BuildKit could not walk (``/root`` for a source
    ``/root/.cache``), or that path when no source lies under it."""
    words = [word for word in instruction.split()[1:-1] if not word.startswith("--")]
    under = [word for word in words if ("/" + word.lstrip("/")).startswith(walked)]
    return "/" + under[0].lstrip("/") if under else walked


def _copy_missing(path: str, instruction: str) -> str:
    source = _FROM_FLAG.search(instruction)
    if source:
        stage = source[1]
        return (
            f"the stage `{stage}` never produced {path}: the command that should create it "
            f"did not run in `{stage}`, ran as another user (another $HOME), or wrote "
            "somewhere else. Make it run in that stage, or copy the path it really writes."
        )
    return (
        f"{path} is not in the build context (or .dockerignore excludes it): paths in COPY are "
        "relative to the context directory, not to the Dockerfile."
    )


def _command_not_found(name: str, steps: Sequence[BuildStep]) -> str:
    user_install = any("pip install" in s.instruction and "--user" in s.instruction for s in steps)
    if user_install:
        return (
            f"`{name}` is not on PATH: `pip install --user` puts console scripts in "
            "$HOME/.local/bin, which is not on PATH (and is lost unless a later stage copies "
            "$HOME/.local). Add `ENV PATH=/root/.local/bin:$PATH` (the user's home), or "
            "install without --user (DP004)."
        )
    return (
        f"`{name}` is not installed in this stage, or not on its PATH: install it in the "
        "same stage that runs it, or call it by its full path (DP004 when it comes from "
        "`pip install --user`)."
    )
