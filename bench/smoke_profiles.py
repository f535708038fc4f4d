"""Time to listen with and without ``--platform-profile cloud-run`` (issue 20).

Two start-up-heavy apps, nothing pulled:

- ``cpu-bound``: fixtures/smoke/busybox's app whose two worker processes each run a fixed
  amount of shell-loop work (400000 rounds) before it serves: pure CPU, as the workers of a
  server importing a large app are;
- ``fastapi-seed``: fixtures/smoke/fastapi-seed on the Debian base image (tests/smoke/baseimage.py
  builds it), with ``SEED_STARTUP_SECONDS=0``, so that its start-up is Python importing FastAPI
  and uvicorn and uvicorn starting.

Each is smoked under three conditions, in turns so that a burst of other work on the host
falls on all of them alike: no profile (``local``), ``--platform-profile cloud-run`` (1 CPU,
512 MiB without swap), and ``cloud-run`` with ``--cpus 0.5`` (Cloud Run's smaller size). The
figures are dlint's own time to listen (median and fastest of the runs) and the CPU limit it
read back from the engine.

Usage: ``python bench/smoke_profiles.py [--runs 5]``; prints a Markdown table (for
bench/README.md). The engine must answer; the base image must exist for fastapi-seed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "smoke"
DLINT = [sys.executable, "-m", "dockerfile_dlint", "smoke", "--no-config", "--format", "json"]
CONDITIONS = {
    "local": (),
    "cloud-run": ("--platform-profile", "cloud-run"),
    "cloud-run, --cpus 0.5": ("--platform-profile", "cloud-run", "--cpus", "0.5"),
}


def apps(directory: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Each app's build context and the options that pick and configure it."""
    busybox = directory / "busybox"
    shutil.copytree(FIXTURES / "busybox", busybox)
    shutil.copy2("/bin/busybox", busybox / "busybox")
    return {
        "cpu-bound (busybox, 2 workers x 400000 rounds)": (
            busybox,
            ("--build-arg", "APP=cpu-bound"),
        ),
        "fastapi-seed (Python imports, uvicorn)": (
            FIXTURES / "fastapi-seed",
            ("--build-arg", "BASE=dlint-smoke-base:latest", "--env", "SEED_STARTUP_SECONDS=0"),
        ),
    }


def listen_time(context: Path, *extra: str) -> tuple[float, Any]:
    done = subprocess.run(
        [*DLINT, str(context), "--observe", "0", "--startup-budget", "120s", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if not done.stdout.strip():
        raise SystemExit(f"dlint smoke could not run (exit {done.returncode}): {done.stderr}")
    report = json.loads(done.stdout)
    if not report["ok"]:
        raise SystemExit(f"dlint smoke failed: {report['reasons']}")
    return report["startup"]["listen_seconds"], report["platform"]["applied"]["cpus"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows = []
    with tempfile.TemporaryDirectory(prefix="dlint-bench-") as temp:
        for app, (context, options) in apps(Path(temp)).items():
            times: dict[str, list[float]] = {name: [] for name in CONDITIONS}
            cpus: dict[str, Any] = {}
            listen_time(context, *options)  # build once: every measured run hits the cache
            for _ in range(runs):
                for name, extra in CONDITIONS.items():
                    seconds, cpus[name] = listen_time(context, *options, *extra)
                    times[name].append(seconds)
            base = statistics.median(times["local"])
            for name, measured in times.items():
                median = statistics.median(measured)
                limit = "none" if cpus[name] is None else f"{cpus[name]:g}"
                rows.append(
                    f"| {app} | {name} | {limit} | {median:.2f} s | {min(measured):.2f} s "
                    f"| {median / base:.2f}x |"
                )
    print(f"{runs} runs each, in turns; time to listen as dlint reports it.\n")
    print("| app | conditions | CPU limit applied | median | fastest | vs local |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
