"""``dlint smoke`` builds with BuildKit on the real engine: cache and secret mounts,
``COPY --chmod``, ``--target``, a failing ``RUN``, the classic builder refused for a file that
needs BuildKit, and the buildx path through a stand-in ``docker`` on PATH.

Every Dockerfile here is ``FROM scratch`` with the static busybox: nothing is pulled. Cache
mounts get an id of their own per test, so that no earlier run has filled them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.smoke.dockercli import BUILTIN, find_buildkit_cli
from smokehelpers import smoke

BUSYBOX_BASE = """\
FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
"""
SERVE = 'CMD ["/bin/sh", "-c", "cat /state 2>/dev/null; exec httpd -f -p $PORT -h /www"]\n'
SECRET = "sk-buildkit-secret-canary-3e8d1f"


@pytest.fixture
def app(tmp_path: Path, busybox: Path) -> Iterator[Path]:
    """A build context with busybox and a /www to serve; the test writes the Dockerfile."""
    context = tmp_path / "app"
    (context / "www").mkdir(parents=True)
    (context / "www" / "health").write_text("ok\n")
    shutil.copy2(busybox, context / "busybox")
    yield context


def write(context: Path, text: str, name: str = "Dockerfile") -> Path:
    path = context / name
    path.write_text(text)
    return path


def test_this_machine_has_a_docker_cli_that_builds_with_buildkit(docker_client: Any) -> None:
    """CI and this machine put a 28.x CLI without buildx first on PATH; the search must go on
    to the Debian CLI, whose BuildKit is built in (see .ci/install-docker)."""
    found = find_buildkit_cli()
    assert found.cli is not None, found.rejected
    first = shutil.which("docker")
    if first is not None and found.cli.path != first:  # passed over, and said why
        assert [reason for reason in found.rejected if reason.startswith(f"{first}: ")]


def test_a_cache_mount_survives_between_two_runs(docker_client: Any, app: Path) -> None:
    cache_id = f"dlint-test-{secrets.token_hex(6)}"
    write(
        app,
        BUSYBOX_BASE
        + "ARG RUN_NUMBER\n"
        + f"RUN --mount=type=cache,id={cache_id},target=/cache echo run $RUN_NUMBER && "
        + "if [ -f /cache/seed ]; then echo warm > /state; "
        + "else sleep 2 && echo cold > /state && echo seeded > /cache/seed; fi\n"
        + "COPY www /www\n"
        + SERVE,
    )

    def run(number: int, state: str) -> dict[str, Any]:
        done = smoke(
            str(app), "--no-config", "--format", "json", "--health", "/health",
            "--build-arg", f"RUN_NUMBER={number}", "--expect-log", f"^{state}$",
            cwd=app.parent,
        )  # fmt: skip
        assert done.code == 0, done.output
        report: dict[str, Any] = done.report
        return report

    first = run(1, "cold")
    second = run(2, "warm")  # a new RUN_NUMBER runs the step again: the cache had the seed
    assert first["build"]["builder"] == second["build"]["builder"] == "buildkit"
    steps = [(s["instruction"].split()[0], s["cached"]) for s in second["build"]["steps"]]
    assert steps == [("COPY", True), ("RUN", True), ("RUN", False), ("COPY", False)]
    [cold] = [s for s in first["build"]["steps"] if "cache/seed" in s["instruction"]]
    assert cold["seconds"] >= 2  # it slept: the seed was not there yet


def test_a_secret_mount_is_used_and_its_value_shown_nowhere(
    docker_client: Any, app: Path, tmp_path: Path
) -> None:
    secret_file = tmp_path / "token.txt"
    secret_file.write_text(SECRET + "\n")
    write(
        app,
        BUSYBOX_BASE
        + "RUN --mount=type=secret,id=token test -s /run/secrets/token "
        + '&& echo "fetching with $(cat /run/secrets/token)" && echo used > /state\n'
        + "COPY www /www\n"
        + SERVE,
    )
    run = smoke(
        str(app), "--no-config", "--format", "json", "--keep", "--expect-log", "^used$",
        "--secret", f"id=token,src={secret_file}",
        cwd=app.parent,
    )  # fmt: skip
    kept = json.loads(run.stdout).get("kept_image") if run.stdout.startswith("{") else None
    try:
        assert run.code == 0, run.output
        assert SECRET not in run.output
        assert kept is not None
        image = b"".join(docker_client.api.get_image(kept))
        assert SECRET.encode() not in image
        history = json.dumps(docker_client.api.history(kept))
        assert SECRET not in history
    finally:
        if kept is not None:
            docker_client.images.remove(kept)


def test_a_failing_step_that_prints_an_env_secret_masks_it_in_the_tail(
    docker_client: Any, app: Path
) -> None:
    write(
        app,
        BUSYBOX_BASE
        + 'RUN --mount=type=secret,id=api_token echo "token: $(cat /run/secrets/api_token)" '
        + '&& "$(cat /run/secrets/api_token)"\n'
        + SERVE,
    )
    for output_format in ("text", "json"):
        run = smoke(
            str(app), "--no-config", "--format", output_format,
            "--secret", "id=api_token,env=DLINT_TEST_TOKEN",
            cwd=app.parent, env={"DLINT_TEST_TOKEN": SECRET},
        )  # fmt: skip
        assert run.code == 1, run.output
        assert SECRET not in run.output
        if output_format == "text":
            print(run.output)  # shown whole if the test fails (it failed once in CI, unseen)
            assert "  token: ***\n" in run.stdout
            assert "  /bin/sh: ***: not found\n" in run.stdout
            assert "Why: `***` is not installed in this stage" in run.stdout


def test_copy_chmod_makes_the_entrypoint_executable(docker_client: Any, app: Path) -> None:
    start = app / "start.sh"
    start.write_text('#!/bin/sh\nexec httpd -f -p "$PORT" -h /www\n')
    start.chmod(0o644)
    write(app, BUSYBOX_BASE + "COPY www /www\nCOPY --chmod=755 start.sh /start.sh\n"
          'CMD ["/start.sh"]\n')  # fmt: skip
    run = smoke(str(app), "--no-config", "--format", "json", cwd=app.parent)
    assert run.code == 0, run.output
    assert run.report["build"]["builder"] == "buildkit"
    assert run.report["health"]["status"] == 200


def test_a_dockerfile_specific_dockerignore_replaces_the_contexts(
    docker_client: Any, app: Path
) -> None:
    (app / "private.txt").write_text("kept out by app.Dockerfile.dockerignore\n")
    (app / "notes.txt").write_text("only .dockerignore names it, which BuildKit skips here\n")
    (app / ".dockerignore").write_text("notes.txt\n")
    (app / "app.Dockerfile.dockerignore").write_text("private.txt\n")
    dockerfile = write(
        app,
        BUSYBOX_BASE + "COPY . /ctx\nRUN test ! -e /ctx/private.txt && test -e /ctx/notes.txt\n"
        "COPY www /www\n" + SERVE,
        "app.Dockerfile",
    )
    run = smoke(str(app), "--no-config", "-f", str(dockerfile), "--format", "json", cwd=app.parent)
    assert run.code == 0, run.output
    assert run.report["build"]["builder"] == "buildkit"


def test_target_builds_up_to_the_stage_and_not_the_later_one(docker_client: Any, app: Path) -> None:
    write(
        app,
        BUSYBOX_BASE
        + "FROM base AS runtime\nCOPY www /www\nRUN echo runtime > /state\n"
        + SERVE
        + "FROM runtime AS broken\nRUN echo never && false\n",
    )
    run = smoke(str(app), "--no-config", "--format", "json", "--target", "runtime",
                "--expect-log", "^runtime$", cwd=app.parent)  # fmt: skip
    assert run.code == 0, run.output
    stages = {step["stage"] for step in run.report["build"]["steps"]}
    assert stages == {"base", "runtime"}


def test_a_failing_run_shows_its_tail_and_the_explanation(docker_client: Any, app: Path) -> None:
    write(app, BUSYBOX_BASE + "RUN echo preparing && nosuchtool --version\n" + SERVE)
    run = smoke(str(app), "--no-config", cwd=app.parent)
    assert run.code == 1, run.output
    out = run.stdout
    [reason] = [line for line in out.splitlines() if "build failed" in line]
    assert reason.startswith(
        "  - build failed at step 3/3 (RUN echo preparing && nosuchtool --version): "
    )
    assert reason.endswith("exit code: 127")
    # The step's standard output and error are separate streams in BuildKit's log: both lines
    # are in the tail, in the order BuildKit received them.
    tail = out.partition("Output of the failing step:\n")[2].partition("\n\n")[0]
    assert "  preparing\n" in tail + "\n" and "  /bin/sh: nosuchtool: not found" in tail, out
    assert "Why: `nosuchtool` is not installed in this stage" in out
    assert re.search(r"^Build +failed in .* \(BuildKit\)", out, re.MULTILINE), out


def test_classic_forced_on_a_mount_file_exits_2_naming_the_lines(
    docker_client: Any, app: Path
) -> None:
    write(app, BUSYBOX_BASE + "RUN --mount=type=cache,target=/cache echo hi\nCOPY --chmod=755 "
          "www /www\n" + SERVE)  # fmt: skip
    run = smoke(str(app), "--no-config", "--builder", "classic", cwd=app.parent)
    assert run.code == 2, run.output
    assert "--builder classic cannot build" in run.stderr
    assert "line 4: RUN --mount, line 5: COPY --chmod need BuildKit" in run.stderr
    assert "Traceback" not in run.output and run.stdout == ""


def test_without_a_buildkit_cli_a_mount_file_exits_2_saying_how_to_get_it(
    docker_client: Any, app: Path, tmp_path: Path
) -> None:
    """Only a CLI without buildx on PATH (the 28.x one alone): no build, exit 2."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "docker"
    stand_in.write_text(
        '#!/bin/sh\n[ "$1" = --version ] && echo "Docker version 28.2.2, build e6534b4" && exit 0'
        "\nexit 1\n"
    )
    stand_in.chmod(0o755)
    write(app, BUSYBOX_BASE + "RUN --mount=type=cache,target=/cache echo hi\n" + SERVE)
    env = {"PATH": str(bin_dir), "DLINT_DOCKER": ""}
    run = smoke(str(app), "--no-config", cwd=app.parent, env=env)
    assert run.code == 2, run.output
    assert "line 4: RUN --mount needs BuildKit" in run.stderr
    assert f"{stand_in}: CLI 28.2.2 without the buildx plugin" in run.stderr
    assert "install the docker buildx plugin" in run.stderr
    classic = write(app, BUSYBOX_BASE + "COPY www /www\n" + SERVE, "Dockerfile.classic")
    fallback = smoke(str(app), "--no-config", "-f", str(classic), "--format", "json",
                     cwd=app.parent, env=env)  # fmt: skip
    assert fallback.code == 0, fallback.output
    assert fallback.report["build"]["builder"] == "classic"


