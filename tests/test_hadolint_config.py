"""A project's .hadolint.yaml read into dlint settings, and its problems reported clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from dockerfile_dlint.api import Level
from dockerfile_dlint.config import ConfigError
from dockerfile_dlint.hadolint_config import find_hadolint_config, load_hadolint_config
from helpers import lint, positions


def write(tmp_path: Path, text: str, name: str = ".hadolint.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_hadolint_key_is_carried_over(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
ignored:
  - DL3008
  - sc2086
override:
  error: [DL3015]
  info:
    - DL3006
failure-threshold: warning
trustedRegistries:
  - docker.io
  - "*.gcr.io"
label-schema:
  org.opencontainers.image.version: semver
  org.opencontainers.image.source: URL
strict-labels: true
disable-ignore-pragma: true
no-color: true
format: json
""",
    )
    config = load_hadolint_config(path)
    settings = config.settings
    assert settings.ignore == ("DL3008", "SC2086")
    assert settings.levels == {"DL3015": "error", "DL3006": "info"}
    assert settings.select == ("ALL", "DL3015", "DL3006")
    assert settings.failure_threshold == "warning"
    assert settings.options == {
        "trusted-registries": ["docker.io", "*.gcr.io"],
        "label-schema": {
            "org.opencontainers.image.version": "semver",
            "org.opencontainers.image.source": "url",
        },
        "strict-labels": True,
    }
    assert settings.root == tmp_path
    assert settings.path == path
    assert config.disable_ignore_pragma is True
    assert config.warnings == ()


def test_an_empty_file_changes_nothing(tmp_path: Path) -> None:
    config = load_hadolint_config(write(tmp_path, "# nothing yet\n"))
    assert config.settings.select is None
    assert config.settings.ignore == ()
    assert config.settings.levels == {}
    assert config.settings.failure_threshold == "info"
    assert config.settings.options == {}
    assert config.disable_ignore_pragma is False


@pytest.mark.parametrize(
    ("text", "threshold"),
    [
        ("failure-threshold: ERROR\n", "error"),
        ("failure-threshold: ignore\n", "style"),
        ("failure-threshold: none\n", "none"),
        ("failure-threshold: error\nno-fail: true\n", "none"),
        ("no-fail: false\n", "info"),
    ],
)
def test_failure_threshold(tmp_path: Path, text: str, threshold: str) -> None:
    assert load_hadolint_config(write(tmp_path, text)).settings.failure_threshold == threshold


def test_a_single_registry_may_be_a_string(tmp_path: Path) -> None:
    config = load_hadolint_config(write(tmp_path, "trustedRegistries: registry.example.com\n"))
    assert config.settings.options == {"trusted-registries": ["registry.example.com"]}


def test_unknown_keys_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ignore: [DL3008]\ntrusted-registries: [docker.io]\noverride:\n  fatal: [DL3006]\n",
    )
    config = load_hadolint_config(path)
    assert config.settings.ignore == ()
    assert config.settings.options == {}
    assert config.settings.levels == {}
    assert config.warnings == (
        f"{path}: ignore: unknown hadolint key, ignored",
        f"{path}: trusted-registries: unknown hadolint key, ignored "
        "(hadolint reads trustedRegistries)",
        f"{path}: override.fatal: unknown level, ignored (use error, warning, info, style)",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ignored: [DL3008\n", "invalid YAML"),
        ("- DL3008\n", "expected a mapping of hadolint settings"),
        ("ignored: DL3008 DL3009\n", "ignored: 'DL3008 DL3009' is not a rule code"),
        ("ignored: [3008]\n", "ignored: expected a list of strings"),
        ("override: [DL3008]\n", "override: expected a mapping of level: [rule codes]"),
        ("override:\n  error: {DL3008: true}\n", "override.error: expected a list of strings"),
        ("failure-threshold: fatal\n", "failure-threshold: must be one of error, warning"),
        ("trustedRegistries: {docker.io: true}\n", "trustedRegistries: expected a list"),
        ("label-schema: [version]\n", "label-schema: expected a mapping of label: type"),
        ("label-schema:\n  version: number\n", "label-schema.version: must be one of text"),
        ("strict-labels: 'yes'\n", "strict-labels: must be true or false"),
        ("disable-ignore-pragma: 1\n", "disable-ignore-pragma: must be true or false"),
        ("no-fail: maybe\n", "no-fail: must be true or false"),
    ],
)
def test_problems_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_hadolint_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_invalid_yaml_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, "ignored:\n  - DL3008\n override: x\n")
    with pytest.raises(ConfigError, match=r"invalid YAML: .*\(line 3, column 2\)"):
        load_hadolint_config(path)


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").mkdir()
    with pytest.raises(ConfigError, match="cannot read"):
        load_hadolint_config(tmp_path / ".hadolint.yaml")


def test_finding_the_file(tmp_path: Path) -> None:
    assert find_hadolint_config(tmp_path) is None
    yml = write(tmp_path, "ignored: []\n", ".hadolint.yml")
    assert find_hadolint_config(tmp_path) == yml
    yaml = write(tmp_path, "ignored: []\n")
    assert find_hadolint_config(tmp_path) == yaml


def test_settings_drive_the_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
ignored: [DL3006]
override:
  error: [DL3057]
  style: [DL3020]
trustedRegistries: [registry.example.com]
""",
    )
    settings = load_hadolint_config(path).settings
    result = lint("FROM quay.io/team/app\nADD app.py /app/\n", settings=settings)
    found = {(finding.code, finding.level) for finding in result.findings}
    assert ("DL3057", Level.ERROR) in found
    assert ("DL3020", Level.STYLE) in found
    assert ("DL3026", Level.ERROR) in found
    assert positions(result, "DL3006") == []


def _dlint_json(cwd: Path) -> tuple[list[dict[str, object]], str]:
    """dlint's JSON findings for the Dockerfile in ``cwd``, and what it said on stderr."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return list(json.loads(result.stdout)), result.stderr


def test_a_hadolint_yaml_is_used_when_there_is_no_dlint_config(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "# hadolint ignore=DL3007\nFROM python:latest\nFROM node\nMAINTAINER me\n"
    )
    (tmp_path / ".hadolint.yaml").write_text(
        "ignored: [DL3006]\noverride:\n  info: [DL4000]\ndisable-ignore-pragma: true\n"
        "trusted-registries: [docker.io]\n"
    )
    findings, stderr = _dlint_json(tmp_path)
    found = {(f["code"], f["level"]) for f in findings}
    assert ("DL3007", "warning") in found  # the pragma is disabled
    assert ("DL4000", "info") in found
    assert not any(code == "DL3006" for code, _ in found)
    assert "trusted-registries: unknown hadolint key, ignored" in stderr
    (tmp_path / ".dlint.toml").write_text('select = ["DL3006"]\n')
    findings, stderr = _dlint_json(tmp_path)
    assert {f["code"] for f in findings} == {"DL3006"} and stderr == ""
