"""The two probes the host can make: a bare TCP connect, and a timed HTTP GET.

Both return quickly with "no" rather than raising: the probe loop calls them every 10 ms
until the app answers, and a refused connection is the normal answer for the first seconds.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass

MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class HttpAnswer:
    """A complete HTTP response: status, body (first 64 KiB) and latency in seconds."""

    status: int
    body: bytes
    latency: float

    @property
    def success(self) -> bool:
        return 200 <= self.status < 300


def tcp_accepts(host: str, port: int, timeout: float) -> bool:
    """True when something accepts a TCP connection at host:port within ``timeout``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_get(host: str, port: int, path: str, timeout: float) -> HttpAnswer | None:
    """GET ``path``; None unless a whole response arrives (a bare accept is not an answer)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close", "User-Agent": "dlint"})
        response = connection.getresponse()
        body = response.read(MAX_BODY)
        return HttpAnswer(response.status, body, time.monotonic() - started)
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()
