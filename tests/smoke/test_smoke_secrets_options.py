"""Secrets never reach any output; bad input is one line and exit 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import smoke

DATABASE_URL = "postgres://app:hunter2-s3cret@db.internal:5432/app"
API_KEY = "sk-live-5f2b7c9d1e"


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_env_values_never_appear_in_any_output(
    docker_client: Any, context_of: Callable[[str], Path], output_format: str
) -> None:
    context = context_of("busybox")
    env_file = context.parent / "smoke.env"
    env_file.write_text(f"# secrets for the smoke run\nAPI_KEY={API_KEY}\n")
    run = smoke(
        str(context),
        "--no-config",
        "--build-arg",
        "APP=echo-secret",
        "--env",
        f"DATABASE_URL={DATABASE_URL}",
        "--env-file",
        str(env_file),
        "--format",
        output_format,
        cwd=context.parent,
    )
    assert run.code == 1, run.output
    for secret in (DATABASE_URL, API_KEY, "hunter2-s3cret"):
        assert secret not in run.output
    assert "connecting to *** with key ***" in run.output
    assert "could not connect to ***" in run.output


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
