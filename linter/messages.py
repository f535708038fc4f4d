"""What ``dlint check`` says on standard error, without click: its usage problems and the
lines it writes there, written as ``click.echo`` writes them (the command prints the same
bytes whether click parsed its command line or ``fast_check`` did)."""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

from .patterns import lazy

# The terminal control sequences click.echo drops from text written to anything but a
# terminal (a file name can hold one).
_ANSI_SEQUENCE = lazy(r"\033\[[0-?]*[ -/]*[@-~]")


class UsageProblem(Exception):
    """A usage error found after option parsing (missing path, bad config): the command
    reports it on one line and exits with code 2."""


def echo_stderr(line: str) -> None:
    """Write ``line`` and a newline to standard error, as ``click.echo(line, err=True)``:
    without terminal escapes off a terminal, and as UTF-8 (``?`` for what is not text)
    where standard error says it is ASCII, which click takes for a misconfiguration."""
    stream = sys.stderr
    if stream is None:
        return
    if not _isatty(stream):
        line = _ANSI_SEQUENCE.sub("", line)
    binary = getattr(stream, "buffer", None)
    if binary is not None and _is_ascii(getattr(stream, "encoding", None)):
        stream.flush()
        binary.write(f"{line}\n".encode("utf-8", "replace"))
        binary.flush()
        return
    stream.write(line + "\n")
    stream.flush()


def _is_ascii(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "ascii").name == "ascii"
    except LookupError:
        return False


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False
