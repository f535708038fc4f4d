"""Connect to the Docker engine the way the docker CLI does: DOCKER_HOST first, then the
current docker context (Docker Desktop installs one), then the platform's default socket.

An engine that does not answer is not a failed smoke test but a run that could not happen:
:class:`EngineUnreachable` carries the one line the command prints before exiting 2. An
engine that stops answering during a run (dockerd stopped or crashed, Docker Desktop quit) is
:class:`EngineLost`; what the run created is then removed when the engine comes back (see
:mod:`run` and :mod:`pending`).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docker import APIClient

# Per-request read timeout; the build stream, which can be silent for minutes, gets its own.
API_TIMEOUT = 60
# A ping must answer quickly: it decides whether the engine is still there.
PING_TIMEOUT = 3.0
PING_INTERVAL = 0.5
DEFAULT_ADDRESS = (
    "npipe:////./pipe/docker_engine" if sys.platform == "win32" else "unix:///var/run/docker.sock"
)


class EngineUnreachable(Exception):
    """No Docker engine answered at the address dlint was pointed to."""


class EngineLost(Exception):
    """The engine stopped answering in the middle of a run."""


def engine_answers(client: APIClient) -> bool:
    """True when the engine answers a ping within a few seconds.

    Asked after any failure of a request: a refused or broken connection, a stream cut short
    or a build that failed while dockerd shut down all look alike until the engine is asked.
    """
    try:
        response = client.get(f"{client.base_url}/_ping", timeout=PING_TIMEOUT)
    except Exception:  # requests' connection errors and timeouts: the engine is not there
        return False
    return bool(response.ok)


def wait_for_engine(client: APIClient, seconds: float, stop: Callable[[], bool]) -> bool:
    """Ping until the engine answers (True), ``seconds`` pass or ``stop()`` says to give up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop():
        if engine_answers(client):
            return True
        time.sleep(PING_INTERVAL)
    return False


@dataclass(frozen=True)
class Engine:
    """A connected engine: the client, where it is, and whether it shares this machine's kernel.

    ``local`` is False for remote hosts and for Docker Desktop, whose engine runs in a VM: the
    probe cannot reach container addresses there.
    """

    client: APIClient
    address: str
    local: bool


def connect() -> Engine:
    """An engine that has answered, or :class:`EngineUnreachable`."""
    import docker

    address, tls = _endpoint()
    try:
        if os.environ.get("DOCKER_HOST"):
            client = docker.from_env(timeout=API_TIMEOUT).api
        else:
            client = docker.APIClient(
                base_url=address, tls=tls, timeout=API_TIMEOUT, version="auto"
            )
        info = client.info()
    except Exception as error:  # DockerException, requests' connection errors, bad URLs
        message = f"cannot reach the Docker engine at {address}; is dockerd running?"
        raise EngineUnreachable(message) from error
    local = address.startswith("unix://") and "Docker Desktop" not in str(
        info.get("OperatingSystem", "")
    )
    return Engine(client, address, local)


def _endpoint() -> tuple[str, Any]:
    """The engine address and TLS settings, as the docker CLI would choose them."""
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"], False
    try:
        from docker.context import ContextAPI

        context = ContextAPI.get_current_context()
        if context is not None and context.Host:
            return str(context.Host), context.TLSConfig or False
    except Exception:  # an unreadable context falls back to the default socket
        pass
    return DEFAULT_ADDRESS, False
