"""The Debian base image for smoke tests that need Python: built offline-safe, once, and reused.

No registry is reachable from CI, so the image is made with mmdebstrap from Debian's mirror and
``docker import``ed. Its tag is a hash of the recipe, so every later session (and CI run on the
same engine) reuses it, and changing the recipe builds a new one. It is a shared cache, not a
test's leftover: the leftover checks ignore the ``dlint-smoke-base`` repository.

Run ``python tests/smoke/baseimage.py`` to build it by hand; it prints the tag, to pass to
``--build-arg BASE=…`` when smoking fixtures/smoke/fastapi-seed.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPOSITORY = "dlint-smoke-base"
SUITE = "bookworm"
PACKAGES = ("python3", "python3-fastapi", "python3-uvicorn")
RECIPE = f"mmdebstrap --variant=apt --include={','.join(PACKAGES)} {SUITE}"


def base_image_tag() -> str:
    digest = hashlib.sha256(RECIPE.encode()).hexdigest()[:12]
    return f"{REPOSITORY}:{digest}"


@contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """An exclusive lock shared by every process on this machine (a no-op without fcntl)."""
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent sessions to guard against in practice
        yield
        return
    path = Path(tempfile.gettempdir()) / f"dlint-smoke-{name}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_base_image(client: Any) -> str:
    """The base image's tag, building it first if the engine does not have it."""
    with machine_lock("base-image"):
        return _ensure_base_image(client)


def _ensure_base_image(client: Any) -> str:
    from docker.errors import ImageNotFound

    tag = base_image_tag()
    try:
        client.images.get(tag)
        return tag
    except ImageNotFound:
        pass
    if shutil.which("mmdebstrap") is None:
        raise RuntimeError("mmdebstrap is not installed (run .ci/install-docker)")
    with tempfile.TemporaryDirectory(prefix="dlint-base-") as temp:
        rootfs = Path(temp) / "rootfs.tar"
        command = [*RECIPE.split(), str(rootfs)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{RECIPE} failed:\n{done.stderr[-2000:]}")
        repository, version = tag.split(":")
        client.api.import_image_from_file(str(rootfs), repository=repository, tag=version)
    client.images.get(tag).tag(REPOSITORY, "latest")
    return tag


if __name__ == "__main__":
    import docker

    print(ensure_base_image(docker.from_env()))
    sys.exit(0)
