"""``dlint check --fix`` and ``--diff``: fixed files written in place (atomically), fixed
standard input written to standard output, or the changes shown as a unified diff."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .messages import echo_stderr

if TYPE_CHECKING:
    from .runner import Job
    from .selection import Selection


def fix_files(
    jobs: list[Job],
    selection: Selection,
    write: bool,
    unsafe: bool,
    only: list[str],
    limit: int,
) -> list[Job]:
    """Fix each file (--fix) or print what would change (--diff); fixed stdin goes to stdout.

    Files are rewritten atomically (see :func:`_write_atomically`); a file that cannot be
    written is left as it was, and said so. A file over the size limit is not fixed, and
    standard input over it goes through to standard output unchanged: ``--fix -`` in a pipe
    must never lose input. Returns the jobs to lint afterwards: stdin's with the fixed text.
    """
    from .fixing import FixOutcome, fix_bytes, wanted_fixes

    wanted = wanted_fixes(unsafe, only, selection)
    fixed_findings = fixed_files = 0
    updated = []
    for job in jobs:
        data, skipped = (job.data, None) if job.data is not None else _read(job.path, limit)
        if data is not None and len(data) > limit:
            skipped = TOO_LARGE_TO_FIX
        outcome = FixOutcome(None, 0, skipped)
        if data and not skipped:
            outcome = fix_bytes(data, job.display, selection, job.context, wanted)
        if outcome.skipped:
            echo_stderr(f"dlint: {job.display}: {outcome.skipped}")
        if outcome.data is None:
            if job.data is not None and write:
                sys.stdout.buffer.write(job.data)
                if len(job.data) > limit:
                    _pass_through_stdin()
            updated.append(job)
            continue
        if not write:
            assert data is not None
            sys.stdout.write(_unified_diff(job.display, data, outcome.data))
        elif job.data is not None:
            sys.stdout.buffer.write(outcome.data)
            job = job.replace(data=outcome.data)
        else:
            try:
                _write_atomically(Path(job.path), outcome.data)
            except OSError as error:
                reason = error.strerror or type(error).__name__
                echo_stderr(f"dlint: {job.display}: fixes not written: {reason}")
                updated.append(job)
                continue
        fixed_findings += outcome.fixed
        fixed_files += 1
        updated.append(job)
    verb = "fixed" if write else "would fix"
    findings = "finding" if fixed_findings == 1 else "findings"
    files = "file" if fixed_files == 1 else "files"
    echo_stderr(f"dlint: {verb} {fixed_findings} {findings} in {fixed_files} {files}")
    return updated


TOO_LARGE_TO_FIX = "over the size limit (--max-file-size): not fixed"


def _read(path: str, limit: int) -> tuple[bytes | None, str | None]:
    """The file's bytes for fixing, or None and why it is not fixed (nothing to say when it
    cannot be read: the lint that follows reports that)."""
    from .engine import FileTooLarge, read_file

    try:
        return read_file(path, limit), None
    except FileTooLarge:
        return None, TOO_LARGE_TO_FIX
    except OSError:
        return None, None


def _pass_through_stdin() -> None:
    """Copy the rest of standard input to standard output a chunk at a time: input over the
    size limit goes back whole without being held in memory."""
    import shutil

    sys.stdout.buffer.flush()
    shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)


def _unified_diff(display: str, before: bytes, after: bytes) -> str:
    import difflib

    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, display, display))


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path``'s content by ``data`` in one rename, so that a reader, a crash or an
    interruption sees the old file or the new one, never a part, and no temporary file stays.

    The temporary file is written in the directory of the file the path resolves to (a
    symlinked Dockerfile keeps its link, and its target gets the fixes), flushed to disk
    before the rename, and given the file's mode, and its owner when this process may.
    """
    import tempfile

    target = Path(os.path.realpath(path))
    info = target.stat()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, info.st_mode & 0o7777)
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid
