"""Shared by the language server's tests: running ``dlint check`` beside the server, and
reading what either reports in the same terms."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import ROOT
from lspclient import LspClient

Start = Callable[..., LspClient]
EXAMPLE = ROOT / "examples" / "Dockerfile"
DLINT = [sys.executable, "-m", "dockerfile_dlint"]
FIXABLE = "FROM python:3.12-slim\nRUN pip install flask==3.0.3\nCMD python app.py\n"


def check_json(path: Path, *options: str) -> list[dict[str, Any]]:
    """``dlint check --format json`` on ``path``, run in the file's folder."""
    done = subprocess.run(
        [*DLINT, "check", "--format", "json", *options, path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def cli_findings(path: Path, *options: str) -> list[tuple[str, int, int, int, int]]:
    """The command line's findings as (code, range) in the protocol's 0-based terms."""
    return sorted(
        (f["code"], f["line"] - 1, f["column"] - 1, f["end_line"] - 1, f["end_column"] - 1)
        for f in check_json(path, *options)
    )


def lsp_findings(diagnostics: list[dict[str, Any]]) -> list[tuple[str, int, int, int, int]]:
    found = []
    for diagnostic in diagnostics:
        start, end = diagnostic["range"]["start"], diagnostic["range"]["end"]
        found.append(
            (diagnostic["code"], start["line"], start["character"], end["line"], end["character"])
        )
    return sorted(found)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def codes(diagnostics: list[dict[str, Any]]) -> list[str]:
    return sorted(diagnostic.get("code", "") for diagnostic in diagnostics)


def whole(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    return {
        "start": {"line": 0, "character": 0},
        "end": {"line": len(lines) - 1, "character": len(lines[-1])},
    }
