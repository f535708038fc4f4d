"""dlint check --fix, --diff and --fix-only as users run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BROKEN = "FROM debian:12\nMAINTAINER Jane <jane@example.com>\nCMD python app.py\n"
FIXED = 'FROM debian:12\nLABEL maintainer="Jane <jane@example.com>"\nCMD ["python", "app.py"]\n'


def dlint(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--select", "DL4000,DL3025", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_fix_rewrites_in_place_keeping_the_mode(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(BROKEN)
    dockerfile.chmod(0o640)
    result = dlint("--fix", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert dockerfile.read_text() == FIXED
    assert dockerfile.stat().st_mode & 0o777 == 0o640
    assert "fixed 2 findings in 1 file" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]  # no temporary file left
    again = dlint("--fix", cwd=tmp_path)
    assert dockerfile.read_text() == FIXED and "fixed 0 findings" in again.stderr


def test_diff_changes_nothing_and_exits_as_without_fixes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BROKEN)
    result = dlint("--diff", cwd=tmp_path)
    assert result.returncode == 1
    assert (tmp_path / "Dockerfile").read_text() == BROKEN
    assert result.stdout.startswith("--- Dockerfile\n+++ Dockerfile\n")
    assert '+LABEL maintainer="Jane <jane@example.com>"\n' in result.stdout
    assert "DL4000" in result.stderr  # the findings still show, on stderr


def test_fix_only_and_stdin(tmp_path: Path) -> None:
    result = dlint("--fix", "--fix-only", "DL3025", "-", cwd=tmp_path, stdin=BROKEN)
    assert result.stdout == BROKEN.replace("CMD python app.py", 'CMD ["python", "app.py"]')
    assert "DL4000" in result.stderr and "DL3025" not in result.stderr
    assert result.returncode == 1


def test_invalid_utf8_is_not_rewritten(tmp_path: Path) -> None:
    data = b"FROM debian:12\nMAINTAINER J\xe9r\xf4me\n"
    (tmp_path / "Dockerfile").write_bytes(data)
    result = dlint("--fix", cwd=tmp_path)
    assert (tmp_path / "Dockerfile").read_bytes() == data
    assert "not valid UTF-8" in result.stderr


def test_fix_and_diff_together_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BROKEN)
    result = dlint("--fix", "--diff", cwd=tmp_path)
    assert result.returncode == 2 and "choose one" in result.stderr
