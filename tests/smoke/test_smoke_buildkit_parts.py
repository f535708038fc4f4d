"""BuildKit's parts that need no engine: the progress parser on recorded streams, the search
for a capable ``docker`` CLI (with stand-in CLIs on PATH), and the choice of builder.

The ``builtin-plain-*`` streams were recorded from Debian's 20.10 CLI (``DOCKER_BUILDKIT=1
docker build --progress plain``) on FROM-scratch busybox builds; the ``buildx-*`` streams are
written by hand in the format buildx prints (no buildx plugin can be installed here).
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from pathlib import Path

import pytest
from dockerfile_dlint.smoke.builder import (
    BuilderUnavailable,
    buildkit_lines,
    choose_builder,
    frontend_explanation,
)
from dockerfile_dlint.smoke.buildkit import build_command
from dockerfile_dlint.smoke.buildkitlog import BuildkitLog
from dockerfile_dlint.smoke.buildsecrets import BuildSecret
from dockerfile_dlint.smoke.dockercli import (
    BUILDX,
    BUILTIN,
    DockerCli,
    Search,
    cli_environment,
    find_buildkit_cli,
)
from dockerfile_dlint.smoke.redact import Redactor
from dockerfile_dlint.smoke.secretpolicy import build_secret_values
from dockerfile_dlint.smoke.settings import (
    CommandLine,
    SmokeOptions,
    SmokeUsageError,
    resolve_options,
)

STREAMS = Path(__file__).with_name("streams")
PARALLEL_STEPS = [
    ("base 1/2", "COPY busybox /bin/busybox"),
    ("base 2/2", 'RUN ["/bin/busybox", "--install", "-s", "/bin"]'),
    (
        "left 1/1",
        "RUN --mount=type=cache,target=/cache echo left-start && sleep 1 "
        "&& echo left >> /cache/log && echo left-done",
    ),
    ("stage-3 1/3", "COPY --chmod=755 --from=left /bin/busybox /left"),
    ("right 1/1", "RUN echo right-start && sleep 1 && echo right-done"),
    ("stage-3 2/3", "COPY --from=right /bin/busybox /right"),
    ("stage-3 3/3", "RUN echo final && ls -l /left"),
]


def read(name: str) -> tuple[BuildkitLog, list[str]]:
    """The stream parsed (with a clock that advances 0.1 s a line), and the steps announced."""
    ticks = itertools.count()
    announced: list[str] = []
    log = BuildkitLog(clock=lambda: next(ticks) * 0.1, on_step=lambda s: announced.append(s.label))
    for line in (STREAMS / name).read_text().splitlines(keepends=True):
        log.feed(line)
    log.finish()
    return log, announced


def test_builtin_cli_parallel_stages_interleaved() -> None:
    log, announced = read("builtin-plain-parallel.txt")
    assert [(s.label, s.instruction) for s in log.steps] == PARALLEL_STEPS
    timings = {s.label: (s.seconds, s.cached) for s in log.steps}
    assert timings["left 1/1"] == (2.5, False)  # its DONE came after right's lines
    assert timings["right 1/1"] == (2.7, False)  # its ... and its second header are no reset
    assert timings["base 2/2"] == (1.4, False)
    by_label = {s.label: s.output for s in log.steps}
    assert by_label["left 1/1"] == ["left-start", "left-done"]
    assert by_label["right 1/1"] == ["right-start", "right-done"]
    assert log.image_id == "sha256:ad30edf08d921ff4871fae37eb7c719c34aec8594e7f337e51b33abc16801873"
    assert log.error is None and log.failed_step is None and log.tail() == []
    assert sorted(announced) == sorted(label for label, _ in PARALLEL_STEPS)


def test_builtin_cli_second_run_reports_every_step_cached() -> None:
    log, _ = read("builtin-plain-cached.txt")
    assert [(s.label, s.instruction) for s in log.steps] == PARALLEL_STEPS
    assert all(step.cached and step.seconds == 0.0 for step in log.steps)
    assert log.image_id is not None and log.error is None


def test_builtin_cli_failing_run_gives_step_tail_and_message() -> None:
    log, _ = read("builtin-plain-error.txt")
    failed = log.failed_step
    assert failed is not None and failed.label == "3/3"
    assert failed.instruction.startswith("RUN --mount=type=secret,id=token echo")
    assert log.tail() == [
        "using 13 bytes", "building", "line 1", "line 2", "line 3",
        "/bin/sh: nosuchtool: not found",
    ]  # fmt: skip
    assert log.error is not None and log.error.endswith("exit code: 127")
    assert log.error.startswith("executor failed running [/bin/sh -c echo")
    assert [s.cached for s in log.steps] == [True, True, False]
    assert log.image_id is None


def test_builtin_cli_frontend_error_has_no_step_but_a_message() -> None:
    log, _ = read("builtin-plain-frontend-error.txt")
    assert log.steps == [] and log.failed_step is None
    assert log.error == (
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
        "dockerfile parse error line 2: Unknown flag: link"
    )


def test_buildx_plain_parallel_stages() -> None:
    log, _ = read("buildx-plain-parallel.txt")
    labels = [s.label for s in log.steps]
    assert labels == ["base 1/2", "base 2/2", "left 1/1", "right 1/1", "stage-3 1/2", "stage-3 2/2"]
    left = log.steps[2]
    assert left.output == ["left-start", "left-done"] and left.seconds == 1.5
    assert log.image_id == "sha256:6b1cf4dcbd8e0b0df4a1f7c1d3c2e9e4b7f0a5a9c6d8e1f2a3b4c5d6e7f8a9b0"
    assert log.error is None


def test_buildx_plain_error_ignores_the_summary_and_the_cancelled_stage() -> None:
    log, _ = read("buildx-plain-error.txt")
    failed = log.failed_step
    assert failed is not None and failed.label == "builder 1/1"
    assert log.tail() == ["compiling", "src/app.c:3: error: expected ';'"]
    assert log.error is not None
    assert log.error.startswith('failed to solve: process "/bin/sh -c echo compiling')
    assert log.error.endswith("did not complete successfully: exit code: 2")
    cancelled = next(step for step in log.steps if step.label == "deps 1/1")
    assert cancelled.output == ["fetching"] and not cancelled.cached


def test_buildx_rawjson_chunks_parallel_logs_cache_and_image() -> None:
    log, announced = read("buildx-rawjson-parallel.txt")
    steps = {s.label: s for s in log.steps}
    assert list(steps) == ["base 1/2", "base 2/2", "left 1/1", "right 1/1", "stage-3 1/1"]
    assert steps["base 1/2"].cached and steps["base 2/2"].cached
    assert not steps["left 1/1"].cached
    # a line split over two chunks, another vertex's chunk in between, CRLF
    assert steps["left 1/1"].output == ["left-start", "left-done"]
    assert steps["right 1/1"].output == ["right-start", "right-done"]
    assert steps["left 1/1"].seconds == pytest.approx(1.500123)  # nanoseconds read
    assert steps["right 1/1"].seconds == pytest.approx(1.4)
    assert log.image_id == "sha256:" + "c0ffee" * 10 + "abcd"
    assert log.error is None and len(announced) == 5


def test_buildx_rawjson_error_names_the_failing_step_not_the_cancelled_one() -> None:
    log, _ = read("buildx-rawjson-error.txt")
    failed = log.failed_step
    assert failed is not None and failed.label == "builder 1/1"
    assert log.tail() == ["compiling", "/bin/sh: nosuchtool: not found"]
    assert log.error == (
        'failed to solve: process "/bin/sh -c echo compiling && nosuchtool --version" did not '
        "complete successfully: exit code: 127"
    )


def test_a_stream_cut_short_times_the_open_steps_and_keeps_partial_lines() -> None:
    lines = (STREAMS / "buildx-rawjson-error.txt").read_text().splitlines()[:4]
    ticks = itertools.count()
    log = BuildkitLog(clock=lambda: next(ticks) * 1.0)
    for line in lines:
        log.feed(line)
    log.finish()
    running = {s.label: s for s in log.steps}["builder 1/1"]
    assert running.output == ["compiling", "/bin/sh: nosuch"]
    assert running.seconds > 0 and log.error is None


def test_escape_codes_in_output_are_made_printable() -> None:
    log = BuildkitLog(clock=lambda: 0.0)
    log.feed("#4 [1/1] RUN make\n")
    log.feed("#4 0.100 \x1b[31mred\x1b[0m text\n")
    assert log.steps[0].output == ["red text"]


# --- the search for a CLI -------------------------------------------------------------------


def fake_cli(directory: Path, client: str, buildx: str | None) -> Path:
    """A stand-in ``docker`` that answers ``--version`` and (with ``buildx``) ``buildx version``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "docker"
    buildx_answer = f'echo "github.com/docker/buildx {buildx} 1a2b3c"; exit 0' if buildx else (
        "echo \"docker: unknown command: docker buildx\" >&2; exit 1"
    )  # fmt: skip
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = buildx ]; then {buildx_answer}; fi\n'
        f'if [ "$1" = --version ]; then echo "Docker version {client}, build 1a2b3c4"; exit 0; fi\n'
        "exit 3\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def search_in(*directories: Path, **extra: str) -> Search:
    return find_buildkit_cli({"PATH": os.pathsep.join(map(str, directories)), **extra})


