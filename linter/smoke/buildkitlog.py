"""Read BuildKit's progress, as the ``docker`` CLI prints it, into the step table.

BuildKit reports a build as vertices (one per Dockerfile step, plus internal ones such as
"load build context" and "exporting to image") that run in parallel. The CLI prints them in
one of two forms, both read here line by line:

- ``plain`` (every CLI): ``#N name`` opens vertex N, ``#N 0.672 text`` is a line of its
  output, ``#N DONE 2.5s``, ``#N CACHED``, ``#N ERROR: why``, ``#N CANCELED`` close it, and
  ``#N ...`` says another vertex's lines come in between (parallel stages interleave);
- ``rawjson`` (buildx 0.13+): one JSON ``SolveStatus`` per line, whose ``vertexes`` carry
  name, start, end, cache hit and error by digest, and whose ``logs`` carry base64 chunks of
  output (chunks, not lines).

After the vertices, a failed build prints a summary (``------`` blocks, the failing step's last
lines, with buildx a Dockerfile excerpt) and the error on its last line (``ERROR: failed to
solve: …`` with buildx, the bare message with the 20.10 CLI); lines outside any vertex are
read for that message.

A step is a vertex named ``[STAGE N/M] INSTRUCTION`` (``[N/M]`` in a single-stage file); it
becomes a :class:`BuildStep` numbered N of its stage's M. Internal vertices are no steps, but
their errors and output still explain a failure (a base image that cannot be found fails in
``[internal] load metadata``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .buildlog import OUTPUT_LINES_KEPT, BuildStep
from .printable import printable

_VERTEX_LINE = re.compile(r"^#(\d+) (.*)$")
_STEP_NAME = re.compile(
    r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<number>\d+)/(?P<total>\d+)\] (?P<text>.*)$"
)
_OUTPUT = re.compile(r"^(\d+\.\d+) (.*)$")
_DONE = re.compile(r"^DONE (\d+(?:\.\d+)?)s$")
_IMAGE = re.compile(r"writing image (sha256:[0-9a-f]{64})")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_BLOCK = re.compile(r"^-{6,}$")
_ERROR_PREFIX = re.compile(r"^(?:ERROR|error): ")
TAIL_LINES = 20
CANCELLATIONS = ("context canceled", "canceled")


@dataclass
class _Vertex:
    """One vertex as read so far; ``step`` is set when it is a Dockerfile step."""

    number: int
    name: str
    started: float
    step: BuildStep | None = None
    output: list[str] = field(default_factory=list)
    error: str | None = None
    done: bool = False
    pending: str = ""


@dataclass
class BuildkitLog:
    """Everything learned from the progress so far; fed one line at a time by :meth:`feed`.

    ``clock`` gives the time of each line; ``on_step`` and ``on_output`` let a progress display
    follow along (a step is announced when its vertex starts).
    """

    clock: Callable[[], float]
    on_step: Callable[[BuildStep], None] = lambda step: None
    on_output: Callable[[str], None] = lambda line: None
    image_id: str | None = None
    message: str | None = None
    _vertices: dict[str, _Vertex] = field(default_factory=dict)
    _failures: list[_Vertex] = field(default_factory=list)
    _in_block: bool = False

    @property
    def steps(self) -> list[BuildStep]:
        """The Dockerfile steps met so far, in the order BuildKit numbered them."""
        ordered = sorted(self._vertices.values(), key=lambda vertex: vertex.number)
        return [vertex.step for vertex in ordered if vertex.step is not None]

    @property
    def running_steps(self) -> list[BuildStep]:
        """The steps started and not yet done (read before :meth:`finish` closes them)."""
        ordered = sorted(self._vertices.values(), key=lambda vertex: vertex.number)
        return [v.step for v in ordered if v.step is not None and not v.done]

    @property
    def failed(self) -> _Vertex | None:
        """The vertex that failed: the first to report an error of its own (parallel vertices
        that BuildKit cancelled because of it report "context canceled" after it)."""
        own = [vertex for vertex in self._failures if vertex.error not in CANCELLATIONS]
        failures = own or self._failures
        return failures[0] if failures else None

    @property
    def failed_step(self) -> BuildStep | None:
        failed = self.failed
        return failed.step if failed else None

    @property
    def error(self) -> str | None:
        """Why the build failed, as BuildKit put it: the final message, else the vertex's."""
        failed = self.failed
        return self.message or (failed.error if failed else None)

    def tail(self, lines: int = TAIL_LINES) -> list[str]:
        """The last lines of the failing vertex's output."""
        failed = self.failed
        return list(failed.output[-lines:]) if failed else []

    def feed(self, line: str) -> None:
        """One line of the CLI's progress output (plain or rawjson)."""
        line = line.rstrip("\r\n")
        if line.startswith("{"):
            try:
                status = json.loads(line)
            except ValueError:
                status = None
            if isinstance(status, dict):
                self._status(status)
                return
        line = printable(line)
        match = _VERTEX_LINE.match(line)
        if match:
            self._plain(match[1], match[2])
        else:
            self._outside(line)

    def finish(self) -> None:
        """The stream ended: flush partial output lines, time the steps still open."""
        for vertex in self._vertices.values():
            if vertex.pending:
                self._output(vertex, vertex.pending)
                vertex.pending = ""
            if not vertex.done:
                self._close(vertex, None)

    def _plain(self, key: str, rest: str) -> None:
        vertex = self._vertices.get(key)
        if vertex is None:
            self._open(key, rest, int(key))
            return
        if rest == "..." or rest == vertex.name or _DIGEST.match(rest):
            return
        if match := _OUTPUT.match(rest):
            self._output(vertex, match[2])
        elif match := _DONE.match(rest):
            self._close(vertex, float(match[1]))
        elif rest == "CACHED":
            if vertex.step is not None:
                vertex.step.cached = True
            self._close(vertex, 0.0)
        elif rest.startswith("ERROR"):
            self._fail(vertex, rest.removeprefix("ERROR").lstrip(": ").strip() or "failed")
            self._close(vertex, None)
        elif rest == "CANCELED":
            self._close(vertex, None)
        elif image := _IMAGE.search(rest):
            self.image_id = image[1]

    def _status(self, status: dict[str, Any]) -> None:
        for item in status.get("vertexes") or []:
            digest = str(item.get("digest", ""))
            vertex = self._vertices.get(digest)
            if vertex is None:
                vertex = self._open(digest, str(item.get("name", "")), len(self._vertices) + 1)
            if item.get("cached") and vertex.step is not None:
                vertex.step.cached = True
            if item.get("error") and vertex.error is None:
                self._fail(vertex, printable(str(item["error"])))
            if item.get("completed") and not vertex.done:
                self._close(vertex, _duration(item.get("started"), item.get("completed")))
        for item in status.get("statuses") or []:
            if image := _IMAGE.search(str(item.get("id", ""))):
                self.image_id = image[1]
        for item in status.get("logs") or []:
            vertex = self._vertices.get(str(item.get("vertex", "")))
            if vertex is None:
                continue
            try:
                text = base64.b64decode(str(item.get("data", ""))).decode("utf-8", "replace")
            except ValueError:
                continue
            *lines, vertex.pending = (vertex.pending + text).split("\n")
            for line in lines:
                self._output(vertex, line.rstrip("\r"))

    def _outside(self, line: str) -> None:
        """A line outside every vertex: the failure summary and the final error."""
        stripped = line.strip()
        if _BLOCK.match(stripped):
            self._in_block = not self._in_block
        elif stripped and not self._in_block and not stripped.startswith("WARNING"):
            self.message = _ERROR_PREFIX.sub("", stripped)

    def _open(self, key: str, name: str, number: int) -> _Vertex:
        vertex = _Vertex(number, name, self.clock())
        self._vertices[key] = vertex
        if match := _STEP_NAME.match(name):
            vertex.step = BuildStep(
                int(match["number"]),
                int(match["total"]),
                match["text"],
                vertex.started,
                stage=match["stage"],
            )
            self.on_step(vertex.step)
        return vertex

    def _fail(self, vertex: _Vertex, error: str) -> None:
        vertex.error = error
        self._failures.append(vertex)

    def _output(self, vertex: _Vertex, text: str) -> None:
        line = printable(text)
        vertex.output.append(line)
        del vertex.output[:-OUTPUT_LINES_KEPT]
        if vertex.step is not None:
            vertex.step.output = vertex.output
        self.on_output(line)

    def _close(self, vertex: _Vertex, seconds: float | None) -> None:
        vertex.done = True
        if vertex.step is not None:
            elapsed = self.clock() - vertex.started if seconds is None else seconds
            vertex.step.seconds = max(elapsed, 0.0)


def _duration(started: object, completed: object) -> float | None:
    """Seconds between two RFC 3339 times of a rawjson vertex; None when either is missing."""
    start, end = _timestamp(started), _timestamp(completed)
    return None if start is None or end is None else (end - start).total_seconds()


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    # Go writes nanoseconds; Python reads microseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00"))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
