"""Lint many files, in parallel when there are several: one job per file, results in order.

Linting a file is a pure function of the job and the selection (:func:`lint_job`), and its
result is plain picklable data, so the files can be shared out among worker processes and the
output is the same, in content and order, whatever the number of workers. Steps that need every
file at once (a batch over all files' shell scripts) belong after :func:`lint_jobs`, in the
parent process.

A process pool costs more to start (importing multiprocessing, starting the workers) than
linting a few dozen files, so a single file never starts one, and without ``-j`` a run gets a
process per ``MIN_FILES_PER_WORKER`` files, up to the number of CPUs: a pre-commit hook on a
few Dockerfiles lints them in its own process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .engine import FileResult, ShellBodiesHook, lint_bytes, lint_file
from .records import Value
from .selection import Selection

# Chunks per worker: fewer round trips than one file at a time, while still sharing the
# work out evenly when file sizes differ.
CHUNKS_PER_WORKER = 8
# Files that make a worker process worth starting (linting takes about 2 ms a file).
MIN_FILES_PER_WORKER = 100


class Job(Value):
    """One file to lint: read from ``path``, or ``data`` already read (standard input)."""

    _fields = ("path", "display", "context", "data")
    __slots__ = _fields

    def __init__(
        self, path: str, display: str, context: Path | None, data: bytes | None = None
    ) -> None:
        self.path = path
        self.display = display
        self.context = context
        self.data = data


def available_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's under a CPU affinity mask)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def automatic_workers(files: int) -> int:
    """Worker processes for ``files`` files when ``-j`` is not given."""
    return max(1, min(available_cpus(), files // MIN_FILES_PER_WORKER))


def lint_job(
    job: Job, selection: Selection, on_shell_bodies: ShellBodiesHook | None = None
) -> FileResult:
    if job.data is not None:
        return lint_bytes(job.data, job.display, selection, job.context, on_shell_bodies)
    return lint_file(Path(job.path), job.display, selection, job.context, on_shell_bodies)


def lint_jobs(
    jobs: Sequence[Job],
    selection: Selection,
    workers: int,
    on_shell_bodies: ShellBodiesHook | None = None,
) -> list[FileResult]:
    """Results in the order of ``jobs``, linted in ``workers`` processes (one per job at most).
    ``on_shell_bodies`` (see :func:`engine.lint_source`) is called for jobs linted here, in
    this process, not for those of a pool."""
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [lint_job(job, selection, on_shell_bodies) for job in jobs]
    return _lint_in_pool(jobs, selection, workers)


def _lint_in_pool(jobs: Sequence[Job], selection: Selection, workers: int) -> list[FileResult]:
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(jobs) // (workers * CHUNKS_PER_WORKER))
    executor = ProcessPoolExecutor(workers, initializer=_set_selection, initargs=(selection,))
    try:
        return list(executor.map(_lint_in_worker, jobs, chunksize=chunk))
    finally:
        executor.shutdown(cancel_futures=True)


# The selection of the run, sent once to each worker rather than with every job.
_worker_selection: Selection | None = None


def _set_selection(selection: Selection) -> None:
    global _worker_selection
    _worker_selection = selection


def _lint_in_worker(job: Job) -> FileResult:
    assert _worker_selection is not None, "worker started without a selection"
    return lint_job(job, _worker_selection)
