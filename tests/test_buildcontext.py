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
