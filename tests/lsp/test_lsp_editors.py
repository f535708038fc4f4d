"""The README's editor set-ups, run: Neovim and Emacs (eglot) headless with the snippets as
written, the VS Code and Helix settings parsed and their command started.

Without an editor these tests skip and say why; with ``DLINT_REQUIRE_EDITORS=1`` (CI, where
``.ci/install-editors`` installs them) they fail instead, so a missing editor cannot pass as a
green run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
from helpers import ROOT
from lspclient import LspClient, uri_of
from lsphelpers import cli_findings, write

REQUIRED = os.environ.get("DLINT_REQUIRE_EDITORS") == "1"
EDITOR_SECONDS = 180
BIN = Path(sys.executable).parent  # where this test run's `dlint` command is
TEXT = "FROM python:latest\nRUN pip install flask==3.0.3\nCMD python app.py\n"
FIXED = (
    'FROM python:latest\nRUN pip install --no-cache-dir flask==3.0.3\nCMD ["python", "app.py"]\n'
)


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires the editor tests to run."""
    if REQUIRED:
        pytest.fail(f"{reason} (DLINT_REQUIRE_EDITORS=1: the editor tests must run)", pytrace=False)
    pytest.skip(reason)


def editor(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        unavailable(f"no {name} on PATH (.ci/install-editors installs it)")
        raise AssertionError("unreachable")
    return found


def readme_block(language: str, containing: str) -> str:
    """The code block of ``language`` in the README's Editors section that contains
    ``containing``."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Editors\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)
    (block,) = [block for block in blocks if containing in block]
    return block


def editor_env(home: Path) -> dict[str, str]:
    """The user's environment with this run's ``dlint`` first on PATH and an empty HOME."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(home)}


def run_editor(command: list[str], cwd: Path) -> dict[str, Any]:
    """Run a headless editor that writes ``result.json`` in ``cwd``; what it wrote."""
    home = cwd / "home"
    home.mkdir()
    done = subprocess.run(
        command,
        cwd=cwd,
        env=editor_env(home),
        capture_output=True,
        text=True,
        timeout=EDITOR_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    result = cwd / "result.json"
    assert result.is_file(), f"exit {done.returncode}: {done.stdout}\n{done.stderr}"
    found: dict[str, Any] = json.loads(result.read_text())
    assert "error" not in found, found["error"]
    return found


NEOVIM_DRIVER = """\
local result = {}
local function snapshot()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(found, { d.code, d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.source })
  end
  return found
end
local function main()
  vim.cmd("edit Dockerfile")
  assert(vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 20), "no diagnostics")
  result.opened = snapshot()
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(),
    range = { start = { line = 0, character = 0 }, ["end"] = { line = 3, character = 0 } },
    context = { diagnostics = {}, only = { "source.fixAll.dlint" } },
  }
  local answers = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 30000)
  local actions = {}
  for _, answer in pairs(answers or {}) do
    for _, action in ipairs(answer.result or {}) do table.insert(actions, action) end
  end
  result.actions = #actions
  vim.lsp.util.apply_workspace_edit(actions[1].edit, "utf-16")
  result.fixed = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  assert(vim.wait(60000, function() return #vim.diagnostic.get(0) == 1 end, 20), "no new lint")
  result.after = snapshot()
  local position = { line = 0, character = 8 }
  local hover_params = { textDocument = params.textDocument, position = position }
  local hovers = vim.lsp.buf_request_sync(0, "textDocument/hover", hover_params, 30000)
  for _, answer in pairs(hovers or {}) do result.hover = answer.result.contents.value end
end
local ok, message = pcall(main)
if not ok then result.error = tostring(message) end
vim.fn.writefile({ vim.fn.json_encode(result) }, "result.json")
vim.cmd("qa!")
"""


def test_neovim_shows_diagnostics_applies_fix_all_and_hovers(tmp_path: Path) -> None:
    nvim = editor("nvim")
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=True)
    path = write(tmp_path / "Dockerfile", TEXT)
    write(tmp_path / "init.lua", readme_block("lua", "Neovim 0.7"))
    write(tmp_path / "driver.lua", NEOVIM_DRIVER)
    command = [nvim, "--headless", "--clean", "-u", "init.lua", "-c", "luafile driver.lua"]
    result = run_editor(command, tmp_path)
    opened = sorted((d[0], d[1], d[2], d[3], d[4]) for d in result["opened"])
    assert opened == cli_findings(path), version.stdout.splitlines()[0]
    assert {(d[5], d[6]) for d in result["opened"]} == {(2, "dlint")}  # warnings, from dlint
    assert result["actions"] == 1
    assert result["fixed"] == FIXED.splitlines()
    assert [d[0] for d in result["after"]] == ["DL3007"]
    assert result["hover"].startswith("**DL3007** warning: image python:latest")
    assert "# DL3007: latest-tag" in result["hover"]


def test_the_neovim_08_snippet_compiles(tmp_path: Path) -> None:
    """Debian 12's Neovim is 0.7: the snippet for 0.8 and later can be compiled, not run."""
    nvim = editor("nvim")
    snippet = readme_block("lua", "Neovim 0.8")
    assert '{ "dlint", "lsp" }' in snippet and "vim.lsp.start(" in snippet
    write(tmp_path / "snippet.lua", snippet)
    check = (
        "lua local code = io.open('snippet.lua'):read('*a'); "
        "local compiled, problem = loadstring(code); "
        "vim.fn.writefile({ compiled and 'compiles' or problem }, 'compiled.txt')"
    )
    subprocess.run(
        [nvim, "--headless", "--clean", "-c", check, "-c", "qa!"],
        cwd=tmp_path,
        capture_output=True,
        timeout=EDITOR_SECONDS,
        stdin=subprocess.DEVNULL,
    )
    assert (tmp_path / "compiled.txt").read_text() == "compiles\n"


EMACS_DRIVER = """\
(require 'eglot)
(require 'json)
;; The test stands in for the dockerfile-mode package, which is not installed here.
(unless (fboundp 'dockerfile-mode)
  (define-derived-mode dockerfile-mode prog-mode "Dockerfile"))
(add-to-list 'auto-mode-alist '("Dockerfile\\\\'" . dockerfile-mode))

(defun dlint-test-wait (predicate)
  (let ((deadline (+ (float-time) 60)))
    (while (and (< (float-time) deadline) (not (funcall predicate)))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun dlint-test-diagnostic (diagnostic)
  (let ((beg (flymake-diagnostic-beg diagnostic)) (end (flymake-diagnostic-end diagnostic)))
    (vector (flymake-diagnostic-text diagnostic)
          (1- (line-number-at-pos beg)) (save-excursion (goto-char beg) (current-column))
          (1- (line-number-at-pos end)) (save-excursion (goto-char end) (current-column)))))

(let ((result nil))
  (condition-case problem
      (progn
        (find-file "Dockerfile")
        ;; eglot-ensure connects after the command that opened the file.
        (run-hooks 'post-command-hook)
        (unless (dlint-test-wait #'flymake-diagnostics) (error "no diagnostics"))
        (push (cons 'opened (vconcat (mapcar #'dlint-test-diagnostic (flymake-diagnostics))))
              result)
        (eglot-code-actions (point-min) (point-max) "source.fixAll.dlint" t)
        (push (cons 'fixed (buffer-substring-no-properties (point-min) (point-max))) result))
    (error (push (cons 'error (format "%S" problem)) result)))
  (with-temp-file "result.json" (insert (json-encode result))))
(kill-emacs 0)
"""


def test_emacs_eglot_shows_diagnostics_and_applies_fix_all(tmp_path: Path) -> None:
    emacs = editor("emacs")
    path = write(tmp_path / "Dockerfile", TEXT)
    write(tmp_path / "snippet.el", readme_block("elisp", "eglot-server-programs"))
    write(tmp_path / "driver.el", EMACS_DRIVER)
    probe = subprocess.run(
        [emacs, "--batch", "--eval", '(princ (if (require \'eglot nil t) "eglot" "none"))'],
        capture_output=True,
        text=True,
        env=editor_env(tmp_path),
        timeout=EDITOR_SECONDS,
    )
    if probe.stdout != "eglot":
        unavailable("Emacs has no eglot (apt-get install elpa-eglot, or Emacs 29)")
    result = run_editor([emacs, "--batch", "-l", "snippet.el", "-l", "driver.el"], tmp_path)
    opened = []
    for text, *where in result["opened"]:
        code = re.match(r"dlint \[(\w+)\]: ", text)
        assert code is not None, text
        opened.append((code.group(1), *where))
    assert sorted(opened) == cli_findings(path)
    assert result["fixed"] == FIXED


def start_from(command: str, args: list[str], tmp_path: Path) -> LspClient:
    """The server an editor would start from ``command`` and ``args``, on this run's PATH."""
    found = shutil.which(command, path=str(BIN))
    assert found is not None, f"{command} is not a command of this installation"
    logs = tmp_path / "logs"
    logs.mkdir()
    return LspClient([found, *args], tmp_path, logs / "server.log")


def serves(client: LspClient, tmp_path: Path) -> list[str]:
    """Initialize, open a Dockerfile: the codes published; then shut down."""
    try:
        client.initialize(tmp_path)
        uri = uri_of(write(tmp_path / "Dockerfile", "FROM debian\n"))
        client.open(uri, "FROM debian\n")
        codes = [diagnostic["code"] for diagnostic in client.diagnostics(uri, 1)]
        assert client.shutdown() == 0
        return codes
    finally:
        client.kill()


def test_the_helix_languages_toml_starts_dlint_lsp(tmp_path: Path) -> None:
    config = tomllib.loads(readme_block("toml", "[language-server.dlint]"))
    server = config["language-server"]["dlint"]
    (language,) = config["language"]
    assert language["name"] == "dockerfile" and "dlint" in language["language-servers"]
    client = start_from(server["command"], server["args"], tmp_path)
    assert serves(client, tmp_path) == ["DL3006"]


def test_the_vs_code_settings_start_dlint_lsp(tmp_path: Path) -> None:
    settings = json.loads(readme_block("json", "glspc.server.command"))
    assert settings["glspc.server.languageId"] == ["dockerfile"]
    on_save = settings["[dockerfile]"]["editor.codeActionsOnSave"]
    assert list(on_save) == ["source.fixAll.dlint"]
    command, args = settings["glspc.server.command"], settings["glspc.server.commandArguments"]
    client = start_from(command, args, tmp_path)
    assert serves(client, tmp_path) == ["DL3006"]
