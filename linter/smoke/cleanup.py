"""Remove what a smoke run created in the engine, whatever way the run ends.

A run records each object as soon as the engine names it: the smoke container, the build's
step containers, and every image layer the build made. Cleanup removes exactly those (never an
image that existed before the run, such as a cached layer from an earlier build), containers
first, then images newest first. It runs in ``finally`` after success, failure, timeout,
Ctrl-C and SIGTERM; while it runs, further signals are held back so that a second Ctrl-C
cannot leave half of it undone.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docker import APIClient


class Terminated(BaseException):
    """SIGTERM, raised as an exception (like KeyboardInterrupt) so that cleanup runs."""


@dataclass
class Resources:
    """Engine objects created by one run; ``keep`` spares the image (and its layers)."""

    keep: bool = False
    containers: list[str] = field(default_factory=list)
    build_containers: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    image: str | None = None
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
        """Remove everything recorded; returns what could not be removed, as messages."""
        from docker.errors import NotFound

        problems = []
        for container in [*self.containers, *self.build_containers]:
            try:
                client.remove_container(container, force=True, v=True)
            except NotFound:
                pass
            except Exception as error:  # reported, the rest still cleaned
                problems.append(f"container {container[:12]}: {error}")
        if not self.keep:
            problems.extend(self._remove_images(client))
        return problems

    def created_images(self, client: APIClient) -> list[str]:
        """Full ids of the images this run made, oldest first."""
        present = client.images(all=True, quiet=True)
        created = []
        for short in [*self.layers, *([self.image] if self.image else [])]:
            short = short.removeprefix("sha256:")
            for full in present:
                if full.removeprefix("sha256:").startswith(short) and full not in created:
                    created.append(full)
        return [image for image in created if image not in self.images_before]

    def _remove_images(self, client: APIClient) -> list[str]:
        from docker.errors import NotFound

        remaining = list(reversed(self.created_images(client)))
        problems: dict[str, str] = {}
        for _ in range(2):  # a second pass takes images whose child was in the way at first
            failed = []
            for image in remaining:
                try:
                    client.remove_image(image, force=True, noprune=True)
                    problems.pop(image, None)
                except NotFound:
                    problems.pop(image, None)
                except Exception as error:  # e.g. a child made by another build
                    problems[image] = f"image {image.removeprefix('sha256:')[:12]}: {error}"
                    failed.append(image)
            remaining = failed
        return list(problems.values())


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
