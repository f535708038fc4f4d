"""The issue's acceptance case: a seed-style FastAPI service (builder + runtime stages,
uvicorn on ${PORT:-8000}, /health), built offline on the Debian base image.

The service's startup work takes SEED_STARTUP_SECONDS, and uvicorn binds only after it, so
the time to listen can be no less than that; the rest is Python's own start (imports).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import smoke

STARTUP_SECONDS = 2.5


@pytest.mark.parametrize("probe", ["direct", "published"])
def test_the_seed_service_meets_the_contract_with_correct_times(
    docker_client: Any, base_image: str, context_of: Callable[[str], Path], probe: str
) -> None:
    context = context_of("fastapi-seed")
    run = smoke(
        str(context), "--no-config", "--format", "json", "--probe", probe,
        "--build-arg", f"BASE={base_image}",
        "--env", f"SEED_STARTUP_SECONDS={STARTUP_SECONDS}",
        "--expect-log", "✅ APPLICATION READY",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 0, run.output
    report = run.report
    startup = report["startup"]
    assert STARTUP_SECONDS <= startup["listen_seconds"] <= STARTUP_SECONDS + 3.0
    assert startup["listen_seconds"] <= startup["ready_seconds"] <= startup["listen_seconds"] + 0.5
    assert report["health"]["status"] == 200
    assert report["health"]["latency_ms"] < 100
    assert report["artifacts"] == {"checked": 2, "missing": [], "unreadable": []}
    assert (report["logs"]["errors"], report["logs"]["warnings"]) == ([], [])
    assert report["logs"]["missing_expected"] == []
    assert report["build"]["image_size"] > 100_000_000
