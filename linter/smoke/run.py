"""One smoke run: build, check artifacts, boot, probe, judge health and logs, clean up.

The phases run in order and each stops the run when there is nothing left to learn (no image,
no container). Whatever happens — a failure, the timeout, Ctrl-C, SIGTERM — the ``finally``
removes what the run created before the exception, if any, goes on.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from .artifacts import expected_artifacts, missing_artifacts
from .build import build_image
from .cleanup import Resources, signals_held, signals_raise
from .container import (
    container_logs,
    create_container,
    probe_endpoint,
    start_container,
)
from .explain import explain_build_failure
from .health import judge_health, sample_health
from .logs import scan_logs, tail
from .probe import measure_startup
from .report import SmokeReport
from .routes import choose_probe_mode
from .settings import SmokeUsageError

if TYPE_CHECKING:
    from .engine import Engine
    from .progress import BuildProgress
    from .redact import Redactor
    from .settings import SmokeOptions

KEPT_REPOSITORY = "dlint-smoke"


def check_network(engine: Engine, network: str | None) -> None:
    """An unknown ``--network`` is the user's mistake: say so before building anything."""
    if network is None:
        return
    from docker.errors import NotFound

    try:
        engine.client.inspect_network(network)
    except NotFound:
        raise SmokeUsageError(f"--network {network}: no such Docker network") from None


def run_smoke(
    options: SmokeOptions, engine: Engine, redact: Redactor, progress: BuildProgress
) -> SmokeReport:
    """Run the whole check; raises KeyboardInterrupt or Terminated after cleaning up."""
    client = engine.client
    run_id = secrets.token_hex(6)
    report = SmokeReport(options.port, options.health_path, options.startup_budget)
    resources = Resources(keep=options.keep)
    try:
        with signals_raise():
            resources.remember_existing_images(client)
            deadline = time.monotonic() + options.timeout
            build = build_image(client, options, deadline, resources, progress)
            report.build = build
            if build.ok and build.image_id is not None:
                if options.keep:
                    client.tag(build.image_id, KEPT_REPOSITORY, run_id)
                    report.kept_image = f"{KEPT_REPOSITORY}:{run_id}"
                _run_container(report, options, engine, build.image_id, run_id, resources, redact)
            else:
                report.build_explanation = explain_build_failure(
                    build.error or "", build.failed_step, build.steps
                )
    finally:
        with signals_held() as held:
            problems = resources.cleanup(client)
        report.notes.extend(f"could not remove {problem}" for problem in problems)
        held.raise_received()
    return report


def _run_container(
    report: SmokeReport,
    options: SmokeOptions,
    engine: Engine,
    image: str,
    run_id: str,
    resources: Resources,
    redact: Redactor,
) -> None:
    """Create the container, check its artifacts before it starts, then boot it."""
    from docker.errors import APIError

    expected, note = expected_artifacts(options)
    if note:
        report.notes.append(note)
    mode = choose_probe_mode(options.probe, engine, options.network)
    try:
        container = create_container(engine.client, image, options, run_id, mode)
    except APIError as error:  # e.g. no CMD or ENTRYPOINT: the image's fault
        report.boot_error = redact(f"the engine cannot create the container: {error}")
        return
    resources.add_container(container)
    report.artifacts_checked = expected
    report.artifacts_missing = missing_artifacts(engine.client, container, expected)
    _boot(report, options, engine, container, mode, redact)


def _boot(
    report: SmokeReport,
    options: SmokeOptions,
    engine: Engine,
    container: str,
    mode: str,
    redact: Redactor,
) -> None:
    """Start the container, measure startup, then judge health and the logs."""
    from docker.errors import APIError

    client = engine.client
    try:
        started = start_container(client, container)
    except APIError as error:  # e.g. the entrypoint is not executable: the image's fault
        report.boot_error = redact(f"the container did not start: {error.explanation or error}")
        return
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
        answer, latency = sample_health(endpoint, options.health_path)
        report.health = judge_health(options.health_path, answer, latency)
    elif startup.last_answer is not None and startup.exit_code is None:
        report.health = judge_health(options.health_path, startup.last_answer, None)
    logs = redact(container_logs(client, container))
    report.logs = scan_logs(logs, options.fail_on_log, options.expect_log)
    report.log_tail = tail(logs)
