"""Check, before booting, that the final image holds what earlier stages produced.

The static side (``dockerfile_dlint.artifacts.expected_artifacts``) knows which tool outputs a
Dockerfile relies on: Prisma's engines under ``$HOME/.cache/prisma-python``, Playwright's
browsers, ``$HOME/.local``. This module looks for them in the built image through the
engine's archive API on a created (never started) container, so it works on images without a
shell (``FROM scratch``, distroless), and stops reading at the first matching file.
"""

from __future__ import annotations

import fnmatch
import posixpath
import tarfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, cast

if TYPE_CHECKING:
    from docker import APIClient

    from ..artifacts import ExpectedArtifact
    from .settings import SmokeOptions


def expected_artifacts(options: SmokeOptions) -> tuple[list[ExpectedArtifact], str | None]:
    """What the static model expects in the final image, and a note when it cannot say.

    A failure of the static analysis is reported as a note and skips the check: it must not
    stop the smoke run, which can still tell whether the container boots.
    """
    from ..artifacts import expected_artifacts as static_expectations

    try:
        found = static_expectations(
            options.dockerfile, options.context, options.target, dict(options.build_args)
        )
    except Exception as error:  # any bug in the static side; the boot check still runs
        return [], f"artifact check skipped: the static analysis failed: {error}"
    return found, None


def missing_artifacts(
    client: APIClient, container_id: str, expected: Iterable[ExpectedArtifact]
) -> list[ExpectedArtifact]:
    """The expected artifacts that the container's filesystem does not have."""
    return [item for item in expected if not artifact_present(client, container_id, item)]


def artifact_present(client: APIClient, container_id: str, artifact: ExpectedArtifact) -> bool:
    """True when a file under ``artifact.path`` has a name matching ``artifact.pattern``."""
    from docker.errors import NotFound

    try:
        chunks, _stat = client.get_archive(container_id, artifact.path)
    except NotFound:
        return False
    stream = _ChunkReader(iter(chunks))
    try:
        with tarfile.open(fileobj=cast(IO[bytes], stream), mode="r|") as archive:
            for member in archive:
                name = posixpath.basename(member.name.rstrip("/"))
                if not member.isdir() and fnmatch.fnmatchcase(name, artifact.pattern):
                    return True
    except tarfile.TarError:
        return False
    finally:
        stream.close()
    return False


class _ChunkReader:
    """A read-only file over an iterator of byte chunks (what tarfile's stream mode needs).

    Chunks are megabytes and tarfile reads kilobytes, so reads slice the current chunk at an
    offset instead of re-buffering it.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.current = b""
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size
        while wanted != 0:
            if self.offset >= len(self.current):
                chunk = next(self.chunks, None)
                if chunk is None:
                    break
                self.current, self.offset = chunk, 0
                continue
            available = len(self.current) - self.offset
            take = available if wanted < 0 else min(wanted, available)
            parts.append(self.current[self.offset : self.offset + take])
            self.offset += take
            if wanted > 0:
                wanted -= take
        return b"".join(parts)

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()
