"""Read the classic builder's event stream into steps, with timings, cache hits and output.

The Docker SDK builds with the engine's classic builder, whose stream is text meant for a
terminal (``Step 3/7 : RUN …``, `` ---> Using cache``, `` ---> Running in 1a2b…``) split into
arbitrary chunks. This module turns it into data: which step is running, how long each took,
which were cache hits, what each printed, which images and build containers the build made
(so an interrupted build can be cleaned up), and the error, if any. Lines are made
:func:`printable` first: the engine colours a step's stderr, and the colour codes would
otherwise break both the patterns here and those of the explanations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .printable import printable

_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_RUNNING_IN = re.compile(r"^ ---> Running in ([0-9a-f]{12,64})$")
_LAYER = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
_BUILT = re.compile(r"^Successfully built ([0-9a-f]{12,64})$")
_NOISE = re.compile(r"^( ---> .*|Removing intermediate container .*|Successfully tagged .*)$")
OUTPUT_LINES_KEPT = 200


@dataclass
class BuildStep:
    """One Dockerfile instruction as the builder ran it.

    The classic builder numbers the steps of the whole file (``3/7``); BuildKit numbers them
    within their ``stage`` (``builder 2/4``; None in a single-stage file and for the classic
    builder).
    """

    number: int
    total: int
    instruction: str
    started: float
    seconds: float = 0.0
    cached: bool = False
    output: list[str] = field(default_factory=list)
    stage: str | None = None

    @property
    def label(self) -> str:
        """``3/7``, or ``builder 2/4`` for a BuildKit step of a named stage."""
        position = f"{self.number}/{self.total}"
        return f"{self.stage} {position}" if self.stage else position


@dataclass
class BuildLog:
    """Everything learned from the stream so far; fed one event at a time by :meth:`feed`.

    ``clock`` gives the time of each event; ``on_step`` and ``on_output`` let a progress
    display follow along.
    """

    clock: Callable[[], float]
    on_step: Callable[[BuildStep], None] = lambda step: None
    on_output: Callable[[str], None] = lambda line: None
    steps: list[BuildStep] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    build_containers: list[str] = field(default_factory=list)
    image_id: str | None = None
    error: str | None = None
    _pending: str = ""

    @property
    def current(self) -> BuildStep | None:
        return self.steps[-1] if self.steps else None

    @property
    def cache_hits(self) -> int:
        return sum(step.cached for step in self.steps)

    def feed(self, event: Mapping[str, Any]) -> None:
        if "stream" in event:
            self._text(str(event["stream"]))
        elif "status" in event:
            status = " ".join(str(event.get(key, "")) for key in ("id", "status")).strip()
            self._line(status)
        if "aux" in event and isinstance(event["aux"], dict) and "ID" in event["aux"]:
            self.image_id = str(event["aux"]["ID"])
        if "error" in event or "errorDetail" in event:
            detail = event.get("errorDetail") or {}
            error = str(event.get("error") or detail.get("message") or "build failed")
            self.error = printable(error.strip())

    def finish(self) -> None:
        """Close the stream: the last partial line, and the last step's duration."""
        if self._pending:
            self._line(self._pending)
            self._pending = ""
        self._close_step()

    def _text(self, text: str) -> None:
        text = self._pending + text
        *lines, self._pending = text.split("\n")
        for line in lines:
            self._line(line.rstrip("\r"))

    def _line(self, line: str) -> None:
        line = printable(line)
        step = _STEP.match(line)
        if step:
            self._close_step()
            new = BuildStep(int(step[1]), int(step[2]), step[3], self.clock())
            self.steps.append(new)
            self.on_step(new)
            return
        if line == " ---> Using cache" and self.current:
            self.current.cached = True
        elif match := _RUNNING_IN.match(line):
            self.build_containers.append(match[1])
        elif match := _LAYER.match(line):
            self.layers.append(match[1])
        elif match := _BUILT.match(line):
            self.image_id = self.image_id or match[1]
        if _NOISE.match(line) or _BUILT.match(line) or not line.strip():
            return
        if self.current is not None:
            self.current.output.append(line)
            del self.current.output[:-OUTPUT_LINES_KEPT]
        self.on_output(line)

    def _close_step(self) -> None:
        if self.current is not None and not self.current.seconds:
            self.current.seconds = max(self.clock() - self.current.started, 0.0)
