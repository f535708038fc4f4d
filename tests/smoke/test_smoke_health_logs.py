"""The health contract, the startup-log contract, and the text report, on a real engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from smokehelpers import smoke


def run_app(context: Path, app: str, *extra: str) -> Any:
    return smoke(
        str(context), "--build-arg", f"APP={app}", "--no-config", "--startup-budget", "5s", *extra,
        cwd=context.parent,
    )  # fmt: skip


def test_a_failing_service_under_health_is_named(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "failing-service", "--format", "json")
    assert run.code == 1, run.output
    report = run.report
    assert report["startup"]["ok"] is True
    assert report["health"]["status"] == 200
    assert report["health"]["ok"] is False
    assert report["health"]["failed_services"] == ["cache", "queues.email"]
    assert report["reasons"] == [
        'GET /health: "status" is "degraded", not one of healthy, ok, pass',
        "GET /health: services not healthy: cache, queues.email",
    ]


def test_error_and_warning_lines_in_the_startup_log_fail_the_run(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(
        context_of("busybox"), "error-log", "--format", "json", "--fail-on-log", "DEBUG is"
    )
    assert run.code == 1, run.output
    logs = run.report["logs"]
    assert logs["errors"] == [
        {"line": 2, "text": "❌ Redis connection failed: falling back to memory", "pattern": "❌"},
        {"line": 3, "text": "⚠️ DEBUG is on", "pattern": "DEBUG is"},
    ]
    assert logs["warnings"] == []
    assert run.report["health"]["ok"] is True


def test_a_warning_line_is_reported_as_a_warning(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "error-log", "--format", "json")
    assert run.code == 1, run.output
    assert run.report["logs"]["warnings"] == [{"line": 3, "text": "⚠️ DEBUG is on", "pattern": "⚠️"}]
    assert run.report["reasons"][-1] == (
        "startup log has 1 warning line (first, line 3: ⚠️ DEBUG is on)"
    )


def test_a_healthy_app_passes_with_a_text_summary(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "healthy", "--expect-log", "APPLICATION READY")
    assert run.code == 0, run.output
    lines = run.stdout.splitlines()
    summary = {line.split("  ")[0]: line for line in lines if line and not line.startswith(" ")}
    assert {"Build", "Image size", "Time to listen", "Time to healthy", "Health"} <= set(summary)
    assert "GET /health -> 200" in summary["Health"]
    assert "0 errors, 0 warnings" in summary["Log findings"]
    assert "none expected" in summary["Artifacts"]
    assert lines[-1].split() == ["Verdict", "PASS"]
    assert "FAILED" not in run.stdout


def test_an_expected_log_line_that_never_appears_fails(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "healthy", "--format", "json", "--expect-log", "migrat")
    assert run.code == 1, run.output
    assert run.report["logs"]["missing_expected"] == ["migrat"]
    assert run.report["reasons"] == ["expected log line matching 'migrat' never appeared"]


def test_settings_come_from_the_smoke_table_of_pyproject(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    (context.parent / "pyproject.toml").write_text(
        "[tool.dlint.smoke]\n"
        f'context = "{context.name}"\n'
        'build-args = { APP = "healthy" }\n'
        "port = 9092\n"
        'startup-budget = "5s"\n'
        'expect-log = ["APPLICATION READY"]\n'
        'format = "json"\n'
    )
    run = smoke(cwd=context.parent)
    assert run.code == 0, run.output
    assert run.report["startup"]["port"] == 9092
    assert run.report["startup"]["budget_seconds"] == 5.0
    assert run.report["logs"]["missing_expected"] == []
