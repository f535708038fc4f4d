"""Platform profiles and --cpus on the real engine: the limits reach the kernel and the
engine's record, a CPU limit slows a CPU-bound start-up, and options win over the profile."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smokehelpers import SmokeRun, smoke

MIB = 1 << 20
# The CPU-bound app's start-up (two processes) under --cpus 0.5 against no limit: about 4x on
# an idle two-CPU host. Other work on the host slows the free run most (1.2-1.4x measured with
# a load of 4 on two CPUs), so the test asks for less than that.
MIN_SLOWDOWN = 1.15


def run_app(context: Path, app: str, *extra: str) -> SmokeRun:
    return smoke(
        str(context),
        "--build-arg",
        f"APP={app}",
        "--observe",
        "0",
        "--format",
        "json",
        "--no-config",
        *extra,
        cwd=context.parent,
    )


def cgroup_values(run: SmokeRun) -> dict[str, str]:
    """What the ``limits`` app printed about its cgroup: file name -> content."""
    found = (re.match(r"cgroup (\S+) (.*)$", line) for line in run.report["logs"]["tail"])
    return {match[1]: match[2].strip() for match in found if match}


def kernel_cpus(values: dict[str, str]) -> float | None:
    if "cpu.max" in values:  # cgroup v2: "QUOTA PERIOD" or "max PERIOD"
        quota, period = values["cpu.max"].split()
        return None if quota == "max" else int(quota) / int(period)
    quota = int(values["cpu/cpu.cfs_quota_us"])
    return None if quota < 0 else quota / int(values["cpu/cpu.cfs_period_us"])


def kernel_memory(values: dict[str, str]) -> tuple[str, str | None]:
    """The memory limit, and memory plus swap (v1) or swap alone (v2), as the kernel says."""
    if "memory.max" in values:
        return values["memory.max"], values.get("memory.swap.max")
    swap = values.get("memory/memory.memsw.limit_in_bytes")
    return values["memory/memory.limit_in_bytes"], swap


def test_the_cloud_run_profile_reaches_the_kernel_and_the_engines_record(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "limits", "--platform-profile", "cloud-run")
    assert run.code == 0, run.output
    platform = run.report["platform"]
    assert platform["profile"] == "cloud-run" and platform["overrides"] == []
    assert platform["applied"] == {
        "cpus": 1.0,
        "memory": 512 * MIB,
        "memory_swap": 512 * MIB,
        "user": None,
    }
    assert run.report["startup"]["budget_seconds"] == 240.0
    assert run.report["startup"]["memory_limit"] == 512 * MIB
    values = cgroup_values(run)
    assert kernel_cpus(values) == 1.0
    memory, swap = kernel_memory(values)
    assert memory == str(512 * MIB)
    assert swap in (str(512 * MIB), "0", None)  # v1 memory+swap, v2 swap alone, or no accounting
    assert "PORT=8080 uid=0" in run.report["logs"]["tail"]


def test_the_kubernetes_profile_sets_no_port_and_no_limits(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(context_of("busybox"), "limits", "--platform-profile", "kubernetes")
    assert run.code == 0, run.output
    assert run.report["platform"]["applied"] == {
        "cpus": None,
        "memory": None,
        "memory_swap": None,
        "user": None,
    }
    assert run.report["startup"]["budget_seconds"] == 20.0
    assert kernel_cpus(cgroup_values(run)) is None
    assert "PORT=unset uid=0" in run.report["logs"]["tail"]


def test_command_line_options_win_over_the_profile(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    run = run_app(
        context_of("busybox"),
        "limits",
        "--platform-profile",
        "cloud-run",
        "--cpus",
        "0.5",
        "--memory",
        "256m",
        "--startup-budget",
        "20s",
    )
    assert run.code == 0, run.output
    platform = run.report["platform"]
    assert platform["overrides"] == ["cpus", "memory", "startup-budget"]
    assert platform["applied"]["cpus"] == 0.5
    assert platform["applied"]["memory"] == platform["applied"]["memory_swap"] == 256 * MIB
    assert run.report["startup"]["budget_seconds"] == 20.0
    values = cgroup_values(run)
    assert kernel_cpus(values) == 0.5
    assert kernel_memory(values)[0] == str(256 * MIB)


def test_a_cpu_bound_start_up_is_slower_under_half_a_cpu(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    """The fastest of three runs each, taken in turns, so that a burst of other work on the
    host slows one run rather than decides the ratio; and the kernel's own count of the
    periods in which it held the app back, which other work on the host does not fake."""
    context = context_of("busybox")
    free: list[float] = []
    limited: list[float] = []
    for _ in range(3):
        for cpus, times in ((None, free), ("0.5", limited)):
            extra = ("--cpus", cpus) if cpus else ()
            run = run_app(context, "cpu-bound", "--startup-budget", "60s", *extra)
            assert run.code == 0, run.output
            assert run.report["platform"]["applied"]["cpus"] == (0.5 if cpus else None)
            throttled = throttled_periods(run)
            assert throttled > 0 if cpus else throttled == 0, run.report["logs"]["tail"]
            times.append(run.report["startup"]["listen_seconds"])
    assert min(limited) / min(free) >= MIN_SLOWDOWN, (free, limited)


def throttled_periods(run: SmokeRun) -> int:
    """How many CFS periods the kernel throttled the app in (``cpu.stat``, v1 or v2)."""
    for name, text in cgroup_values(run).items():
        if name.endswith("cpu.stat"):
            found = re.search(r"nr_throttled (\d+)", text)
            assert found, text
            return int(found[1])
    raise AssertionError(f"no cpu.stat in the log: {run.report['logs']['tail']}")


def test_the_text_report_names_the_profile_and_the_limits_applied(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    run = smoke(
        str(context),
        "--build-arg",
        "APP=healthy",
        "--observe",
        "0",
        "--no-config",
        "--platform-profile",
        "cloud-run",
        "--memory",
        "128m",
        cwd=context.parent,
    )
    assert run.code == 0, run.output
    words = " ".join(run.stdout.split())  # the summary wraps at the console's width
    assert (
        "Platform cloud-run: 1 CPU, 128m memory without swap, PORT=8080, 240 s to listen "
        "(memory from the options)"
    ) in words, run.stdout
    assert "Limits applied 1 CPU, 128m memory, no swap" in words, run.stdout


def test_more_cpus_than_the_engine_has_is_a_usage_error(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    available = int(docker_client.info()["NCPU"])
    run = smoke(str(context), "--no-config", "--cpus", str(available + 1), cwd=context.parent)
    assert run.code == 2, run.output
    assert f"the Docker engine has only {available} CPUs" in run.stderr
    assert "Traceback" not in run.output


def test_a_bad_cpus_value_is_exit_2_before_the_engine_is_asked(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    for value, message in (("half", "'half' is not a number of CPUs"), ("0", "positive")):
        run = smoke(str(tmp_path), "--no-config", "--cpus", value, cwd=tmp_path)
        assert run.code == 2, run.output
        assert message in run.stderr and "Traceback" not in run.output
    run = smoke(str(tmp_path), "--no-config", "--platform-profile", "heroku", cwd=tmp_path)
    assert run.code == 2 and "unknown profile 'heroku'" in run.stderr
