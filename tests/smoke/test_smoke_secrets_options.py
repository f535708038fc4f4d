"""Secrets never reach any output; bad input is one line and exit 2, never a traceback."""

from __future__ import annotations

import os
import pty
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import DLINT_SMOKE, smoke

# Canaries: each secret value must never appear in any output; each has its own way in.
API_KEY = "sk-live-envfile-5f2b7c9d1e"  # --env-file, secret by its name
SERVICE_TOKEN = "tok-env-canary-91ab77"  # --env, secret by its name
DATABASE_URL = "postgres://app:hunter2-s3cret@db.internal:5432/app"  # --secret-env
REDIS_PASSWORD = "pw-canary-42xq"  # the password of an unmarked URL
REDIS_URL = f"redis://cache:{REDIS_PASSWORD}@redis.internal:6379/0"
APP_MODE = "visible-mode-value"  # not a secret: shown as the app prints it
API_TOKEN = "sk-build-canary-7f3a9c2e"  # --build-arg, secret by its name
CANARIES = (API_KEY, SERVICE_TOKEN, DATABASE_URL, "hunter2-s3cret", REDIS_PASSWORD, API_TOKEN)


def secret_args(env_file: Path) -> list[str]:
    env_file.write_text(f"# secrets for the smoke run\nAPI_KEY={API_KEY}\n")
    return [
        "--env-file", str(env_file),
        "--env", f"SERVICE_TOKEN={SERVICE_TOKEN}",
        "--env", f"DATABASE_URL={DATABASE_URL}", "--secret-env", "DATABASE_URL",
        "--env", f"REDIS_URL={REDIS_URL}",
        "--env", f"APP_MODE={APP_MODE}",
        "--build-arg", f"API_TOKEN={API_TOKEN}",
    ]  # fmt: skip


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary!r} leaked"


