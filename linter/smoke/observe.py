"""Keep watching the container for a while after it answered healthy.

An app can pass its first health check and die a second later: a background task that fails
on startup, a worker that crashes on its first job, memory that grows until the kernel kills
the process. A platform would restart such a container in a loop. So once the app is healthy,
dlint watches it for the observation window (``--observe``, 2 s by default): the container
must still run at its end, and the health path must still answer 2xx.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .container import Endpoint, container_exit
from .health import SAMPLE_TIMEOUT
from .httpprobe import http_get

if TYPE_CHECKING:
    from docker import APIClient

STATE_INTERVAL = 0.1


@dataclass
class Observation:
    """What the window showed; times are seconds from the container's start."""

    window: float
    healthy_at: float
    exit_code: int | None = None
    exit_seconds: float | None = None
    oom_killed: bool = False
    health_status: int | None = None
    answered: bool = False

    @property
    def ok(self) -> bool:
        status = self.health_status
        return self.exit_code is None and status is not None and 200 <= status < 300


def observe(
    client: APIClient,
    container_id: str,
    endpoint: Endpoint,
    health_path: str,
    window: float,
    started: float,
    healthy_at: float,
) -> Observation:
    """Watch until ``window`` seconds after ``healthy_at`` (both from ``started``, monotonic)."""
    result = Observation(window, healthy_at)
    until = started + healthy_at + window
    while True:
        ended = container_exit(client, container_id)
        if ended is not None:
            result.exit_code, result.oom_killed = ended.code, ended.oom_killed
            result.exit_seconds = time.monotonic() - started
            return result
        remaining = until - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(STATE_INTERVAL, remaining))
    answer = http_get(endpoint.host, endpoint.port, health_path, SAMPLE_TIMEOUT)
    if answer is not None:
        result.answered, result.health_status = True, answer.status
        return result
    ended = container_exit(client, container_id)  # no answer: did it just stop?
    if ended is not None:
        result.exit_code, result.oom_killed = ended.code, ended.oom_killed
        result.exit_seconds = time.monotonic() - started
    return result
