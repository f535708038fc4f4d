"""Which files ``dlint check`` lints: the paths given, and Dockerfiles found under directories.

A directory inside a git work tree is listed by git itself (tracked files, and untracked files
that ``.gitignore`` does not exclude), so generated or vendored Dockerfiles the project ignores
are not linted. Outside a repository, or without git installed, the directory is walked.
``exclude`` globs apply to every path, including paths given explicitly: a pre-commit hook
passes file names, and an excluded file must stay excluded there too.

A repository is untrusted input, and a search never hangs or leaks on it: symlinked
directories are not followed (no loop, no file counted twice), a Dockerfile that is a symlink
out of the searched directory and the current directory is not read (it could point at a
credentials file that the report would quote), named pipes and devices are not read. What a
search cannot see or will not read is reported through ``on_problem``; a Dockerfile that cannot
be read (a symlink loop, a dangling symlink, no permission) is linted, and the linter reports
why it could not be read.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from .patterns import lazy
from .records import Value

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


# git's warning for a directory it cannot read while listing untracked files.
_GIT_UNREADABLE = lazy(r"^warning: could not open directory '(.*)': (.*)$", re.MULTILINE)
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

ProblemHandler = Callable[[str], None]


class MissingPath(Exception):
    """A path given on the command line does not exist."""


class Exclusions(Value):
    """Globs of paths not to lint, each relative to the directory it was written for.

    A glob without ``/`` matches the name of the file or of any directory above it
    (``legacy``, ``*.dev.Dockerfile``); a glob with ``/`` matches the path relative to its
    root, or a directory above the file (``docker/legacy`` excludes everything under it).
    The configuration's globs are relative to the configuration file's directory, those of
    ``--exclude`` to the current directory.
    """

    _fields = ("globs",)
    __slots__ = _fields

    def __init__(self, globs: tuple[tuple[str, Path], ...] = ()) -> None:
        self.globs = globs

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


def find_dockerfiles(
    paths: Iterable[str],
    exclusions: Exclusions | None = None,
    on_problem: ProblemHandler | None = None,
) -> Iterator[str]:
    """Files to lint, in a stable order: given files as they are, directories searched.

    ``on_problem`` hears, in one line each, of the directories that cannot be listed and the
    Dockerfiles a search leaves unread (see the module's docstring).
    """
    exclusions = exclusions or Exclusions()
    report = on_problem or _ignore
    for given in paths:
        kind = _kind_of_given(given)
        if kind == "directory":
            listed = _git_listing(given, report)
            found = _walk(given, exclusions, report) if listed is None else listed
            roots = _roots(given)
            for name in found:
                if not exclusions.excludes(name) and _to_lint(name, roots, report):
                    yield name
        elif kind == "missing":
            raise MissingPath(given)
        elif not exclusions.excludes(given):
            yield given


def _ignore(message: str) -> None:
    """The default problem handler: a caller that does not ask is not told."""


def _kind_of_given(given: str) -> str:
    """``directory``, ``missing``, or ``file`` for anything else that is there, including a
    path that cannot be examined (a symlink loop, a parent without permission): linting it
    reports why it cannot be read, where raising here would hide the reason."""
    try:
        info = os.stat(given)
    except FileNotFoundError:
        return "file" if os.path.islink(given) else "missing"
    except NotADirectoryError:
        return "missing"
    except OSError:
        return "file"
    return "directory" if stat.S_ISDIR(info.st_mode) else "file"


def _roots(top: str) -> tuple[str, ...]:
    """Where a symlink found searching ``top`` may lead: under ``top`` or the current
    directory (a checkout whose services link to a shared Dockerfile)."""
    return tuple({os.path.realpath(top), os.path.realpath(os.curdir)})


def _to_lint(path: str, roots: tuple[str, ...], report: ProblemHandler) -> bool:
    """Whether a Dockerfile a search found is to be linted (see the module's docstring)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if not os.path.islink(path):
            return False  # tracked by git but deleted from the work tree
    except NotADirectoryError:
        return False
    except OSError:
        return True  # a symlink loop or no permission: linting says so
    else:
        if stat.S_ISDIR(info.st_mode):
            return False
        for test, kind in _SPECIAL_FILES:
            if test(info.st_mode):
                report(f"{path}: not a regular file ({kind}): not read")
                return False
    if os.path.islink(path):
        target = os.path.realpath(path)
        if not any(_inside(target, root) for root in roots):
            report(f"{path}: a symlink to {target}, outside the directory searched: not read")
            return False
    return True


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(top: str, exclusions: Exclusions, report: ProblemHandler) -> Iterator[str]:
    """Dockerfiles under ``top`` in ``os.walk``'s order (a directory's files, then its
    subdirectories, each sorted by name), without following symlinked directories.

    The walk keeps its own stack rather than use ``os.walk``, which recurses once per level
    before Python 3.12: a tree nested deeper than the recursion limit would crash it.
    """
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError as error:
            report(_unlistable(directory, error.strerror or type(error).__name__))
            continue
        subdirectories = []
        for entry in sorted(listed, key=lambda entry: entry.name):
            if _is_directory(entry):
                if not entry.is_symlink() and not _skipped_directory(directory, entry.name):
                    subdirectories.append(entry.path)
            elif is_dockerfile_name(entry.name):
                yield entry.path
        pending.extend(path for path in reversed(subdirectories) if not exclusions.excludes(path))


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _skipped_directory(parent: str, name: str) -> bool:
    """Directories that hold other people's files: VCS data, dependencies, virtualenvs."""
    return name in SKIPPED_DIRECTORIES or os.path.exists(os.path.join(parent, name, "pyvenv.cfg"))


def _unlistable(directory: str, reason: str) -> str:
    return f"cannot list directory {directory}: {reason} (its Dockerfiles are not linted)"


def _git_listing(top: str, report: ProblemHandler) -> list[str] | None:
    """Dockerfiles under ``top`` that git does not ignore; None when git cannot tell.

    Two listings: tracked files, with those of checked-out submodules (``--others`` cannot
    recurse into submodules), and untracked files not excluded by ``.gitignore``, the global
    excludes file or ``.git/info/exclude``. A directory that is itself ignored, and named on
    the command line, is walked as if outside git, like an ignored file named explicitly.
    """
    names: set[str] = set()
    unreadable: list[tuple[str, str]] = []
    for options in (("--cached", "--recurse-submodules"), ("--others", "--exclude-standard")):
        done = _git(top, "ls-files", "-z", *options)
        if done is None:
            return None
        listed, warnings = done
        names.update(os.fsdecode(entry) for entry in listed.split(b"\0") if entry)
        for match in _GIT_UNREADABLE.finditer(os.fsdecode(warnings)):
            unreadable.append((os.path.join(top, match.group(1)), match.group(2)))
    found = []
    for name in sorted(names):
        parts = name.split("/")
        if not is_dockerfile_name(parts[-1]):
            continue
        path = os.path.join(top, *parts)
        if not _in_skipped_directory(top, parts[:-1]):
            found.append(path)
    if not found and not unreadable and _git(top, "check-ignore", "-q", ".") is not None:
        return None
    for directory, reason in unreadable:
        report(_unlistable(directory.rstrip("/"), reason))
    return found


def _git(top: str, *args: str) -> tuple[bytes, bytes] | None:
    """The output and warnings of a git command run in ``top``; None if it fails or git is
    missing. (Messages in the C locale, so that warnings can be read.)"""
    import subprocess  # only for a tree inside a git work tree, not at every start-up

    try:
        done = subprocess.run(
            ["git", "-C", top, *args],
            capture_output=True,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except OSError:
        return None
    return (done.stdout, done.stderr) if done.returncode == 0 else None


def _in_skipped_directory(top: str, directories: list[str]) -> bool:
    parent = top
    for name in directories:
        if _skipped_directory(parent, name):
            return True
        parent = os.path.join(parent, name)
    return False
