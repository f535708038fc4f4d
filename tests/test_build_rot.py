"""The build-rot rules (DB…) as a whole: quiet on what builds today, "today" pinned."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from dockerfile_dlint.api import Level
from dockerfile_dlint.config import ConfigError, Settings, load_settings
from dockerfile_dlint.smoke.buildlog import BuildStep
from dockerfile_dlint.smoke.explain import explain_build_failure
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


def build_step(number: int, instruction: str, *output: str) -> BuildStep:
    return BuildStep(number, 3, instruction, 0.0, output=list(output))


@pytest.mark.parametrize(
    ("instruction", "output", "expected"),
    [
        ("RUN apt-get update",
         ["E: The repository 'http://deb.debian.org/debian jessie Release' does not have a "
          "Release file."], "repositories of jessie are gone"),
        ("RUN apt-get update",
         ["W: Failed to fetch http://deb.debian.org/debian/dists/jessie/main/binary-amd64/"
          "Packages  404  Not Found"], "(DB001)"),
        ("RUN yum install -y httpd",
         ["Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7&arch=x86_64"],
         "(DB001)"),
        ("RUN apt-get install -y libpq5", ["E: Unable to locate package libpq5"], "(DB004)"),
        ("RUN apt-get update && apt-get install -y python-pip",
         ["E: Unable to locate package python-pip"], "python-pip is not in this release"),
        ("RUN pip3 install requests", ["error: externally-managed-environment"], "(DB007)"),
        ("RUN apt-get install -y curl", ["/bin/sh: 1: apt-get: not found"], "(DB005)"),
        ("RUN curl -fsSL https://example.com", ["/bin/sh: 1: curl: not found"], "(DB006)"),
        ("RUN curl -fsSL https://bootstrap.pypa.io/get-pip.py | python",
         ["ERROR: This script does not work on Python 3.6. The minimum supported Python "
          "version is 3.9."], "(DB002)"),
    ],
)  # fmt: skip
def test_failed_builds_are_explained_by_the_db_rule_and_the_step(
    instruction: str, output: list[str], expected: str
) -> None:
    steps = [build_step(1, "FROM debian:jessie"), build_step(2, instruction, *output)]
    explanation = explain_build_failure("returned a non-zero code", steps[1], steps)
    assert explanation is not None and expected in explanation
    assert f"step 2/3 (`{instruction}`)" in explanation


def test_a_third_party_repository_stays_dp001_and_pip_user_stays_dp004() -> None:
    failed = build_step(
        2,
        "RUN apt-get update",
        "E: The repository 'https://repo.example.com stable Release' does not have a Release file.",
    )
    assert "(DP001)" in (explain_build_failure("", failed, [failed]) or "")
    steps = [
        build_step(1, "RUN pip install --user prisma"),
        build_step(2, "RUN prisma generate", "/bin/sh: 1: prisma: not found"),
    ]
    assert "(DP004)" in (explain_build_failure("", steps[1], steps) or "")


def test_a_buildkit_step_names_its_stage_base_and_line_from_the_dockerfile(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.12-slim AS Builder\nRUN pip wheel .\n"
        "FROM alpine:3.20\nRUN curl -fsSL https://example.com\n"
    )
    output = ["/bin/sh: curl: not found"]
    for stage, base in (("builder", "python:3.12-slim AS Builder` (line 1)"),
                        ("stage-1", "alpine:3.20` (line 3)")):  # fmt: skip
        failed = build_step(2, "RUN curl -fsSL https://example.com", *output)
        failed.stage = stage
        explanation = explain_build_failure("exit code: 127", failed, [failed], dockerfile)
        assert explanation is not None and f"caused by `FROM {base}" in explanation
    single = tmp_path / "single.Dockerfile"
    single.write_text("# base\nFROM scratch\nRUN curl x\n")
    failed = build_step(2, "RUN curl x", *output)
    explanation = explain_build_failure("exit code: 127", failed, [failed], single)
    assert explanation is not None and "caused by `FROM scratch` (line 2)" in explanation
    missing = explain_build_failure("exit code: 127", failed, [failed], tmp_path / "gone")
    assert missing is not None and "caused by" not in missing
