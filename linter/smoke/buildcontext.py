"""The build context as the engine receives it: a tar archive, made before the build starts.

The Docker SDK would make it inside the build call, in a named temporary file, on the thread
that reads the build stream: an unreadable file would then look like a broken build, and a run
stopped at the wrong moment could leave the file behind. Made here, with the SDK's own
functions (``.dockerignore``, a Dockerfile outside the context), it lives in an anonymous
temporary file (gone with the process, whatever ends it), and a file dlint cannot read is
:class:`ContextUnreadable`: the user's to fix, exit 2, before the engine has built anything.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

DOCKERIGNORE = ".dockerignore"


class ContextUnreadable(Exception):
    """A file or directory of the build context could not be read."""


@dataclass(frozen=True)
class ContextArchive:
    """The archive, and the Dockerfile's name inside it."""

    file: IO[bytes]
    dockerfile: str


@contextmanager
def context_archive(context: Path, dockerfile: Path) -> Iterator[ContextArchive]:
    """The context of ``dockerfile`` as a tar archive, removed when the block ends."""
    from docker.api.build import process_dockerfile
    from docker.utils import tar

    root = context.resolve()
    with tempfile.TemporaryFile(prefix="dlint-context-") as handle:
        try:
            exclude = _dockerignore(context)
            name, contents = process_dockerfile(str(dockerfile.resolve()), str(root))
            tar(root, exclude=exclude, dockerfile=(name, contents), fileobj=handle)
        except OSError as error:
            raise ContextUnreadable(_describe(error)) from None
        yield ContextArchive(handle, str(name))


def check_context_readable(context: Path, dockerfile: Path) -> None:
    """What :func:`context_archive` checks, without making the archive: for BuildKit, whose
    CLI sends the context itself and would report an unreadable file as a failed build.

    Every file and directory BuildKit would send must be readable; :class:`ContextUnreadable`
    otherwise. BuildKit reads ``<Dockerfile>.dockerignore`` beside the Dockerfile in place of
    the context's ``.dockerignore`` when there is one.
    """
    from docker.utils.build import exclude_paths

    root = context.resolve()
    name = os.path.relpath(dockerfile.resolve(), root)
    own = dockerfile.with_name(dockerfile.name + DOCKERIGNORE)
    patterns = _ignore_patterns(own) if own.is_file() else _dockerignore(context)
    try:
        for relative in sorted(exclude_paths(str(root), patterns or [], name)):
            path = root / relative
            if path.is_dir() and not path.is_symlink():
                with os.scandir(path):
                    pass
            elif path.is_file() and not path.is_symlink():
                path.open("rb").close()
    except OSError as error:
        raise ContextUnreadable(_describe(error)) from None


def _dockerignore(context: Path) -> list[str] | None:
    """The patterns of ``.dockerignore``, read as the SDK reads them."""
    path = context / DOCKERIGNORE
    if not path.exists():
        return None
    return _ignore_patterns(path)


def _ignore_patterns(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _describe(error: OSError) -> str:
    """``PATH: reason`` from the SDK's wrapped error or a plain OSError."""
    cause = error.__cause__ if isinstance(error.__cause__, OSError) else error
    path = cause.filename or str(error).removeprefix("Can not read file in context: ")
    reason = cause.strerror or str(cause)
    return f"cannot read the build context: {path}: {reason}"
