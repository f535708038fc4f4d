"""``dlint lsp``'s code actions (quick fixes, fix all, ignore pragmas) and hovers: applied
as an editor applies them, then linted again."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lspclient import apply_edits, uri_of
from lsphelpers import (
    DLINT,
    EXAMPLE,
    FIXABLE,
    Start,
    codes,
    whole,
)


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
