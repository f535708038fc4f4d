"""``dlint check`` without click (fast_check.py) does what the click command does, byte for
byte: the same standard output, standard error, exit code and files written, for every
option and every kind of error; command lines it does not fully understand go to click."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from dockerfile_dlint import cli, fast_check
from dockerfile_dlint.check_options import CHECK_OPTIONS, CheckRequest
from dockerfile_dlint.fast_check import parse_check, run_fast

DOCKERFILE = "FROM ubuntu\nMAINTAINER Jane <jane@example.com>\nRUN apt-get install curl\n"
OTHER = "FROM python:3.12-slim\nCMD python app.py\n"
STDIN = "FROM debian:12\nMAINTAINER Jane <jane@example.com>\nCMD python app.py\n"
QUICK = ("--shellcheck", "off")

# (arguments after ``check``, whether the fast parser runs them itself)
UNDERSTOOD = [
    ["--shellcheck", "off", "Dockerfile"],
    ["Dockerfile"],
    [],
    ["--shellcheck=off", "--format", "json", "Dockerfile"],
    ["--format", "sarif", "-o", "out.sarif", "Dockerfile", "--format", "text", *QUICK],
    ["-oout.txt", "Dockerfile", *QUICK],
    ["-o=out.txt", *QUICK],
    ["--output=out.txt", *QUICK],
    ["--format=json", "-o-", "--format", "github", "-o", "gh.txt", *QUICK],
    ["--format", "checkstyle", "--format", "gitlab", "-o", "gl.json", *QUICK],
    ["-j4", "Dockerfile", *QUICK],
    ["-j", "1", "Dockerfile", "other/Dockerfile", *QUICK],
    ["--jobs=2", *QUICK],
    ["--jobs", " 3 ", *QUICK],
    ["--failure-threshold", "ERROR", *QUICK],
    ["--failure-threshold=none", *QUICK],
    ["--ignore", "DL3006,DL3008", "--ignore", "DB004", *QUICK],
    ["--select", "DL3006", "--select=DL4000", *QUICK],
    ["--exclude", "other/*", ".", *QUICK],
    [".", *QUICK],
    ["--context", "ctx", *QUICK],
    ["--config", "settings.toml", *QUICK],
    ["--config=settings.toml", "--no-config", *QUICK],
    ["--no-config", "--no-config", *QUICK],
    ["--fix", "--select", "DL4000", *QUICK],
    ["--diff", "--select", "DL4000,DL3025", *QUICK],
    ["--fix", "--unsafe-fixes", "--fix-only", "DL4000", "--fix-only=DL3025", *QUICK],
    ["--fix", "-", "--select", "DL4000,DL3025", *QUICK],
    ["-", "--stdin-filename", "sub/Dockerfile", *QUICK],
    ["--max-file-size", "10", *QUICK],
    ["--max-file-size=1MiB", *QUICK],
    ["--as-of", "2020-01-01", *QUICK],
    ["--as-of=2099-12-31", "--no-color", *QUICK],
    ["Dockerfile", "Dockerfile", *QUICK],
    ["--shellcheck", "off", "--shellcheck", "auto", "--shellcheck", "off"],
    ["--", "Dockerfile", *QUICK],
    # errors found after parsing: the fast path reports them as click's command does
    ["--", "--fix", *QUICK],
    ["--fix", "--diff", *QUICK],
    ["nosuch", *QUICK],
    ["empty", *QUICK],
    ["--format", "json", "--format", "text", *QUICK],
    ["-o", "x.txt", "--format", "json", *QUICK],
    ["--format", "json", "-o", "a.json", "-o", "b.json", *QUICK],
    ["--format", "json", "-o", "same", "--format", "sarif", "-o", "same", *QUICK],
    ["--config", "missing.toml", *QUICK],
    ["--config", "broken.toml", *QUICK],
    ["--context", "nosuchdir", *QUICK],
    ["--format", "text", "--format", "json", "-o", "ctx", *QUICK],
    ["--output", "", *QUICK],
]
LEFT_TO_CLICK = [
    ["--help"],
    ["-h"],
    ["Dockerfile", "--help"],
    ["--version"],
    ["--format", "bad"],
    ["--format=yaml"],
    ["--format"],
    ["--shellcheck", "OFF"],
    ["--failure-threshold", "fatal"],
    ["-j", "0"],
    ["-j0"],
    ["-jx"],
    ["-j=4"],
    ["--jobs=-1"],
    ["--max-file-size", "12XB"],
    ["--as-of", "2020-13-01"],
    ["--bogus"],
    ["--form", "json"],
    ["--shell", "off"],
    ["-x"],
    ["-fix"],
    ["-o"],
    ["--fix=yes"],
    ["--config", "ctx"],
    ["--context", "Dockerfile"],
]


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of the same project for each run (``--fix`` changes files)."""

    def make(name: str) -> Path:
        root = tmp_path / name
        (root / "other").mkdir(parents=True)
        (root / "ctx").mkdir()
        (root / "empty").mkdir()
        (root / "Dockerfile").write_text(DOCKERFILE)
        (root / "other" / "Dockerfile").write_text(OTHER)
        (root / "settings.toml").write_text('ignore = ["DL3008"]\n')
        (root / "broken.toml").write_text("ignore = [\n")
        return root

    return make


