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
_BUSTER = (
    "a Debian 10 buster base (node:lts-buster, rust:buster, their last images) runs apt-get "
    "update: buster left deb.debian.org by 2025-07-14, and these builds fail today with "
    "'does not have a Release file' (github.com/DDMAL/Rodan/issues/1316)"
)
EXPLAINED_ERRORS: dict[tuple[str, str], str] = {
    ("awesome-compose__react-express-mongodb_backend.Dockerfile", "DB001"): _BUSTER,
    ("awesome-compose__react-express-mongodb_frontend.Dockerfile", "DB001"): _BUSTER,
    ("awesome-compose__react-rust-postgres_backend.Dockerfile", "DB001"): _BUSTER,
}


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


def test_as_of_decides_what_date_dependent_rules_report(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:jessie\nRUN apt-get update\n")
    before = dlint("check", "--select", "DB001", "--as-of", "2020-01-01", "Dockerfile",
                   cwd=tmp_path)  # fmt: skip
    after = dlint("check", "--select", "DB001", "--as-of", "2026-12-07", "Dockerfile",
                  cwd=tmp_path)  # fmt: skip
    assert (before.returncode, before.stdout.count("DB001")) == (0, 0)
    assert (after.returncode, after.stdout.count("DB001")) == (1, 1)
    (tmp_path / ".dlint.toml").write_text("as-of = 2020-01-01\n")
    configured = dlint("check", "--select", "DB001", "Dockerfile", cwd=tmp_path)
    overridden = dlint("check", "--select", "DB001", "--as-of", "2026-12-07", "Dockerfile",
                       cwd=tmp_path)  # fmt: skip
    assert configured.returncode == 0 and overridden.returncode == 1
