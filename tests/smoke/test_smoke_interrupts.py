"""Ctrl-C and SIGTERM in every phase of a run leave nothing behind (the conftest checks the
engine; each test checks dlint's temporary directory) and end with the documented exit code
and one line naming the phase.

Build and probe are slow by nature (a sleeping build step, an app that never listens); the
other phases are over in milliseconds, so the run is paused in them by ``pausing.py``, which
prints a line the test waits for before sending the signal (for the probe it only prints it,
so that the signal cannot land in the boot just before).
"""

from __future__ import annotations

import secrets
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pausing import ENTERED
from smokehelpers import PAUSING_SMOKE, Running, files_in, isolated_dirs

SIGNALS = [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]


def check_stopped(run: Any, code: int, word: str, phase: str, dirs: dict[str, str]) -> None:
    assert run.code == code, run
    assert run.stderr.strip().splitlines()[-1] == (
        f"dlint smoke: {word} during the {phase}; removed what the run created"
    )
    assert "Traceback" not in run.output
    assert files_in(dirs["TMPDIR"]) == []


@pytest.mark.parametrize(("signum", "code", "word"), SIGNALS)
def test_a_signal_during_the_classic_build_stops_it_and_removes_its_layers(
    docker_client: Any, context_of: Callable[[str], Path], tmp_path: Path,
    signum: int, code: int, word: str,
) -> None:  # fmt: skip
    context = context_of("busybox")
    dockerfile = context / "Dockerfile.slow"
    dockerfile.write_text(
        (context / "Dockerfile").read_text().replace("ARG APP", "RUN sleep 120\nARG APP")
    )
    dirs = isolated_dirs(tmp_path)
    running = Running(
        [str(context), "--no-config", "-f", str(dockerfile), "--build-arg", "APP=healthy",
         "--builder", "classic"],
        cwd=context.parent, env=dirs,
    )  # fmt: skip

    def build_step_runs() -> bool:
        return any("sleep 120" in str(c.get("Command")) for c in docker_client.api.containers())

    running.wait_until(build_step_runs, "the slow build step")
    running.send_signal(signum)
    check_stopped(running.finish(), code, word, "build", dirs)


@pytest.mark.parametrize(("signum", "code", "word"), SIGNALS)
def test_a_signal_during_a_buildkit_build_stops_the_cli_and_the_step(
    docker_client: Any, context_of: Callable[[str], Path], tmp_path: Path,
    signum: int, code: int, word: str,
) -> None:  # fmt: skip
    """BuildKit runs a step in no container the engine lists: the step's process (a sleep
    of a length of its own, to be told from others on the machine) and the CLI must be gone
    once dlint is."""
    context = context_of("busybox")
    marker = f"sleep {secrets.randbelow(900_000) + 100_000}"
    dockerfile = context / "Dockerfile.slow"
    dockerfile.write_text(
        (context / "Dockerfile").read_text().replace("ARG APP", f"RUN {marker}\nARG APP")
    )
    dirs = isolated_dirs(tmp_path)
    running = Running(
        [str(context), "--no-config", "-f", str(dockerfile), "--build-arg", "APP=healthy",
         "--builder", "buildkit"],
        cwd=context.parent, env=dirs,
    )  # fmt: skip
    running.wait_until(lambda: bool(processes_with(marker)), "the slow build step")
    running.send_signal(signum)
    check_stopped(running.finish(), code, word, "build", dirs)
    deadline = time.monotonic() + 15  # the engine cancels the step once the CLI has gone
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with(marker) == []
    assert processes_with(str(dockerfile)) == []  # no docker build left running


def processes_with(text: str) -> list[str]:
    """Command lines of this machine's processes that contain ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


@pytest.mark.parametrize(("signum", "code", "word"), SIGNALS)
def test_a_signal_while_probing_removes_container_and_image(
    docker_client: Any, context_of: Callable[[str], Path], tmp_path: Path,
    signum: int, code: int, word: str,
) -> None:  # fmt: skip
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    running = Running(
        ["enter:measure_startup", str(context), "--no-config", "--build-arg", "APP=never-listens",
         "--startup-budget", "60s"],
        cwd=context.parent, env=dirs, command=PAUSING_SMOKE,
    )  # fmt: skip
    running.wait_for_stderr(f"{ENTERED}measure_startup\n")
    running.send_signal(signum)
    check_stopped(running.finish(), code, word, "probe", dirs)


@pytest.mark.parametrize(
    ("function", "phase"),
    [
        ("missing_artifacts", "artifact check"),
        ("start_container", "boot"),
        ("sample_health", "health check"),
        ("observe", "observation"),
        ("container_logs", "logs"),
    ],
)
@pytest.mark.parametrize(("signum", "code", "word"), SIGNALS)
def test_a_signal_in_each_later_phase_removes_everything(
    docker_client: Any, context_of: Callable[[str], Path], tmp_path: Path,
    function: str, phase: str, signum: int, code: int, word: str,
) -> None:  # fmt: skip
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    running = Running(
        [f"pause:{function}", str(context), "--no-config", "--build-arg", "APP=healthy"],
        cwd=context.parent, env=dirs, command=PAUSING_SMOKE,
    )  # fmt: skip
    running.wait_for_stderr(f"{ENTERED}{function}\n")
    running.send_signal(signum)
    check_stopped(running.finish(), code, word, phase, dirs)
