"""``dlint lsp``: the real server process over stdio, driven as an editor drives it.

Each test starts ``python -m dockerfile_dlint lsp`` and talks to it through
:mod:`lspclient`; what the server publishes is compared with what ``dlint check`` reports on
the same files, so the editor and the command line are held to the same answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CORPUS, ROOT, lint
from lspclient import LspClient, apply_edits, uri_of

Start = Callable[..., LspClient]
SERVER_START_SECONDS = 60
EXAMPLE = ROOT / "examples" / "Dockerfile"
DLINT = [sys.executable, "-m", "dockerfile_dlint"]
FIXABLE = "FROM python:3.12-slim\nRUN pip install flask==3.0.3\nCMD python app.py\n"


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start servers (initialized, with ``root`` as the workspace); all killed at the end."""
    clients: list[LspClient] = []
    logs = tmp_path / "logs"
    logs.mkdir()

    def started(
        *options: str,
        root: Path = tmp_path,
        capabilities: dict[str, Any] | None = None,
        python: list[str] | None = None,
    ) -> LspClient:
        client = LspClient.dlint(
            tmp_path, *options, stderr=logs / f"server-{len(clients)}.log", python=python
        )
        clients.append(client)
        client.initialize(root, capabilities)
        return client

    yield started
    for client in clients:
        client.kill()


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


def test_quick_fix_applies_and_the_result_lints_clean(start: Start, tmp_path: Path) -> None:
    client = start("--debounce", "0")
    uri = uri_of(tmp_path / "Dockerfile")
    client.open(uri, FIXABLE)
    assert codes(client.diagnostics(uri, 1)) == ["DL3025", "DL3042"]
    actions = client.code_actions(
        uri, {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}
    )
    fix = next(action for action in actions if action["title"].startswith("DL3042"))
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is True
    assert fix["diagnostics"][0]["code"] == "DL3042"
    fixed = apply_edits(FIXABLE, fix["edit"]["changes"][uri])
    assert fixed == FIXABLE.replace("pip install", "pip install --no-cache-dir")
    client.change(uri, 2, fixed)
    assert codes(client.diagnostics(uri, 2)) == ["DL3025"]


def test_fix_all_applies_every_safe_fix(start: Start, tmp_path: Path) -> None:
    client = start("--debounce", "0")
    uri = uri_of(tmp_path / "Dockerfile")
    text = "# a service\n" + FIXABLE + "EXPOSE 8080\n"
    client.open(uri, text)
    client.diagnostics(uri, 1)
    assert client.code_actions(uri, whole(text), only=["quickfix"])
    assert all(a["kind"] == "quickfix" for a in client.code_actions(uri, whole(text), ["quickfix"]))
    (fix_all,) = client.code_actions(uri, whole(text), only=["source.fixAll"])
    assert fix_all["kind"] == "source.fixAll.dlint"
    (edit,) = fix_all["edit"]["changes"][uri]
    assert edit["range"]["start"] == {"line": 2, "character": 0}  # untouched lines stay
    assert edit["range"]["end"] == {"line": 4, "character": 0}
    fixed = apply_edits(text, [edit])
    assert fixed == (
        "# a service\nFROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n"
        'CMD ["python", "app.py"]\nEXPOSE 8080\n'
    )
    client.change(uri, 2, fixed)
    assert codes(client.diagnostics(uri, 2)) == []
    assert client.code_actions(uri, whole(fixed), only=["source"]) == []


def test_unsafe_fix_is_offered_but_not_preferred(start: Start, tmp_path: Path) -> None:
    client = start()
    uri = uri_of(tmp_path / "Dockerfile")
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"
    )
    client.open(uri, text)
    assert "DL3015" in codes(client.diagnostics(uri, 1))
    actions = client.code_actions(uri, whole(text))
    unsafe = next(a for a in actions if a["title"].startswith("DL3015"))
    assert "unsafe" in unsafe["title"] and not unsafe.get("isPreferred")
    assert not [a for a in actions if a["kind"] == "source.fixAll.dlint"]