def test_a_new_cli_without_buildx_is_passed_over_for_an_old_one_behind_it(tmp_path: Path) -> None:
    new = fake_cli(tmp_path / "local", "28.2.2", None)
    old = fake_cli(tmp_path / "usr", "20.10.24+dfsg1", None)
    found = search_in(new.parent, old.parent)
    assert found.cli == DockerCli(str(old), BUILTIN, "CLI 20.10.24+dfsg1", "plain")
    assert found.rejected == (f"{new}: CLI 28.2.2 without the buildx plugin",)


def test_buildx_is_preferred_and_rawjson_needs_buildx_0_13(tmp_path: Path) -> None:
    recent = fake_cli(tmp_path / "a", "28.2.2", "v0.24.0")
    found = search_in(recent.parent)
    assert found.cli is not None
    assert (found.cli.kind, found.cli.progress) == (BUILDX, "rawjson")
    older = fake_cli(tmp_path / "b", "24.0.7", "v0.11.2")
    found = search_in(older.parent)
    assert found.cli is not None and (found.cli.kind, found.cli.progress) == (BUILDX, "plain")


def test_no_capable_cli_says_why_each_one_was_passed_over(tmp_path: Path) -> None:
    new = fake_cli(tmp_path / "a", "25.0.3", None)
    broken = tmp_path / "b" / "docker"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    found = search_in(new.parent, broken.parent, tmp_path / "missing")
    assert found.cli is None
    assert found.rejected == (
        f"{new}: CLI 25.0.3 without the buildx plugin",
        f"{broken}: does not run (docker --version gave no version)",
    )


