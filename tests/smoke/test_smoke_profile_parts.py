"""Platform profiles without an engine: the table, how options merge over a profile, --cpus
validation, limits read back from inspect data, and the near-budget warning."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.smoke.bootconditions import BootConditions, budget_warning
from dockerfile_dlint.smoke.limits import AppliedLimits, limits_from_inspect
from dockerfile_dlint.smoke.probe import Startup
from dockerfile_dlint.smoke.profiles import PROFILES
from dockerfile_dlint.smoke.redact import Redactor
from dockerfile_dlint.smoke.render import render_text
from dockerfile_dlint.smoke.report import SmokeReport
from dockerfile_dlint.smoke.settings import (
    CommandLine,
    SmokeUsageError,
    parse_cpus,
    resolve_options,
)

MIB = 1 << 20


def resolve(tmp_path: Path, table: dict[str, Any] | None = None, **given: Any) -> Any:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    cli = CommandLine(context=str(tmp_path), **given)
    return resolve_options(cli, table or {}, tmp_path, "cfg")


def test_the_profiles_and_their_values() -> None:
    assert list(PROFILES) == ["local", "cloud-run", "kubernetes"]
    cloud_run = PROFILES["cloud-run"]
    assert (cloud_run.cpus, cloud_run.memory, cloud_run.port) == (1.0, 512 * MIB, 8080)
    assert cloud_run.port_variable and cloud_run.startup_budget == 240.0
    kubernetes = PROFILES["kubernetes"]
    assert (kubernetes.cpus, kubernetes.memory) == (None, None)
    assert not kubernetes.port_variable and kubernetes.startup_budget == 20.0
    local = PROFILES["local"]
    assert (local.cpus, local.memory, local.port, local.startup_budget) == (None,) * 4


def test_without_a_profile_nothing_changes(tmp_path: Path) -> None:
    options = resolve(tmp_path)
    assert options.profile.name == "local"
    assert (options.cpus, options.memory, options.port, options.startup_budget) == (
        None,
        None,
        8080,
        10.0,
    )
    assert options.port_variable and options.user is None and options.profile_overrides == ()


def test_a_profile_applies_all_its_conditions_together(tmp_path: Path) -> None:
    options = resolve(tmp_path, platform_profile="cloud-run")
    assert (options.cpus, options.memory, options.port, options.startup_budget) == (
        1.0,
        512 * MIB,
        8080,
        240.0,
    )
    assert options.profile_overrides == ()


def test_the_profile_can_come_from_the_configuration(tmp_path: Path) -> None:
    options = resolve(tmp_path, {"platform-profile": "kubernetes"})
    assert options.profile.name == "kubernetes" and options.startup_budget == 20.0
    local = resolve(tmp_path, {"platform-profile": "kubernetes"}, platform_profile="local")
    assert local.profile.name == "local" and local.startup_budget == 10.0


def test_options_and_configuration_keys_win_over_the_profile(tmp_path: Path) -> None:
    options = resolve(
        tmp_path,
        {"memory": "1g"},
        platform_profile="cloud-run",
        cpus="2",
        startup_budget="10s",
    )
    assert (options.cpus, options.memory, options.port, options.startup_budget) == (
        2.0,
        1 << 30,
        8080,
        10.0,
    )
    assert options.profile_overrides == ("cpus", "memory", "startup-budget")
    assert BootConditions.of(options).budget_basis == "given"


def test_cpus_on_its_own_and_from_the_configuration(tmp_path: Path) -> None:
    assert resolve(tmp_path, cpus="0.5").cpus == 0.5
    assert resolve(tmp_path, {"cpus": 1.5}).cpus == 1.5
    assert resolve(tmp_path, {"cpus": 1.5}, cpus="0.25").cpus == 0.25


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", r"--cpus: 'abc' is not a number of CPUs"),
        ("0", r"--cpus: must be a positive number of CPUs"),
        ("-1", r"--cpus: must be a positive number of CPUs"),
        ("nan", r"--cpus: must be a positive number of CPUs"),
        ("inf", r"--cpus: must be a positive number of CPUs"),
        ("0.001", r"--cpus: the engine needs at least 0.01"),
        ("", r"--cpus: '' is not a number of CPUs"),
    ],
)
def test_bad_cpus_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(SmokeUsageError, match=message):
        parse_cpus(text, "--cpus")


def test_bad_profile_and_config_values_name_what_is_known(tmp_path: Path) -> None:
    with pytest.raises(SmokeUsageError, match=r"unknown profile 'heroku' \(known: local, "):
        resolve(tmp_path, platform_profile="heroku")
    with pytest.raises(SmokeUsageError, match=r"^cfg\.platform-profile: must be one of local"):
        resolve(tmp_path, {"platform-profile": "fly"})
    with pytest.raises(SmokeUsageError, match=r"^cfg\.cpus: must be a number of CPUs"):
        resolve(tmp_path, {"cpus": True})
    with pytest.raises(SmokeUsageError, match=r"^cpus: must be a positive number"):
        resolve(tmp_path, {"cpus": -2})


def test_port_as_env_is_refused_only_where_the_platform_sets_port(tmp_path: Path) -> None:
    with pytest.raises(SmokeUsageError, match="set the port with --port"):
        resolve(tmp_path, env=("PORT=9000",), platform_profile="cloud-run")
    options = resolve(tmp_path, env=("PORT=9000",), platform_profile="kubernetes")
    assert options.env == {"PORT": "9000"} and not options.port_variable


def test_limits_are_read_from_nano_cpus_or_the_cpu_quota() -> None:
    inspect = {
        "HostConfig": {"NanoCpus": 500_000_000, "Memory": 512 * MIB, "MemorySwap": 512 * MIB},
        "Config": {"User": ""},
    }
    limits = limits_from_inspect(inspect)
    assert limits == AppliedLimits(0.5, 512 * MIB, 512 * MIB, None)
    assert limits.swap == 0
    assert limits.describe() == "0.5 CPU, 512m memory, no swap"
    quota = limits_from_inspect({"HostConfig": {"CpuQuota": 150_000, "CpuPeriod": 100_000}})
    assert quota.cpus == 1.5 and quota.memory is None
    assert quota.describe() == "1.5 CPU, no memory limit"
    unlimited_swap = limits_from_inspect(
        {"HostConfig": {"Memory": 256 * MIB, "MemorySwap": -1}, "Config": {"User": "1000:0"}}
    )
    assert unlimited_swap.swap is None and unlimited_swap.user == "1000:0"
    assert unlimited_swap.describe() == "no CPU limit, 256m memory, unlimited swap"
    assert limits_from_inspect({}) == AppliedLimits(None, None, None, None)


def test_a_listen_time_from_seventy_percent_of_the_budget_is_warned_about() -> None:
    assert budget_warning(6.9, 10.0) is None
    assert budget_warning(None, 10.0) is None
    warning = budget_warning(7.4, 10.0)
    assert warning is not None
    assert "7.40 s is 74% of the 10 s startup budget" in warning
    assert "a margin of 2.60 s" in warning


def test_the_report_says_which_profile_and_limits_applied(tmp_path: Path) -> None:
    options = resolve(tmp_path, platform_profile="cloud-run", memory="256m")
    report = SmokeReport(options.port, options.health_path, options.startup_budget)
    report.boot = BootConditions.of(options)
    platform = report.to_json()["platform"]
    assert platform["profile"] == "cloud-run"
    assert platform["overrides"] == ["memory"]
    assert platform["requested"]["cpus"] == 1.0
    assert platform["requested"]["memory"] == 256 * MIB
    assert platform["requested"]["budget_basis"].startswith("the default TCP startup probe")
    assert platform["applied"] is None
    assert report.boot.describe() == (
        "cloud-run: 1 CPU, 256m memory without swap, PORT=8080, 240 s to listen "
        "(memory from the options)"
    )
    assert report.to_json()["startup"]["budget_warning"] is None


def test_a_start_up_close_to_the_budget_is_a_warning_in_both_reports() -> None:
    report = SmokeReport(8080, "/health", 10.0)
    report.startup = Startup("direct", 10.0, listen_seconds=8.2, ready_seconds=8.3)
    warning = report.to_json()["startup"]["budget_warning"]
    assert warning is not None and "82% of the 10 s startup budget" in warning
    out = io.StringIO()
    render_text(report, Redactor.for_values([]), out, color=False)
    text = " ".join(out.getvalue().split())
    assert (
        "warning: time to listen 8.20 s is 82% of the 10 s startup budget: a margin of 1.80 s"
        in (text)
    )
    report.startup = Startup("direct", 10.0, exit_code=1, exit_seconds=8.0)
    assert report.budget_warning is None


def test_an_oom_kill_names_the_limit_the_profile_set(tmp_path: Path) -> None:
    def oom_reason(**given: Any) -> str:
        options = resolve(tmp_path, platform_profile="cloud-run", **given)
        report = SmokeReport(options.port, options.health_path, options.startup_budget)
        report.memory_limit = options.memory
        report.boot = BootConditions.of(options)
        report.startup = Startup("direct", 240.0, exit_code=137, exit_seconds=3.0, oom_killed=True)
        return report._startup_reasons()[0]

    assert oom_reason().endswith("(OOM, the cloud-run profile's 512m)")
    assert oom_reason(memory="1g").endswith("(OOM, --memory 1g)")