@pytest.mark.parametrize(
    ("app", "output_format", "code"),
    [
        ("leaky-healthy", "text", 0),
        ("leaky-healthy", "json", 0),
        ("echo-secret", "text", 1),
        ("echo-secret", "json", 1),
    ],
)
def test_secret_values_never_appear_in_any_output(
    docker_client: Any, context_of: Callable[[str], Path], app: str, output_format: str, code: int
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context), "--no-config", "--build-arg", f"APP={app}", "--format", output_format,
        *secret_args(context.parent / "smoke.env"),
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == code, run.output
    assert_no_canary(run.output)
    shown = run.output if output_format == "text" else "\n".join(run.report["logs"]["tail"])
    if code or output_format == "json":  # the log tail is shown
        assert "connecting to *** with key ***" in shown
        assert "cache at redis://cache:***@redis.internal:6379/0, token ***, mode " \
            f"{APP_MODE}" in shown  # fmt: skip
    if code:
        assert "could not connect to ***" in run.output


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_secret_build_arg_is_masked_in_the_failing_step_and_its_explanation(
    docker_client: Any, context_of: Callable[[str], Path], output_format: str
) -> None:
    context = context_of("build-secret")
    run = smoke(
        str(context), "--no-config", "--build-arg", "BREAK=yes", "--format", output_format,
        *secret_args(context.parent / "smoke.env"),
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    assert_no_canary(run.output)
    if output_format == "text":
        assert "  fetching with token ***\n" in run.stdout
        assert "  /bin/sh: ***: not found\n" in run.stdout
        assert "Why: `***` is not installed in this stage" in run.stdout
    else:
        assert run.report["build"]["explanation"].startswith("`***` is not installed")


def test_the_live_progress_on_a_terminal_masks_build_output(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("build-secret")
    code, stdout, terminal = smoke_on_terminal(
        [str(context), "--no-config", "--format", "json",
         *secret_args(context.parent / "smoke.env")],
        cwd=context.parent,
    )  # fmt: skip
    assert code == 0, stdout + terminal
    assert "Step 3/4 " in terminal  # the live display (BuildKit's numbers), not plain lines
    assert "fetching with token ***" in terminal
    assert_no_canary(stdout + terminal)


def test_a_kept_image_with_a_secret_build_arg_comes_with_a_warning(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("build-secret")
    run = smoke(
        str(context), "--no-config", "--keep", "--format", "json",
        "--build-arg", f"API_TOKEN={API_TOKEN}",
        cwd=context.parent,
    )  # fmt: skip
    kept = run.report["kept_image"]
    try:
        assert run.code == 0, run.output
        assert_no_canary(run.output)
        assert (
            f"the kept image {kept} holds the values of API_TOKEN in its history (docker history "
            "shows build arguments): do not push it"
        ) in run.report["notes"]
        history = docker_client.api.history(kept)
        assert any(API_TOKEN in layer["CreatedBy"] for layer in history)
    finally:
        docker_client.images.remove(kept)


def smoke_on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """``dlint smoke ARGS`` with stderr on a pseudo-terminal, as in an interactive shell:
    the exit code, stdout, and everything written to the terminal."""
    controller, terminal = pty.openpty()
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(
            [*DLINT_SMOKE, *args],
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1"},
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=terminal,
        )
        os.close(terminal)
        written = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            written.append(chunk)
        os.close(controller)
        code = process.wait(timeout=240)
        stdout.seek(0)
        out = stdout.read().decode()
    return code, out, b"".join(written).decode(errors="replace")


def test_no_engine_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    socket = tmp_path / "no-engine.sock"
    run = smoke("--no-config", cwd=tmp_path, env={"DOCKER_HOST": f"unix://{socket}"})
    assert run.code == 2
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .endswith(f"cannot reach the Docker engine at unix://{socket}; is dockerd running?")
    )
    assert "Traceback" not in run.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "Missing.Dockerfile"], "no such Dockerfile: Missing.Dockerfile"),
        (["--startup-budget", "soon"], "--startup-budget: 'soon' is not a duration"),
        (["--fail-on-log", "("], "--fail-on-log: '(' is not a regular expression"),
        (["--env", "PORT=80"], "set the port with --port"),
        (["--port", "70000"], "--port: 70000 is not a TCP port"),
        (["--network", "host"], "--network host: the container needs its own address"),
        (["--env-file", "absent.env"], "--env-file: cannot read absent.env"),
        (["--memory", "1m"], "--memory: the engine needs at least 6m"),
        (["--memory", "plenty"], "--memory: 'plenty' is not a size"),
        (["--observe", "soon"], "--observe: 'soon' is not a duration"),
        (["--health", "/health now"], "--health: '/health now' must be a path starting with /"),
        (["--secret-env", "A B"], "--secret-env: 'A B' is not a variable name"),
    ],
)
def test_bad_options_are_one_clear_line_and_exit_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    run = smoke("--no-config", *args, cwd=tmp_path)
    assert run.code == 2
    assert message in run.stderr
    assert "Traceback" not in run.output


def test_an_invalid_smoke_table_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "pyproject.toml").write_text('[tool.dlint.smoke]\nbudget = "10s"\n')
    run = smoke(cwd=tmp_path)
    assert run.code == 2
    assert "pyproject.toml: tool.dlint.smoke.budget: unknown key" in run.stderr


def test_an_unknown_network_is_a_usage_error(docker_client: Any, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    run = smoke("--no-config", "--network", "dlint-no-such-network", cwd=tmp_path)
    assert run.code == 2
    assert "--network dlint-no-such-network: no such Docker network" in run.stderr


def test_joining_an_existing_network(docker_client: Any, context_of: Callable[[str], Path]) -> None:
    network = docker_client.networks.create("dlint-smoke-test-net")
    try:
        context = context_of("busybox")
        run = smoke(
            str(context), "--no-config", "--build-arg", "APP=healthy", "--format", "json",
            "--network", network.name,
            cwd=context.parent,
        )  # fmt: skip
    finally:
        network.remove()
    assert run.code == 0, run.output
    assert run.report["startup"]["probe"] == "direct"
