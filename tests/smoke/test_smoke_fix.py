"""``dlint check --fix`` proved by booting the image: the seed's builder/runtime Dockerfile
(fixtures/smoke/fix-seed) builds, then fails ``dlint smoke`` because the runtime stage misses
the Prisma query engine (DP002) and ~/.local/bin on PATH (DP004); ``--fix`` adds the missing
``COPY --from`` and ``ENV PATH``, and the fixed file passes the artifact check and boots.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smokehelpers import FIXTURES, SmokeRun, smoke

ADDED = [
    "COPY --from=builder /root/.cache/prisma-python /root/.cache/prisma-python",
    'ENV PATH="/root/.local/bin:$PATH"',
]


def dlint_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``dlint check`` on the context's Dockerfile, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--no-config", *args, "Dockerfile"],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


def with_app(context: Path) -> Path:
    """The fix-seed context with fastapi-seed's app in it (one app for both fixtures)."""
    shutil.copytree(FIXTURES / "fastapi-seed" / "seed_app", context / "seed_app")
    return context


def smoke_seed(context: Path, base_image: str) -> SmokeRun:
    return smoke(
        str(context), "--no-config", "--format", "json", "--startup-budget", "5s",
        "--build-arg", f"BASE={base_image}", "--env", "SEED_STARTUP_SECONDS=0.5",
        "--expect-log", "✅ APPLICATION READY",
        cwd=context.parent,
    )  # fmt: skip


def added_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; a removed or changed line fails the test."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "--fix removed a line"
    return [line[2:] for line in diff if line.startswith("+ ")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_check_fix_adds_the_engine_copy_and_the_path_once(tmp_path: Path, newline: str) -> None:
    context = tmp_path / "fix-seed"
    shutil.copytree(FIXTURES / "fix-seed", context)
    dockerfile = context / "Dockerfile"
    before = dockerfile.read_text().replace("\n", newline)
    dockerfile.write_bytes(before.encode())
    found = dlint_check("--format", "json", cwd=context)
    assert found.returncode == 1
    assert [finding["code"] for finding in json.loads(found.stdout)] == ["DP002", "DP004"]

    fixed = dlint_check("--fix", cwd=context)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed 2 findings in 1 file" in fixed.stderr
    after = dockerfile.read_bytes().decode()
    assert after.count("\r\n") == (after.count("\n") if newline == "\r\n" else 0)
    assert added_lines(before, after) == ADDED

    again = dlint_check("--fix", cwd=context)
    assert again.returncode == 0 and dockerfile.read_bytes().decode() == after


def test_the_unfixed_seed_builds_and_fails_dlint_smoke(
    docker_client: Any, base_image: str, context_of: Callable[[str], Path]
) -> None:
    run = smoke_seed(with_app(context_of("fix-seed")), base_image)
    assert run.code == 1, run.output
    report = run.report
    assert report["build"]["ok"] is True
    [missing] = report["artifacts"]["missing"]
    assert missing["path"] == "/root/.cache/prisma-python"
    assert report["startup"]["exit_code"] == 127
    assert "sh: 1: exec: uvicorn: not found" in report["logs"]["tail"]
    assert report["health"]["status"] is None


def test_the_seed_fixed_by_check_fix_passes_dlint_smoke(
    docker_client: Any, base_image: str, context_of: Callable[[str], Path]
) -> None:
    context = with_app(context_of("fix-seed"))
    fixed = dlint_check("--fix", cwd=context)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    run = smoke_seed(context, base_image)
    assert run.code == 0, run.output
    report = run.report
    assert report["artifacts"] == {"checked": 2, "missing": [], "unreadable": []}
    assert report["startup"]["ok"] is True
    assert report["health"]["status"] == 200
    assert report["health"]["failed_services"] == []
    assert report["logs"]["missing_expected"] == []
    assert report["reasons"] == []
