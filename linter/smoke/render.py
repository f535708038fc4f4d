"""The text report: the build's step timings, then why the run failed, then the summary.

Everything printed goes through the redactor; log lines and app output are rich ``Text``, never
markup, and :func:`printable`, so that neither brackets nor escape codes in a log can restyle or
hide anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from .printable import printable
from .redact import Redactor
from .report import SmokeReport


def render_text(report: SmokeReport, redact: Redactor, out: IO[str], color: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    terminal = out.isatty()
    console = Console(
        file=out, no_color=not color, highlight=False, width=None if terminal else 110, emoji=False
    )

    def line(text: str, style: str = "") -> None:
        console.print(Text(redact(printable(text)), style=style), soft_wrap=True)

    build = report.build
    if build is not None and build.steps:
        steps = Table(title="Build steps", title_justify="left", box=None, pad_edge=False)
        steps.add_column("step", justify="right")
        steps.add_column("instruction", overflow="ellipsis", no_wrap=True, max_width=70)
        steps.add_column("time", justify="right")
        steps.add_column("cache")
        for step in build.steps:
            steps.add_row(
                step.label,
                Text(redact(step.instruction)),
                f"{step.seconds:.1f} s",
                "hit" if step.cached else "",
            )
        console.print(steps)
        console.print()
    reasons = report.reasons()
    if reasons:
        line("FAILED", "bold red")
        for reason in reasons:
            line(f"  - {reason}", "red")
        console.print()
    _details(report, line)
    summary = Table(box=None, show_header=False, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    for name, value in _summary_rows(report):
        summary.add_row(name, Text(redact(value)))
    verdict = Text("PASS", style="bold green") if not reasons else Text("FAIL", style="bold red")
    summary.add_row("Verdict", verdict)
    console.print(summary)


def _details(report: SmokeReport, line: Callable[[str, str], None]) -> None:
    build = report.build
    if build is not None and not build.ok:
        if build.tail:
            line("Output of the failing step:", "bold")
            for text in build.tail:
                line(f"  {text}", "dim")
        if report.build_explanation:
            line(f"Why: {report.build_explanation}", "yellow")
        line("", "")
    if report.boot_explanation:
        line(f"Why the container failed: {report.boot_explanation}", "yellow")
    for artifact in report.artifacts_missing:
        wanted = f"{artifact.path}/**/{artifact.pattern}"
        line(f"Missing artifact {wanted}: {artifact.description}", "red")
    for unreadable in report.artifacts_unreadable:
        where = f"{unreadable.artifact.path}: {unreadable.reason}"
        line(f"Artifact not usable by {unreadable.user}: {where}", "red")
    logs = report.logs
    if logs is not None and (logs.errors or logs.warnings):
        line("Startup log findings:", "bold")
        for found in [*logs.errors, *logs.warnings]:
            line(f"  {found.number:>4} | {found.text}", "red" if found in logs.errors else "yellow")
    if report.log_tail and report.exited:
        line("Last log lines:", "bold")
        for text in report.log_tail:
            line(f"  {text}", "dim")
    if report.budget_warning:
        line(f"warning: {report.budget_warning}", "yellow")
    for note in report.notes:
        line(f"note: {note}", "dim")
    if report.kept_image:
        line(f"kept image {report.kept_image}", "dim")


def _summary_rows(report: SmokeReport) -> list[tuple[str, str]]:
    build, startup, health, logs = report.build, report.startup, report.health, report.logs
    rows = []
    if build is not None:
        outcome = f"{'ok' if build.ok else 'failed'} in {build.seconds:.1f} s"
        rows.append(("Build", f"{outcome} ({_BUILDER_NAMES.get(build.builder, build.builder)})"))
        if build.image_size is not None:
            rows.append(("Image size", f"{build.image_size / 1_000_000:.1f} MB"))
    if report.boot is not None:
        rows.append(("Platform", report.boot.describe()))
        if report.boot.applied is not None:
            rows.append(("Limits applied", report.boot.applied.describe()))
    if startup is not None:
        budget = f"budget {report.budget:g} s, {startup.mode} probe"
        rows.append(("Time to listen", f"{_seconds(startup.listen_seconds)} ({budget})"))
        rows.append(("Time to healthy", _seconds(startup.ready_seconds)))
    if health is not None:
        latency = "-" if health.latency_ms is None else f"{health.latency_ms:.0f} ms"
        status = f"GET {health.path} -> {health.status if health.status else 'no answer'}"
        slow = " (slow: over 100 ms)" if health.slow else ""
        rows.append(("Health", f"{status}, {latency}{slow}"))
    seen = report.observation
    if seen is not None:
        if seen.exit_code is not None:
            fate = f"exited with code {seen.exit_code} at {_seconds(seen.exit_seconds)}"
        else:
            answer = str(seen.health_status) if seen.answered else "no answer"
            fate = f"still running, GET {report.health_path} -> {answer}"
        rows.append(("Observation", f"{seen.window:g} s after healthy: {fate}"))
    if logs is not None:
        counts = f"{_count(len(logs.errors), 'error')}, {_count(len(logs.warnings), 'warning')}"
        if logs.missing_expected:
            counts += f", {len(logs.missing_expected)} expected not seen"
        rows.append(("Log findings", counts))
    if build is not None and build.ok:
        checked, missing = len(report.artifacts_checked), len(report.artifacts_missing)
        if not checked:
            rows.append(("Artifacts", "none expected"))
        else:
            present = f"{checked - missing} of {checked} present"
            if report.artifacts_unreadable:
                present += f", {len(report.artifacts_unreadable)} not usable by the runtime user"
            rows.append(("Artifacts", present))
    return rows


_BUILDER_NAMES = {"buildkit": "BuildKit", "classic": "classic builder"}


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
