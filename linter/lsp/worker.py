"""One thread that lints, one job at a time, beside the server's event loop.

Linting is Python work that holds the interpreter's lock, so more threads would not lint
faster; one thread keeps the event loop free to read the editor's messages, drop lints made
stale by newer text (a job cancelled before it starts never runs) and answer other requests.
The thread is a daemon: when the editor says exit, the process exits, even in the middle of a
lint of text nobody will see.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...]]


class LintThread:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._work, name="dlint-lint", daemon=True).start()

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``function(*args)`` after the jobs before it; its result or exception comes
        in the future, which may be cancelled until the job starts."""
        future: Future[T] = Future()
        self._jobs.put((future, function, args))
        return future

    def _work(self) -> None:
        while True:
            future, function, args = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function(*args))
            except BaseException as error:  # the caller hears of it; the thread goes on
                future.set_exception(error)
