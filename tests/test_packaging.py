"""The wheel users install holds every module of the source tree, under the import package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import ROOT


def test_wheel_contains_every_module(tmp_path: Path) -> None:
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("linter", "rules"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dockerfile_dlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"dockerfile_dlint/py.typed"}
    expected.update(
        "dockerfile_dlint/" + path.relative_to(ROOT / "linter").as_posix()
        for path in (ROOT / "linter").rglob("*.py")
    )
    expected.update(
        "dockerfile_dlint/rules/" + path.relative_to(ROOT / "rules").as_posix()
        for path in (ROOT / "rules").rglob("*.py")
    )
    assert expected - names == set()
    assert any(name.endswith("entry_points.txt") for name in names)
