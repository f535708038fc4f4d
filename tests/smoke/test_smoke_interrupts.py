"""Ctrl-C and SIGTERM, mid-boot and mid-build, leave nothing behind (the conftest checks)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import DLINT_SMOKE

RUN_LABEL = "dlint.smoke.run"


def start(context: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*DLINT_SMOKE, str(context), "--no-config", *args],
        cwd=context.parent,
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Poll until ``condition`` holds; fail if dlint ends first (bounded: 60 s)."""
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"dlint ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the awaited state never came")
        time.sleep(0.1)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_probing_removes_container_and_image(
    docker_client: Any, context_of: Callable[[str], Path], signum: int, code: int
) -> None:
    context = context_of("busybox")
    process = start(context, "--build-arg", "APP=never-listens", "--startup-budget", "60s")

    def smoke_container_runs() -> bool:
        found = docker_client.api.containers(filters={"label": RUN_LABEL})
        return any(container["State"] == "running" for container in found)

    wait_for(smoke_container_runs, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert "removed what the run created" in stderr
    assert "Traceback" not in stderr


def test_ctrl_c_during_the_build_stops_it_and_removes_its_layers(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    dockerfile = context / "Dockerfile.slow"
    dockerfile.write_text(
        (context / "Dockerfile").read_text().replace("ARG APP", "RUN sleep 120\nARG APP")
    )
    process = start(context, "-f", str(dockerfile), "--build-arg", "APP=healthy")

    def build_step_runs() -> bool:
        return any(
            "sleep 120" in str(container.get("Command"))
            for container in docker_client.api.containers()
        )

    wait_for(build_step_runs, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
