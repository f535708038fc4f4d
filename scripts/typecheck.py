"""Run mypy on the package as it is installed: ``linter/`` as dockerfile_dlint, ``rules/`` inside.

setuptools maps the folders onto the import package (``package-dir``), which mypy cannot
follow; this links the files into that shape in a temporary directory, type-checks it, and
prints mypy's report with the repository's own paths.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="dlint-typecheck-") as temp:
        package = Path(temp) / "dockerfile_dlint"
        package.mkdir()
        for entry in (ROOT / "linter").iterdir():
            if entry.name != "__pycache__":
                (package / entry.name).symlink_to(entry)
        (package / "rules").symlink_to(ROOT / "rules")
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "-p",
                "dockerfile_dlint",
            ],
            cwd=temp,
            capture_output=True,
            text=True,
            check=False,
        )
    report = (result.stdout + result.stderr).replace("dockerfile_dlint/rules/", "rules/")
    sys.stdout.write(report.replace("dockerfile_dlint/", "linter/"))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
