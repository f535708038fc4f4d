"""Repository-relative paths, as code-scanning and code-quality services expect them.

dlint reports a file by the path it was given (``./api/Dockerfile``, ``../svc/Dockerfile``).
GitHub and GitLab match results to files by their path from the repository root, and so do
fingerprints, which must not change with the directory dlint was started from. The root is the
nearest directory above the file holding ``.git`` (a directory, or a file in a worktree or a
submodule); outside a repository, paths are relative to the current directory.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


def repository_path(display: str) -> str:
    """``display`` relative to its repository root, with ``/`` separators.

    Standard input (``-``) stays as it is. A file outside the repository and the current
    directory keeps its absolute path.
    """
    if display == "-":
        return display
    absolute = os.path.abspath(display)
    root = _repository_root(os.path.dirname(absolute)) or os.getcwd()
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith(".." + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


@cache
def _repository_root(directory: str) -> str | None:
    if os.path.exists(os.path.join(directory, ".git")):
        return directory
    parent = os.path.dirname(directory)
    return None if parent == directory else _repository_root(parent)
