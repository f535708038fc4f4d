"""Remove what a smoke run created in the engine, whatever way the run ends.

A run records each object as soon as the engine names it: the smoke container, the build's
step containers, and every image layer the build made. Cleanup removes exactly those (never an
image that existed before the run, such as a cached layer from an earlier build), containers
first, then images newest first; with ``--keep``, the kept image and its ancestors stay, and
nothing else (a builder stage's layers are no ancestors of it, and a failed build keeps
nothing). It runs in ``finally`` after success, failure, timeout, Ctrl-C and SIGTERM; while it
runs, further signals are held back so that a second Ctrl-C cannot leave half of it undone.

When the engine does not answer, cleanup raises :class:`EngineLost` instead of guessing: the
caller waits for the engine or records what is left (:mod:`pending`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any

from .engine import EngineLost, engine_answers

if TYPE_CHECKING:
    from docker import APIClient


class Terminated(BaseException):
    """SIGTERM, raised as an exception (like KeyboardInterrupt) so that cleanup runs."""


@dataclass
class Resources:
    """Engine objects created by one run; ``kept_image`` (tagged for ``--keep``) and its
    ancestors are spared."""

    containers: list[str] = field(default_factory=list)
    build_containers: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    image: str | None = None
    kept_image: str | None = None
    images_before: frozenset[str] = frozenset()

    def remember_existing_images(self, client: APIClient) -> None:
        """Record the images present before the build: those are never removed."""
        self.images_before = frozenset(client.images(all=True, quiet=True))

    def add_container(self, container_id: str) -> None:
        self.containers.append(container_id)

    def add_image(self, image_id: str) -> None:
        self.image = image_id

    def add_build_objects(self, layers: Iterable[str], build_containers: Iterable[str]) -> None:
        for layer in layers:
            if layer not in self.layers:
                self.layers.append(layer)
        for container in build_containers:
            if container not in self.build_containers:
                self.build_containers.append(container)

    def cleanup(self, client: APIClient) -> list[str]:
        """Remove everything recorded; returns what could not be removed, as messages.

        Raises :class:`EngineLost` when the engine stops answering; calling again once it is
        back finishes the job (what is gone already is skipped).
        """
        problems = []
        for container in [*self.containers, *self.build_containers]:
            problem = _engine_call(client, client.remove_container, container, force=True, v=True)
            if problem:
                problems.append(f"container {container[:12]}: {problem}")
        return problems + self._remove_images(client)

    def created_images(self, client: APIClient) -> list[str]:
        """Full ids of the images this run made, oldest first."""
        present = _listed(client, lambda: client.images(all=True, quiet=True))
        created = []
        for short in [*self.layers, *([self.image] if self.image else [])]:
            short = short.removeprefix("sha256:")
            for full in present:
                if full.removeprefix("sha256:").startswith(short) and full not in created:
                    created.append(full)
        return [image for image in created if image not in self.images_before]

    def leftovers(self) -> dict[str, Any]:
        """What is still to remove, for a record when the engine is gone: the images named
        as short ids, minus those that existed before the run (cached layers, base images)."""
        before = [image.removeprefix("sha256:") for image in self.images_before]
        images = [
            image
            for image in [*self.layers, *([self.image] if self.image else [])]
            if not any(full.startswith(image.removeprefix("sha256:")) for full in before)
        ]
        return {
            "containers": [*self.containers, *self.build_containers],
            "images": list(dict.fromkeys(images)),
            "kept_image": self.kept_image,
        }

    def _remove_images(self, client: APIClient) -> list[str]:
        kept = _ancestry(client, self.kept_image) if self.kept_image else set()
        remaining = [image for image in reversed(self.created_images(client)) if image not in kept]
        problems: dict[str, str] = {}
        for _ in range(2):  # a second pass takes images whose child was in the way at first
            failed = []
            for image in remaining:
                problem = _engine_call(client, client.remove_image, image, force=True, noprune=True)
                if problem:  # e.g. a child made by another build
                    problems[image] = f"image {image.removeprefix('sha256:')[:12]}: {problem}"
                    failed.append(image)
                else:
                    problems.pop(image, None)
            remaining = failed
        return list(problems.values())


def _engine_call(client: APIClient, call: Any, *args: Any, **kwargs: Any) -> str | None:
    """Run one removal; None when done (or already gone), else the engine's reason.

    A failure is asked about: when the engine no longer answers, it is not the object's
    problem but the engine's, and :class:`EngineLost` says so.
    """
    from docker.errors import APIError, NotFound

    try:
        call(*args, **kwargs)
    except NotFound:
        return None
    except APIError as error:
        if "already in progress" in str(error):  # the engine is removing it itself
            return None
        if error.is_server_error() and not engine_answers(client):  # shutting down
            raise EngineLost(str(error)) from error
        return str(error.explanation or error)
    except Exception as error:
        if not engine_answers(client):
            raise EngineLost(str(error)) from error
        return str(error)
    return None


def _listed(client: APIClient, call: Any) -> list[str]:
    try:
        return list(call())
    except Exception as error:
        if not engine_answers(client):
            raise EngineLost(str(error)) from error
        raise


def _ancestry(client: APIClient, image: str) -> set[str]:
    """The image and every parent layer of it that the engine has."""
    from docker.errors import NotFound

    found: set[str] = set()
    current: str | None = image
    while current and current not in found:
        try:
            inspected: dict[str, Any] = client.inspect_image(current)  # type: ignore[no-untyped-call]
        except NotFound:
            break
        except Exception as error:
            if not engine_answers(client):
                raise EngineLost(str(error)) from error
            raise
        found.add(str(inspected.get("Id", current)))
        current = inspected.get("Parent") or None
    return found


@contextmanager
def signals_raise() -> Iterator[None]:
    """While running, SIGTERM raises :class:`Terminated` (SIGINT already raises Ctrl-C)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class HeldSignals:
    """Signals that arrived while cleanup ran; the caller acts on them once it is done."""

    received: list[int] = field(default_factory=list)

    def raise_received(self) -> None:
        if signal.SIGINT in self.received:
            raise KeyboardInterrupt
        if self.received:
            raise Terminated()


@contextmanager
def signals_held() -> Iterator[HeldSignals]:
    """Hold SIGINT and SIGTERM back (recording them) for the duration of cleanup."""
    held = HeldSignals()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    numbers = [signal.SIGINT, *([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])]

    def record(signum: int, frame: FrameType | None) -> None:
        held.received.append(signum)

    previous = {number: signal.signal(number, record) for number in numbers}
    try:
        yield held
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
