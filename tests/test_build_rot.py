"""The build-rot rules (DB…) as a whole: quiet on what builds today, "today" pinned."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from dockerfile_dlint.api import Level
from dockerfile_dlint.config import ConfigError, Settings, load_settings
from helpers import CORPUS, lint

# The day the corpus results below are judged on: tests must not change when the calendar does.
AS_OF = "2026-12-07"
# Files of official/ and modern/ where a DB error is right, each with the reason. A new entry
# needs the failing build's cause, not a wish for silence.
EXPLAINED_ERRORS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize("folder", ["official", "modern"])
def test_no_build_rot_errors_on_images_that_build_today(folder: str) -> None:
    settings = Settings(options={"as-of": AS_OF})
    files = sorted((CORPUS / folder).glob("*"))
    assert files
    errors = []
    for path in files:
        result = lint(path.read_bytes(), select=["DB"], settings=settings, path=str(path))
        for finding in result.findings:
            if finding.level is Level.ERROR and (path.name, finding.code) not in EXPLAINED_ERRORS:
                errors.append((path.name, finding.span.line, finding.code, finding.message))
    assert errors == []


def test_as_of_is_read_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / ".dlint.toml"
    config.write_text("as-of = 2024-05-06\n")
    assert load_settings(config).options["as-of"] == date(2024, 5, 6)
    config.write_text('as-of = "2023-01-02"\n')
    assert load_settings(config).options["as-of"] == date(2023, 1, 2)
    config.write_text('as-of = "last tuesday"\n')
    with pytest.raises(ConfigError, match="as-of: must be a date"):
        load_settings(config)


def dlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_bad_as_of_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:bookworm-slim\n")
    done = dlint("check", "--as-of", "2026-13-01", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 2
    assert "--as-of" in done.stderr and "YYYY-MM-DD" in done.stderr
    assert "Traceback" not in done.stderr
