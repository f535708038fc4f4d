"""One smoke run: build, check artifacts, boot, probe, judge health, observe, read the logs,
clean up.

The phases run in order and each stops the run when there is nothing left to learn (no image,
no container). Whatever happens — a failure, the timeout, Ctrl-C, SIGTERM, the engine going
away — the run ends with cleanup, and :class:`RunOutcome` says how it ended: with a report,
stopped by a signal (in which phase), or unable to finish (exit 2). When the engine does not
answer at cleanup, the run waits a while for it to come back (dockerd restarting), and
otherwise records what is left for the next run to remove (:mod:`pending`).
"""

from __future__ import annotations

import secrets
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .artifacts import expected_artifacts, missing_artifacts, unreadable_artifacts
from .bootconditions import BootConditions
from .build import build_image
from .buildcontext import ContextUnreadable, check_context_readable, context_archive
from .builder import frontend_explanation
from .buildkit import build_with_cli
from .cleanup import HeldSignals, Resources, Terminated, signals_held, signals_raise
from .container import (
    container_logs,
    create_container,
    probe_endpoint,
    start_container,
)
from .engine import EngineLost, engine_answers, wait_for_engine
from .explain import explain_build_failure, explain_container_failure
from .health import judge_health, sample_health
from .limits import read_limits
from .logs import scan_logs, tail
from .observe import observe
from .pending import manual_commands, record, sweep
from .probe import measure_startup
from .report import SmokeReport
from .routes import choose_probe_mode
from .settings import SmokeUsageError

if TYPE_CHECKING:
    from .build import BuildResult
    from .builder import BuilderChoice
    from .engine import Engine
    from .progress import BuildProgress
    from .redact import Redactor
    from .settings import SmokeOptions

KEPT_REPOSITORY = "dlint-smoke"
# How long cleanup waits for an engine that stopped answering (a dockerd restart takes seconds).
ENGINE_GRACE = 30.0
# Drivers whose networks give a container no address of its own (host: the host's stack).
UNUSABLE_DRIVERS = ("host", "null")


@dataclass
class CleanupResult:
    """How cleanup went: what could not be removed, and what happened if the engine was away."""

    problems: list[str] = field(default_factory=list)
    engine_lost: bool = False
    engine_back: bool = False
    recorded: Path | None = None
    manual: str | None = None


@dataclass
class RunOutcome:
    """How the run ended: ``signal`` when stopped by one, ``failure`` when dlint could not
    finish (exit 2), otherwise the report decides. ``phase`` is the phase reached."""

    report: SmokeReport
    phase: str
    signal: int | None = None
    failure: str | None = None
    cleanup: CleanupResult = field(default_factory=CleanupResult)


def check_network(engine: Engine, network: str | None) -> None:
    """An unknown ``--network``, or one without addresses, is the user's mistake: say so
    before building anything (a network can be named by id, so its driver is what counts)."""
    if network is None:
        return
    from docker.errors import NotFound

    try:
        found = engine.client.inspect_network(network)
    except NotFound:
        raise SmokeUsageError(f"--network {network}: no such Docker network") from None
    driver = str(found.get("Driver", ""))
    if driver in UNUSABLE_DRIVERS:
        raise SmokeUsageError(
            f"--network {network}: a {driver} network gives the container no address of its "
            "own to be probed; name a bridge network (docker network ls)"
        )


def run_smoke(
    options: SmokeOptions,
    engine: Engine,
    redact: Redactor,
    progress: BuildProgress,
    notify: Callable[[str], None] = lambda text: None,
    builder: BuilderChoice | None = None,
) -> RunOutcome:
    """Run the whole check; signals and a lost engine end it early, after cleanup.

    ``notify`` receives what the user must know while the run waits (for the engine);
    ``builder`` says how to build (None: the classic builder).
    """
    run = _Run(options, engine, redact, progress, builder)
    outcome = RunOutcome(run.report, run.phase)
    with signals_raise():
        try:
            try:
                run.all_phases()
            except ContextUnreadable as error:
                outcome.failure = str(error)
            except Exception as error:
                outcome.failure = run.failure(error)
                if outcome.failure is None:
                    raise
        except KeyboardInterrupt:
            outcome.signal = signal.SIGINT
        except Terminated:
            outcome.signal = signal.SIGTERM
        finally:
            outcome.phase = run.phase
            outcome.cleanup = _clean_up_surely(run, outcome, notify)
    cleanup = outcome.cleanup
    lost_at_cleanup = cleanup.engine_lost and not cleanup.engine_back
    if lost_at_cleanup and outcome.failure is None and outcome.signal is None:
        outcome.failure = run.lost_message("cleanup")
    outcome.report.notes.extend(f"could not remove {problem}" for problem in cleanup.problems)
    return outcome