def test_ignore_action_writes_the_pragma_above_the_instruction(
    start: Start, tmp_path: Path
) -> None:
    client = start("--debounce", "0", "--shellcheck", "off")
    uri = uri_of(tmp_path / "Dockerfile")
    text = "FROM debian:12\n  RUN echo start \\\n    && cd /tmp\n"
    client.open(uri, text)
    assert codes(client.diagnostics(uri, 1)) == ["DL3003"]
    at_cd = {"start": {"line": 2, "character": 8}, "end": {"line": 2, "character": 8}}
    ignore = next(a for a in client.code_actions(uri, at_cd) if a["title"].startswith("Ignore"))
    fixed = apply_edits(text, ignore["edit"]["changes"][uri])
    assert fixed == "FROM debian:12\n  # dlint ignore=DL3003\n  RUN echo start \\\n    && cd /tmp\n"
    client.change(uri, 2, fixed)
    assert codes(client.diagnostics(uri, 2)) == []
    first_line = "FROM python:latest\n"
    client.change(uri, 3, first_line)
    assert codes(client.diagnostics(uri, 3)) == ["DL3007"]
    ignore = next(
        a for a in client.code_actions(uri, whole(first_line)) if a["title"].startswith("Ignore")
    )
    client.change(uri, 4, apply_edits(first_line, ignore["edit"]["changes"][uri]))
    assert codes(client.diagnostics(uri, 4)) == []


def test_hover_shows_the_rule_documentation(start: Start) -> None:
    client = start()
    uri = uri_of(EXAMPLE)
    client.open(uri, EXAMPLE.read_text())
    client.diagnostics(uri)
    hover = client.hover(uri, 6, 10)
    value = hover["contents"]["value"]
    assert hover["contents"]["kind"] == "markdown"
    assert value.startswith("**DL3007** warning: image python:latest uses the latest tag")
    rule = subprocess.run(
        [*DLINT, "rule", "DL3007"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert rule.stdout.strip() in value
    assert client.hover(uri, 0, 3) is None


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


def test_garbage_keeps_the_server_serving(start: Start, tmp_path: Path) -> None:
    client = start()
    binary = uri_of(tmp_path / "binary" / "Dockerfile")
    client.open(binary, bytes(range(256)).decode("latin-1") * 40)
    (problem,) = client.diagnostics(binary, 1)
    assert problem["code"] == "DL1000"
    assert problem["message"] == "binary data, not a Dockerfile"
    odd = uri_of(tmp_path / "odd" / "Dockerfile")
    client.open(
        odd, "FROM debian:12\nRUN echo \ud800\x00 \\\n\u2028 && cd /\uffff\nLABEL \U0001f433=1\n"
    )
    assert "DL3003" in codes(client.diagnostics(odd, 1))
    client.send_raw(b"Content-Length: 12\r\n\r\n{not json!!}")
    client.send_raw(b"no header at all\r\n\r\n")
    client.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"bogus": 1}})
    client.send({"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": [1, 2]})
    text = uri_of(tmp_path / "Dockerfile")
    client.open(text, "FROM debian\n")
    assert codes(client.diagnostics(text, 1)) == ["DL3006"]
    assert client.process.poll() is None


def test_a_file_over_the_size_limit_is_one_finding(start: Start, tmp_path: Path) -> None:
    client = start("--max-file-size", "100k")
    uri = uri_of(tmp_path / "Dockerfile")
    client.open(uri, "FROM debian\n" + "# padding\n" * 20_000)
    (problem,) = client.diagnostics(uri, 1)
    assert problem["code"] == "DL1000" and "larger than the 100 kB limit" in problem["message"]
    client.change(uri, 2, "FROM debian\n")
    assert codes(client.diagnostics(uri, 2)) == ["DL3006"]


def test_a_huge_file_is_answered_and_capped(start: Start, tmp_path: Path) -> None:
    """Over the default limit (10 MB): one finding; under it, many findings are capped."""
    client = start("--shellcheck", "off")
    huge = uri_of(tmp_path / "huge" / "Dockerfile")
    client.open(huge, "FROM debian\n" + "#" * 10_500_000 + "\n")
    (problem,) = client.diagnostics(huge, 1, timeout=120)
    assert "larger than the 10 MB limit" in problem["message"]
    many = uri_of(tmp_path / "many" / "Dockerfile")
    text = "FROM debian:12\n" + "RUN cd /tmp\n" * 1500
    client.open(many, text)
    diagnostics = client.diagnostics(many, 1, timeout=120)
    hidden = len(lint(text).findings) - 1000
    assert len(diagnostics) == 1001 and hidden > 1000
    assert diagnostics[-1]["message"] == (
        f"{hidden} more findings not shown: run dlint check on this file"
    )