# --- buildx, through a stand-in ---------------------------------------------------------------

FAKE_BUILDX = '''\
#!{python}
"""A docker CLI with buildx, as far as dlint can tell: it answers buildx version, records how
buildx build was called, builds for real with the built-in BuildKit CLI (quietly), and prints
a recorded rawjson stream as buildx's progress."""
import json, os, subprocess, sys
args = sys.argv[1:]
if args[:2] == ["buildx", "version"]:
    print("github.com/docker/buildx v0.14.1 5b7b7d5")
    sys.exit(0)
if args[:2] != ["buildx", "build"]:
    sys.exit(1)
with open({record!r}, "w") as handle:
    json.dump({{"args": args, "env": {{"APP": os.environ.get("APP")}}}}, handle)
real = [a for a in args[2:] if a != "--load"]
where = real.index("--progress")
real[where + 1] = "plain"
real = [a for i, a in enumerate(real) if not (a == "--platform" or real[i - 1] == "--platform")]
done = subprocess.run([{real_cli!r}, "build", *real], env=dict(os.environ, DOCKER_BUILDKIT="1"),
                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if done.returncode != 0:
    sys.stderr.buffer.write(done.stderr)
    sys.exit(done.returncode)
with open({stream!r}) as stream:
    sys.stderr.write(stream.read())
'''


