"""``dlint lsp`` under stress: garbage, huge files, crashes, many files, the end of the
session, and the command's errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from helpers import lint
from lspclient import uri_of
from lsphelpers import (
    DLINT,
    Start,
    codes,
    write,
)

SERVER_START_SECONDS = 60


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


def _framed(*messages: dict[str, object]) -> bytes:
    data = b""
    for message in messages:
        body = json.dumps(message).encode()
        data += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return data


def test_messages_are_read_from_a_file_as_from_a_pipe(tmp_path: Path) -> None:
    """Editors give the server a pipe, which the event loop reads; standard input that is a
    file cannot be watched so, and is read as pygls reads it: the same answers."""
    uri = uri_of(tmp_path / "Dockerfile")
    document = {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM debian\n"}
    session = _framed(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": document}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    )  # fmt: skip
    messages = tmp_path / "messages"
    messages.write_bytes(session)
    answers = {}
    for kind in ("file", "pipe"):
        with messages.open("rb") as source:
            done = subprocess.run(
                [*DLINT, "lsp", "--shellcheck", "off"],
                stdin=source if kind == "file" else None,
                input=None if kind == "file" else session,
                capture_output=True,
                timeout=SERVER_START_SECONDS,
            )
        assert done.returncode == 0, done.stderr.decode()  # exit after shutdown: 0
        bodies = [json.loads(body) for body in re.split(rb"Content-Length: \d+\r\n.*?\r\n\r\n",
                  done.stdout, flags=re.S)[1:]]  # fmt: skip
        answers[kind] = {body["id"]: sorted(body) for body in bodies if "id" in body}
    assert answers["file"] == answers["pipe"] == {1: ["id", "jsonrpc", "result"],
                                                  2: ["id", "jsonrpc", "result"]}  # fmt: skip


def test_a_message_cut_short_by_the_end_of_input(tmp_path: Path) -> None:
    """The part read is not JSON (said, as any bad message), then the input is over: the
    server ends, with 1 (no shutdown was asked for)."""
    done = subprocess.run(
        [*DLINT, "lsp"],
        input=b'Content-Length: 100\r\n\r\n{"jsonrpc": "2.0", "id": 1',
        capture_output=True,
        timeout=SERVER_START_SECONDS,
    )
    assert done.returncode == 1
    assert b"JSONDecodeError" in done.stderr and b'"result"' not in done.stdout


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
