"""Starting a helper program without ``subprocess``: exit codes, output files, the memory
limit, time-outs and kills, with ``pidfd_open`` and without, and the ``subprocess`` path of
systems without ``posix_spawn``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from dockerfile_dlint import spawn as spawn_module
from dockerfile_dlint.spawn import Child, spawn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell commands")

ONE_GIB = 1 << 30


@pytest.fixture(params=["pidfd", "polling", "old kernel", "subprocess"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs as on Linux (pidfd_open), as on macOS (polling), as on a Linux older
    than its Python (pidfd_open fails: polling), and as on a system without posix_spawn
    (subprocess)."""
    if request.param == "old kernel":
        monkeypatch.setattr(os, "pidfd_open", _no_pidfd_open, raising=False)
    elif request.param != "pidfd":
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    if request.param == "subprocess":
        monkeypatch.delattr(os, "posix_spawnp")
    return str(request.param)


def _no_pidfd_open(pid: int, flags: int = 0) -> int:
    raise OSError(38, "Function not implemented")


def start(tmp_path: Path, script: str, data_limit: int | None = None) -> Child:
    return spawn(["sh", "-c", script], str(tmp_path / "out"), str(tmp_path / "err"), data_limit)


def test_output_errors_and_exit_code(tmp_path: Path, way: str) -> None:
    child = start(tmp_path, "read line; echo out:$line; echo problem >&2; exit 3")
    assert child.wait(10) == 3
    assert (tmp_path / "out").read_text() == "out:\n"  # standard input is empty
    assert (tmp_path / "err").read_text() == "problem\n"


def test_a_program_still_running_after_the_timeout_is_none_until_killed(
    tmp_path: Path, way: str
) -> None:
    child = start(tmp_path, "sleep 30")
    began = time.monotonic()
    assert child.wait(0.2) is None
    assert 0.15 <= time.monotonic() - began < 5
    child.kill()
    assert child.returncode is not None and child.returncode != 0
    with pytest.raises(ChildProcessError):  # reaped: no zombie left
        os.waitpid(child.pid, os.WNOHANG)
    child.kill()  # a second kill does nothing


def test_a_program_that_ends_during_the_wait_is_seen_at_once(tmp_path: Path, way: str) -> None:
    child = start(tmp_path, "sleep 0.2")
    began = time.monotonic()
    assert child.wait(20) == 0
    assert time.monotonic() - began < 5
    assert child.wait(0) == 0  # asked again: the same answer


def test_a_missing_program_is_an_os_error(tmp_path: Path, way: str) -> None:
    with pytest.raises(OSError):
        spawn([str(tmp_path / "missing")], str(tmp_path / "out"), str(tmp_path / "err"))


@pytest.mark.skipif(not hasattr(spawn_module.resource, "prlimit"), reason="needs prlimit")
def test_the_data_size_limit_is_set_on_the_program(tmp_path: Path) -> None:
    child = start(tmp_path, "sleep 0.1; ulimit -d", data_limit=ONE_GIB)
    assert child.wait(10) == 0
    assert int((tmp_path / "out").read_text()) * 1024 == ONE_GIB
    unlimited = start(tmp_path, "ulimit -d")
    assert unlimited.wait(10) == 0
    assert (tmp_path / "out").read_text().strip() != str(ONE_GIB // 1024)