def test_dlint_docker_names_the_cli_to_use(tmp_path: Path) -> None:
    first = fake_cli(tmp_path / "a", "20.10.5", None)
    chosen = fake_cli(tmp_path / "b", "27.0.1", "v0.15.1")
    found = search_in(first.parent, DLINT_DOCKER=str(chosen))
    assert found.cli is not None and found.cli.path == str(chosen)


def test_the_cli_builds_on_the_engine_the_sdk_reached() -> None:
    env = cli_environment("unix:///run/user/1000/docker.sock", {"DOCKER_CONTEXT": "remote"})
    assert env["DOCKER_HOST"] == "unix:///run/user/1000/docker.sock"
    assert "DOCKER_CONTEXT" not in env and env["DOCKER_BUILDKIT"] == "1"
    given = cli_environment("tcp://build:2376", {"DOCKER_HOST": "tcp://build:2376"}, BUILDX)
    assert given == {"DOCKER_HOST": "tcp://build:2376"}
    context = cli_environment("tcp://build:2376", {}, BUILDX)
    assert "DOCKER_HOST" not in context  # the CLI resolves the same current context


# --- the choice of builder ------------------------------------------------------------------

BUILDKIT_FILE = """\
# syntax=docker/dockerfile:1
FROM python:3.12-slim AS build
RUN --mount=type=cache,target=/root/.cache/pip \\
    pip install -r requirements.txt
COPY --chmod=755 entrypoint.sh /entrypoint.sh
COPY --link --from=build /app /app
RUN <<EOF
echo hi
EOF
ADD --checksum=sha256:0123 https://example.com/x /x
RUN --network=none make test
"""
CLASSIC_FILE = """\
FROM python:3.12-slim
# RUN --mount=type=cache is only mentioned in a comment
COPY --chown=app:app --from=build /app /app
RUN echo "--mount=type=cache <<EOF"
"""


def dockerfile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    return path


def test_buildkit_only_lines_are_found_with_their_line_numbers(tmp_path: Path) -> None:
    found = [str(line) for line in buildkit_lines(dockerfile(tmp_path, BUILDKIT_FILE))]
    assert found == [
        "line 3: RUN --mount",
        "line 5: COPY --chmod",
        "line 6: COPY --link",
        "line 7: RUN with a heredoc (<<)",
        "line 10: ADD --checksum",
        "line 11: RUN --network",
    ]
    assert buildkit_lines(dockerfile(tmp_path, CLASSIC_FILE)) == []