LAUNCHER = """\
import sys
from dockerfile_dlint.lsp import linting
from dockerfile_dlint.registry import all_rules

rule = next(rule for rule in all_rules() if rule.code == "DL3007")
original = rule.check

def check(self, instruction, ctx):
    if "rule-crash" in instruction.text.text:
        raise RuntimeError("a rule fell over")
    return original(self, instruction, ctx)

rule.check = check
engine_lint = linting.lint_bytes

def lint_bytes(data, *args, **kwargs):
    if b"engine-crash" in data:
        raise MemoryError("the engine fell over")
    return engine_lint(data, *args, **kwargs)

linting.lint_bytes = lint_bytes
from dockerfile_dlint.entry import main
sys.argv[0] = "dlint"
main()
"""


def test_a_crash_in_one_lint_is_one_diagnostic_and_the_server_goes_on(
    start: Start, tmp_path: Path
) -> None:
    launcher = write(tmp_path / "launcher.py", LAUNCHER)
    client = start("--shellcheck", "off", python=[sys.executable, str(launcher)])
    rule_crash = uri_of(tmp_path / "a" / "Dockerfile")
    client.open(rule_crash, "FROM python:latest AS rule-crash\nRUN cd /tmp\n")
    diagnostics = client.diagnostics(rule_crash, 1)
    assert codes(diagnostics) == ["", "DL3003"]  # the other rules' findings are kept
    assert diagnostics[0]["message"].startswith("dlint failed on this file: rule DL3007 failed on")
    assert diagnostics[0]["message"].endswith("RuntimeError: a rule fell over")
    engine_crash = uri_of(tmp_path / "b" / "Dockerfile")
    client.open(engine_crash, "FROM debian\n# engine-crash\n")
    (problem,) = client.diagnostics(engine_crash, 1)
    assert problem["message"] == "dlint failed on this file: MemoryError: the engine fell over"
    fine = uri_of(tmp_path / "c" / "Dockerfile")
    client.open(fine, "FROM debian\n")
    assert codes(client.diagnostics(fine, 1)) == ["DL3006"]
    log = client.stderr_text()
    assert "a rule fell over" in log and "MemoryError: the engine fell over" in log
    assert client.shutdown() == 0


def test_many_open_files(start: Start, tmp_path: Path) -> None:
    client = start()
    uris = [uri_of(tmp_path / f"s{number}" / "Dockerfile") for number in range(60)]
    for number, uri in enumerate(uris):
        client.open(uri, f"FROM debian\nLABEL number={number}\n")
    for uri in uris:
        assert codes(client.diagnostics(uri, 1)) == ["DL3006"]
    for uri in uris:
        client.close(uri)
    for uri in uris:
        assert client.diagnostics(uri) == []


def test_shutdown_and_exit(start: Start, tmp_path: Path) -> None:
    client = start()
    uri = uri_of(tmp_path / "Dockerfile")
    client.open(uri, "FROM debian\n")
    client.diagnostics(uri, 1)
    began = time.monotonic()
    assert client.shutdown() == 0
    assert time.monotonic() - began < 10
    abrupt = start()
    abrupt.notify("exit", None)
    assert abrupt.process.wait(10) == 1


def test_end_of_input_stops_the_server(tmp_path: Path) -> None:
    done = subprocess.run(
        [*DLINT, "lsp"],
        input=b"",
        capture_output=True,
        timeout=SERVER_START_SECONDS,
    )
    assert done.returncode == 1 and done.stdout == b""


BLOCK_PYGLS = """\
import sys

class NoPygls:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("pygls", "lsprotocol"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoPygls())
from dockerfile_dlint.cli import main
main(sys.argv[1:])
"""


def test_without_pygls_lsp_exits_2_with_an_install_hint(tmp_path: Path) -> None:
    def dlint(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", BLOCK_PYGLS, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    done = dlint("lsp")
    assert done.returncode == 2
    assert done.stderr == (
        "dlint: error: dlint lsp needs pygls: pip install 'dockerfile-dlint[lsp]'\n"
    )
    helped = dlint("lsp", "--help")
    assert helped.returncode == 0 and "--debounce MS" in helped.stdout
    assert "lsp" in dlint("--help").stdout


def test_shellcheck_on_without_shellcheck_is_a_usage_error() -> None:
    code = (
        "from dockerfile_dlint import shellcheck\n"
        "shellcheck.find_shellcheck = lambda: None\n"
        "from dockerfile_dlint.cli import main\n"
        "main(['lsp', '--shellcheck', 'on'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        "dlint: error: --shellcheck on: no shellcheck found (install it, or "
        "dockerfile-dlint[shellcheck])\n"
    )
