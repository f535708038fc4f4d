"""Time to listen and time to healthy, and why $PORT did not open: both probe modes, real engine.

``published`` is how dlint works on Docker Desktop (no route to container addresses): these
tests force it here, where docker-proxy really does accept on the published port before the
app listens, so a probe that trusted a bare accept would pass apps that never listen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import smoke

PROBES = ["direct", "published"]


def busybox_app(context: Path, app: str, probe: str, budget: str, *extra: str) -> Any:
    return smoke(
        str(context),
        "--build-arg",
        f"APP={app}",
        "--probe",
        probe,
        "--startup-budget",
        budget,
        "--format",
        "json",
        "--no-config",
        *extra,
        cwd=context.parent,
    )


@pytest.mark.parametrize("probe", PROBES)
def test_listen_time_of_an_app_that_listens_after_two_seconds(
    docker_client: Any, context_of: Callable[[str], Path], probe: str
) -> None:
    run = busybox_app(context_of("busybox"), "slow-listen", probe, "6s")
    assert run.code == 0, run.output
    startup = run.report["startup"]
    assert startup["probe"] == probe
    assert 2.0 <= startup["listen_seconds"] <= 2.8
    assert startup["listen_seconds"] <= startup["ready_seconds"] <= startup["listen_seconds"] + 0.5
    assert startup["ok"] is True
    assert run.report["health"] == {
        "path": "/health",
        "status": 200,
        "latency_ms": run.report["health"]["latency_ms"],
        "slow": False,
        "ok": True,
        "failed_services": [],
    }
    assert run.report["reasons"] == []


@pytest.mark.parametrize("probe", PROBES)
def test_an_app_that_never_listens_fails_at_the_budget(
    docker_client: Any, context_of: Callable[[str], Path], probe: str
) -> None:
    run = busybox_app(context_of("busybox"), "never-listens", probe, "3s")
    assert run.code == 1, run.output
    startup = run.report["startup"]
    assert startup["listen_seconds"] is None
    assert startup["ready_seconds"] is None
    assert 3.0 <= startup["observed_seconds"] <= 4.0
    assert run.report["reasons"] == [
        "nothing accepted connections on $PORT=8080 within the 3 s budget: "
        "nothing listens on any TCP port (expected $PORT=8080)"
    ]


@pytest.mark.parametrize("probe", PROBES)
def test_an_app_bound_to_loopback_only_is_dp006_at_runtime(
    docker_client: Any, context_of: Callable[[str], Path], probe: str
) -> None:
    run = busybox_app(context_of("busybox"), "loopback", probe, "3s")
    assert run.code == 1, run.output
    assert run.report["startup"]["listen_seconds"] is None
    [reason] = run.report["reasons"]
    assert "listens on 127.0.0.1:8080 only, inside the container" in reason
    assert "DP006 at runtime" in reason


@pytest.mark.parametrize("probe", PROBES)
def test_an_app_on_the_wrong_port_is_named(
    docker_client: Any, context_of: Callable[[str], Path], probe: str
) -> None:
    run = busybox_app(context_of("busybox"), "wrong-port", probe, "3s")
    assert run.code == 1, run.output
    [reason] = run.report["reasons"]
    assert "listens on 8000, not $PORT=8080" in reason


def test_an_app_that_exits_at_once_shows_its_exit_code_and_log_tail(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context), "--build-arg", "APP=exits", "--no-config", "--startup-budget", "5s",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    assert "the container exited with code 3" in run.stdout
    assert "Last log lines:\n  ❌ DATABASE_URL is not set" in run.stdout
    assert run.stdout.rstrip().endswith("FAIL")


def test_the_port_option_sets_port_for_the_app(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = busybox_app(context_of("busybox"), "healthy", "direct", "5s", "--port", "9091")
    assert run.code == 0, run.output
    assert run.report["startup"]["ok"] is True