def _clean_up_surely(
    run: _Run, outcome: RunOutcome, notify: Callable[[str], None]
) -> CleanupResult:
    """Clean up with signals held; a signal that lands just before they are held (or just
    after) only means cleanup runs again, which finds nothing left to do."""
    while True:
        try:
            with signals_held() as held:
                result = _clean_up(run, held, outcome.signal is None, notify)
            if held.received and outcome.signal is None:
                outcome.signal = held.received[0]
            return result
        except KeyboardInterrupt:
            outcome.signal = outcome.signal or signal.SIGINT
        except Terminated:
            outcome.signal = outcome.signal or signal.SIGTERM


def _clean_up(
    run: _Run, held: HeldSignals, wait: bool, notify: Callable[[str], None]
) -> CleanupResult:
    """Remove what the run created; when the engine is away, wait for it (unless a signal
    said to stop), else record what is left."""
    client = run.engine.client
    result = CleanupResult()
    try:
        result.problems = run.resources.cleanup(client)
        return result
    except EngineLost:
        result.engine_lost = True
    if wait and not held.received:
        notify(
            f"the Docker engine at {run.engine.address} does not answer; waiting up to "
            f"{ENGINE_GRACE:g} s for it to come back, to remove what this run created "
            "(Ctrl-C stops waiting)"
        )
        if wait_for_engine(client, ENGINE_GRACE, lambda: bool(held.received)):
            try:
                result.problems = run.resources.cleanup(client)
                result.engine_back = True
                return result
            except EngineLost:
                pass
    try:
        result.recorded = record(run.resources, run.engine.address, run.run_id)
    except OSError:
        result.manual = manual_commands(run.resources)
    return result


