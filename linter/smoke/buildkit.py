"""Build the image with BuildKit, through the ``docker`` CLI, within a deadline.

The CLI runs in a process group of its own (so that a Ctrl-C at the terminal reaches dlint
only, and dlint decides how the build stops) with everything it needs from dlint in a private
temporary directory: the ``--iidfile`` it writes the image id to, and the files of secrets
given as environment variables. Build argument values go through the CLI's environment
(``--build-arg NAME`` takes the value from there), not its command line, where any user of
the machine could read them; only arguments named like a variable the CLI itself reads
(``PATH``, ``DOCKER_HOST``…) go on the command line, so as not to steer it.

Its progress (plain or rawjson, see :mod:`buildkitlog`) is read in a worker thread and handed
over through a queue, as in :mod:`build`: the main thread refreshes the progress display,
notices the deadline and receives signals. Whatever ends the build, the process group is
stopped (SIGINT, which makes the CLI cancel the build on the engine, then SIGKILL), an image the
build wrote is registered for cleanup, and the temporary directory is removed. On Linux the CLI
also gets SIGINT when dlint dies without a chance to stop it (SIGKILL).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .build import TICK, BuildResult
from .buildkitlog import TAIL_LINES, BuildkitLog
from .buildlog import BuildStep
from .cleanup import signals_held
from .dockercli import BUILDX, DockerCli, cli_environment

if TYPE_CHECKING:
    from docker import APIClient

    from .cleanup import Resources
    from .progress import BuildProgress
    from .settings import SmokeOptions

_END = object()
BUILDKIT = "buildkit"
CLI_VARIABLES = frozenset({"PATH", "HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"})
# How long the CLI has to cancel the build after SIGINT before its group is killed.
STOP_GRACE = 5.0


def build_with_cli(
    cli: DockerCli,
    client: APIClient,
    engine_address: str,
    options: SmokeOptions,
    deadline: float,
    resources: Resources,
    progress: BuildProgress,
) -> BuildResult:
    """Build ``options``' Dockerfile with BuildKit, untagged; ``deadline`` is on the
    ``time.monotonic`` clock. The image is registered with ``resources`` as soon as it
    exists, also when the run is interrupted right after the CLI wrote it."""
    started = time.monotonic()
    log = BuildkitLog(clock=time.monotonic, on_step=progress.step, on_output=progress.output)
    workdir = Path(tempfile.mkdtemp(prefix="dlint-build-"))
    iidfile = workdir / "image-id"
    process: subprocess.Popen[bytes] | None = None
    timed_out = False
    running: list[BuildStep] = []
    try:
        command, env = build_command(cli, engine_address, options, workdir, iidfile)
        try:
            process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_stop_with_parent if sys.platform == "linux" else None,
            )
        except OSError as cannot_run:
            problem = f"cannot run {cli.path}: {cannot_run.strerror or cannot_run}"
            return BuildResult(False, 0.0, [], error=problem, builder=BUILDKIT)
        timed_out = _follow(process, log, progress, deadline)
    finally:
        with signals_held() as held:  # a second Ctrl-C must not leave the CLI running
            running = log.running_steps
            if process is not None:
                stop_process_group(process)
            log.finish()
            progress.close()
            image_id = _read_image_id(iidfile)
            written = image_id or log.image_id  # killed between the image and the iidfile
            if written is not None:
                resources.add_image(written)
            shutil.rmtree(workdir, ignore_errors=True)
        held.raise_received()
    seconds = time.monotonic() - started
    error = None
    assert process is not None
    if timed_out:
        error = f"the build did not finish within --timeout ({options.timeout:g} s)"
    elif process.returncode != 0 or image_id is None:
        error = log.error or f"docker build exited with code {process.returncode}"
    if error is not None:
        failed = log.failed_step or (running[-1] if timed_out and running else None)
        return BuildResult(
            ok=False,
            seconds=seconds,
            steps=log.steps,
            error=error,
            failed_step=failed,
            tail=list(failed.output[-TAIL_LINES:]) if failed else log.tail(),
            builder=BUILDKIT,
        )
    assert image_id is not None
    image: dict[str, Any] = client.inspect_image(image_id)  # type: ignore[no-untyped-call]
    size = image.get("Size")
    return BuildResult(
        True,
        seconds,
        log.steps,
        image_id,
        size if isinstance(size, int) else None,
        builder=BUILDKIT,
    )


def _follow(
    process: subprocess.Popen[bytes], log: BuildkitLog, progress: BuildProgress, deadline: float
) -> bool:
    """Feed the CLI's output to ``log`` until it ends (True: the deadline came first)."""
    assert process.stdout is not None
    lines: queue.Queue[object] = queue.Queue()
    reader = threading.Thread(
        target=_read_lines,
        args=(process.stdout, lines),
        name="dlint-buildkit-progress",
        daemon=True,
    )
    reader.start()
    while True:
        try:
            line = lines.get(timeout=TICK)
        except queue.Empty:
            progress.tick()
            if time.monotonic() > deadline:
                return True
            continue
        if line is _END:
            process.wait()
            return False
        log.feed(str(line))


def build_command(
    cli: DockerCli, engine_address: str, options: SmokeOptions, workdir: Path, iidfile: Path
) -> tuple[list[str], dict[str, str]]:
    """The CLI's command line and environment for this build."""
    env = cli_environment(engine_address, kind=cli.kind)
    command = [cli.path, *(["buildx", "build", "--load"] if cli.kind == BUILDX else ["build"])]
    command += ["--progress", cli.progress, "--iidfile", str(iidfile)]
    command += ["--file", str(options.dockerfile)]
    if options.target:
        command += ["--target", options.target]
    if options.platform:
        command += ["--platform", options.platform]
    for name, value in options.build_args.items():
        if _steers_the_cli(name):
            command += ["--build-arg", f"{name}={value}"]
        else:
            env[name] = value
            command += ["--build-arg", name]
    for number, secret in enumerate(options.secrets):
        source = secret.file
        if source is None:  # from the environment: a file only this user can read
            source = workdir / f"secret-{number}"
            descriptor = os.open(source, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secret.value())
        command += ["--secret", f"id={secret.id},src={source}"]
    command.append(str(options.context))
    return command, env


def _steers_the_cli(name: str) -> bool:
    """Variables the CLI itself reads (where it finds the engine, its plugins, its config): a
    build argument of that name must not change them, so its value goes on the command line."""
    return name in CLI_VARIABLES or name.startswith(("DOCKER_", "BUILDX_", "BUILDKIT_"))


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the CLI and anything it started: SIGINT first (the CLI then cancels the build on
    the engine), SIGKILL after :data:`STOP_GRACE`; always reaped."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(STOP_GRACE)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # helpers the CLI left behind (plugins)
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _stop_with_parent() -> None:
    """In the child, before the CLI starts: SIGINT when dlint dies (even of SIGKILL), so that
    no build goes on without anyone to clean up after it (Linux's PR_SET_PDEATHSIG)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGINT)


def _read_lines(stream: IO[bytes], lines: queue.Queue[object]) -> None:
    try:
        for raw in stream:
            lines.put(raw.decode("utf-8", "replace"))
    except (OSError, ValueError):  # the pipe was closed while the group was stopped
        pass
    lines.put(_END)


def _read_image_id(iidfile: Path) -> str | None:
    try:
        text = iidfile.read_text().strip()
    except OSError:
        return None
    return text or None
