"""The outcome of a smoke run, its reasons for failing, and its JSON form.

Reasons are derived from the data in a fixed order (build, artifacts, boot, startup, health,
observation, logs), so that the first reason is the first thing that went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .bootconditions import BootConditions, budget_warning
from .build import BuildResult
from .health import Health
from .logs import LogLine, LogScan
from .observe import Observation
from .probe import Startup
from .settings import format_size
from .sockets import describe_port

if TYPE_CHECKING:
    from ..artifacts import ExpectedArtifact
    from .artifacts import Unreadable


@dataclass
class SmokeReport:
    """Everything a run found; phases that did not run stay None."""

    port: int
    health_path: str
    budget: float
    build: BuildResult | None = None
    build_explanation: str | None = None
    artifacts_checked: list[ExpectedArtifact] = field(default_factory=list)
    artifacts_missing: list[ExpectedArtifact] = field(default_factory=list)
    artifacts_unreadable: list[Unreadable] = field(default_factory=list)
    boot_error: str | None = None
    boot_explanation: str | None = None
    startup: Startup | None = None
    health: Health | None = None
    observation: Observation | None = None
    memory_limit: int | None = None
    logs: LogScan | None = None
    log_tail: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_image: str | None = None
    boot: BootConditions | None = None

    @property
    def budget_warning(self) -> str | None:
        """A warning when the app listened close to the end of its startup budget."""
        startup = self.startup
        if startup is None or startup.exit_code is not None:
            return None
        return budget_warning(startup.listen_seconds, self.budget)

    @property
    def ok(self) -> bool:
        return not self.reasons()

    def reasons(self) -> list[str]:
        reasons: list[str] = []
        if self.build is None:
            return ["the image was not built"]
        if not self.build.ok:
            step = self.build.failed_step
            where = f" at step {step.label} ({step.instruction})" if step else ""
            reasons.append(f"build failed{where}: {self.build.error}")
            return reasons
        reasons.extend(
            f"missing in the final image: {a.path} (no file matching {a.pattern}): {a.description}"
            for a in self.artifacts_missing
        )
        reasons.extend(
            f"not usable by the runtime user {u.user}: {u.artifact.path}: {u.reason}: "
            f"{u.artifact.description}"
            for u in self.artifacts_unreadable
        )
        if self.boot_error:
            reasons.append(self.boot_error)
        reasons.extend(self._startup_reasons())
        if self.health is not None:
            reasons.extend(self.health.problems)
        reasons.extend(self._observation_reasons())
        if self.logs is not None:
            reasons.extend(_log_reasons(self.logs))
        return reasons

    def _startup_reasons(self) -> list[str]:
        startup = self.startup
        if startup is None:
            return []
        port, budget, path = self.port, f"{self.budget:g} s", self.health_path
        if startup.exit_code is not None:
            return [
                f"the container exited with code {startup.exit_code} "
                f"{startup.exit_seconds or 0:.2f} s after start"
                + self._oom_text(startup.oom_killed)
            ]
        if startup.endpoint is None:
            return ["the container has no address to probe"]
        if startup.listen_seconds is None:
            reason = f"nothing accepted connections on $PORT={port} within the {budget} budget"
            if startup.sockets is not None:
                reason += f": {describe_port(startup.sockets, port)}"
            elif not startup.socket_table_readable:
                reason += " (the container's socket table could not be read to say more)"
            return [reason]
        if startup.ready_seconds is None:
            answered = "" if startup.last_answer else "; it never answered"
            return [
                f"listens on $PORT={port} (after {startup.listen_seconds:.2f} s) but GET {path} "
                f"gave no 2xx within the {budget} budget{answered}"
            ]
        return []

    def _observation_reasons(self) -> list[str]:
        seen = self.observation
        if seen is None:
            return []
        window = f"{seen.window:g} s"
        if seen.exit_code is not None:
            after = (seen.exit_seconds or 0) - seen.healthy_at
            return [
                f"the container exited with code {seen.exit_code} "
                f"{seen.exit_seconds or 0:.2f} s after start, {max(after, 0):.2f} s after it "
                f"answered healthy (observed for {window})" + self._oom_text(seen.oom_killed)
            ]
        path = self.health_path
        if not seen.answered:
            return [f"GET {path} stopped answering within {window} of answering healthy"]
        if not seen.ok:
            return [f"GET {path} answered {seen.health_status} {window} after answering healthy"]
        return []

    def _oom_text(self, oom_killed: bool) -> str:
        if not oom_killed:
            return ""
        if self.memory_limit is None:
            return ": killed for running out of memory (OOM)"
        limit = f"--memory {format_size(self.memory_limit)}"
        if self.boot is not None and self.boot.memory_from_profile:
            limit = f"the {self.boot.profile} profile's {format_size(self.memory_limit)}"
        return f": killed for running out of memory (OOM, {limit})"

    @property
    def exited(self) -> bool:
        """True when the container stopped during the run (its log tail then matters)."""
        startup, seen = self.startup, self.observation
        return (startup is not None and startup.exit_code is not None) or (
            seen is not None and seen.exit_code is not None
        )

    def to_json(self) -> dict[str, Any]:
        """The report as the documented JSON object (plus a few extra keys)."""
        build, startup, health, logs = self.build, self.startup, self.health, self.logs
        seen = self.observation
        return {
            "ok": self.ok,
            "build": {
                "ok": bool(build and build.ok),
                "builder": build.builder if build else None,
                "seconds": _round(build.seconds if build else None),
                "image_size": build.image_size if build else None,
                "steps": [
                    {
                        "step": step.number,
                        "instruction": step.instruction,
                        "seconds": _round(step.seconds),
                        "cached": step.cached,
                        "stage": step.stage,
                    }
                    for step in (build.steps if build else [])
                ],
                "explanation": self.build_explanation,
            },
            "startup": {
                "listen_seconds": _round(startup.listen_seconds if startup else None),
                "ready_seconds": _round(startup.ready_seconds if startup else None),
                "budget_seconds": self.budget,
                "ok": bool(startup and startup.ok),
                "port": self.port,
                "probe": startup.mode if startup else None,
                "observed_seconds": _round(startup.observed_seconds if startup else None),
                "exit_code": startup.exit_code if startup else None,
                "explanation": self.boot_explanation,
                "oom_killed": bool(startup and startup.oom_killed),
                "endpoint": str(startup.endpoint) if startup and startup.endpoint else None,
                "memory_limit": self.memory_limit,
                "budget_warning": self.budget_warning,
            },
            "platform": self.boot.to_json() if self.boot else None,
            "health": {
                "path": self.health_path,
                "status": health.status if health else None,
                "latency_ms": _round(health.latency_ms if health else None, 1),
                "slow": bool(health and health.slow),
                "ok": bool(health and health.ok),
                "failed_services": health.failed_services if health else [],
            },
            "observation": {
                "window_seconds": seen.window if seen else None,
                "ok": bool(seen and seen.ok),
                "exit_code": seen.exit_code if seen else None,
                "exit_seconds": _round(seen.exit_seconds if seen else None),
                "oom_killed": bool(seen and seen.oom_killed),
                "health_status": seen.health_status if seen else None,
            },
            "logs": {
                "errors": [_log_json(line) for line in (logs.errors if logs else [])],
                "warnings": [_log_json(line) for line in (logs.warnings if logs else [])],
                "missing_expected": logs.missing_expected if logs else [],
                "tail": self.log_tail,
            },
            "artifacts": {
                "checked": len(self.artifacts_checked),
                "missing": [
                    {
                        "path": a.path,
                        "pattern": a.pattern,
                        "description": a.description,
                        "line": a.line,
                    }
                    for a in self.artifacts_missing
                ],
                "unreadable": [
                    {"path": u.artifact.path, "user": u.user, "reason": u.reason}
                    for u in self.artifacts_unreadable
                ],
            },
            "reasons": self.reasons(),
            "notes": self.notes,
            "kept_image": self.kept_image,
        }


def _log_reasons(logs: LogScan) -> list[str]:
    reasons = []
    for kind, lines in (("error", logs.errors), ("warning", logs.warnings)):
        if lines:
            first = lines[0]
            plural = "s" if len(lines) > 1 else ""
            reasons.append(
                f"startup log has {len(lines)} {kind} line{plural} "
                f"(first, line {first.number}: {first.text.strip()})"
            )
    reasons.extend(
        f"expected log line matching {pattern!r} never appeared"
        for pattern in logs.missing_expected
    )
    return reasons


def _log_json(line: LogLine) -> dict[str, Any]:
    return {"line": line.number, "text": line.text, "pattern": line.pattern}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)
