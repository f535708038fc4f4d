"""Paths from an untrusted repository: symlink loops, dangling and escaping symlinks, named
pipes, devices and unreadable files or directories are reported, never hang the run nor leak a
file from outside the tree; exit 2 only when nothing could be linted. Files are never modified
except by ``--fix``, which replaces a file in one rename or leaves it exactly as it was.

Permission cases need a user without root's override of file modes: run as root (a container),
dlint is started as ``nobody`` (with util-linux's ``setpriv``) in a directory anyone can enter.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint import cli

CLEAN = 'FROM python:3.12-slim\nCMD ["python"]\n'
UNTAGGED = "FROM python\n"
BROKEN = "FROM debian:12\nMAINTAINER Jane <jane@example.com>\nCMD python app.py\n"
FIXED = 'FROM debian:12\nLABEL maintainer="Jane <jane@example.com>"\nCMD ["python", "app.py"]\n'
NOBODY = 65534
# A guard against a hang, not a measurement: each of these runs takes well under a second.
HANG_GUARD = 120

posix_only = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def dlint(
    *args: str,
    cwd: Path,
    stdin: bytes | None = None,
    unprivileged: bool = False,
    env: dict[str, str] | None = None,
    **options: Any,
) -> subprocess.CompletedProcess[str]:
    """Run ``dlint`` as a user would; ``unprivileged`` drops root to ``nobody`` first."""
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("run as root without setpriv: file modes cannot be tested")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", "HOME": str(cwd), **(env or {})},
        timeout=HANG_GUARD,
        check=False,
        **options,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def findings(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str, str]]:
    """(file, code, message) of a ``--format json`` run."""
    assert result.stdout, result.stderr
    return [(f["file"], f["code"], f["message"]) for f in json.loads(result.stdout)]


@pytest.fixture
def tree() -> Iterator[Path]:
    """A directory anyone may enter (pytest's tmp_path is private to its user), removed
    afterwards even where a test took permissions away."""
    top = Path(tempfile.mkdtemp(prefix="dlint-paths-"))
    top.chmod(0o755)
    try:
        yield top
    finally:
        for directory, subdirectories, _ in os.walk(top):
            for name in subdirectories:
                path = os.path.join(directory, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o755)
        shutil.rmtree(top)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def snapshot(top: Path) -> dict[str, tuple[bytes | str, int, int]]:
    """Every entry under ``top``: content (or link target), mode and modification time."""
    entries: dict[str, tuple[bytes | str, int, int]] = {}
    for directory, subdirectories, files in os.walk(top):
        for name in subdirectories + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                content: bytes | str = os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                content = Path(path).read_bytes()
            else:
                content = ""
            entries[os.path.relpath(path, top)] = (content, info.st_mode, info.st_mtime_ns)
    return entries


def test_symlink_loops_and_dangling_symlinks_are_reported_and_the_rest_is_linted(
    tree: Path,
) -> None:
    write(tree / "Dockerfile", UNTAGGED)
    (tree / "Dockerfile.loop").symlink_to("Dockerfile.loop")
    (tree / "a.Dockerfile").symlink_to("b.Dockerfile")
    (tree / "b.Dockerfile").symlink_to("a.Dockerfile")
    (tree / "Dockerfile.gone").symlink_to("nowhere")
    result = dlint("check", "--format", "json", ".", cwd=tree)
    assert result.returncode == 1
    loop = "cannot read file: Too many levels of symbolic links"
    reported = sorted((file, code, message) for file, code, message in findings(result))
    assert [(file, code) for file, code, _ in reported] == [
        ("./Dockerfile", "DL3006"),
        ("./Dockerfile.gone", "DL1000"),
        ("./Dockerfile.loop", "DL1000"),
        ("./a.Dockerfile", "DL1000"),
        ("./b.Dockerfile", "DL1000"),
    ]
    assert [message for _, _, message in reported[1:]] == [
        "cannot read file: No such file or directory",
        loop,
        loop,
        loop,
    ]


def test_directory_symlink_loops_are_not_followed(tree: Path) -> None:
    """Symlinked directories are not searched (git does not follow them either): a loop
    cannot make the search endless, and no file is linted twice."""
    write(tree / "svc" / "Dockerfile", UNTAGGED)
    (tree / "svc" / "up").symlink_to("..")
    (tree / "svc" / "self").symlink_to(".")
    (tree / "elsewhere").symlink_to(tree / "svc")
    result = dlint("check", "--format", "json", ".", cwd=tree)
    assert [file for file, _, _ in findings(result)] == ["./svc/Dockerfile"]


def test_a_symlink_named_on_the_command_line_is_linted_wherever_it_leads(tree: Path) -> None:
    write(tree / "shared" / "base.Dockerfile", UNTAGGED)
    (tree / "Dockerfile").symlink_to(tree / "shared" / "base.Dockerfile")
    result = dlint("check", "--format", "json", "Dockerfile", cwd=tree)
    assert findings(result)[0][:2] == ("Dockerfile", "DL3006")


def test_a_symlink_out_of_the_tree_is_not_read(tree: Path) -> None:
    """A Dockerfile in a pull request that links to a credentials file must not have that
    file quoted in the report (the text format shows the offending line)."""
    secret = write(tree / "home" / ".aws" / "credentials", "aws_secret_access_key = s3cr3t\n")
    repo = tree / "repo"
    write(repo / "Dockerfile", UNTAGGED)
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").symlink_to(secret)
    (repo / "svc" / "Dockerfile.shared").symlink_to("../Dockerfile")
    result = dlint("check", "--format", "json", ".", cwd=repo)
    assert "s3cr3t" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert [file for file, _, _ in findings(result)] == ["./Dockerfile", "./svc/Dockerfile.shared"]
    assert result.stderr.splitlines() == [
        f"dlint: warning: ./svc/Dockerfile: a symlink to {os.path.realpath(secret)}, outside "
        "the directory searched: not read"
    ]
    text = dlint("check", "svc", cwd=repo)  # the current directory bounds it too
    assert "s3cr3t" not in text.stdout + text.stderr
    assert "Dockerfile.shared:1:6: DL3006" in text.stdout


@posix_only
def test_named_pipes_and_devices_in_a_tree_are_not_read(tree: Path) -> None:
    write(tree / "Dockerfile", UNTAGGED)
    os.mkfifo(tree / "Dockerfile.pipe")
    (tree / "zero.Dockerfile").symlink_to("/dev/zero")
    result = dlint("check", "--format", "json", ".", cwd=tree)
    assert [file for file, _, _ in findings(result)] == ["./Dockerfile"]
    assert result.stderr.splitlines() == [
        "dlint: warning: ./Dockerfile.pipe: not a regular file (a named pipe): not read",
        "dlint: warning: ./zero.Dockerfile: not a regular file (a character device): not read",
    ]


@posix_only
def test_a_tree_with_nothing_to_read_exits_2(tree: Path) -> None:
    os.mkfifo(tree / "Dockerfile")
    result = dlint("check", ".", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "dlint: warning: ./Dockerfile: not a regular file (a named pipe): not read",
        "dlint: error: nothing could be linted: see the warnings above",
    ]


def test_a_tree_deeper_than_the_recursion_limit(tree: Path) -> None:
    """Nesting is bounded by path length only (4096 bytes on Linux: 2,000 levels)."""
    depth = sys.getrecursionlimit() + 100
    deepest = tree.joinpath(*["d"] * depth)
    directory = tree
    for _ in range(depth):
        directory = directory / "d"
        directory.mkdir()
    write(deepest / "Dockerfile", UNTAGGED)
    try:
        result = dlint("check", "--format", "json", ".", cwd=tree)
        expected = "./" + "/".join(["d"] * depth) + "/Dockerfile"
        assert [file for file, _, _ in findings(result)] == [expected]
    finally:
        (deepest / "Dockerfile").unlink()
        for level in range(depth, 0, -1):  # shutil.rmtree recurses too
            tree.joinpath(*["d"] * level).rmdir()


@posix_only
def test_a_pipe_named_on_the_command_line_is_read(tree: Path) -> None:
    """``dlint check <(generate-dockerfile)`` passes /dev/fd/N, a pipe."""
    read_end, write_end = os.pipe()
    os.write(write_end, UNTAGGED.encode())
    os.close(write_end)
    try:
        result = dlint(
            "check", "--format", "json", f"/dev/fd/{read_end}", cwd=tree, pass_fds=(read_end,)
        )
    finally:
        os.close(read_end)
    assert [code for _, code, _ in findings(result)] == ["DL3006"]


@posix_only
def test_an_endless_device_named_on_the_command_line_is_read_up_to_the_limit(tree: Path) -> None:
    result = dlint("check", "--format", "json", "--max-file-size", "64k", "/dev/zero", cwd=tree)
    assert findings(result) == [
        (
            "/dev/zero",
            "DL1000",
            "file is larger than the 64 kB limit: not read (raise the limit with --max-file-size)",
        )
    ]


@posix_only
def test_an_unreadable_file_is_reported_and_the_others_are_linted(tree: Path) -> None:
    write(tree / "Dockerfile", UNTAGGED)
    write(tree / "private" / "Dockerfile", CLEAN).chmod(0)
    result = dlint("check", "--format", "json", ".", cwd=tree, unprivileged=True)
    assert result.returncode == 1, result.stderr
    assert sorted(findings(result))[1:] == [
        ("./private/Dockerfile", "DL1000", "cannot read file: Permission denied")
    ]


@posix_only
def test_nothing_readable_exits_2(tree: Path) -> None:
    write(tree / "Dockerfile", CLEAN).chmod(0)
    write(tree / "locked" / "Dockerfile", CLEAN)
    (tree / "locked").chmod(0)
    named = dlint("check", "Dockerfile", cwd=tree, unprivileged=True)
    assert named.returncode == 2
    assert "Dockerfile:1:1: DL1000 error: cannot read file: Permission denied" in named.stdout
    assert named.stderr == "dlint: error: nothing could be linted: 1 file could not be read\n"
    inside = dlint("check", "locked/Dockerfile", cwd=tree, unprivileged=True)  # no traceback
    assert (inside.returncode, inside.stderr.splitlines()[-1]) == (
        2,
        "dlint: error: nothing could be linted: 1 file could not be read",
    )
    listed = dlint("check", "locked", cwd=tree, unprivileged=True)
    assert listed.returncode == 2
    assert listed.stderr.splitlines() == [
        "dlint: warning: cannot list directory locked: Permission denied "
        "(its Dockerfiles are not linted)",
        "dlint: error: nothing could be linted: see the warnings above",
    ]


@posix_only
def test_an_unlistable_directory_is_reported_and_the_rest_is_linted(tree: Path) -> None:
    write(tree / "Dockerfile", UNTAGGED)
    write(tree / "locked" / "Dockerfile", UNTAGGED)
    (tree / "locked").chmod(0)
    result = dlint("check", "--format", "json", ".", cwd=tree, unprivileged=True)
    assert result.returncode == 1
    assert [file for file, _, _ in findings(result)] == ["./Dockerfile"]
    assert "cannot list directory ./locked: Permission denied" in result.stderr


@posix_only
@needs_git
def test_an_unlistable_directory_in_a_repository_is_reported(tree: Path) -> None:
    """git lists the tracked files; of untracked ones in a directory it cannot open it only
    warns, and dlint passes that on."""
    write(tree / "Dockerfile", UNTAGGED)
    write(tree / "locked" / "Dockerfile", UNTAGGED)
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    if os.geteuid() == 0:  # git refuses a repository another user owns
        for directory, subdirectories, files in os.walk(tree):
            for name in [".", *subdirectories, *files]:
                os.lchown(os.path.join(directory, name), NOBODY, NOBODY)
    (tree / "locked").chmod(0)
    result = dlint("check", "--format", "json", ".", cwd=tree, unprivileged=True)
    assert [file for file, _, _ in findings(result)] == ["./Dockerfile"]
    assert result.stderr.splitlines() == [
        "dlint: warning: cannot list directory ./locked: Permission denied "
        "(its Dockerfiles are not linted)"
    ]


@needs_git
def test_a_tracked_file_deleted_from_the_work_tree_is_not_reported(tree: Path) -> None:
    write(tree / "Dockerfile", UNTAGGED)
    write(tree / "old" / "Dockerfile", UNTAGGED)
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    subprocess.run(["git", "-C", str(tree), "add", "."], check=True)
    (tree / "old" / "Dockerfile").unlink()
    result = dlint("check", "--format", "json", ".", cwd=tree)
    assert [file for file, _, _ in findings(result)] == ["./Dockerfile"]
    assert result.stderr == ""


def test_check_and_diff_modify_nothing(tree: Path) -> None:
    write(tree / "Dockerfile", BROKEN)
    write(tree / "svc" / "Dockerfile", UNTAGGED).chmod(0o600)
    (tree / "Dockerfile.link").symlink_to("Dockerfile")
    before = snapshot(tree)
    for args in (["."], ["--diff", "."], ["--format", "sarif", "."], ["Dockerfile"]):
        assert dlint("check", *args, cwd=tree).returncode == 1
        assert snapshot(tree) == before


def test_fix_writes_through_a_symlink_and_keeps_it(tree: Path) -> None:
    target = write(tree / "docker" / "app.Dockerfile", BROKEN)
    (tree / "Dockerfile").symlink_to("docker/app.Dockerfile")
    result = dlint("check", "--select", "DL4000,DL3025", "--fix", "Dockerfile", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert os.readlink(tree / "Dockerfile") == "docker/app.Dockerfile"
    assert target.read_text() == FIXED
    assert sorted(p.name for p in target.parent.iterdir()) == ["app.Dockerfile"]


@posix_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_fix_run_by_root_keeps_the_owner(tree: Path) -> None:
    dockerfile = write(tree / "Dockerfile", BROKEN)
    os.chown(dockerfile, NOBODY, NOBODY)
    dockerfile.chmod(0o664)
    assert dlint("check", "--select", "DL4000,DL3025", "--fix", cwd=tree).returncode == 0
    info = dockerfile.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (NOBODY, NOBODY, 0o664)
    assert dockerfile.read_text() == FIXED


@posix_only
def test_fix_in_a_read_only_directory_leaves_the_file_as_it_was(tree: Path) -> None:
    dockerfile = write(tree / "Dockerfile", BROKEN)
    dockerfile.chmod(0o666)
    tree.chmod(0o555)
    result = dlint(
        "check", "--select", "DL4000,DL3025", "--fix", "Dockerfile", cwd=tree, unprivileged=True
    )
    tree.chmod(0o755)
    assert dockerfile.read_text() == BROKEN
    assert result.returncode == 1  # the findings are still there
    assert "dlint: Dockerfile: fixes not written: Permission denied" in result.stderr
    assert "fixed 0 findings in 0 files" in result.stderr
    assert os.listdir(tree) == ["Dockerfile"]


def run_in_process(args: list[str], monkeypatch: pytest.MonkeyPatch, cwd: Path) -> int:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("NO_COLOR", "1")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    code = exit_info.value.code
    assert isinstance(code, int)
    return code


@pytest.mark.parametrize(
    ("failing", "error"),
    [
        ("write", OSError(28, "No space left on device")),
        ("fsync", OSError(5, "Input/output error")),
        ("replace", OSError(18, "Invalid cross-device link")),
        ("fsync", KeyboardInterrupt()),
        ("replace", KeyboardInterrupt()),
    ],
)
def test_fix_failing_or_interrupted_leaves_the_original_and_no_temporary_file(
    failing: str,
    error: BaseException,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dockerfile = write(tmp_path / "Dockerfile", BROKEN)
    dockerfile.chmod(0o640)

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    if failing == "write":
        real_fdopen = os.fdopen

        class FailingWrites:
            def __init__(self, stream: Any) -> None:
                self.stream = stream

            def __enter__(self) -> FailingWrites:
                return self

            def __exit__(self, *exception: object) -> None:
                self.stream.close()

            def write(self, data: bytes) -> None:
                raise error

        def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            stream = real_fdopen(fd, mode, *args, **kwargs)
            return FailingWrites(stream) if "w" in mode else stream

        monkeypatch.setattr(os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(os, failing, fail)
    code = run_in_process(["check", "--select", "DL4000,DL3025", "--fix"], monkeypatch, tmp_path)
    monkeypatch.undo()
    assert dockerfile.read_text() == BROKEN
    assert dockerfile.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["Dockerfile"]
    stderr = capsys.readouterr().err
    if isinstance(error, KeyboardInterrupt):
        assert code == 130
    else:
        assert code == 1
        assert f"dlint: Dockerfile: fixes not written: {error.strerror}" in stderr
