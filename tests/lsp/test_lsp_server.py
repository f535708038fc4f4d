"""``dlint lsp``: the real server process over stdio, driven as an editor drives it.

Each test starts ``python -m dockerfile_dlint lsp`` and talks to it through
:mod:`lspclient`; what the server publishes is compared with what ``dlint check`` reports on
the same files, so the editor and the command line are held to the same answers.
"""

from __future__ import annotations

import time
from pathlib import Path

from helpers import CORPUS, ROOT
from lspclient import uri_of
from lsphelpers import (
    EXAMPLE,
    Start,
    check_json,
    cli_findings,
    codes,
    lsp_findings,
    write,
)


def agreement_files(tmp_path: Path) -> list[Path]:
    """Files of several kinds, each where ``dlint check`` would lint it: a build context with
    artifacts (DP002, DP004), the example, a 100-line multi-stage file, and corpus files with
    many hadolint and ShellCheck findings (copied out, away from any configuration)."""
    files = [
        EXAMPLE,
        ROOT / "bench" / "data" / "multistage.Dockerfile",
        ROOT / "fixtures" / "smoke" / "artifact-missing" / "Dockerfile",
        ROOT / "fixtures" / "smoke" / "fix-seed" / "Dockerfile",
    ]
    for name in ("python__template-linux.Dockerfile", "python__3.12_slim-bookworm.Dockerfile"):
        source = CORPUS / "modern" / name
        if source.is_file():
            copy = tmp_path / "corpus" / name.replace(".Dockerfile", "") / "Dockerfile"
            files.append(write(copy, source.read_text()))
    return files


def test_editor_and_command_line_agree_on_codes_and_ranges(start: Start, tmp_path: Path) -> None:
    files = agreement_files(tmp_path)
    assert len(files) == 6, "the corpus files are missing"
    client = start()
    for path in files:
        client.open(uri_of(path), path.read_text())
    total = 0
    for path in files:
        diagnostics = client.diagnostics(uri_of(path), version=1)
        expected = cli_findings(path)
        assert lsp_findings(diagnostics) == expected, path
        total += len(expected)
    assert total > 200
    assert any(code.startswith("SC") for code, *_ in cli_findings(files[-2]))


def test_diagnostics_carry_severity_source_and_a_link_to_the_rule(start: Start) -> None:
    client = start()
    client.open(uri_of(EXAMPLE), EXAMPLE.read_text())
    diagnostics = client.diagnostics(uri_of(EXAMPLE))
    latest = next(d for d in diagnostics if d["code"] == "DL3007")
    assert latest["severity"] == 2  # warning
    assert latest["source"] == "dlint"
    assert latest["codeDescription"]["href"].endswith("/docs/rules/DL3007.md")
    assert latest["range"] == {
        "start": {"line": 6, "character": 5},
        "end": {"line": 6, "character": 18},
    }


def test_shellcheck_findings_have_their_own_lines_and_move_with_the_script(
    start: Start, tmp_path: Path
) -> None:
    text = "FROM debian:12\nRUN apt-get update \\\n    && echo $1 \\\n    && cd /tmp\n"
    path = write(tmp_path / "Dockerfile", text)
    client = start()
    client.open(uri_of(path), text)
    first = lsp_findings(client.diagnostics(uri_of(path), 1))
    assert first == cli_findings(path)
    assert ("SC2086", 2, 12, 2, 14) in first
    moved = "# a comment\n\n" + text
    client.change(uri_of(path), 2, moved)
    second = lsp_findings(client.diagnostics(uri_of(path), 2))
    write(path, moved)
    assert second == cli_findings(path)
    assert ("SC2086", 4, 12, 4, 14) in second


