"""Fixtures for ``dlint smoke``'s tests, which run against a real Docker engine.

Without an engine (a laptop without Docker) the engine tests skip and say why; with
``DLINT_REQUIRE_DOCKER=1`` (CI) they fail instead, so that a broken engine cannot pass as a
green run. Nothing is pulled: test images are ``FROM scratch`` with Debian's static busybox,
or from the Debian base image built once by :mod:`baseimage`. After every engine test, the
engine is asked whether any container, image or volume of the test is left.

Tests that stop the engine mid-run use a private dockerd (:mod:`privateengine`), never the
machine's: ``stoppable_engine`` gives it running, and checks it the same way afterwards.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from baseimage import REPOSITORY as BASE_REPOSITORY
from baseimage import ensure_base_image, machine_lock
from privateengine import PrivateEngine, create_private_engine, requirements_missing
from smokehelpers import FIXTURES

BUSYBOX = Path("/bin/busybox")
REQUIRED = os.environ.get("DLINT_REQUIRE_DOCKER") == "1"


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires the engine tests to run."""
    if REQUIRED:
        pytest.fail(f"{reason} (DLINT_REQUIRE_DOCKER=1: the smoke tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def docker_client() -> Any:
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception as error:
        unavailable(f"no Docker engine reachable: {error}")
    return client


@pytest.fixture(scope="session")
def busybox() -> Path:
    if not BUSYBOX.is_file() or b"ld-linux" in BUSYBOX.read_bytes()[:65536]:
        unavailable(f"no static busybox at {BUSYBOX} (apt-get install busybox-static)")
    return BUSYBOX


@pytest.fixture(scope="session")
def base_image(docker_client: Any) -> str:
    try:
        return ensure_base_image(docker_client)
    except Exception as error:
        unavailable(f"cannot build the Debian base image: {error}")
        raise


@pytest.fixture(scope="session")
def private_engine(busybox: Path) -> Iterator[PrivateEngine]:
    missing = requirements_missing()
    if missing:
        unavailable(f"cannot start a private Docker engine: {missing}")
    engine = create_private_engine()
    try:
        engine.start()
        yield engine
    finally:
        engine.remove()


@pytest.fixture
def stoppable_engine(private_engine: PrivateEngine) -> Iterator[PrivateEngine]:
    """The private engine, running; afterwards (restarted if the test left it stopped) it
    must hold nothing that it did not hold before the test."""
    private_engine.start()
    before = private_engine.state()
    yield private_engine
    private_engine.start()
    after = private_engine.state()
    left = {kind: sorted(after[kind] - before[kind]) for kind in after}
    assert not any(left.values()), f"left behind in the private engine: {left}"


ENGINE_FIXTURES = ("docker_client", "private_engine", "stoppable_engine")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if set(ENGINE_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.docker)


@dataclass(frozen=True)
class EngineState:
    containers: frozenset[str]
    images: frozenset[str]
    volumes: frozenset[str]

    @classmethod
    def read(cls, client: Any) -> EngineState:
        base = {
            image.id
            for image in client.images.list(name=BASE_REPOSITORY)
            if any(tag.startswith(f"{BASE_REPOSITORY}:") for tag in image.tags)
        }
        volumes = client.api.volumes().get("Volumes") or []
        return cls(
            frozenset(c["Id"] for c in client.api.containers(all=True)),
            frozenset(client.api.images(all=True, quiet=True)) - base,
            frozenset(volume["Name"] for volume in volumes),
        )


@pytest.fixture(autouse=True)
def nothing_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """After an engine test: no container, image or volume that was not there before.

    Engine tests of concurrent pytest sessions on this machine (a shared checkout) take turns
    through a lock, so that one session's objects never count as another's leftovers.
    """
    if "docker_client" not in request.fixturenames:
        yield
        return
    client = request.getfixturevalue("docker_client")
    with machine_lock("engine-tests"):
        before = EngineState.read(client)
        yield
        after = EngineState.read(client)
    left = {
        "containers": sorted(after.containers - before.containers),
        "images": sorted(after.images - before.images),
        "volumes": sorted(after.volumes - before.volumes),
    }
    assert not any(left.values()), f"left behind in the engine: {left}"


@pytest.fixture
def context_of(tmp_path: Path, busybox: Path) -> Any:
    """A copy of a fixtures/smoke app as a build context, with busybox in it."""

    def copy(name: str) -> Path:
        context = tmp_path / name
        shutil.copytree(FIXTURES / name, context)
        shutil.copy2(busybox, context / "busybox")
        return context

    return copy
