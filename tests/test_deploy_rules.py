"""Deploy rules on what fixture files cannot express: file modes in the build context, and the
knowledge tables the rules read."""

from __future__ import annotations

from pathlib import Path

import pytest
from dockerfile_dlint.knowledge.package_repositories import (
    is_distribution_source,
    repository_file_kind,
    setup_script_vendor,
)
from helpers import lint, positions

START = '#!/bin/sh\nexec uvicorn main:app --host 0.0.0.0 --port "$PORT"\n'
DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY start.sh .\nCMD ["./start.sh"]\n'


@pytest.mark.parametrize(("mode", "expected"), [(0o755, []), (0o700, []), (0o644, [[4, 6]])])
def test_dp008_follows_the_execute_bit_of_the_context_file(
    tmp_path: Path, mode: int, expected: list[list[int]]
) -> None:
    script = tmp_path / "start.sh"
    script.write_text(START)
    script.chmod(mode)
    result = lint(DOCKERFILE, select=["DP008"], context=tmp_path)
    assert positions(result, "DP008") == expected


def test_dp008_copy_chmod_overrides_the_context_mode(tmp_path: Path) -> None:
    script = tmp_path / "start.sh"
    script.write_text(START)
    script.chmod(0o755)
    text = DOCKERFILE.replace("COPY start.sh", "COPY --chmod=644 start.sh")
    result = lint(text, select=["DP008"], context=tmp_path)
    assert positions(result, "DP008") == [[4, 6]]
    assert "permission denied" in result.findings[0].message


def test_dp008_executable_script_with_crlf_is_still_reported(tmp_path: Path) -> None:
    script = tmp_path / "start.sh"
    script.write_bytes(START.replace("\n", "\r\n").encode())
    script.chmod(0o755)
    result = lint(DOCKERFILE, select=["DP008"], context=tmp_path)
    assert positions(result, "DP008") == [[4, 6]]
    message = result.findings[0].message
    assert "CRLF" in message and "not executable" not in message


def test_dp008_binary_programs_are_not_scripts(tmp_path: Path) -> None:
    (tmp_path / "server").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(64))
    text = 'FROM debian:12\nCOPY server /usr/local/bin/server\nCMD ["server"]\n'
    assert positions(lint(text, select=["DP008"], context=tmp_path), "DP008") == []


@pytest.mark.parametrize(
    ("url", "vendor"),
    [
        ("https://deb.nodesource.com/setup_20.x", "NodeSource"),
        ("https://get.docker.com", "Docker"),
        ("https://get.docker.com/", "Docker"),
        ("https://get.docker.com/builds/Linux/x86_64/docker-1.11.0.tgz", None),
        (
            "https://packagecloud.io/install/repositories/github/git-lfs/script.deb.sh",
            "packagecloud",
        ),
        ("https://nodejs.org/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz", None),
    ],
)
def test_setup_scripts(url: str, vendor: str | None) -> None:
    assert setup_script_vendor(url) == vendor


@pytest.mark.parametrize(
    ("host", "path", "distribution"),
    [
        ("deb.debian.org", "/debian", True),
        ("mirrors.aliyun.com", "/debian/", True),
        ("mirrors.aliyun.com", "/docker-ce/linux/debian", False),
        ("debian.mirrors.ovh.net", "/debian", True),
        ("packages.microsoft.com", "/debian/12/prod", False),
        ("download.docker.com", "/linux/debian", False),
        ("ubuntu.openvidu.io", "/dev", False),
        ("download.opensuse.org", "/repositories/home:someone/Debian_12/", False),
        ("download.opensuse.org", "/distribution/leap/15.6/repo/oss/", True),
    ],
)
def test_distribution_sources(host: str, path: str, distribution: bool) -> None:
    assert is_distribution_source(host, path) is distribution


def test_repository_files() -> None:
    assert repository_file_kind("/etc/apt/sources.list") == "apt"
    assert repository_file_kind("/etc/apt//sources.list.d/x.list") == "apt"
    assert repository_file_kind("/etc/yum.repos.d/x.repo") == "yum"
    assert repository_file_kind("/etc/apk/repositories") == "apk"
    assert repository_file_kind("/etc/apt/preferences.d/x") is None
    assert repository_file_kind("/dev/null") is None


def test_dp002_asks_for_the_copy_where_the_runtime_user_looks(tmp_path: Path) -> None:
    dockerfile = """\
FROM python:3.12-slim AS builder
RUN pip install --user prisma && prisma generate
FROM python:3.12-slim
RUN useradd -m app
COPY --from=builder --chown=app /root/.local /home/app/.local
USER app
"""
    [finding] = lint(dockerfile, select=["DP002"], context=tmp_path).findings
    assert finding.message.endswith(
        "Add COPY --from=builder --chown=app /root/.cache/prisma-python "
        "/home/app/.cache/prisma-python (the container runs as app, and prisma generate "
        "looks there)"
    )
    assert finding.fix is None  # not the same path: no automatic copy


def test_dp009_names_the_user_the_home_the_blocking_directory_and_the_fix(
    tmp_path: Path,
) -> None:
    dockerfile = """\
FROM python:3.11-slim AS builder
RUN pip install --user -r requirements.txt
FROM python:3.11-slim
RUN useradd --create-home app
COPY --from=builder /root/.local /root/.local
ENV PATH=/root/.local/bin:$PATH
USER app
"""
    [finding] = lint(dockerfile, select=["DP009"], context=tmp_path).findings
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (5, 34, 46)
    message = finding.message
    assert "runs as app (home /home/app, from the account made at line 4)" in message
    assert "/root is mode 0700, owned by root (the python:3.11-slim image)" in message
    assert "app's Python looks for user packages in /home/app/.local, not /root/.local" in message
    assert "COPY --chown=app" in message and "/opt/venv" in message
