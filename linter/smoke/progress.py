"""Live build progress on stderr: the current step, elapsed time, cache hits.

On a terminal, one rich live line that updates in place (the step, its elapsed time, the
build's total, cache hits so far, and the step's last output line); elsewhere (CI logs), one
plain line per step, so that a long build is never silent and nothing is redrawn.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Protocol

from .buildlog import BuildStep
from .redact import Redactor

if TYPE_CHECKING:
    from rich.live import Live
    from rich.text import Text


class BuildProgress(Protocol):
    def step(self, step: BuildStep) -> None: ...
    def output(self, line: str) -> None: ...
    def tick(self) -> None: ...
    def close(self) -> None: ...


def build_progress(redact: Redactor, color: bool) -> BuildProgress:
    """Live progress on a terminal, plain step lines otherwise."""
    if sys.stderr.isatty():
        return LiveProgress(redact, color)
    return LineProgress(redact)


class LineProgress:
    """One line per step on stderr."""

    def __init__(self, redact: Redactor) -> None:
        self.redact = redact

    def step(self, step: BuildStep) -> None:
        text = f"Step {step.label} : {step.instruction}"
        sys.stderr.write(self.redact(text) + "\n")
        sys.stderr.flush()

    def output(self, line: str) -> None:
        return None

    def tick(self) -> None:
        return None

    def close(self) -> None:
        return None


class LiveProgress:
    """A rich live line, redrawn on each event and every tick while a step runs."""

    def __init__(self, redact: Redactor, color: bool) -> None:
        from rich.console import Console

        self.redact = redact
        self.console = Console(stderr=True, no_color=not color, highlight=False)
        self.started = time.monotonic()
        self.current: BuildStep | None = None
        self.cache_hits = 0
        self.last_output = ""
        self.live: Live | None = None

    def step(self, step: BuildStep) -> None:
        if self.current is not None and self.current.cached:
            self.cache_hits += 1
        self.current = step
        self.last_output = ""
        self._refresh()

    def output(self, line: str) -> None:
        self.last_output = line
        self._refresh()

    def tick(self) -> None:
        self._refresh()

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _refresh(self) -> None:
        from rich.live import Live

        if self.live is None:
            self.live = Live(
                console=self.console, transient=True, auto_refresh=False, redirect_stdout=False
            )
            self.live.start()
        self.live.update(self._render(), refresh=True)

    def _render(self) -> Text:
        from rich.text import Text

        now = time.monotonic()
        text = Text()
        step = self.current
        if step is None:
            text.append("sending the build context…", style="dim")
            return text
        cached = self.cache_hits + (1 if step.cached else 0)
        text.append(f"Step {step.label} ", style="bold")
        text.append(self.redact(step.instruction)[:70])
        text.append(f"  {now - step.started:5.1f} s", style="cyan")
        text.append(f"  total {now - self.started:5.1f} s  cache hits {cached}", style="dim")
        if self.last_output:
            text.append("\n  " + self.redact(self.last_output)[:100], style="dim")
        return text
