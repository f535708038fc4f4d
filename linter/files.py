"""Which files ``dlint check`` lints: the paths given, and Dockerfiles found under directories.

A directory inside a git work tree is listed by git itself (tracked files, and untracked files
that ``.gitignore`` does not exclude), so generated or vendored Dockerfiles the project ignores
are not linted. Outside a repository, or without git installed, the directory is walked.
``exclude`` globs apply to every path, including paths given explicitly: a pre-commit hook
passes file names, and an excluded file must stay excluded there too.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

DOCKERFILE_PATTERNS = (
    "Dockerfile",
    "Dockerfile.*",
    "*.Dockerfile",
    "Containerfile",
    "Containerfile.*",
)
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)


class MissingPath(Exception):
    """A path given on the command line does not exist."""


@dataclass(frozen=True)
class Exclusions:
    """Globs of paths not to lint, each relative to the directory it was written for.

    A glob without ``/`` matches the name of the file or of any directory above it
    (``legacy``, ``*.dev.Dockerfile``); a glob with ``/`` matches the path relative to its
    root, or a directory above the file (``docker/legacy`` excludes everything under it).
    The configuration's globs are relative to the configuration file's directory, those of
    ``--exclude`` to the current directory.
    """

    globs: tuple[tuple[str, Path], ...] = ()

    @classmethod
    def of(cls, groups: Iterable[tuple[Iterable[str], Path]]) -> Exclusions:
        return cls(tuple((glob, root.absolute()) for globs, root in groups for glob in globs))

    def excludes(self, path: str) -> bool:
        if not self.globs:
            return False
        absolute = os.path.abspath(path)
        return any(_glob_excludes(glob, root, path, absolute) for glob, root in self.globs)


def _glob_excludes(glob: str, root: Path, path: str, absolute: str) -> bool:
    relative = os.path.relpath(absolute, root)
    inside = relative != ".." and not relative.startswith(".." + os.sep)
    parts = PurePosixPath(Path(relative if inside else path).as_posix()).parts
    parts = tuple(part for part in parts if part not in (".", "..", "/"))
    anchored = "/" in glob.rstrip("/")
    pattern = glob.strip("/").removeprefix("./")
    if not anchored:
        return any(fnmatch.fnmatchcase(part, pattern) for part in parts)
    if not inside:
        return False
    patterns = {pattern, pattern.removeprefix("**/")}
    prefixes = ("/".join(parts[:end]) for end in range(1, len(parts) + 1))
    return any(fnmatch.fnmatchcase(prefix, p) for prefix in prefixes for p in patterns)


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def find_dockerfiles(paths: Iterable[str], exclusions: Exclusions | None = None) -> Iterator[str]:
    """Files to lint, in a stable order: given files as they are, directories searched."""
    exclusions = exclusions or Exclusions()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            listed = _git_listing(given)
            found = _walk(given, exclusions) if listed is None else listed
            yield from (name for name in found if not exclusions.excludes(name))
        elif path.exists() or path.is_symlink():
            if not exclusions.excludes(given):
                yield given
        else:
            raise MissingPath(given)


def _walk(top: str, exclusions: Exclusions) -> Iterator[str]:
    for directory, subdirectories, files in os.walk(top):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not _skipped_directory(directory, name)
            and not exclusions.excludes(os.path.join(directory, name))
        )
        for name in sorted(files):
            if is_dockerfile_name(name):
                yield os.path.join(directory, name)


def _skipped_directory(parent: str, name: str) -> bool:
    """Directories that hold other people's files: VCS data, dependencies, virtualenvs."""
    return name in SKIPPED_DIRECTORIES or os.path.exists(os.path.join(parent, name, "pyvenv.cfg"))


def _git_listing(top: str) -> list[str] | None:
    """Dockerfiles under ``top`` that git does not ignore; None when git cannot tell.

    Two listings: tracked files, with those of checked-out submodules (``--others`` cannot
    recurse into submodules), and untracked files not excluded by ``.gitignore``, the global
    excludes file or ``.git/info/exclude``. A directory that is itself ignored, and named on
    the command line, is walked as if outside git, like an ignored file named explicitly.
    """
    names: set[str] = set()
    for options in (("--cached", "--recurse-submodules"), ("--others", "--exclude-standard")):
        listed = _git(top, "ls-files", "-z", *options)
        if listed is None:
            return None
        names.update(os.fsdecode(entry) for entry in listed.split(b"\0") if entry)
    found = []
    for name in sorted(names):
        parts = name.split("/")
        if not is_dockerfile_name(parts[-1]):
            continue
        path = os.path.join(top, *parts)
        if os.path.isfile(path) and not _in_skipped_directory(top, parts[:-1]):
            found.append(path)
    if not found and _git(top, "check-ignore", "-q", ".") is not None:
        return None
    return found


def _git(top: str, *args: str) -> bytes | None:
    """The output of a git command run in ``top``; None if it fails or git is missing."""
    try:
        done = subprocess.run(["git", "-C", top, *args], capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _in_skipped_directory(top: str, directories: list[str]) -> bool:
    parent = top
    for name in directories:
        if _skipped_directory(parent, name):
            return True
        parent = os.path.join(parent, name)
    return False