def test_the_buildx_path_through_a_stand_in_cli(
    docker_client: Any, app: Path, tmp_path: Path
) -> None:
    real = find_buildkit_cli().cli
    assert real is not None and real.kind == BUILTIN, "needs the built-in BuildKit CLI"
    record = tmp_path / "buildx-call.json"
    stream = Path(__file__).with_name("streams") / "buildx-rawjson-parallel.txt"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "docker"
    fake.write_text(
        FAKE_BUILDX.format(
            python=sys.executable, record=str(record), real_cli=real.path, stream=str(stream)
        )
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    secret_file = tmp_path / "token"
    secret_file.write_text(SECRET)
    write(app, BUSYBOX_BASE + "ARG APP\nRUN --mount=type=secret,id=token test -s "
          "/run/secrets/token && echo $APP > /state\nCOPY www /www\n" + SERVE)  # fmt: skip
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "DLINT_DOCKER": ""}
    run = smoke(
        str(app), "--no-config", "--format", "json", "--build-arg", "APP=from-buildx",
        "--secret", f"id=token,src={secret_file}", "--platform", "linux/amd64",
        "--expect-log", "^from-buildx$",
        cwd=app.parent, env=env,
    )  # fmt: skip
    assert run.code == 0, run.output
    build = run.report["build"]
    assert build["builder"] == "buildkit"
    labels = [(s["stage"], s["step"], s["cached"]) for s in build["steps"]]
    assert labels == [  # the recorded rawjson stream, read through the live path
        ("base", 1, True), ("base", 2, True), ("left", 1, False), ("right", 1, False),
        ("stage-3", 1, False),
    ]  # fmt: skip
    call = json.loads(record.read_text())
    args = call["args"]
    assert args[:3] == ["buildx", "build", "--load"]
    assert args[args.index("--progress") + 1] == "rawjson"
    assert args[args.index("--platform") + 1] == "linux/amd64"
    assert args[args.index("--secret") + 1] == f"id=token,src={secret_file}"
    assert args[args.index("--build-arg") + 1] == "APP"  # the value goes by the environment
    assert "from-buildx" not in " ".join(args) and call["env"] == {"APP": "from-buildx"}
    assert "--iidfile" in args and args[-1] == str(app)


