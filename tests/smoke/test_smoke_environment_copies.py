"""dlint smoke names a copied environment (DP010) when the container fails as one fails: the
static side finds the COPY --from lines, the explanation matches the symptom to them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.environment_copies import EnvironmentCopy, environment_copies
from dockerfile_dlint.smoke.explain import explain_container_failure
from smokehelpers import smoke

VENV_COPY = EnvironmentCopy(5, "COPY --from=builder /opt/venv /venv", "python")
NODE_COPY = EnvironmentCopy(7, "COPY --from=deps /app/node_modules ./node_modules", "node")


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("/bin/sh: 1: /venv/bin/uvicorn: /opt/venv/bin/python: bad interpreter: "
         "No such file or directory", "bad interpreter"),
        ("exec /venv/bin/gunicorn: no such file or directory", "a script's interpreter"),
        ("standard_init_linux.go:228: exec user process caused: no such file or directory",
         "a script's interpreter"),
        ("/venv/bin/python3.12: No such file or directory", "a link to the builder's"),
        ("sh: /venv/bin/python: not found", "a link to the builder's"),
        ("ImportError: Error loading shared library libgcc_s.so.1: No such file or directory "
         "(needed by /venv/lib/python3.11/site-packages/pydantic_core/_pydantic_core.so)",
         "another C library"),
        ("Traceback (most recent call last):\nModuleNotFoundError: No module named 'fastapi'",
         "lib/pythonX.Y"),
    ],
)  # fmt: skip
def test_python_symptoms_point_at_the_copy(output: str, expected: str) -> None:
    explanation = explain_container_failure(output, [NODE_COPY, VENV_COPY])
    assert explanation is not None
    assert expected in explanation
    assert "line 5 `COPY --from=builder /opt/venv /venv`" in explanation
    assert "line 7" not in explanation and "(DP010" in explanation


def test_node_symptoms_point_at_the_node_modules_copy() -> None:
    output = (
        "Error: Error loading shared library ld-linux-x86-64.so.2: No such file or directory "
        "(needed by /app/node_modules/bcrypt/lib/binding/bcrypt_lib.node)"
    )
    explanation = explain_container_failure(output, [VENV_COPY, NODE_COPY])
    assert explanation is not None and "line 7 `COPY --from=deps" in explanation
    assert "line 5" not in explanation


def test_no_copy_of_that_kind_no_explanation() -> None:
    assert explain_container_failure("ModuleNotFoundError: No module named 'x'", []) is None
    assert explain_container_failure("bad interpreter", [NODE_COPY]) is None
    assert explain_container_failure("Address already in use", [VENV_COPY]) is None


def test_the_static_side_lists_the_final_stages_environment_copies(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.12-slim AS builder\n"
        "WORKDIR /app\n"
        "RUN python -m venv /opt/venv && npm ci\n"
        "FROM python:3.12-slim AS other\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
        "FROM python:3.11-slim\n"
        "COPY --from=builder /opt/venv /venv\n"
        "COPY --from=builder /app /app\n"
        "COPY --from=builder /app/static /static\n"
    )
    copies = environment_copies(dockerfile, tmp_path)
    assert copies == [
        EnvironmentCopy(7, "COPY --from=builder /opt/venv /venv", "python"),
        EnvironmentCopy(8, "COPY --from=builder /app /app", "node"),
    ]
    assert environment_copies(dockerfile, tmp_path, target="other") == [
        EnvironmentCopy(5, "COPY --from=builder /opt/venv /opt/venv", "python")
    ]
    assert environment_copies(tmp_path / "missing", tmp_path) == []


def test_a_moved_virtualenv_fails_the_boot_and_smoke_points_at_the_copy(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("venv-moved")
    run = smoke(
        str(context), "--no-config", "--format", "json", "--startup-budget", "3s",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["build"]["ok"] is True
    assert report["startup"]["exit_code"] == 1
    explanation = report["startup"]["explanation"]
    assert explanation.startswith("the container failed with `exec /venv/bin/serve: no such file")
    assert "line 12 `COPY --from=builder /opt/venv /venv`" in explanation
