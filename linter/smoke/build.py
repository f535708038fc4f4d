"""Build the image with the Docker SDK, following the stream live, within a deadline.

The stream is read in a worker thread and handed over through a queue, so the main thread
stays free: it refreshes the progress display while a step is silent, notices the deadline,
and receives Ctrl-C and SIGTERM promptly on every platform. Stopping a build means closing its
connection: the engine then cancels the build and removes the step's container itself.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .buildlog import BuildLog, BuildStep

if TYPE_CHECKING:
    from docker import APIClient

    from .buildcontext import ContextArchive
    from .cleanup import Resources
    from .progress import BuildProgress
    from .settings import SmokeOptions

_END = object()
TICK = 0.1


@dataclass
class BuildResult:
    """What the build gave: the image (when it succeeded), the steps, and the failure;
    ``builder`` is the one that built (``classic`` or ``buildkit``)."""

    ok: bool
    seconds: float
    steps: list[BuildStep]
    image_id: str | None = None
    image_size: int | None = None
    error: str | None = None
    failed_step: BuildStep | None = None
    tail: list[str] = field(default_factory=list)
    builder: str = "classic"


def build_image(
    client: APIClient,
    options: SmokeOptions,
    archive: ContextArchive,
    deadline: float,
    resources: Resources,
    progress: BuildProgress,
) -> BuildResult:
    """Build ``archive`` (the context of ``options``' Dockerfile), untagged; ``deadline`` is on
    the ``time.monotonic`` clock.

    Every image layer and build container the stream names is registered with ``resources``
    as soon as it appears, so that an interrupted build leaves nothing behind either.
    """
    started = time.monotonic()
    reusable = reusable_images(client)
    log = BuildLog(clock=time.monotonic, on_step=progress.step, on_output=progress.output)
    connection = _ConnectionTap(client, "/build")
    events: queue.Queue[object] = queue.Queue()
    reader = threading.Thread(
        target=_read_stream,
        args=(lambda: _start_build(client, options, archive, deadline, reusable), events),
        name="dlint-build-stream",
        daemon=True,
    )
    timed_out = False
    try:
        reader.start()
        while True:
            try:
                event = events.get(timeout=TICK)
            except queue.Empty:
                progress.tick()
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                continue
            if event is _END:
                break
            if isinstance(event, BaseException):
                log.error = log.error or f"the build stream broke: {event}"
                break
            log.feed(event)  # type: ignore[arg-type]
            resources.add_build_objects(log.layers, log.build_containers)
    finally:
        if reader.is_alive():
            connection.cut()
            reader.join(timeout=5)
        connection.remove()
        log.finish()
        resources.add_build_objects(log.layers, log.build_containers)
        progress.close()
    seconds = time.monotonic() - started
    if timed_out:
        log.error = f"the build did not finish within --timeout ({options.timeout:g} s)"
    if log.error is not None or log.image_id is None:
        failed = log.current
        return BuildResult(
            ok=False,
            seconds=seconds,
            steps=log.steps,
            error=log.error or "the build ended without an image",
            failed_step=failed,
            tail=list(failed.output[-20:]) if failed else [],
        )
    resources.add_image(log.image_id)
    image: dict[str, Any] = client.inspect_image(log.image_id)  # type: ignore[no-untyped-call]
    size = image.get("Size")
    return BuildResult(
        True, seconds, log.steps, log.image_id, size if isinstance(size, int) else None
    )


def reusable_images(client: APIClient) -> list[str]:
    """Tagged images: the only ones whose layers a smoke build may reuse as its cache.

    Untagged layers may belong to another smoke run that is about to remove them; reusing one
    would make that run's cleanup fail (the layer would have a child) and leave it behind.
    Layers of tagged images (a ``--keep`` run's, a classic ``docker build -t``'s) stay.
    """
    tagged = client.images(filters={"dangling": False})
    return [
        str(image["Id"])
        for image in tagged
        if any(tag != "<none>:<none>" for tag in image.get("RepoTags") or [])
    ]


def _start_build(
    client: APIClient,
    options: SmokeOptions,
    archive: ContextArchive,
    deadline: float,
    reusable: list[str],
) -> Any:
    """The build's event generator (the request is sent when it is first read)."""
    return client.build(
        fileobj=archive.file,
        custom_context=True,
        dockerfile=archive.dockerfile,
        target=options.target,
        buildargs=dict(options.build_args),
        platform=options.platform,
        rm=True,
        forcerm=True,
        decode=True,
        # With cache sources given, the classic builder reuses only their ancestors.
        cache_from=reusable or None,
        nocache=not reusable,
        # The engine may stay silent for a long step; the deadline is enforced by the caller.
        timeout=int(max(deadline - time.monotonic(), 1)) + 30,
    )


def _read_stream(start: Callable[[], Any], events: queue.Queue[object]) -> None:
    try:
        for event in start():
            events.put(event)
    except Exception as error:  # handed to the main thread, which reports it
        events.put(error)
    events.put(_END)


class _ConnectionTap:
    """Catches the HTTP response of one streaming request, so that it can be cut.

    requests' response hooks are the public way to see the response of a call that the SDK
    turns into a generator; shutting its socket down unblocks the reader thread at once and
    tells the engine that the client has gone.
    """

    def __init__(self, client: APIClient, path_part: str) -> None:
        self.client = client
        self.path_part = path_part
        self.responses: list[Any] = []
        self.client.hooks["response"].append(self._hook)

    def _hook(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self.path_part in str(getattr(response, "url", "")):
            self.responses.append(response)
        return response

    def cut(self) -> None:
        for response in self.responses:
            connection = getattr(response.raw, "connection", None)
            sock = getattr(connection, "sock", None)
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            response.close()

    def remove(self) -> None:
        hooks: list[Any] = self.client.hooks["response"]
        if self._hook in hooks:
            hooks.remove(self._hook)
