"""A non-root image that cannot reach what it copied under /root: caught by DP009 before the
build, and by smoke's artifact check in the built image, with the reason named."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smokehelpers import smoke


def test_a_non_root_image_that_cannot_enter_root_is_caught_statically_and_by_smoke(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("artifact-unreadable")
    static = subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--no-config", "--select", "DP009",
         str(context / "Dockerfile")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert static.returncode == 1, static.stdout + static.stderr
    assert "Dockerfile:16:34: DP009" in static.stdout
    assert "app cannot enter /root — /root is mode 0700, owned by root" in static.stdout

    run = smoke(
        str(context), "--no-config", "--format", "json", "--startup-budget", "3s",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["build"]["ok"] is True
    assert report["artifacts"]["missing"] == []
    [unreadable] = report["artifacts"]["unreadable"]
    assert unreadable == {
        "path": "/root/.local",
        "user": "app (uid 1000)",
        "reason": "cannot enter /root: mode 0700, owner uid 0, group gid 0",
    }
    assert report["reasons"][0].startswith(
        "not usable by the runtime user app (uid 1000): /root/.local: cannot enter /root: "
        "mode 0700, owner uid 0, group gid 0: the Python packages and their console scripts, "
        "from `pip install --user` in stage builder"
    )
    assert "uvicorn" in " ".join(report["reasons"][1:])  # and the container cannot start


def test_the_text_report_names_the_user_and_the_closed_directory(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("artifact-unreadable")
    run = smoke(str(context), "--no-config", "--startup-budget", "3s", cwd=context.parent)
    assert run.code == 1, run.output
    assert (
        "Artifact not usable by app (uid 1000): /root/.local: cannot enter /root: mode 0700"
    ) in run.stdout
    assert "1 of 1 present, 1 not usable by the runtime user" in run.stdout
