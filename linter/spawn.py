"""Start a helper program (ShellCheck) on the start-up path of ``dlint check``, and wait for it.

``subprocess`` takes 2 ms to import, and with a ``preexec_fn`` (the way to set a child's
memory limit before it runs) it forks the whole dlint process: another 2 ms for a ~60 MB
process, paid by every pre-commit run. ``os.posix_spawn`` starts the program without copying
dlint's memory, and the memory limit is set on the child from outside (``prlimit``, Linux)
as soon as it exists: the program has then only begun to load. Where there is no
``posix_spawn`` (Windows), ``subprocess`` does the work, without a memory limit.

A child's standard input is the null device; its output and errors go to files, so that
waiting for one child never depends on another's pipe being drained.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

# Waiting without pidfd_open (macOS): how often to look, growing to at most this.
POLL_SECONDS = 0.05


class Child:
    """A started program: wait for it with :meth:`wait`, stop it with :meth:`kill`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float) -> int | None:
        """The exit code (negative: killed by that signal), or None when the program is
        still running after ``timeout`` seconds."""
        if self.returncode is None:
            status = _wait_status(self.pid, timeout)
            if status is not None:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        """Stop the program at once and reap it (nothing is left behind)."""
        if self.returncode is not None:
            return
        import signal

        os.kill(self.pid, signal.SIGKILL)  # a child not yet reaped: its pid is still ours
        _, status = os.waitpid(self.pid, 0)
        self.returncode = os.waitstatus_to_exitcode(status)


def spawn(argv: Sequence[str], stdout: str, stderr: str, data_limit: int | None = None) -> Child:
    """Start ``argv`` (``argv[0]`` a path, or a name looked up on ``PATH``) with its output
    written to the file ``stdout`` and its errors to ``stderr`` (both created or truncated).
    ``data_limit`` bounds its data size in bytes where the system allows (``RLIMIT_DATA``).

    Raises :class:`OSError` when the program cannot be started (not found, not executable).
    """
    if not hasattr(os, "posix_spawnp"):
        return _spawn_with_subprocess(argv, stdout, stderr)
    write = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout, write, 0o600),
        (os.POSIX_SPAWN_OPEN, 2, stderr, write, 0o600),
    ]
    pid = os.posix_spawnp(argv[0], list(argv), os.environ, file_actions=actions)
    if data_limit is not None:
        _limit_data(pid, data_limit)
    return Child(pid)


def _limit_data(pid: int, limit: int) -> None:
    """Lower process ``pid``'s data size limit to ``limit`` (never above its hard limit)."""
    prlimit = getattr(resource, "prlimit", None)
    if prlimit is None:  # pragma: no cover - only Linux has prlimit
        return
    try:
        _, hard = prlimit(pid, resource.RLIMIT_DATA)
        soft = limit if hard == resource.RLIM_INFINITY else min(hard, limit)
        prlimit(pid, resource.RLIMIT_DATA, (soft, hard))
    except OSError:  # it has already ended (its exit code is still there to read)
        pass


def _wait_status(pid: int, timeout: float) -> int | None:
    """The wait status of our child ``pid`` once it ends, or None if it runs past ``timeout``
    seconds (it is then still running, and not reaped)."""
    descriptor = _process_descriptor(pid)
    if descriptor is not None:  # Linux: sleep until the process ends
        import select

        try:
            readable, _, _ = select.select([descriptor], [], [], timeout)
        finally:
            os.close(descriptor)
        return os.waitpid(pid, 0)[1] if readable else None
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        ended, status = os.waitpid(pid, os.WNOHANG)
        if ended:
            return status
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        time.sleep(min(pause, left))
        pause = min(pause * 2, POLL_SECONDS)


def _process_descriptor(pid: int) -> int | None:
    """A file descriptor that becomes readable when process ``pid`` ends (Linux 5.3 and
    later), or None where the system has none."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        return int(pidfd_open(pid))
    except OSError:  # a kernel older than the Python that runs here
        return None


def _spawn_with_subprocess(argv: Sequence[str], stdout: str, stderr: str) -> Child:
    """Without ``posix_spawn``: ``subprocess`` starts the program (no memory limit)."""
    import subprocess

    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    return _PopenChild(process)


class _PopenChild(Child):
    """A :class:`Child` started by ``subprocess``."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        super().__init__(process.pid)
        self.process = process

    def wait(self, timeout: float) -> int | None:
        import subprocess

        try:
            self.returncode = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        return self.returncode

    def kill(self) -> None:
        self.process.kill()
        self.returncode = self.process.wait()