def test_dlint_findings_do_not_wait_for_shellcheck_on_new_scripts(
    start: Start, tmp_path: Path
) -> None:
    """A script ShellCheck has not seen is checked by a process of its own (milliseconds):
    dlint's findings are published first, then all of them; a script seen before is not
    checked again, and its ShellCheck findings come with the first publish."""
    text = "FROM debian:12\nENV A=1\nRUN cd /tmp && echo $1\n"
    path = write(tmp_path / "Dockerfile", text)
    client = start("--debounce", "0")
    uri = uri_of(path)
    client.open(uri, text)
    first = codes(client.first_diagnostics(uri, 1))
    final = codes(client.diagnostics(uri, 1))
    assert first == ["DL3003"] and final == sorted(["DL3003", "SC2086"])
    assert final == sorted(code for code, *_ in cli_findings(path))
    client.change(uri, 2, text.replace("A=1", "A=2"))  # the script is the same: one publish
    assert codes(client.first_diagnostics(uri, 2)) == final
    client.change(uri, 3, text.replace("echo $1", "echo $2"))  # a new script: two
    assert codes(client.first_diagnostics(uri, 3)) == ["DL3003"]
    assert codes(client.diagnostics(uri, 3)) == final
    client.pump(0.3)
    assert [params["version"] for params in client.published(uri)] == []


def test_changes_are_linted_latest_text_wins(start: Start, tmp_path: Path) -> None:
    client = start("--debounce", "300")
    uri = uri_of(tmp_path / "Dockerfile")
    client.open(uri, "FROM debian\n")
    assert codes(client.diagnostics(uri, 1)) == ["DL3006"]
    for version in range(2, 7):
        client.change(uri, version, f"FROM python:latest\n# edit {version}\n")
    client.change(uri, 7, "FROM debian:12\nRUN sudo apt-get update\n")
    assert codes(client.diagnostics(uri, 7)) == ["DL3004", "DL3009"]
    client.pump(0.5)
    assert [params["version"] for params in client.published(uri)] == []


def test_incremental_changes_are_applied(start: Start, tmp_path: Path) -> None:
    client = start("--debounce", "0", "--shellcheck", "off")
    uri = uri_of(tmp_path / "Dockerfile")
    client.open(uri, "FROM debian:12\nRUN cd /tmp\n")
    assert codes(client.diagnostics(uri, 1)) == ["DL3003"]
    line_one = {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 11}}
    client.change(uri, 2, "true", line_one)
    assert codes(client.diagnostics(uri, 2)) == []


def test_a_slow_lint_blocks_neither_requests_nor_newer_text(start: Start, tmp_path: Path) -> None:
    client = start("--shellcheck", "off", "--debounce", "0")
    small = uri_of(tmp_path / "small" / "Dockerfile")
    client.open(small, "FROM debian\n")
    client.diagnostics(small, 1)
    slow = uri_of(tmp_path / "slow" / "Dockerfile")
    client.open(slow, "FROM debian:12\n" + "RUN cd /tmp && echo $HOME\n" * 4000)
    began = time.monotonic()
    hover = client.hover(small, 0, 6)
    answered = time.monotonic() - began
    assert "DL3006" in hover["contents"]["value"]
    client.change(slow, 2, "FROM debian\n")
    assert codes(client.diagnostics(slow, 2, timeout=120)) == ["DL3006"]
    linted = time.monotonic() - began
    assert answered < linted / 3, (answered, linted)
    client.pump(0.3)
    assert [params["version"] for params in client.published(slow)] == []


def test_a_configuration_change_relints_the_open_files(start: Start, tmp_path: Path) -> None:
    watching = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}}
    project = tmp_path / "project"
    path = write(project / "services" / "api" / "Dockerfile", "FROM python:latest\nRUN cd /x\n")
    client = start("--shellcheck", "off", root=project, capabilities=watching)
    uri = uri_of(path)
    client.open(uri, path.read_text())
    assert codes(client.diagnostics(uri, 1)) == ["DL3003", "DL3007"]
    registration = client.server_requests[0]
    assert registration["method"] == "client/registerCapability"
    watchers = registration["params"]["registrations"][0]["registerOptions"]["watchers"]
    assert {"globPattern": "**/.dlint.toml"} in watchers
    config = write(project / "pyproject.toml", '[tool.dlint]\nignore = ["DL3007"]\n')
    change = {"uri": uri_of(config), "type": 1}
    client.notify("workspace/didChangeWatchedFiles", {"changes": [change]})
    assert codes(client.diagnostics(uri, 1)) == ["DL3003"]
    assert cli_findings(path, "--shellcheck", "off")[0][0] == "DL3003"
    write(project / "services" / ".dlint.toml", 'ignore = ["nonsense-rule"]\n')
    client.change(uri, 2, "FROM python:latest\n")  # no notification: the next lint sees it
    (problem,) = client.diagnostics(uri, 2)
    assert problem["message"].startswith("invalid configuration: ")
    assert "nonsense-rule" in problem["message"] and problem["severity"] == 1
    assert "invalid configuration" in client.stderr_text()


