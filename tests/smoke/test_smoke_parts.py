"""The parts of dlint smoke that need no engine: parsing, judging, explaining, redacting."""

from __future__ import annotations

import ipaddress
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dockerfile_dlint.smoke.buildlog import BuildLog, BuildStep
from dockerfile_dlint.smoke.cleanup import Resources
from dockerfile_dlint.smoke.container import parse_engine_time, start_anchor
from dockerfile_dlint.smoke.explain import explain_build_failure
from dockerfile_dlint.smoke.health import judge_health
from dockerfile_dlint.smoke.httpprobe import HttpAnswer
from dockerfile_dlint.smoke.logs import scan_logs, tail
from dockerfile_dlint.smoke.printable import printable
from dockerfile_dlint.smoke.redact import Redactor
from dockerfile_dlint.smoke.routes import host_routes_to
from dockerfile_dlint.smoke.secretpolicy import secret_values, unmasked_names
from dockerfile_dlint.smoke.settings import (
    CommandLine,
    SmokeUsageError,
    format_size,
    parse_duration,
    parse_memory,
    read_env_file,
    resolve_options,
)
from dockerfile_dlint.smoke.sockets import ListeningSocket, describe_port, parse_tcp_table

# /proc/net/tcp and tcp6 of a container: 127.0.0.1:8080 and [::]:8000 listening, one
# established connection on 8000.
TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 020011AC:1F40 010011AC:D1E2 01 00000000:00000000 00:00000000 00000000     0        0 2 1
  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 0 0 0
"""
ROUTES = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
"""


def test_listening_sockets_are_read_from_the_kernel_tables() -> None:
    assert parse_tcp_table(TCP) == [
        ListeningSocket(8000, ipaddress.ip_address("::")),
        ListeningSocket(8080, ipaddress.ip_address("127.0.0.1")),
    ]


def test_why_port_is_unreachable() -> None:
    sockets = parse_tcp_table(TCP)
    assert describe_port(sockets, 8080).startswith("listens on 127.0.0.1:8080 only")
    assert describe_port(sockets[:1], 8080).startswith("listens on 8000, not $PORT=8080")
    assert describe_port([], 8080) == "nothing listens on any TCP port (expected $PORT=8080)"
    mapped = [ListeningSocket(8080, ipaddress.ip_address("::ffff:127.0.0.1"))]
    assert "only" in describe_port(mapped, 8080)


def test_direct_probing_needs_a_host_route_to_the_container_network() -> None:
    assert host_routes_to(ipaddress.IPv4Network("172.17.0.0/16"), ROUTES)
    assert not host_routes_to(ipaddress.IPv4Network("172.18.0.0/16"), ROUTES)


def test_the_build_stream_becomes_steps_with_cache_hits_and_output() -> None:
    clock = iter(float(n) for n in range(100))
    log = BuildLog(clock=lambda: next(clock))
    for text in [
        "Step 1/3 : FROM scratch", "\n", " ---> \n",
        "Step 2/3 : COPY busybox /bin/busybox", "\n", " ---> Using cache\n", " ---> 0123456789ab\n",
        "Step 3/3 : RUN make", "\n", " ---> Running in feedfacecafe\n", "building", "…\nfailed\n",
    ]:  # fmt: skip
        log.feed({"stream": text})
    log.feed({"error": "The command '/bin/sh -c make' returned a non-zero code: 2"})
    log.finish()
    assert [(s.number, s.instruction, s.cached) for s in log.steps] == [
        (1, "FROM scratch", False),
        (2, "COPY busybox /bin/busybox", True),
        (3, "RUN make", False),
    ]
    assert log.steps[2].output == ["building…", "failed"]
    assert log.layers == ["0123456789ab"]
    assert log.build_containers == ["feedfacecafe"]
    assert log.error is not None and log.error.endswith("code: 2")
    assert all(step.seconds > 0 for step in log.steps)


def step(instruction: str, *output: str) -> BuildStep:
    return BuildStep(1, 1, instruction, 0.0, output=list(output))


