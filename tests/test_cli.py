"""The dlint command as users run it: exit codes, output formats, pragmas, configuration."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_dlint.entry import YOUNG_COLLECTION_AFTER

SAMPLE = """\
FROM python
WORKDIR app
COPY --from=biuld /out /out
CMD python -m http.server $PORT
"""
# The rules the tests below were written for: rules added later (BuildKit's checks, dlint's
# own) also fire on these files, and must not change what these tests see.
HADOLINT_RULES = ("--select", "DL3000,DL3006,DL3022,DL3025,DL4003")


def dlint(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    return tmp_path


def test_json_output_is_sorted_with_hadolint_keys(project: Path) -> None:
    result = dlint("check", "--format", "json", *HADOLINT_RULES, cwd=project)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert [(f["code"], f["line"], f["column"], f["end_column"]) for f in findings] == [
        ("DL3006", 1, 6, 12),
        ("DL3000", 2, 9, 12),
        ("DL3022", 3, 6, 18),
        ("DL3025", 4, 5, 32),
    ]
    first = findings[0]
    assert set(first) == {
        "code",
        "name",
        "level",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
    }
    assert (first["file"], first["level"], first["name"]) == (
        "Dockerfile",
        "warning",
        "untagged-image",
    )


def test_text_output_shows_line_and_caret(project: Path) -> None:
    result = dlint("check", "--select", "DL3000", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "Dockerfile:2:9: DL3000 error: WORKDIR app is relative: use an absolute path\n"
        "  2 | WORKDIR app\n"
        "    |         ^^^\n"
        "\n"
        "1 finding in 1 file: 1 error\n"
    )
    assert "\033[" not in result.stdout


def test_clean_file_exits_zero_and_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text('FROM python:3.12-slim\nWORKDIR /app\nCMD ["python"]\n')
    result = dlint("check", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_failure_threshold(project: Path) -> None:
    assert (
        dlint("check", "--failure-threshold", "error", "--ignore", "DL3000", cwd=project).returncode
        == 0
    )
    assert dlint("check", "--failure-threshold", "error", cwd=project).returncode == 1
    assert dlint("check", "--failure-threshold", "none", cwd=project).returncode == 0


def test_missing_path_is_a_usage_error_in_one_line(tmp_path: Path) -> None:
    result = dlint("check", "nope/Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "dlint: error: no such file or directory: nope/Dockerfile\n"


def test_default_path_missing(tmp_path: Path) -> None:
    result = dlint("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "Dockerfile" in result.stderr and "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(project: Path) -> None:
    result = dlint("check", "--frobnicate", cwd=project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--frobnicate" in result.stderr


def test_random_bytes_give_dl1000_and_exit_one(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(random.Random(1).randbytes(2000))
    result = dlint("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL1000"]


def test_unparseable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.Dockerfile").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "b.Dockerfile").write_text("FROM python\n")
    result = dlint("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [(f["file"], f["code"]) for f in json.loads(result.stdout)] == [
        ("./a.Dockerfile", "DL1000"),
        ("./b.Dockerfile", "DL3006"),
    ]


def test_directories_are_searched_for_dockerfiles(tmp_path: Path) -> None:
    for name in [
        "Dockerfile",
        "api/Dockerfile.dev",
        "web/prod.Dockerfile",
        "Containerfile",
        "node_modules/x/Dockerfile",
        ".git/Dockerfile",
        "env/pyvenv.cfg",
        "env/Dockerfile",
        "README.md",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM python\n")
    result = dlint("check", "--format", "json", ".", cwd=tmp_path)
    assert sorted(f["file"] for f in json.loads(result.stdout)) == [
        "./Containerfile",
        "./Dockerfile",
        "./api/Dockerfile.dev",
        "./web/prod.Dockerfile",
    ]


def test_stdin_with_a_filename(tmp_path: Path) -> None:
    result = dlint(
        "check",
        "--format",
        "json",
        "--stdin-filename",
        "svc/Dockerfile",
        "-",
        cwd=tmp_path,
        stdin="FROM python\n",
    )
    assert [(f["file"], f["code"]) for f in json.loads(result.stdout)] == [
        ("svc/Dockerfile", "DL3006")
    ]


def test_pragmas_inline_global_hadolint_and_names(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# hadolint global ignore=DL3000\n"
        "# dlint ignore=DL3006 # base image is pinned by the CI\n"
        "FROM python\n"
        "WORKDIR app\n"
        "FROM node\n"
        "# hadolint ignore=shell-form-cmd,DL4003\n"
        "# another comment in the same block\n"
        "CMD npm \\\n"
        "  start\n"
        "\n"
        "# dlint ignore=DL3025\n"
        "\n"
        "CMD node server.js\n"
    )
    result = dlint("check", "--format", "json", *HADOLINT_RULES, cwd=tmp_path)
    assert [(f["code"], f["line"]) for f in json.loads(result.stdout)] == [
        ("DL3006", 5),
        ("DL4003", 13),
        ("DL3025", 13),
    ]


def test_config_in_pyproject_is_found_upward(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dlint]\nignore = ["DL3000"]\nfailure-threshold = "error"\n'
        '[tool.dlint.levels]\nDL3006 = "error"\nDL3 = "info"\n'
    )
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "Dockerfile").write_text(SAMPLE)
    result = dlint("check", "--format", "json", *HADOLINT_RULES, cwd=service)
    levels = {f["code"]: f["level"] for f in json.loads(result.stdout)}
    assert levels == {"DL3006": "error", "DL3022": "info", "DL3025": "info"}
    assert result.returncode == 1
    assert (
        dlint("check", "--no-config", "--format", "json", cwd=service).stdout.count("DL3000") == 1
    )


def test_a_pyproject_that_does_not_mention_dlint_is_not_read(tmp_path: Path) -> None:
    """Neither parsed (a project's broken pyproject.toml is not dlint's business) nor a stop
    on the way up: the configuration above it is found."""
    (tmp_path / ".dlint.toml").write_text('select = ["DL3006"]\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.ruff]\nline-length = [\n")
    (project / "Dockerfile").write_text(SAMPLE)
    result = dlint("check", "--format", "json", cwd=project)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3006"]
    (project / "pyproject.toml").write_text('[tool."dl\\u0069nt"]\nselect = ["DL3025"]\n')
    result = dlint("check", "--format", "json", cwd=project)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3025"]
    (project / "pyproject.toml").write_text("[tool.dlint]\nselect = [\n")
    result = dlint("check", cwd=project)
    assert result.returncode == 2 and "invalid TOML" in result.stderr
    (project / "pyproject.toml").write_bytes(b'\xff[tool.dlint]\nselect = ["DL3006"]\n')
    result = dlint("check", cwd=project)
    assert result.returncode == 2 and "invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_dlint_toml_wins_over_pyproject_and_cli_overrides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dlint]\nselect = ["DL3000"]\n')
    (tmp_path / ".dlint.toml").write_text('select = ["DL3006", "DL3025"]\n')
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    codes = [f["code"] for f in json.loads(dlint("check", "--format", "json", cwd=tmp_path).stdout)]
    assert codes == ["DL3006", "DL3025"]
    result = dlint("check", "--format", "json", "--select", "DL3022", cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3022"]
    result = dlint("check", "--format", "json", "--ignore", "DL3006", cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3025"]


def test_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / ".dlint.toml").write_text(
        '[per-file-ignores]\n"docker/*.Dockerfile" = ["DL3006"]\n'
    )
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "dev.Dockerfile").write_text("FROM python\n")
    (tmp_path / "Dockerfile").write_text("FROM python\n")
    result = dlint("check", "--format", "json", ".", cwd=tmp_path)
    assert [f["file"] for f in json.loads(result.stdout)] == ["./Dockerfile"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('failure-threshold = "loud"\n', "failure-threshold: must be one of"),
        ('ignore = "DL3006"\nbogus = 1\n', "bogus: unknown key"),
        ('[levels]\nDL3006 = "fatal"\n', "levels.DL3006: must be one of"),
        ('select = ["no-such-rule"]\n', "select: unknown rule 'no-such-rule'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_invalid_config_is_a_usage_error_naming_file_and_key(
    project: Path, config: str, expected: str
) -> None:
    (project / ".dlint.toml").write_text(config)
    result = dlint("check", cwd=project)
    assert result.returncode == 2
    assert ".dlint.toml" in result.stderr and expected in result.stderr
    assert result.stderr.count("\n") == 1


def test_explicit_config_file(project: Path, tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('select = ["DL3000"]\n')
    result = dlint("check", "--format", "json", "--config", str(config), cwd=project)
    assert [f["code"] for f in json.loads(result.stdout)] == ["DL3000"]


def test_parse_prints_the_model(project: Path) -> None:
    result = dlint("parse", "Dockerfile", cwd=project)
    assert result.returncode == 0
    parsed = json.loads(result.stdout)
    cmd = parsed["instructions"][3]
    assert (cmd["keyword"], cmd["line"], cmd["column"], cmd["form"]) == ("CMD", 4, 1, "shell")
    assert parsed["instructions"][2]["flags"][0] == {
        "name": "from",
        "value": "biuld",
        "line": 3,
        "column": 6,
        "end_line": 3,
        "end_column": 18,
    }
    assert parsed["stages"] == [
        {
            "index": 0,
            "name": None,
            "image": "python",
            "image_resolved": "python",
            "parent": None,
            "line": 1,
            "end_line": 4,
        }
    ]


def test_version(tmp_path: Path) -> None:
    result = dlint("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("dlint ")


def test_missing_context_directory_is_a_usage_error(project: Path) -> None:
    result = dlint("check", "--context", "no-such-dir", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "dlint: error: --context: no such directory: no-such-dir\n"


def test_colour_only_when_asked_for() -> None:
    from dockerfile_dlint.api import Finding, Level
    from dockerfile_dlint.report.text import render_text
    from dockerfile_dlint.source import Span, decode

    source = decode(b"FROM python\n", "Dockerfile")
    finding = Finding(
        "DL3006", "untagged-image", Level.WARNING, "no tag", Span(1, 6, 1, 12), "Dockerfile"
    )
    coloured = render_text([finding], {"Dockerfile": source}, color=True)
    plain = render_text([finding], {"Dockerfile": source}, color=False)
    assert "\033[33mwarning\033[0m" in coloured and "\033[33m^^^^^^\033[0m" in coloured
    assert "\033[" not in plain and "     ^^^^^^\n" in plain


def test_rule_options_are_validated(project: Path) -> None:
    (project / ".dlint.toml").write_text('trusted-registries = "docker.io"\n')
    result = dlint("check", cwd=project)
    assert result.returncode == 2
    assert "trusted-registries: must be a list of registry host patterns" in result.stderr
    (project / ".dlint.toml").write_text('[label-schema]\nauthor = "name"\n')
    assert "label-schema: must be a table" in dlint("check", cwd=project).stderr


def test_the_command_runs_with_the_collector_set_for_a_short_run(project: Path) -> None:
    """The entry point: young objects are collected in larger batches, and what exists when
    the command ends is frozen, so the interpreter's last collections do not walk it."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print(gc.get_threshold()[0], gc.get_freeze_count() > 0))\n"
        "sys.argv = ['dlint', 'check', '--select', 'DL3006', 'Dockerfile']\n"
        "from dockerfile_dlint.entry import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and "DL3006" in done.stdout
    assert done.stdout.splitlines()[-1] == f"{YOUNG_COLLECTION_AFTER} True"
