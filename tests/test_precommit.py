"""CI integrations: the pre-commit hooks (run for real with ``pre-commit try-repo``) and the
GitHub composite action."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT

BAD = "FROM python\nWORKDIR app\n"
FIXED = "FROM python:3.12-slim\nWORKDIR /app\n"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "dlint tests",
    "GIT_AUTHOR_EMAIL": "tests@dlint.invalid",
    "GIT_COMMITTER_NAME": "dlint tests",
    "GIT_COMMITTER_EMAIL": "tests@dlint.invalid",
}


def hooks() -> dict[str, dict[str, Any]]:
    listed = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return {hook["id"]: hook for hook in listed}


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


def test_hook_manifest_is_valid() -> None:
    result = pre_commit(
        "validate-manifest", ".pre-commit-hooks.yaml", cwd=ROOT, env=dict(os.environ)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hooks_check_dockerfiles_and_smoke_only_when_asked() -> None:
    listed = hooks()
    assert set(listed) == {"dlint", "dlint-smoke"}
    check = listed["dlint"]
    assert (check["entry"], check["types"], check["language"]) == (
        "dlint check",
        ["dockerfile"],
        "python",
    )
    smoke = listed["dlint-smoke"]
    assert (smoke["entry"], smoke["stages"], smoke["pass_filenames"]) == (
        "dlint smoke",
        ["manual"],
        False,
    )


@pytest.fixture
def hook_repository(tmp_path: Path) -> Path:
    """A committed copy of what the hook installs: pre-commit installs a repository's HEAD."""
    copy = tmp_path / "dlint"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("linter", "rules"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, copy / name)
    env = {**os.environ, **GIT_IDENTITY}
    git("init", "-q", cwd=copy, env=env)
    git("add", "-A", cwd=copy, env=env)
    git("commit", "-q", "-m", "dlint hooks", cwd=copy, env=env)
    return copy


def test_pre_commit_try_repo_fails_on_a_bad_dockerfile_and_passes_when_fixed(
    hook_repository: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    env.pop("VIRTUAL_ENV", None)
    git("init", "-q", cwd=project, env=env)
    (project / "Dockerfile").write_text(BAD)
    (project / "README.md").write_text("not a Dockerfile\n")
    git("add", "-A", cwd=project, env=env)

    failed = pre_commit(
        "try-repo", str(hook_repository), "dlint", "--all-files", cwd=project, env=env
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "Dockerfile:1:6: DL3006 warning" in failed.stdout
    assert "Dockerfile:2:9: DL3000 error" in failed.stdout

    (project / "Dockerfile").write_text(FIXED)
    git("add", "-A", cwd=project, env=env)
    passed = pre_commit(
        "try-repo", str(hook_repository), "dlint", "--all-files", cwd=project, env=env
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_action_runs_dlint_with_sarif_for_code_scanning() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert all("shell" in step for step in steps if "run" in step)
    install, check, upload, fail = steps
    assert (
        '-m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"'
        in (install["run"])
    )
    assert 'check --format text --format sarif -o "$DLINT_SARIF"' in check["run"]
    assert check["env"]["DLINT_SARIF"] == "${{ inputs.sarif-file }}"
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "steps.check.outputs.exit-code == '1'" in fail["if"]
    assert "${{" not in check["run"] + install["run"], "inputs go through env, not the script"
