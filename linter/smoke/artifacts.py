"""Check, before booting, that the final image holds what earlier stages produced.

The static side (``dockerfile_dlint.artifacts.expected_artifacts``) knows which tool outputs a
Dockerfile relies on: Prisma's engines under ``$HOME/.cache/prisma-python``, Playwright's
browsers, ``$HOME/.local``. This module looks for them in the built image through the
engine's archive API on a created (never started) container, so it works on images without a
shell (``FROM scratch``, distroless), and stops reading at the first matching file.

It also checks that the user the image runs as (its ``USER``, looked up in the image's
``/etc/passwd`` and ``/etc/group``) may reach them: search permission on every directory on
the way, read permission on the files, and execute permission on the ones meant to run (those
with an execute bit). The archive's headers carry each file's owner and mode.
"""

from __future__ import annotations

import fnmatch
import posixpath
import tarfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, cast

from ..records import NamedTuple

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


class RuntimeUser(NamedTuple):
    """The user a container runs as, as the image's account files say."""

    name: str
    uid: int
    gids: frozenset[int]


class Unreadable(NamedTuple):
    """An artifact the runtime user cannot use, and why."""

    artifact: ExpectedArtifact
    user: str
    reason: str


def unreadable_artifacts(
    client: APIClient, container_id: str, present: Iterable[ExpectedArtifact]
) -> list[Unreadable]:
    """The artifacts that the container's user may not read (or execute), with the reason;
    nothing for root, or for a user the image's account files do not name (the engine
    refuses to start such a container and says so itself)."""
    spec = client.inspect_container(container_id)["Config"].get("User") or ""
    user = runtime_user(
        spec, _read_text(client, container_id, "/etc/passwd"),
        _read_text(client, container_id, "/etc/group"),
    )  # fmt: skip
    if user is None or user.uid == 0:
        return []
    found = []
    for artifact in present:
        reason = _blocked(client, container_id, artifact, user)
        if reason is not None:
            found.append(Unreadable(artifact, f"{user.name} (uid {user.uid})", reason))
    return found


def runtime_user(spec: str, passwd: str | None, group: str | None) -> RuntimeUser | None:
    """The user ``USER spec`` stands for in an image with these account files."""
    name, _, group_spec = spec.partition(":")
    if name in ("", "root", "0"):
        return RuntimeUser("root", 0, frozenset({0}))
    accounts = [line.split(":") for line in (passwd or "").splitlines() if line.count(":") >= 6]
    accounts = [fields for fields in accounts if fields[2].isdecimal()]
    entry = next((a for a in accounts if a[0] == name or (name.isdecimal() and a[2] == name)), None)
    if entry is None and not name.isdecimal():
        return None
    uid = int(entry[2]) if entry else int(name)
    gid = int(entry[3]) if entry and entry[3].isdecimal() else 0  # the engine's default: gid 0
    login = entry[0] if entry else name
    groups = [line.split(":") for line in (group or "").splitlines() if line.count(":") == 3]
    groups = [fields for fields in groups if fields[2].isdecimal()]
    gids = {gid}
    if group_spec:
        named = next((g for g in groups if g[0] == group_spec), None)
        if named is not None:
            gids = {int(named[2])}
        else:
            gids = {int(group_spec)} if group_spec.isdecimal() else set()
    gids |= {int(g[2]) for g in groups if login in g[3].split(",")}
    return RuntimeUser(login, uid, frozenset(gids))


def permitted(user: RuntimeUser, owner: int, group: int, mode: int, need: int) -> bool:
    """Whether ``user`` has the ``need`` bits (4 read, 2 write, 1 execute/search)."""
    if user.uid == 0:
        return True
    if owner == user.uid:
        bits = mode >> 6
    elif group in user.gids:
        bits = mode >> 3
    else:
        bits = mode
    return bits & need == need


def _blocked(
    client: APIClient, container_id: str, artifact: ExpectedArtifact, user: RuntimeUser
) -> str | None:
    parts = [part for part in artifact.path.split("/") if part]
    for depth in range(1, len(parts)):
        directory = "/" + "/".join(parts[:depth])
        header = _header(client, container_id, directory)
        if header is not None and not permitted(user, header.uid, header.gid, header.mode, 1):
            return f"cannot enter {directory}: {_shown(header)}"
    return _blocked_inside(client, container_id, artifact, user)


def _blocked_inside(
    client: APIClient, container_id: str, artifact: ExpectedArtifact, user: RuntimeUser
) -> str | None:
    """The artifact's own directories and its first matching file, as the user needs them."""
    from docker.errors import NotFound

    try:
        chunks, _stat = client.get_archive(container_id, artifact.path)
    except NotFound:
        return None
    base = posixpath.dirname(artifact.path.rstrip("/"))
    stream = _ChunkReader(iter(chunks))
    try:
        with tarfile.open(fileobj=cast(IO[bytes], stream), mode="r|") as archive:
            for member in archive:
                path = posixpath.join(base, member.name.rstrip("/"))
                if member.isdir() and not permitted(user, member.uid, member.gid, member.mode, 5):
                    return f"cannot list {path}: {_shown(member)}"
                name = posixpath.basename(member.name.rstrip("/"))
                if member.isdir() or not fnmatch.fnmatchcase(name, artifact.pattern):
                    continue
                if not permitted(user, member.uid, member.gid, member.mode, 4):
                    return f"cannot read {path}: {_shown(member)}"
                if member.mode & 0o111 and not permitted(
                    user, member.uid, member.gid, member.mode, 1
                ):
                    return f"cannot execute {path}: {_shown(member)}"
                return None
    except tarfile.TarError:
        return None
    finally:
        stream.close()
    return None


def _header(client: APIClient, container_id: str, path: str) -> tarfile.TarInfo | None:
    """The archive header of ``path`` itself (its owner and mode), reading nothing more."""
    from docker.errors import NotFound

    try:
        chunks, _stat = client.get_archive(container_id, path)
    except NotFound:
        return None
    stream = _ChunkReader(iter(chunks))
    try:
        with tarfile.open(fileobj=cast(IO[bytes], stream), mode="r|") as archive:
            return archive.next()
    except tarfile.TarError:
        return None
    finally:
        stream.close()


def _read_text(client: APIClient, container_id: str, path: str) -> str | None:
    from docker.errors import NotFound

    try:
        chunks, _stat = client.get_archive(container_id, path)
    except NotFound:
        return None
    stream = _ChunkReader(iter(chunks))
    try:
        with tarfile.open(fileobj=cast(IO[bytes], stream), mode="r|") as archive:
            member = archive.next()
            handle = archive.extractfile(member) if member is not None else None
            return handle.read(1 << 20).decode("utf-8", "replace") if handle else None
    except tarfile.TarError:
        return None
    finally:
        stream.close()


def _shown(member: tarfile.TarInfo) -> str:
    return f"mode {member.mode & 0o7777:04o}, owner uid {member.uid}, group gid {member.gid}"


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