CLI = DockerCli("/usr/bin/docker", BUILTIN, "CLI 20.10.24", "plain")


def never_searched() -> Search:
    raise AssertionError("classic must not look for a CLI")


def test_auto_takes_buildkit_when_a_cli_is_there(tmp_path: Path) -> None:
    choice = choose_builder("auto", dockerfile(tmp_path, CLASSIC_FILE), lambda: Search(CLI))
    assert (choice.name, choice.cli) == ("buildkit", CLI)


def test_auto_falls_back_to_classic_for_a_file_that_needs_no_buildkit(tmp_path: Path) -> None:
    choice = choose_builder("auto", dockerfile(tmp_path, CLASSIC_FILE), lambda: Search(None))
    assert (choice.name, choice.cli) == ("classic", None)
    forced = choose_builder("classic", dockerfile(tmp_path, CLASSIC_FILE), never_searched)
    assert forced.name == "classic"


def test_classic_forced_on_a_buildkit_file_names_the_lines(tmp_path: Path) -> None:
    with pytest.raises(BuilderUnavailable) as raised:
        choose_builder("classic", dockerfile(tmp_path, BUILDKIT_FILE), never_searched)
    message = str(raised.value)
    assert "--builder classic cannot build" in message
    assert "line 3: RUN --mount, line 5: COPY --chmod, line 6: COPY --link" in message
    assert "drop --builder classic" in message


@pytest.mark.parametrize("requested", ["auto", "buildkit"])
def test_no_buildkit_for_a_file_that_needs_it_says_how_to_get_it(
    tmp_path: Path, requested: str
) -> None:
    rejected = Search(None, ("/usr/local/bin/docker: CLI 28.2.2 without the buildx plugin",))
    with pytest.raises(BuilderUnavailable) as raised:
        choose_builder(requested, dockerfile(tmp_path, BUILDKIT_FILE), lambda: rejected)
    message = str(raised.value)
    assert "line 3: RUN --mount" in message and "line 11: RUN --network" in message
    assert "/usr/local/bin/docker: CLI 28.2.2 without the buildx plugin" in message
    assert "install the docker buildx plugin" in message


def test_buildkit_forced_without_a_cli_is_refused_even_for_a_classic_file(tmp_path: Path) -> None:
    with pytest.raises(BuilderUnavailable, match="--builder buildkit was asked for"):
        choose_builder("buildkit", dockerfile(tmp_path, CLASSIC_FILE), lambda: Search(None))


# --- settings: builder, secrets, platform ---------------------------------------------------


def resolve(tmp_path: Path, table: dict[str, object], **given: object) -> SmokeOptions:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    cli = CommandLine(context=str(tmp_path), **given)  # type: ignore[arg-type]
    return resolve_options(cli, table, tmp_path, "pyproject.toml: tool.dlint.smoke")


def test_builder_secrets_and_platform_from_config_and_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "token.txt").write_text("s3cret-from-file\n")
    monkeypatch.setenv("NPM_TOKEN", "npm-token-value")
    table = {
        "builder": "buildkit",
        "platform": "linux/arm64",
        "secrets": ["id=token,src=token.txt", "id=npm,env=NPM_TOKEN"],
    }
    options = resolve(tmp_path, table)
    assert (options.builder, options.platform) == ("buildkit", "linux/arm64")
    assert options.secrets == (
        BuildSecret("token", file=tmp_path / "token.txt"),  # relative to the config file
        BuildSecret("npm", env="NPM_TOKEN"),
    )
    overridden = resolve(
        tmp_path, table, builder="classic", secret=("id=npm,type=env,src=NPM_TOKEN",)
    )
    assert overridden.builder == "classic"
    assert [s.id for s in overridden.secrets] == ["token", "npm"]
    assert overridden.secrets[1].value() == "npm-token-value"
    assert resolve(tmp_path, {}).builder == "auto"


def test_a_bare_secret_id_reads_the_variable_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-value")
    [secret] = resolve(tmp_path, {}, secret=("id=GITHUB_TOKEN",)).secrets
    assert secret == BuildSecret("GITHUB_TOKEN", env="GITHUB_TOKEN")
    assert secret.value() == "ghp-value"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("token", "--secret: expected id=NAME[,src=FILE|,env=VAR], got 'token'"),
        ("src=a.txt", "--secret: 'src=a.txt' has no id=NAME"),
        ("id=a,src=x,env=Y", "gives both src and env"),
        ("id=a,mode=0400", "--secret: unknown field 'mode'"),
        ("id=a,type=ssh", "type must be file or env"),
        ("id=a,src=missing.txt", "--secret id=a: cannot read missing.txt: No such file"),
        ("id=a,env=DLINT_UNSET_VARIABLE", "the environment variable DLINT_UNSET_VARIABLE is not"),
    ],
)
def test_a_bad_secret_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DLINT_UNSET_VARIABLE", raising=False)
    with pytest.raises(SmokeUsageError, match=re.escape(message)):
        resolve(tmp_path, {}, secret=(spec,))