def test_a_copy_of_what_a_stage_never_produced_is_explained_with_buildkit(
    docker_client: Any, context_of: Any
) -> None:
    """BuildKit 0.8 names the first missing part of the source (/root); the explanation
    names the COPY's source (/root/.cache)."""
    context = context_of("copy-missing")
    run = smoke(str(context), "--no-config", cwd=context.parent)
    assert run.code == 1, run.output
    out = run.stdout
    assert "build failed at step runtime 2/2 (COPY --from=builder /root/.cache /root/.cache)" in out
    assert "Why: the stage `builder` never produced /root/.cache" in out


def test_copy_link_on_this_engines_frontend_is_explained(docker_client: Any, app: Path) -> None:
    """The engine's built-in frontend (BuildKit 0.8 in 20.10) does not know COPY --link; a
    newer engine builds it. Either way the run must say something true."""
    write(app, BUSYBOX_BASE + "COPY --link www /www\n" + SERVE)
    run = smoke(str(app), "--no-config", "--format", "json", cwd=app.parent)
    report = run.report
    if run.code == 0:  # an engine of Docker 23 or later
        assert report["build"]["ok"] is True
        return
    assert run.code == 1, run.output
    assert "Unknown flag: link" in report["reasons"][0]
    assert report["build"]["explanation"].startswith(
        "line 4: COPY --link needs a newer Dockerfile frontend than the one built into this engine"
    )
