"""Faults: the engine going away, unreadable input, the kernel's OOM killer, a crash after the
app is healthy, a build that never ends, ``--keep``. Each must end with one clear message, the
documented exit code, and nothing left: not in the engine (the fixtures check it after every
test), not in dlint's temporary directory, not in its state directory.

The engine is stopped in the middle of a run by stopping a private dockerd that the tests
started (:mod:`privateengine`), never the machine's shared one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from privateengine import PrivateEngine
from smokehelpers import DLINT_SMOKE, Running, files_in, isolated_dirs, smoke

RUN_LABEL = "dlint.smoke.run"
WAITING = "waiting up to 30 s for it to come back"
# A build step that runs until stopped, and stops at once on SIGTERM (PID 1 ignores SIGTERM
# without a trap, and dockerd's shutdown would wait 10 s for it).
ENDLESS_STEP = "RUN trap 'exit 143' TERM; sleep 600 & wait"
HEALTHY = ["--build-arg", "APP=healthy"]
NEVER_LISTENS = ["--build-arg", "APP=never-listens", "--startup-budget", "60s"]


def endless_build(context: Path) -> Path:
    dockerfile = context / "Dockerfile.endless"
    text = (context / "Dockerfile").read_text()
    dockerfile.write_text(text.replace("ARG APP", f"{ENDLESS_STEP}\nARG APP"))
    return dockerfile


def build_step_runs(engine: PrivateEngine) -> bool:
    client = engine.client()
    try:
        return any("sleep 600" in str(c.get("Command")) for c in client.containers())
    finally:
        client.close()


def smoke_container_runs(engine: PrivateEngine) -> bool:
    client = engine.client()
    try:
        found = client.containers(filters={"label": RUN_LABEL})
        return any(container["State"] == "running" for container in found)
    finally:
        client.close()


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.mark.parametrize("builder", ["classic", "buildkit"])
def test_the_engine_going_away_mid_build_is_exit_2_and_cleaned_up_when_it_is_back(
    stoppable_engine: PrivateEngine, context_of: Callable[[str], Path], tmp_path: Path,
    builder: str,
) -> None:  # fmt: skip
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    args = [str(context), "-f", str(endless_build(context)), "--no-config", *HEALTHY,
            "--builder", builder]  # fmt: skip
    running = Running(args, cwd=context.parent, env={"DOCKER_HOST": stoppable_engine.host, **dirs})
    if builder == "classic":
        running.wait_until(lambda: build_step_runs(stoppable_engine), "the endless build step")
    else:  # BuildKit's steps run in no container the engine lists: the step line says it
        running.wait_for_stderr(f"Step 3/4 : {ENDLESS_STEP}\n")
        time.sleep(1)
    stoppable_engine.stop()
    running.wait_for_stderr(WAITING)
    stoppable_engine.start()
    run = running.finish()
    assert run.code == 2, run
    assert last_line(run.stderr) == (
        f"dlint: error: the Docker engine at {stoppable_engine.host} stopped answering during the "
        "build; the engine came back; removed what the run created"
    )
    assert "Traceback" not in run.output
    assert files_in(dirs["TMPDIR"]) == []
    assert files_in(dirs["XDG_STATE_HOME"]) == []


def test_the_engine_going_away_mid_run_is_exit_2_and_cleaned_up_when_it_is_back(
    stoppable_engine: PrivateEngine, context_of: Callable[[str], Path], tmp_path: Path
) -> None:
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    args = [str(context), "--no-config", *NEVER_LISTENS]
    running = Running(args, cwd=context.parent, env={"DOCKER_HOST": stoppable_engine.host, **dirs})
    running.wait_until(lambda: smoke_container_runs(stoppable_engine), "the smoke container")
    stoppable_engine.stop()
    running.wait_for_stderr(WAITING)
    stoppable_engine.start()
    run = running.finish()
    assert run.code == 2, run
    # dockerd stops its containers before it stops answering: dlint may see the container
    # end (probe) and then lose the engine while reading its logs.
    assert re.fullmatch(
        f"dlint: error: the Docker engine at {stoppable_engine.host} stopped answering during "
        "the (probe|logs); the engine came back; removed what the run created",
        last_line(run.stderr),
    ), run.stderr
    assert "Traceback" not in run.output
    assert files_in(dirs["TMPDIR"]) == []
    assert files_in(dirs["XDG_STATE_HOME"]) == []


def test_what_a_run_could_not_remove_is_recorded_and_removed_by_the_next_run(
    stoppable_engine: PrivateEngine, context_of: Callable[[str], Path], tmp_path: Path
) -> None:
    """The engine does not come back while dlint waits (SIGTERM ends the wait): the layers it
    built are recorded, and the next run on that engine removes them before building."""
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    env = {"DOCKER_HOST": stoppable_engine.host, **dirs}
    before = stoppable_engine.state()
    args = [str(context), "-f", str(endless_build(context)), "--no-config", *HEALTHY,
            "--builder", "classic"]  # fmt: skip
    running = Running(args, cwd=context.parent, env=env)
    running.wait_until(lambda: build_step_runs(stoppable_engine), "the endless build step")
    stoppable_engine.stop()
    running.wait_for_stderr(WAITING)
    running.send_signal(15)
    run = running.finish()
    assert run.code == 143, run
    [recorded] = Path(dirs["XDG_STATE_HOME"]).glob("dlint/smoke-cleanup/*.json")
    assert last_line(run.stderr) == (
        f"dlint smoke: the Docker engine at {stoppable_engine.host} stopped answering during "
        f"the build; terminated while waiting for it; what the run created is recorded in "
        f"{recorded}; the next dlint smoke on this engine removes it"
    )
    record = json.loads(recorded.read_text())
    assert record["engine"] == stoppable_engine.host
    assert record["images"]
    stoppable_engine.start()
    left = stoppable_engine.state()["images"] - before["images"]
    assert len(left) == len(record["images"])

    after = smoke(
        str(context), "--no-config", "--build-arg", "APP=healthy", "--format", "json",
        cwd=context.parent, env=env,
    )  # fmt: skip
    assert after.code == 0, after.output
    swept = f"removed what an earlier run ({record['run']}) left when the engine went away"
    assert swept in after.report["notes"]
    assert files_in(dirs["XDG_STATE_HOME"]) == [str(recorded.parent.parent), str(recorded.parent)]
    assert files_in(dirs["TMPDIR"]) == []


def without_read_override() -> list[str]:
    """dlint as a user who cannot read a mode-000 file (root reads anything, so root runs it
    without the capabilities that let it)."""
    if os.geteuid() != 0:
        return DLINT_SMOKE
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's read override")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *DLINT_SMOKE]


def test_a_missing_build_context_is_exit_2(tmp_path: Path) -> None:
    run = smoke(str(tmp_path / "absent"), "--no-config", cwd=tmp_path)
    assert run.code == 2
    assert f"build context is not a directory: {tmp_path / 'absent'}" in last_line(run.stderr)


@pytest.mark.parametrize(
    ("unreadable", "message"),
    [
        (".", "cannot read the build context {context}: Permission denied"),
        ("Dockerfile", "cannot read the Dockerfile {context}/Dockerfile: Permission denied"),
        ("apps/healthy.sh", "cannot read the build context: {context}/apps/healthy.sh: "
         "Permission denied"),
        ("apps", "cannot read the build context: {context}/apps: Permission denied"),
    ],
)  # fmt: skip
def test_an_unreadable_context_or_dockerfile_is_exit_2_and_leaves_nothing(
    docker_client: Any,
    context_of: Callable[[str], Path],
    tmp_path: Path,
    unreadable: str,
    message: str,
) -> None:
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    command = without_read_override()
    target = context / unreadable
    target.chmod(0)
    try:
        running = Running(
            [str(context), "--no-config", "--build-arg", "APP=healthy"],
            cwd=context.parent, env=dirs, command=command,
        )  # fmt: skip
        run = running.finish()
    finally:
        target.chmod(0o755)
    assert run.code == 2, run
    assert message.format(context=context) in last_line(run.stderr)
    assert "Traceback" not in run.output
    assert files_in(dirs["TMPDIR"]) == []


def test_an_app_killed_for_memory_is_reported_as_oom(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context), "--no-config", "--build-arg", "APP=oom", "--memory", "32m",
        "--startup-budget", "5s", "--format", "json",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["startup"]["exit_code"] == 137
    assert report["startup"]["oom_killed"] is True
    assert report["startup"]["memory_limit"] == 32 * 1024 * 1024
    [reason] = report["reasons"]
    assert reason.startswith("the container exited with code 137 ")
    assert reason.endswith(": killed for running out of memory (OOM, --memory 32m)")


def test_a_crash_after_the_app_is_healthy_fails_the_run(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context), "--no-config", "--build-arg", "APP=crash-after-healthy",
        "--startup-budget", "5s", "--observe", "4s",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    out = run.stdout
    assert "the container exited with code 4 " in out
    assert "after it answered healthy (observed for 4 s)" in out
    assert "Last log lines:" in out
    assert "❌ background worker crashed: queue connection lost" in out
    assert re.search(r"^Observation +4 s after healthy: exited with code 4 at ", out, re.M)


def test_the_crash_is_not_seen_without_observation(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context), "--no-config", "--build-arg", "APP=crash-after-healthy", "--observe", "0",
        "--format", "json",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 0, run.output
    assert run.report["observation"]["window_seconds"] is None
    assert run.report["health"]["ok"] is True


@pytest.mark.parametrize(("builder", "step"), [("classic", "4/7"), ("buildkit", "3/4")])
def test_a_build_that_never_ends_is_stopped_at_the_timeout_and_nothing_is_kept(
    docker_client: Any, context_of: Callable[[str], Path], tmp_path: Path, builder: str, step: str
) -> None:
    context = context_of("busybox")
    dirs = isolated_dirs(tmp_path)
    run = smoke(
        str(context), "-f", str(endless_build(context)), "--no-config",
        "--build-arg", "APP=healthy", "--timeout", "3s", "--keep", "--format", "json",
        "--builder", builder,
        cwd=context.parent, env=dirs,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["reasons"] == [
        f"build failed at step {step} ({ENDLESS_STEP}): the build did not finish within "
        "--timeout (3 s)"
    ]
    assert 3.0 <= report["build"]["seconds"] < 30.0
    assert report["kept_image"] is None
    assert files_in(dirs["TMPDIR"]) == []


def test_keep_after_a_failed_build_keeps_nothing(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("copy-missing")
    run = smoke(str(context), "--no-config", "--keep", "--format", "json", cwd=context.parent)
    assert run.code == 1, run.output
    assert run.report["kept_image"] is None


def test_keep_on_a_multi_stage_build_keeps_the_image_and_its_ancestors_only(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    """The builder stage's layers are no ancestors of the kept image: they are removed, so
    that removing the kept image later leaves nothing behind."""
    api = docker_client.api
    before = set(api.images(all=True, quiet=True))
    context = context_of("artifact-missing")
    run = smoke(
        str(context), "--no-config", "--keep", "--startup-budget", "3s", "--format", "json",
        cwd=context.parent,
    )  # fmt: skip
    kept = run.report["kept_image"]
    assert kept is not None, run.output
    try:
        ancestry = set()
        image: str | None = api.inspect_image(kept)["Id"]
        while image:
            ancestry.add(image)
            image = api.inspect_image(image)["Parent"] or None
        assert set(api.images(all=True, quiet=True)) - before == ancestry
    finally:
        docker_client.images.remove(kept)