Outcome = tuple[object, bytes, bytes, dict[str, bytes]]


def outcome_of(
    command: Callable[[], object],
    root: Path,
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> Outcome:
    """Exit code, standard output and error, and every file of the project afterwards."""
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(STDIN.encode())))
    capfdbinary.readouterr()
    code = command()
    out, err = capfdbinary.readouterr()
    files = {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }
    return code, out, err, files


def through_dlint(argv: list[str]) -> object:
    """What the ``dlint`` command does (entry.main, without its collector settings)."""
    code = run_fast(argv)
    return through_click(argv) if code is None else code


def through_click(argv: list[str]) -> object:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    return stop.value.code


@pytest.mark.parametrize(
    ("args", "understood"),
    [(args, True) for args in UNDERSTOOD] + [(args, False) for args in LEFT_TO_CLICK],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_the_fast_path_does_what_click_does(
    args: list[str],
    understood: bool,
    tree: Callable[[str], Path],
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["check", *args]
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tree("parsed"))
    assert (parse_check(argv) is not None) == understood
    fast = outcome_of(lambda: through_dlint(argv), tree("fast"), capfdbinary, monkeypatch)
    slow = outcome_of(lambda: through_click(argv), tree("click"), capfdbinary, monkeypatch)
    assert fast == slow
    assert fast[0] in (0, 1, 2)


def test_the_fast_parser_reads_values_and_their_order_as_click_does() -> None:
    argv = ["check", "-oa", "x", "--format=json", "-j", "3", "--", "-o", "--fix"]
    request = parse_check(argv)
    assert request == CheckRequest(
        paths=("x", "-o", "--fix"),
        output_formats=("json",),
        outputs=("a",),
        jobs=3,
        output_order=("outputs", "output_formats"),
    )
    assert parse_check(["check", "--failure-threshold", "Warning"]) == CheckRequest(
        failure_threshold="warning"
    )
    assert parse_check(["check", "-o", "--fix"]) == CheckRequest(
        outputs=("--fix",), output_order=("outputs",)
    )


def test_other_commands_and_completion_go_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    for argv in ([], ["parse", "Dockerfile"], ["rules"], ["--version"], ["--", "check"]):
        assert parse_check(argv) is None
    assert parse_check(["check"]) == CheckRequest()
    monkeypatch.setenv(fast_check.COMPLETION_VARIABLE, "bash_complete")
    assert parse_check(["check"]) is None


def test_the_request_has_a_field_for_every_option_with_its_default() -> None:
    fields = set(CheckRequest._fields)
    assert fields == {option.dest for option in CHECK_OPTIONS} | {"paths", "output_order"}
    defaults = CheckRequest()
    for option in CHECK_OPTIONS:
        assert getattr(defaults, option.dest) == option.initial, option.dest


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, EOFError])
def test_an_interrupt_ends_both_paths_alike(
    interruption: type[BaseException],
    tree: Callable[[str], Path],
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(request: CheckRequest) -> int:
        sys.stdout.write("partial\n")
        raise interruption

    monkeypatch.setattr(fast_check, "run_check", interrupted)
    monkeypatch.setattr(cli, "run_check", interrupted)
    argv = ["check", "Dockerfile"]
    fast = outcome_of(lambda: through_dlint(argv), tree("fast"), capfdbinary, monkeypatch)
    slow = outcome_of(lambda: through_click(argv), tree("click"), capfdbinary, monkeypatch)
    assert fast == slow
    assert fast[:3] == (130, b"partial\n", b"\n")


def test_warnings_lose_terminal_escapes_off_a_terminal_as_with_click(
    tree: Callable[[str], Path],
    capfdbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["check", "--shellcheck", "off", "no\x1b[31msuch"]
    fast = outcome_of(lambda: through_dlint(argv), tree("fast"), capfdbinary, monkeypatch)
    slow = outcome_of(lambda: through_click(argv), tree("click"), capfdbinary, monkeypatch)
    assert fast == slow
    assert fast[2] == b"dlint: error: no such file or directory: nosuch\n"


@pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
@pytest.mark.parametrize("name", ["nosuch-\u00e9", "nosuch-\udcff"])
def test_messages_are_encoded_as_click_encodes_them(
    encoding: str, name: str, tmp_path: Path
) -> None:
    """A standard error that says it is ASCII gets UTF-8 from click (it takes ASCII for a
    misconfiguration); a file name that is not text gets click's replacement."""
    ends = []
    for entry in ("entry", "cli"):
        code = (
            f"import sys; sys.argv[0] = 'dlint'; from dockerfile_dlint.{entry} import main; main()"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, "check", "--shellcheck", "off", name],
            cwd=tmp_path,
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": encoding},
            check=False,
        )
        ends.append((done.returncode, done.stdout, done.stderr))
    assert ends[0] == ends[1]
    assert ends[0][0] == 2 and ends[0][2].startswith(b"dlint: error: no such file")


def modules_after(args: list[str], cwd: Path) -> tuple[str, set[str]]:
    """Standard output of ``dlint ARGS`` run as the command runs, and the modules it had
    imported when it ended."""
    code = (
        "import sys\n"
        f"sys.argv = ['dlint', *{args!r}]\n"
        "from dockerfile_dlint.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout, set(done.stderr.split())


def test_dlint_check_on_a_file_never_imports_click(tree: Callable[[str], Path]) -> None:
    root = tree("project")
    output, modules = modules_after(["check", "--shellcheck", "off", "Dockerfile"], root)
    assert "DL3006" in output
    assert not {name for name in modules if name.partition(".")[0] == "click"}
    # nor what click, dataclasses or pkgutil's module search would bring in (issue 19)
    assert not modules & {"dataclasses", "inspect", "pkgutil", "uuid", "platform", "gettext"}
    _, modules = modules_after(["check", "--help"], root)
    assert "click" in modules


def test_a_reader_that_left_ends_both_paths_alike(tmp_path: Path) -> None:
    """The write that finds the pipe closed: click exits 1, standard error stays empty.
    (The error is raised where the report would be written: here a closed pipe never
    fails a write.)"""
    ends = []
    for module, entry in (("fast_check", "entry"), ("cli", "cli")):
        code = (
            "import sys\n"
            f"from dockerfile_dlint import {module} as path\n"
            "def closed(request):\n"
            "    sys.stdout.write('partial')\n"
            "    raise BrokenPipeError(32, 'Broken pipe')\n"
            "path.run_check = closed\n"
            "sys.argv = ['dlint', 'check', 'Dockerfile']\n"
            f"from dockerfile_dlint.{entry} import main\n"
            "main()\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, check=False
        )
        ends.append((done.returncode, done.stdout, done.stderr))
    assert ends[0] == ends[1]
    assert ends[0][0] == 1 and ends[0][2] == b""
