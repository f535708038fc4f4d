"""Running ``dlint smoke`` the way users do (a child process) and reading what it said."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "smoke"
DLINT_SMOKE = [sys.executable, "-m", "dockerfile_dlint", "smoke"]


@dataclass(frozen=True)
class SmokeRun:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def smoke(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 240
) -> SmokeRun:
    """``dlint smoke ARGS`` in a child process, with colour off."""
    done = subprocess.run(
        [*DLINT_SMOKE, *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return SmokeRun(done.returncode, done.stdout, done.stderr)


def remove_images_made_since(api: Any, before: set[str]) -> None:
    """Remove the images a test built directly with the SDK (children before parents)."""
    import docker

    for _ in range(5):
        made = set(api.images(all=True, quiet=True)) - before
        if not made:
            return
        for image in made:
            with contextlib.suppress(docker.errors.APIError):
                api.remove_image(image, force=True, noprune=True)
