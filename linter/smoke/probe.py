"""Measure, from container start, when the app listens on $PORT and when it is healthy.

Two ways to see the app, chosen by :mod:`routes`:

- ``direct``: TCP connects to the container's own address every 10 ms. Only the app can
  accept there, so the first accepted connect is the moment it listens.
- ``published``: the host cannot reach container addresses (Docker Desktop), so PORT is
  published on 127.0.0.1. There, docker-proxy (or Desktop's forwarder) accepts every connect
  whether or not the app listens, so an accept proves nothing. The app counts as listening
  only on real evidence: a complete HTTP response, or a LISTEN on PORT in the container's own
  socket table (polled in a thread with ``docker exec``).

Health (the first 2xx from the health path) is probed the same way in both modes. The loop
ends at the first 2xx, when the container exits, or when the budget is spent: promptly, since
no single probe may outlast what is left of the budget.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .container import Endpoint, container_exit
from .httpprobe import HttpAnswer, http_get, tcp_accepts
from .sockets import ListeningSocket, SocketTableReader

if TYPE_CHECKING:
    from docker import APIClient

INTERVAL = 0.01
STATE_INTERVAL = 0.1
SOCKET_TABLE_INTERVAL = 0.1
CONNECT_TIMEOUT = 0.2
REQUEST_TIMEOUT = 1.0


@dataclass
class Startup:
    """What the probe saw; times are seconds from the container's start."""

    mode: str
    budget: float
    endpoint: Endpoint | None = None
    listen_seconds: float | None = None
    ready_seconds: float | None = None
    observed_seconds: float = 0.0
    exit_code: int | None = None
    exit_seconds: float | None = None
    oom_killed: bool = False
    last_answer: HttpAnswer | None = None
    sockets: list[ListeningSocket] | None = None
    socket_table_readable: bool = True

    @property
    def ok(self) -> bool:
        return (
            self.exit_code is None
            and self.listen_seconds is not None
            and self.ready_seconds is not None
            and max(self.listen_seconds, self.ready_seconds) <= self.budget
        )


def measure_startup(
    client: APIClient,
    container_id: str,
    endpoint: Endpoint | None,
    mode: str,
    port: int,
    health_path: str,
    budget: float,
    started: float,
) -> Startup:
    """Probe until healthy, exited, or ``budget`` seconds after ``started`` (monotonic)."""
    result = Startup(mode, budget, endpoint)
    reader = SocketTableReader(client, container_id)
    watcher = _ListenWatcher(reader, port) if mode == "published" else None
    if watcher is not None:
        watcher.start()
    deadline = started + budget
    next_state_check = 0.0
    try:
        while (now := time.monotonic()) <= deadline:
            if now >= next_state_check:
                next_state_check = now + STATE_INTERVAL
                ended = container_exit(client, container_id)
                if ended is not None:
                    result.exit_code, result.exit_seconds = ended.code, now - started
                    result.oom_killed = ended.oom_killed
                    break
            if endpoint is not None and _probe_once(result, endpoint, health_path, started):
                break
            if watcher is not None and watcher.listening_at is not None:
                _saw_listen(result, watcher.listening_at - started)
            time.sleep(max(0.0, INTERVAL - (time.monotonic() - now)))
    finally:
        if watcher is not None:
            watcher.stop()
    result.observed_seconds = time.monotonic() - started
    if watcher is not None and watcher.listening_at is not None:
        _saw_listen(result, watcher.listening_at - started)
    if result.ready_seconds is None and result.exit_code is None:
        if result.listen_seconds is None:
            result.sockets = reader.read()
            result.socket_table_readable = result.sockets is not None
        final = container_exit(client, container_id)
        if final is not None:
            result.exit_code, result.exit_seconds = final.code, result.observed_seconds
            result.oom_killed = final.oom_killed
    return result


def _probe_once(result: Startup, endpoint: Endpoint, path: str, started: float) -> bool:
    """One round of probes; True once the health path answered 2xx within the budget."""
    deadline = started + result.budget
    remaining = max(deadline - time.monotonic(), 0.001)
    if result.mode == "direct" and result.listen_seconds is None:
        if not tcp_accepts(endpoint.host, endpoint.port, min(CONNECT_TIMEOUT, remaining)):
            return False
        _saw_listen(result, time.monotonic() - started)
        remaining = max(deadline - time.monotonic(), 0.001)
    answer = http_get(endpoint.host, endpoint.port, path, min(REQUEST_TIMEOUT, remaining))
    if answer is None:
        return False
    now = time.monotonic()
    result.last_answer = answer
    _saw_listen(result, now - started)
    if answer.success and now <= deadline:
        result.ready_seconds = now - started
        return True
    return False


def _saw_listen(result: Startup, seconds: float) -> None:
    if result.listen_seconds is None or seconds < result.listen_seconds:
        result.listen_seconds = seconds


class _ListenWatcher:
    """Polls the container's socket table until PORT shows a reachable LISTEN."""

    def __init__(self, reader: SocketTableReader, port: int) -> None:
        self.reader = reader
        self.port = port
        self.listening_at: float | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dlint-listen-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stopped.is_set():
            sockets = self.reader.read()
            if sockets is None:
                return
            if any(s.port == self.port and not s.loopback_only for s in sockets):
                self.listening_at = time.monotonic()
                return
            self._stopped.wait(SOCKET_TABLE_INTERVAL)
