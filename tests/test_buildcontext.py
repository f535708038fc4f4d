"""Build-context reads stay inside the context and never raise."""

from __future__ import annotations

import os
from pathlib import Path

from dockerfile_dlint.buildcontext import MAX_FILE_BYTES, BuildContext


def test_reads_files_relative_to_the_context(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "requirements.txt").write_text("prisma==0.15\n")
    context = BuildContext(tmp_path)
    assert context.read_text("app/requirements.txt") == "prisma==0.15\n"
    assert context.read_text("./app/../app/requirements.txt") == "prisma==0.15\n"
    assert context.exists("app") and not context.exists("missing.txt")
    assert context.read_text("missing.txt") is None


def test_no_escape_from_the_context(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("token")
    root = tmp_path / "context"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    context = BuildContext(root)
    assert context.read_text("../secret.txt") is None  # '..' stops at the context root
    assert context.read_text("link.txt") is None  # a symlink out of the context is not followed


def test_large_and_unreadable_files_are_absent(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    (tmp_path / "dir.txt").mkdir()
    context = BuildContext(tmp_path)
    assert context.read_text("big") is None
    assert context.read_text("dir.txt") is None


def test_names_the_os_refuses_and_files_that_are_not_regular(tmp_path: Path) -> None:
    """A NUL in a COPY source (a corrupt Dockerfile), a symlink loop or a named pipe in the
    context: absent, never an exception, and the pipe is not waited on."""
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    context = BuildContext(tmp_path)
    assert context.read_text("\0run.sh") is None
    assert not context.exists("\0run.sh") and not context.is_file("run.sh\0")
    assert not context.is_executable("\0run.sh")
    assert context.read_text("loop") is None and not context.is_file("loop")
    assert context.exists("pipe") and not context.is_file("pipe")
    assert context.read_text("pipe") is None
    assert context.is_file("run.sh")


def _resolving(root: Path, relative: str) -> tuple[Path | None, int | None]:
    """The reference: resolve the whole path, keep it only inside the root, stat it."""
    root = root.resolve()
    path = (root / relative.lstrip("/")).resolve()
    if path != root and root not in path.parents:
        return None, None
    try:
        return path, path.stat().st_mode
    except OSError:
        return path, None


def test_links_inside_the_context_are_followed_and_others_not(tmp_path: Path) -> None:
    """Names are looked at one by one and only a link is resolved: the answers are those of
    resolving every path whole, for links to folders and files, in and out of the context."""
    outside = tmp_path / "outside"
    (outside / "bin").mkdir(parents=True)
    (outside / "bin" / "tool").write_text("x")
    root = tmp_path / "context"
    (root / "docker" / "bin").mkdir(parents=True)
    (root / "docker" / "entrypoint.sh").write_text("#!/bin/sh\n")
    (root / "docker" / "entrypoint.sh").chmod(0o755)
    (root / "docker" / "bin" / "run").write_text("x")
    (root / "scripts").symlink_to(root / "docker")  # a folder link inside
    (root / "start.sh").symlink_to("docker/entrypoint.sh")  # a relative file link inside
    (root / "vendor").symlink_to(outside)  # a folder link out
    (root / "tool").symlink_to(outside / "bin" / "tool")  # a file link out
    (root / "up").symlink_to("..")  # a link to the parent
    context = BuildContext(root)
    names = [
        "", ".", "docker", "docker/", "docker/entrypoint.sh", "docker/bin/run", "scripts",
        "scripts/entrypoint.sh", "scripts/bin/run", "start.sh", "start.sh/x", "vendor",
        "vendor/bin/tool", "tool", "up", "up/context/docker/entrypoint.sh", "missing",
        "missing/deeper", "docker/entrypoint.sh/inside", "docker/../docker/bin/run",
    ]  # fmt: skip
    for name in names:
        cleaned = os.path.normpath("/" + name).lstrip("/")
        assert context._found(name) == _resolving(root, cleaned), name
    assert context.is_file("scripts/entrypoint.sh") and context.is_executable("start.sh")
    assert not context.is_file("vendor/bin/tool") and not context.exists("tool")
    assert context.read_text("scripts/bin/run") == "x"
    assert not context.is_executable("docker/bin/run")
