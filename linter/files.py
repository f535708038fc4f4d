"""Which files ``dlint check`` lints: the paths given, and Dockerfiles found under directories."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

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


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def find_dockerfiles(paths: Iterable[str]) -> Iterator[str]:
    """Files to lint, in a stable order: given files as they are, directories searched."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(given)
        elif path.exists() or path.is_symlink():
            yield given
        else:
            raise MissingPath(given)


def _walk(top: str) -> Iterator[str]:
    for directory, subdirectories, files in os.walk(top):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES
            and not os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if is_dockerfile_name(name):
                yield os.path.join(directory, name)
