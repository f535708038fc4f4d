"""Explanations for build failures whose messages do not say what to fix.

Each explanation names the cause behind a message people meet when a Dockerfile moves to a
multi-stage build or a deploy pipeline, and points to the static rule that catches it before
the build (DP001: third-party downloads and apt repositories at build time; DP004: CLIs
installed with ``pip install --user`` that are not on PATH; DB001…DB007: build rot, the
failures of a Dockerfile that built once — an archived release, no package lists, the wrong
package manager, a missing command, an externally managed Python, the latest tool on an old
runtime). A container that fails the way an environment copied between stages fails (a moved
virtualenv, another Python or C library: DP010) is explained by ``explain_container_failure``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .buildlog import BuildStep

if TYPE_CHECKING:
    from ..environment_copies import EnvironmentCopy

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
# Build rot (the DB rules): what the failing step printed, and the rule that sees it statically.
_MIRRORS = (
    r"(?:deb\.debian\.org|security\.debian\.org|httpredir\.debian\.org|ftp\.debian\.org"
    r"|[\w.]*archive\.ubuntu\.com|security\.ubuntu\.com)"
)
_ARCHIVED = re.compile(
    rf"repository 'https?://{_MIRRORS}\S* (?P<suite>[\w/-]+) Release' does not have a Release"
    rf"|https?://{_MIRRORS}\S*/dists/(?P<dist>[\w-]+)/\S* +404"
    r"|Could not retrieve mirrorlist http://mirrorlist\.centos\.org"
)
_NO_PACKAGE = re.compile(r"E: Unable to locate package (?P<name>\S+)")
_EXTERNALLY_MANAGED = re.compile(r"externally-managed-environment")
_LATEST_TOOL = re.compile(
    r"This script does not work on Python|rubygems-update requires Ruby version"
    r"|npm (?:v[\d.]+ is known not to run on|does not support) Node\.js"
)
_MANAGERS = ("apt-get", "apt", "apk", "yum", "dnf", "microdnf")
_COMMON = ("curl", "wget", "git", "gpg", "unzip", "xz", "make", "gcc", "g++", "bash", "sudo",
           "locale-gen", "ssh", "zip", "easy_install")  # fmt: skip
_BUILDKIT_ONLY = re.compile(r"requires BuildKit|unknown flag: (?:mount|chmod|link)")
_PULL = re.compile(r"pull access denied|manifest unknown|repository does not exist")


def explain_build_failure(
    error: str,
    step: BuildStep | None,
    steps: Sequence[BuildStep],
    dockerfile: Path | None = None,
) -> str | None:
    """The likely cause and fix for a failed build, or None for an unknown pattern.

    ``dockerfile`` names the base image of the failing step's stage where the steps do not
    (BuildKit reports no step for a ``FROM``; the classic builder does).
    """
    output = "\n".join([*(step.output if step else []), error])
    instruction = step.instruction if step else ""
    if match := _COPY_MISSING.search(output):
        path = "/" + (match["path"] or match["buildkit"] or "").lstrip("/")
        if match["walked"]:
            path = _copied_source(instruction, match["walked"])
        return _copy_missing(path, instruction)
    rot = _build_rot(output, step, steps, dockerfile)
    if rot is not None:
        return rot
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


def _build_rot(
    output: str, step: BuildStep | None, steps: Sequence[BuildStep], dockerfile: Path | None
) -> str | None:
    """The build-rot cause of a failed step, with the DB rule that reports it statically."""
    at = f" at step {step.number}/{step.total} (`{step.instruction}`)" if step else ""
    base = next((s.instruction for s in steps if s.instruction.upper().startswith("FROM")), "")
    cause = f", caused by `{base}`" if base else ""
    if not base and dockerfile is not None:
        cause = _stage_base(dockerfile, step.stage if step else None)
    if match := _ARCHIVED.search(output):
        release = match["suite"] or match["dist"] or "the base image's release"
        return (
            f"the repositories of {release.split('/')[0].split('-')[0]} are gone from the "
            f"distribution's mirrors (an end-of-life release){at}{cause}: move to a supported "
            "release, or point the package manager at the archive host (DB001)."
        )
    if match := _NO_PACKAGE.search(output):
        done = [*steps[: steps.index(step)], step] if step in steps else [*steps]
        if not any("update" in s.instruction for s in done if s is not None):
            return (
                f"apt has no package lists{at}: the base image ships without them and no "
                "`apt-get update` ran before; run it in the same RUN, before the install "
                "(DB004)."
            )
        return (
            f"the package {match['name']} is not in this release{at}{cause}: it was renamed "
            "or removed; install the name the release has (DB003)."
        )
    if _EXTERNALLY_MANAGED.search(output):
        return (
            f"pip refused to install into the distribution's Python (PEP 668){at}{cause}: "
            "install into a virtualenv, use the distribution's python3-<name> package, or a "
            "python: base image (DB007)."
        )
    if _LATEST_TOOL.search(output):
        return (
            f"the latest pip, npm or RubyGems does not support the image's runtime{at}"
            f"{cause}: pin the tool to the last version for that runtime (DB002)."
        )
    for line in output.splitlines():
        match = _NOT_FOUND.search(line)
        if match is None or match["name"] not in (*_MANAGERS, *_COMMON):
            continue
        name = match["name"]
        if name in _MANAGERS:
            return (
                f"`{name}` is not the package manager of the base image{at}{cause}: use the "
                "one the image's distribution has (DB005)."
            )
        return (
            f"`{name}` is not in the base image{at}{cause}: install it in an earlier command "
            "of the same stage (DB006)."
        )
    return None


# A container that fails as an environment copied from another stage fails (DP010): the symptom,
# which kind of copy causes it (python, node, or either), and what it means.
_ENVIRONMENT_SYMPTOMS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(
            r"bad interpreter|exec (?:user process caused:? |\S+: )no such file or directory"
        ),
        "python",
        "a script's interpreter is missing: a virtualenv moved to another path keeps its old "
        "path in every console script's shebang, and its python links to the builder's "
        "interpreter",
    ),
    (
        re.compile(r"\S*/bin/python[\d.]*: (?:No such file or directory|not found)"),
        "python",
        "the virtualenv's python is a link to the builder's interpreter, which this image does "
        "not have (another Python version, or a Python in another place)",
    ),
    (
        re.compile(
            r"Error loading shared library|Error relocating \S+: \S+: symbol not found"
            r"|GLIBC_[\d.]+' not found|cannot open shared object file"
            r"|was compiled against a different Node\.js version"
        ),
        "",
        "compiled extensions were built against another C library or runtime version than "
        "this image has (glibc and musl, or another Node major)",
    ),
    (
        re.compile(r"ModuleNotFoundError: No module named"),
        "python",
        "packages the build installed are not where this image's Python looks: a package set "
        "built for another Python minor sits in a lib/pythonX.Y this Python never reads",
    ),
)


def explain_container_failure(output: str, copies: Sequence[EnvironmentCopy]) -> str | None:
    """The likely cause of a failed container (its logs and start error in ``output``) when
    the image copies a Python environment or node_modules from another stage; None otherwise."""
    for pattern, kind, cause in _ENVIRONMENT_SYMPTOMS:
        match = pattern.search(output)
        if match is None:
            continue
        line_start = output.rfind("\n", 0, match.start()) + 1
        line_end = output.find("\n", match.end())
        line = output[line_start : line_end if line_end >= 0 else None]
        wanted = kind or ("node" if re.search(r"node_modules|\.node\b|Node", line) else "python")
        suspects = [copy for copy in copies if copy.kind == wanted]
        if not suspects:
            continue
        lines = "; ".join(f"line {copy.line} `{copy.text}`" for copy in suspects)
        return (
            f"the container failed with `{match[0]}`: {cause}. The image takes its "
            f"environment from another stage ({lines}): build both stages on the same image "
            "family and version and keep a virtualenv at the path it was made at (DP010: "
            "dlint check --select DP010)."
        )
    return None


# BuildKit's name for a stage without AS: its index.
_UNNAMED_STAGE = re.compile(r"stage-(\d+)")


def _stage_base(dockerfile: Path, stage: str | None) -> str:
    """``, caused by `FROM …` (line N)`` for the stage BuildKit calls ``stage`` (None: the
    only stage), read from the Dockerfile; empty when it cannot be told."""
    from ..lexer import lex
    from ..source import decode

    try:
        data = dockerfile.read_bytes()
    except OSError:
        return ""
    froms = [i for i in lex(decode(data, str(dockerfile))).instructions if i.keyword == "FROM"]
    chosen = froms[0] if stage is None and len(froms) == 1 else None
    if stage is not None:
        unnamed = _UNNAMED_STAGE.fullmatch(stage)
        for index, instruction in enumerate(froms):
            words = instruction.text.text.split()
            named = (
                len(words) >= 3 and words[-2].upper() == "AS" and words[-1].lower() == stage.lower()
            )
            if named or (unnamed is not None and int(unnamed[1]) == index):
                chosen = instruction
    if chosen is None:
        return ""
    return f", caused by `FROM {chosen.text.text.strip()}` (line {chosen.line})"