@pytest.mark.parametrize(
    ("instruction", "output", "error", "expected"),
    [
        (
            "COPY --from=builder /root/.cache /root/.cache",
            [],
            "COPY failed: stat root/.cache: file does not exist",
            "the stage `builder` never produced /root/.cache",
        ),
        (
            "RUN curl -fsSL https://example.com/key.gpg | apt-key add -",
            ["curl: (22) The requested URL returned error: 404"],
            "The command returned a non-zero code: 22",
            "(DP001)",
        ),
        (
            "RUN apt-get update",
            ["E: The repository 'https://repo.example.com stable Release' does not have a "
             "Release file."],
            "The command returned a non-zero code: 100",
            "(DP001)",
        ),
        (
            "RUN prisma generate",
            ["/bin/sh: 1: prisma: not found"],
            "The command '/bin/sh -c prisma generate' returned a non-zero code: 127",
            "`prisma` is not on PATH: `pip install --user`",
        ),
    ],
)  # fmt: skip
def test_known_build_failures_are_explained(
    instruction: str, output: list[str], error: str, expected: str
) -> None:
    failed = step(instruction, *output)
    steps = [step("RUN pip install --user prisma"), failed]
    explanation = explain_build_failure(error, failed, steps)
    assert explanation is not None and expected in explanation


def test_an_unknown_build_failure_has_no_explanation() -> None:
    assert explain_build_failure("no space left on device", step("RUN make"), []) is None


def answer(status: int, body: str) -> HttpAnswer:
    return HttpAnswer(status, body.encode(), 0.004)


def test_health_needs_a_healthy_status_and_true_services() -> None:
    good = judge_health("/health", answer(200, '{"status": "ok", "services": {"db": true}}'), 4.0)
    assert good.ok and good.problems == [] and not good.slow
    bad = judge_health(
        "/health", answer(503, '{"status": "unhealthy", "services": {"db": false}}'), None
    )
    assert not bad.ok
    assert bad.failed_services == ["db"]
    assert bad.problems[0].startswith("GET /health answered 503")
    plain = judge_health("/health", answer(200, "OK"), 150.0)
    assert plain.ok and plain.slow
    assert not judge_health("/health", None, None).ok


def test_log_scan_sorts_errors_warnings_and_missing_markers() -> None:
    text = "✅ started\nERROR: no db\nerror_count=0\n⚠ deprecated\nTraceback (most recent call):\n"
    scan = scan_logs(text, [re.compile("deprecated")], [re.compile("READY"), re.compile("started")])
    assert [(line.number, line.pattern) for line in scan.errors] == [
        (2, "ERROR"),
        (4, "deprecated"),
        (5, "Traceback"),
    ]
    assert scan.warnings == []
    assert scan.missing_expected == ["READY"]


def test_redaction_masks_every_secret_value_longest_first() -> None:
    redact = Redactor.for_values(["s3cret", "s3cret-and-more", "on"])
    assert redact("url=s3cret-and-more pw=s3cret flag=on") == "url=*** pw=*** flag=on"
    assert redact.data({"a": ["s3cret", 1]}) == {"a": ["***", 1]}


def test_secrets_are_named_like_buildkit_secrets_marked_or_url_passwords() -> None:
    env = {
        "API_KEY": "k-1234",
        "PUBLIC_KEY": "pub-1234",
        "DATABASE_URL": "postgres://app:p%40ss-word@db/app",
        "MODE": "production",
        "PIN": "12",
    }
    build_args = {"GITHUB_TOKEN": "ghp-1234", "VERSION": "1.2.3", "MIRROR": "https://m.example"}
    found = secret_values(env, build_args, {"PIN", "VERSION"})
    assert sorted((secret.name, secret.value) for secret in found) == [
        ("API_KEY", "k-1234"),
        ("DATABASE_URL", "p%40ss-word"),
        ("DATABASE_URL", "p@ss-word"),
        ("GITHUB_TOKEN", "ghp-1234"),
        ("PIN", "12"),
        ("VERSION", "1.2.3"),
    ]
    assert unmasked_names(found) == ["PIN"]


def test_a_secret_is_masked_in_the_forms_output_gives_it() -> None:
    secret = 'p@ss "word"\nline-two'
    redact = Redactor.for_values([secret])
    assert redact("url=p%40ss%20%22word%22%0Aline-two") == "url=***"
    assert redact('{"pw": "p@ss \\"word\\"\\nline-two"}') == '{"pw": "***"}'
    assert redact('first: p@ss "word"') == "first: ***"
    assert redact("then: line-two") == "then: ***"
    assert redact.data({secret: [secret]}) == {"***": ["***"]}


def test_build_and_log_text_is_shown_without_escape_codes_or_redraws() -> None:
    assert printable("\x1b[91m/bin/sh: x: not found\x1b[0m\x1b[91m") == "/bin/sh: x: not found"
    assert printable("  10%\r  50%\r 100%\r") == " 100%"
    assert printable("\x1b]0;new title\x07text\x00\x9b2J") == "text"
    assert printable("tab\tkept") == "tab\tkept"


