"""What dlint smoke looks for in the built image, from the static model."""

from __future__ import annotations

from pathlib import Path

from dockerfile_dlint.artifacts import expected_artifacts

DOCKERFILE = """\
FROM python:3.11-slim AS builder
ARG HOME_DIR=/root
RUN python -m venv /opt/venv && /opt/venv/bin/pip install prisma playwright
RUN /opt/venv/bin/prisma generate && /opt/venv/bin/playwright install chromium
FROM python:3.11-slim AS runtime
COPY --from=builder /opt/venv /venv
COPY --from=builder /root/.cache /home/app/.cache
RUN --mount=type=cache,target=/root/.cache pip install --user httpx
"""


def test_outputs_are_expected_where_the_copies_put_them(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    found = {a.path: a for a in expected_artifacts(dockerfile, tmp_path)}
    assert set(found) == {
        "/root/.local",
        "/venv",
        "/home/app/.cache/prisma-python",
        "/home/app/.cache/ms-playwright",
    }
    engines = found["/home/app/.cache/prisma-python"]
    assert engines.pattern == "prisma-query-engine-*" and engines.line == 4
    assert "stage builder" in engines.description


def test_target_stage_and_build_args(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11 AS base\nARG USERBASE=/opt/user\nENV PYTHONUSERBASE=$USERBASE\n"
        "RUN pip install --user uvicorn\nFROM base AS test\nRUN true\nFROM scratch\n"
    )
    assert [a.path for a in expected_artifacts(dockerfile, tmp_path, "test")] == ["/opt/user"]
    paths = [a.path for a in expected_artifacts(dockerfile, tmp_path, "base", {"USERBASE": "/u"})]
    assert paths == ["/u"]
    assert expected_artifacts(dockerfile, tmp_path) == []
    assert expected_artifacts(dockerfile, tmp_path, "missing") == []
