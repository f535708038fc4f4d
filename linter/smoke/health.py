"""Judge the health endpoint against the deployment contract.

Healthy means: a 2xx answer; when the body is a JSON object, a ``status`` of healthy, ok or
pass, and every boolean under ``services`` true (nested tables are followed, so
``{"db": {"primary": false}}`` names ``db.primary``). Latency is measured on warm requests
made once the app is ready, because that is what a platform's health checks meet; above
100 ms it is a warning, not a failure.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .container import Endpoint
from .httpprobe import HttpAnswer, http_get
from .printable import printable

HEALTHY_STATUSES = ("healthy", "ok", "pass")
SLOW_MS = 100.0
SAMPLES = 3
SAMPLE_TIMEOUT = 2.0


@dataclass
class Health:
    """The verdict on the health path; ``problems`` say why it is not ok."""

    path: str
    status: int | None = None
    latency_ms: float | None = None
    ok: bool = False
    failed_services: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def slow(self) -> bool:
        return self.latency_ms is not None and self.latency_ms > SLOW_MS


def sample_health(endpoint: Endpoint, path: str) -> tuple[HttpAnswer | None, float | None]:
    """The last of a few warm requests, and their median latency in milliseconds."""
    answers = [http_get(endpoint.host, endpoint.port, path, SAMPLE_TIMEOUT) for _ in range(SAMPLES)]
    answered = [answer for answer in answers if answer is not None]
    if len(answered) < len(answers):
        return None, None
    return answered[-1], statistics.median(a.latency for a in answered) * 1000


def judge_health(path: str, answer: HttpAnswer | None, latency_ms: float | None) -> Health:
    """The verdict on one answer (None: the app stopped answering)."""
    health = Health(path)
    if answer is None:
        health.problems.append(f"GET {path} got no answer")
        return health
    health.status = answer.status
    health.latency_ms = latency_ms if latency_ms is not None else answer.latency * 1000
    if not answer.success:
        health.problems.append(f"GET {path} answered {answer.status}{_excerpt(answer.body)}")
    document = _json_object(answer.body)
    if document is not None:
        status = document.get("status")
        if not isinstance(status, str) or status.lower() not in HEALTHY_STATUSES:
            health.problems.append(
                f'GET {path}: "status" is {json.dumps(status)}, not one of '
                + ", ".join(HEALTHY_STATUSES)
            )
        services = document.get("services")
        if isinstance(services, Mapping):
            health.failed_services = _false_booleans(services, "")
        if health.failed_services:
            health.problems.append(
                f"GET {path}: services not healthy: {', '.join(health.failed_services)}"
            )
    health.ok = not health.problems
    return health


def _json_object(body: bytes) -> Mapping[str, Any] | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document if isinstance(document, Mapping) else None


def _false_booleans(table: Mapping[str, Any], prefix: str) -> list[str]:
    failed = []
    for name, value in table.items():
        if value is False:
            failed.append(prefix + str(name))
        elif isinstance(value, Mapping):
            failed.extend(_false_booleans(value, f"{prefix}{name}."))
    return failed


def _excerpt(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip().replace("\r", " ").replace("\n", " ")
    text = printable(text)
    if not text:
        return ""
    return ": " + (text if len(text) <= 200 else text[:200] + "…")