def test_logs_match_as_written_and_are_shown_redacted_before_being_cut() -> None:
    secret = "sk-" + "z" * 20
    text = f"{'x' * 290}{secret}\nERROR \x1b[1m{secret}\x1b[0m\nready {secret}\n"
    redact = Redactor.for_values([secret])
    expect = [re.compile(f"ready {secret}")]
    scan = scan_logs(text, [re.compile("x{290}")], expect, redact)
    assert scan.missing_expected == []
    assert [line.text for line in scan.errors] == [f"{'x' * 290}***", "ERROR ***"]
    assert tail(text, 2, redact) == ["ERROR ***", "ready ***"]


def test_a_record_of_leftovers_names_only_what_the_run_made() -> None:
    resources = Resources(
        containers=["c1"],
        build_containers=["b1"],
        layers=["aaaa00000000", "bbbb00000000", "cccc00000000"],
        image="cccc00000000",
        images_before=frozenset({"sha256:aaaa000000001111"}),
    )
    assert resources.leftovers() == {
        "containers": ["c1", "b1"],
        "images": ["bbbb00000000", "cccc00000000"],
        "kept_image": None,
    }


def test_memory_sizes_in_dockers_format() -> None:
    assert parse_memory("32m", "--memory") == 32 << 20
    assert parse_memory("1.5g", "--memory") == 3 << 29
    assert parse_memory("512MiB", "--memory") == 512 << 20
    assert parse_memory(8 << 20, "memory") == 8 << 20
    assert format_size(32 << 20) == "32m"
    assert format_size((1 << 30) + 1) == f"{(1 << 30) + 1}b"
    with pytest.raises(SmokeUsageError, match="at least 6m"):
        parse_memory("1m", "--memory")
    with pytest.raises(SmokeUsageError, match="not a size"):
        parse_memory("lots", "--memory")


def test_times_count_from_the_engines_start_when_its_clock_agrees() -> None:
    assert start_anchor(100.0, 1000.0, 1000.3, 1000.28) == pytest.approx(100.27)
    assert start_anchor(100.0, 1000.0, 1000.3, 1042.0) == 100.0
    assert start_anchor(100.0, 1000.0, 1000.3, None) == 100.0
    assert parse_engine_time("2026-11-27T13:48:36.4807992Z") == pytest.approx(1795787316.4808)
    assert parse_engine_time("not a time") is None


def test_durations() -> None:
    assert parse_duration("10s", "--x") == 10.0
    assert parse_duration("500ms", "--x") == 0.5
    assert parse_duration("2m", "--x") == 120.0
    assert parse_duration(7, "--x") == 7.0
    assert parse_duration("0s", "--observe", allow_zero=True) == 0.0
    with pytest.raises(SmokeUsageError, match="more than 0"):
        parse_duration("0s", "--x")


def test_env_file_follows_docker_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FROM_HOST", "host-value")
    path = tmp_path / "app.env"
    path.write_text('# comment\n\nQUOTED="kept as is"\nFROM_HOST\nUNSET_ON_HOST\nA=b=c\n')
    assert read_env_file(path) == {"QUOTED": '"kept as is"', "FROM_HOST": "host-value", "A": "b=c"}


def test_command_line_over_config_table(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    table = {
        "build-args": {"A": "config", "B": "config"},
        "env": {"KEY": "config"},
        "port": 9000,
        "expect-log": ["READY"],
        "startup-budget": 20,
    }
    table["secret-env"] = ["KEY"]
    table["memory"] = "256m"
    cli = CommandLine(
        context=str(tmp_path),
        build_args=("B=cli",),
        port=8081,
        expect_log=("MIGRATED",),
        secret_env=("B",),
        observe="5s",
    )
    options = resolve_options(cli, table, tmp_path, "pyproject.toml: tool.dlint.smoke")
    assert options.build_args == {"A": "config", "B": "cli"}
    assert options.env == {"KEY": "config"}
    assert options.port == 8081
    assert options.startup_budget == 20.0
    assert [p.pattern for p in options.expect_log] == ["READY", "MIGRATED"]
    assert options.dockerfile == tmp_path / "Dockerfile"
    assert options.secret_names == {"KEY", "B"}
    assert options.memory == 256 << 20
    assert options.observe == 5.0


def test_config_values_of_the_wrong_type_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(SmokeUsageError, match=r"^cfg\.port: must be a port number$"):
        resolve_options(CommandLine(context=str(tmp_path)), {"port": "80"}, tmp_path, "cfg")


def test_importing_the_command_loads_neither_docker_nor_rich() -> None:
    code = (
        "import sys, dockerfile_dlint.cli, dockerfile_dlint.smoke.command\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'rich')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
