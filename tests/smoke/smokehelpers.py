"""Running ``dlint smoke`` the way users do (a child process) and reading what it said."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "smoke"
DLINT_SMOKE = [sys.executable, "-m", "dockerfile_dlint", "smoke"]
# dlint smoke with one function of dockerfile_dlint.smoke.run paused (see pausing.py).
PAUSING_SMOKE = [sys.executable, str(Path(__file__).with_name("pausing.py"))]


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
    """``dlint smoke ARGS`` in a child process, with colour off, and with a temporary
    directory of its own that must be empty when it is done."""
    with tempfile.TemporaryDirectory(prefix="dlint-smoke-tmp-") as temp:
        done = subprocess.run(
            [*DLINT_SMOKE, *args],
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", "TMPDIR": temp, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        left = files_in(temp)
    assert not left, f"dlint smoke left temporary files: {left}"
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


class Running:
    """``dlint smoke`` running in the background, its output collected as it comes."""

    def __init__(
        self, args: list[str], cwd: Path, env: dict[str, str] | None = None,
        command: list[str] = DLINT_SMOKE,
    ) -> None:  # fmt: skip
        self.process = subprocess.Popen(
            [*command, *args],
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stdout: list[bytes] = []
        self.stderr: list[bytes] = []
        self.readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr)),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, into: list[bytes]) -> None:
        for line in iter(stream.readline, b""):
            into.append(line)

    @property
    def errors_so_far(self) -> str:
        return b"".join(self.stderr).decode(errors="replace")

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        """Poll ``condition``; fail (after stopping dlint) if it ends first or never holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                run = self.finish()
                pytest.fail(f"dlint ended before {what}: {run}")
            if time.monotonic() > deadline:
                self.process.kill()
                run = self.finish()
                pytest.fail(f"never saw {what}: {run}")
            time.sleep(0.05)

    def wait_for_stderr(self, text: str, timeout: float = 90) -> None:
        self.wait_until(lambda: text in self.errors_so_far, repr(text), timeout)

    def send_signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 120) -> SmokeRun:
        code = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        out = b"".join(self.stdout).decode(errors="replace")
        return SmokeRun(code, out, self.errors_so_far)


def isolated_dirs(base: Path) -> dict[str, str]:
    """Environment giving dlint its own temporary and state directories, so that a test can
    check that it left nothing in either."""
    temp, state = base / "tmp", base / "state"
    temp.mkdir()
    state.mkdir()
    return {"TMPDIR": str(temp), "XDG_STATE_HOME": str(state)}


def files_in(directory: str) -> list[str]:
    return sorted(str(path) for path in Path(directory).rglob("*"))
