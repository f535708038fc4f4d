"""Shared helpers for tests: lint text with chosen rules, load rule fixture cases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import tomllib
from dockerfile_dlint.config import Settings
from dockerfile_dlint.engine import FileResult, lint_bytes
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.selection import build_selection

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "rules"
CORPUS = ROOT.parent / "shared" / "corpus"


def lint(
    text: str | bytes,
    select: list[str] | None = None,
    context: Path | None = None,
    settings: Settings | None = None,
    path: str = "Dockerfile",
) -> FileResult:
    """Lint Dockerfile text with the given rules (default: every rule enabled by default)."""
    selection = build_selection(settings or Settings(), all_rules(), select or ())
    data = text.encode() if isinstance(text, str) else text
    return lint_bytes(data, path, selection, context)


def positions(result: FileResult, code: str | None = None) -> list[list[int]]:
    return [
        [finding.span.line, finding.span.column]
        for finding in result.findings
        if code is None or finding.code == code
    ]


def fixture_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(FIXTURES.glob("*.toml")):
        with path.open("rb") as handle:
            for case in tomllib.load(handle)["case"]:
                cases.append((path.stem, case))
    return cases


def modules_loaded_by(args: list[str], cwd: Path | None = None) -> tuple[str, set[str]]:
    """Run ``dlint ARGS`` in a fresh interpreter: its standard output, and every module it
    had imported when the command ended (what a start-up path costs)."""
    code = (
        "import sys\n"
        "from dockerfile_dlint.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout, set(done.stderr.split())