def test_bad_builder_and_secrets_in_the_config_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(SmokeUsageError, match=r"smoke\.builder: must be one of auto, buildkit"):
        resolve(tmp_path, {"builder": "kaniko"})
    with pytest.raises(SmokeUsageError, match=r"smoke\.secrets: must be a list of id=NAME"):
        resolve(tmp_path, {"secrets": "id=a"})


def test_build_secret_values_are_masked_with_and_without_their_newline(tmp_path: Path) -> None:
    secret_file = tmp_path / "token"
    secret_file.write_text("file-secret-value\n")
    found = build_secret_values([BuildSecret("token", file=secret_file)])
    redact = Redactor.for_values(secret.value for secret in found)
    assert redact("token=file-secret-value.") == "token=***."
    assert {secret.name for secret in found} == {"secret token"}


def test_a_frontend_parse_error_after_a_buildkit_line_is_explained(tmp_path: Path) -> None:
    log, _ = read("builtin-plain-frontend-error.txt")
    assert log.error is not None
    link = dockerfile(tmp_path, "FROM scratch\nCOPY --link busybox /bin/busybox\n")
    explained = frontend_explanation(log.error, link)
    assert explained is not None
    assert explained.startswith("line 2: COPY --link needs a newer Dockerfile frontend")
    heredoc = dockerfile(tmp_path, "FROM scratch\nRUN <<EOF\necho hi\nEOF\n")
    body_error = "dockerfile parse error line 3: unknown instruction: ECHO"
    assert str(frontend_explanation(body_error, heredoc)).startswith("line 2: RUN with a heredoc")
    typo = dockerfile(tmp_path, "FROM scratch\nRUNN echo\nRUN --mount=type=cache,target=/c x\n")
    assert (
        frontend_explanation("dockerfile parse error line 2: unknown instruction: RUNN", typo)
        is None
    )
    assert frontend_explanation("exit code: 1", link) is None


# --- the CLI's command line ------------------------------------------------------------------


def test_the_build_command_keeps_values_off_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPM_TOKEN", "npm-token-value")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    secret_file = tmp_path / "token.txt"
    secret_file.write_text("file-value")
    options = resolve(
        tmp_path, {}, target="runtime", platform="linux/arm64",
        build_args=("API_KEY=k-value", "DOCKER_HOST=tcp://elsewhere"),
        secret=(f"id=token,src={secret_file}", "id=npm,env=NPM_TOKEN"),
    )  # fmt: skip
    workdir = tmp_path / "work"
    workdir.mkdir()
    iidfile = workdir / "image-id"
    command, env = build_command(CLI, "unix:///var/run/docker.sock", options, workdir, iidfile)
    assert command == [
        "/usr/bin/docker", "build", "--progress", "plain", "--iidfile", str(iidfile),
        "--file", str(tmp_path / "Dockerfile"), "--target", "runtime",
        "--platform", "linux/arm64",
        "--build-arg", "API_KEY", "--build-arg", "DOCKER_HOST=tcp://elsewhere",
        "--secret", f"id=token,src={secret_file}",
        "--secret", f"id=npm,src={workdir / 'secret-1'}",
        str(tmp_path),
    ]  # fmt: skip
    assert env["API_KEY"] == "k-value" and env["DOCKER_BUILDKIT"] == "1"
    assert env["DOCKER_HOST"] == "unix:///var/run/docker.sock"  # the engine, not the argument
    assert (workdir / "secret-1").read_text() == "npm-token-value"
    assert stat.S_IMODE((workdir / "secret-1").stat().st_mode) == 0o600
    buildx = DockerCli("/usr/libexec/docker", BUILDX, "buildx v0.14.1", "rawjson")
    again = tmp_path / "again"
    again.mkdir()
    command, env = build_command(buildx, "unix:///run/docker.sock", options, again, iidfile)
    assert command[:5] == ["/usr/libexec/docker", "buildx", "build", "--load", "--progress"]
    assert command[5] == "rawjson" and "DOCKER_BUILDKIT" not in env