class _Run:
    """The state of one run as its phases go: what was found, what was created, and where the
    run is (``phase``, named in messages about signals and a lost engine)."""

    def __init__(
        self,
        options: SmokeOptions,
        engine: Engine,
        redact: Redactor,
        progress: BuildProgress,
        builder: BuilderChoice | None,
    ) -> None:
        self.options = options
        self.builder = builder
        self.engine = engine
        self.client = engine.client
        self.redact = redact
        self.progress = progress
        self.run_id = secrets.token_hex(6)
        self.report = SmokeReport(options.port, options.health_path, options.startup_budget)
        self.report.memory_limit = options.memory
        self.report.boot = BootConditions.of(options)
        self.resources = Resources()
        self.phase = "start"

    def failure(self, error: Exception) -> str | None:
        """Why dlint could not finish, for an error out of a phase; None for a bug."""
        from docker.errors import DockerException

        if isinstance(error, EngineLost) or not engine_answers(self.client):
            return self.lost_message(self.phase)
        if isinstance(error, DockerException):
            return self.redact(f"the Docker engine refused: {error}")
        return None

    def lost_message(self, phase: str) -> str:
        return f"the Docker engine at {self.engine.address} stopped answering during the {phase}"

    def all_phases(self) -> None:
        self.phase = "removal of what earlier runs left"
        self.report.notes.extend(sweep(self.client, self.engine.address))
        self.resources.remember_existing_images(self.client)
        options = self.options
        build = self.build()
        self.report.build = build
        if not build.ok or build.image_id is None:
            if not engine_answers(self.client):  # a build cut short by dockerd stopping
                raise EngineLost("the build stream ended")
            self.report.build_explanation = explain_build_failure(
                build.error or "", build.failed_step, build.steps, options.dockerfile
            ) or frontend_explanation(build.error or "", options.dockerfile)
            return
        if options.keep:
            self.client.tag(build.image_id, KEPT_REPOSITORY, self.run_id)
            self.resources.kept_image = build.image_id
            self.report.kept_image = f"{KEPT_REPOSITORY}:{self.run_id}"
        self.container_phases(build.image_id)

    def build(self) -> BuildResult:
        """Build with BuildKit through the CLI when one was chosen, else with the SDK's
        classic builder (which needs the context as an archive first)."""
        options = self.options
        cli = self.builder.cli if self.builder else None
        if cli is not None:
            self.phase = "build context"
            check_context_readable(options.context, options.dockerfile)
            self.phase = "build"
            deadline = time.monotonic() + options.timeout
            return build_with_cli(
                cli,
                self.client,
                self.engine.address,
                options,
                deadline,
                self.resources,
                self.progress,
            )
        self.phase = "build context"
        with context_archive(options.context, options.dockerfile) as archive:
            self.phase = "build"
            deadline = time.monotonic() + options.timeout
            return build_image(
                self.client, options, archive, deadline, self.resources, self.progress
            )

    def container_phases(self, image: str) -> None:
        """Create the container, check its artifacts before it starts, then boot it."""
        from docker.errors import APIError

        self.phase = "artifact check"
        options, report = self.options, self.report
        expected, note = expected_artifacts(options)
        if note:
            report.notes.append(note)
        mode = choose_probe_mode(options.probe, self.engine, options.network)
        try:
            container, warnings = create_container(self.client, image, options, self.run_id, mode)
        except APIError as error:  # e.g. no CMD or ENTRYPOINT: the image's fault
            self._engine_still_there(error)
            report.boot_error = self.redact(f"the engine cannot create the container: {error}")
            return
        self.resources.add_container(container)
        report.notes.extend(self.redact(f"engine: {warning}") for warning in warnings)
        if report.boot is not None:
            report.boot = replace(report.boot, applied=read_limits(self.client, container))
        report.artifacts_checked = expected
        report.artifacts_missing = missing_artifacts(self.client, container, expected)
        present = [item for item in expected if item not in report.artifacts_missing]
        report.artifacts_unreadable = unreadable_artifacts(self.client, container, present)
        self.boot(container, mode)

    def boot(self, container: str, mode: str) -> None:
        """Start the container, measure startup, judge health, observe, then read the logs."""
        from docker.errors import APIError

        self.phase = "boot"
        options, report, client = self.options, self.report, self.client
        try:
            started = start_container(client, container)
        except APIError as error:  # e.g. the entrypoint is not executable: the image's fault
            self._engine_still_there(error)
            report.boot_error = self.redact(
                f"the container did not start: {error.explanation or error}"
            )
            self._explain_boot("")
            return
        self.phase = "probe"
        endpoint = probe_endpoint(client, container, options, mode)
        startup = measure_startup(
            client,
            container,
            endpoint,
            mode,
            options.port,
            options.health_path,
            options.startup_budget,
            started,
        )
        report.startup = startup
        if endpoint is not None and startup.ready_seconds is not None:
            self.phase = "health check"
            answer, latency = sample_health(endpoint, options.health_path)
            report.health = judge_health(options.health_path, answer, latency)
            if options.observe > 0:
                self.phase = "observation"
                report.observation = observe(
                    client,
                    container,
                    endpoint,
                    options.health_path,
                    options.observe,
                    started,
                    startup.ready_seconds,
                )
        elif startup.last_answer is not None and startup.exit_code is None:
            report.health = judge_health(options.health_path, startup.last_answer, None)
        self.phase = "logs"
        logs = container_logs(client, container)
        report.logs = scan_logs(logs, options.fail_on_log, options.expect_log, self.redact)
        report.log_tail = tail(logs, redact=self.redact)
        self._explain_boot(logs)

    def _explain_boot(self, logs: str) -> None:
        """Name the cause when the container failed as a copied environment fails (DP010)."""
        report = self.report
        startup = report.startup
        failed = report.boot_error or (startup is not None and startup.exit_code is not None)
        if not failed and (report.logs is None or not report.logs.errors):
            return
        from ..environment_copies import environment_copies

        options = self.options
        try:
            copies = environment_copies(
                options.dockerfile, options.context, options.target, dict(options.build_args)
            )
        except Exception as error:  # a bug of the static side must not end the smoke run
            report.notes.append(f"boot explanation skipped: the static analysis failed: {error}")
            return
        explanation = explain_container_failure(f"{report.boot_error or ''}\n{logs}", copies)
        report.boot_explanation = self.redact(explanation) if explanation else None

    def _engine_still_there(self, error: Exception) -> None:
        """An engine error is the image's fault only while the engine is there to say so."""
        if not engine_answers(self.client):
            raise EngineLost(str(error)) from error