def test_the_build_context_is_read_again_when_the_file_is_saved(
    start: Start, tmp_path: Path
) -> None:
    """DP008 reads the entrypoint script COPY brings: fixed on disk, the finding goes at the
    next lint (saving the Dockerfile is one). The folder's name needs quoting in a URI."""
    folder = tmp_path / "my app é"
    script = write(folder / "docker-entrypoint.sh", 'set -e\nexec "$@"\n')
    text = (
        "FROM node:20-slim\n"
        "COPY --chmod=0755 docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n'
        'CMD ["node", "server.js"]\n'
    )
    path = write(folder / "Dockerfile", text)
    client = start("--shellcheck", "off")
    client.open(uri_of(path), text)
    assert "my%20app%20%C3%A9" in uri_of(path)
    assert lsp_findings(client.diagnostics(uri_of(path), 1)) == [("DP008", 2, 12, 2, 34)]
    assert cli_findings(path) == [("DP008", 2, 12, 2, 34)]
    script.write_text('#!/bin/sh\nset -e\nexec "$@"\n')
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri_of(path)}})
    assert client.diagnostics(uri_of(path), 1) == []
    assert cli_findings(path) == []


def test_excluded_files_get_no_diagnostics(start: Start, tmp_path: Path) -> None:
    write(tmp_path / ".dlint.toml", 'exclude = ["legacy"]\n')
    path = write(tmp_path / "legacy" / "Dockerfile", "FROM debian\n")
    client = start()
    client.open(uri_of(path), path.read_text())
    assert client.diagnostics(uri_of(path), 1) == []
    assert check_json(path) == []


def test_only_dockerfiles_are_linted(start: Start, tmp_path: Path) -> None:
    client = start()
    python_file = uri_of(tmp_path / "app.py")
    client.open(python_file, "FROM debian\n", language="python")
    by_name = uri_of(tmp_path / "api.Dockerfile")
    client.open(by_name, "FROM debian\n", language="plaintext")
    containerfile = "untitled:Untitled-1"
    client.open(containerfile, "FROM debian\n", language="containerfile")
    assert codes(client.diagnostics(by_name, 1)) == ["DL3006"]
    assert codes(client.diagnostics(containerfile, 1)) == ["DL3006"]
    client.pump(0.3)
    assert client.published(python_file) == []


def test_positions_count_utf16_units_unless_the_client_offers_utf8(
    start: Start, tmp_path: Path
) -> None:
    text = 'FROM debian:12\nLABEL note="🐳 é" \\\n  other=1\nRUN echo "🐳" && cd /tmp\n'
    uri = uri_of(tmp_path / "Dockerfile")
    utf16 = start()
    utf16.open(uri, text)
    cd = next(d for d in utf16.diagnostics(uri, 1) if d["code"] == "DL3003")
    assert cd["range"]["start"] == {"line": 3, "character": 17}  # 🐳 is two UTF-16 units
    utf8 = start(capabilities={"general": {"positionEncodings": ["utf-8", "utf-16"]}})
    utf8.open(uri, text)
    cd = next(d for d in utf8.diagnostics(uri, 1) if d["code"] == "DL3003")
    assert cd["range"]["start"] == {"line": 3, "character": 19}  # and four UTF-8 bytes
