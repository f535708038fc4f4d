"""Read files of the build context, the directory Docker sends to the builder.

Rules follow COPY into the context to read requirements files and entrypoint scripts. Reads
stay inside the context directory (no ``..`` escapes, no symlinks out of it), are bounded in
size, and never raise: a missing or unreadable file is simply not there.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path

MAX_FILE_BYTES = 1_000_000


class BuildContext:
    """The build context directory of a Dockerfile."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_text = str(self.root).rstrip("/")
        self._texts: dict[str, str | None] = {}  # read once: a lint reads a file as it was

    def _path(self, relative: str) -> Path | None:
        return self._found(relative)[0]

    def _found(self, relative: str) -> tuple[Path | None, int | None]:
        """The file's real path inside the context (None: outside it, or no such name) and
        its mode (None: missing). Each name below the root is looked at with ``lstat``; only
        a symbolic link among them needs the whole resolution (where does it lead?)."""
        if "\0" in relative:  # no file has such a name; the OS would refuse it
            return None, None
        cleaned = posixpath.normpath("/" + relative.replace("\\", "/")).lstrip("/")
        if os.sep != "/":
            return self._resolved(cleaned)
        current = self._root_text
        mode = None
        for part in cleaned.split("/") if cleaned else ():
            current = f"{current}/{part}"
            try:
                mode = os.lstat(current).st_mode
            except OSError:  # missing, or not a folder on the way: nothing to follow
                return self.root / cleaned, None
            if stat.S_ISLNK(mode):
                return self._resolved(cleaned)
        if mode is None:  # the root itself
            return self._resolved(cleaned)
        return self.root / cleaned, mode

    def _resolved(self, cleaned: str) -> tuple[Path | None, int | None]:
        try:
            path = (self.root / cleaned).resolve()
        except (OSError, RuntimeError):  # a symlink loop, a name too long
            return None, None
        if path != self.root and self.root not in path.parents:
            return None, None
        try:
            return path, path.stat().st_mode
        except OSError:
            return path, None

    def exists(self, relative: str) -> bool:
        return self._found(relative)[1] is not None

    def is_file(self, relative: str) -> bool:
        mode = self._found(relative)[1]
        return mode is not None and stat.S_ISREG(mode)

    def is_executable(self, relative: str) -> bool:
        """Whether the file has an execute bit (what COPY keeps unless --chmod says otherwise)."""
        mode = self._found(relative)[1]
        return mode is not None and bool(mode & 0o111)

    def read_text(self, relative: str) -> str | None:
        """The file's text (invalid UTF-8 replaced), or None when absent, unreadable or not a
        regular file (the open does not block on a named pipe, and a device is never read)."""
        if relative not in self._texts:
            self._texts[relative] = self._read_text(relative)
        return self._texts[relative]

    def _read_text(self, relative: str) -> str | None:
        path = self._path(relative)
        if path is None:
            return None
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            descriptor = os.open(path, flags)
            with os.fdopen(descriptor, "rb") as handle:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    return None
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(data) > MAX_FILE_BYTES:
            return None
        return data.decode("utf-8", errors="replace")
