"""Read files of the build context, the directory Docker sends to the builder.

Rules follow COPY into the context to read requirements files and entrypoint scripts. Reads
stay inside the context directory (no ``..`` escapes, no symlinks out of it), are bounded in
size, and never raise: a missing or unreadable file is simply not there.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

MAX_FILE_BYTES = 1_000_000


class BuildContext:
    """The build context directory of a Dockerfile."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, relative: str) -> Path | None:
        cleaned = posixpath.normpath("/" + relative.replace("\\", "/")).lstrip("/")
        path = (self.root / cleaned).resolve()
        if path != self.root and self.root not in path.parents:
            return None
        return path

    def exists(self, relative: str) -> bool:
        path = self._path(relative)
        return path is not None and path.exists()

    def is_file(self, relative: str) -> bool:
        path = self._path(relative)
        return path is not None and path.is_file()

    def is_executable(self, relative: str) -> bool:
        """Whether the file has an execute bit (what COPY keeps unless --chmod says otherwise)."""
        path = self._path(relative)
        try:
            return path is not None and bool(path.stat().st_mode & 0o111)
        except OSError:
            return False

    def read_text(self, relative: str) -> str | None:
        """The file's text (invalid UTF-8 replaced), or None when absent or unreadable."""
        path = self._path(relative)
        if path is None:
            return None
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(data) > MAX_FILE_BYTES:
            return None
        return data.decode("utf-8", errors="replace")
