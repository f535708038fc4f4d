"""``dlint smoke`` with BuildKit beside the classic builder, and dlint's own overhead (issue 15).

One multi-stage app (``FROM scratch`` with the static busybox, nothing pulled): a base stage,
two independent stages that each work for 2 s (``sleep 2`` and some files), and a final stage
that copies from both. Each builder builds it

- **cold**: a new ``STAMP`` build argument, used by both working stages, so that no cache
  applies (the classic path of dlint never reuses untagged layers anyway);
- **warm**: the same ``STAMP`` again. BuildKit's cache is its own and stays between runs; the
  classic path reuses only layers of tagged images, so its cold run is kept (``--keep``) and the
  warm run follows it; the kept image is removed afterwards.

The figures are the wall time of ``dlint smoke --observe 0`` and the build time it reports.

**Overhead**: the same warm BuildKit build run by hand (the CLI dlint would use, with
``--iidfile``), then ``docker run`` and a poll of ``GET /health`` on the container's address
until it answers 200, then ``docker rm -f`` and ``docker rmi``: what a user would do without
dlint. dlint's overhead is the median of its wall time minus the median of that.

Usage: ``python bench/smoke_builders.py [--runs 5]``; prints a Markdown table (for
bench/README.md). The engine must answer and a BuildKit-capable CLI must be found.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from dockerfile_dlint.smoke.dockercli import cli_environment, find_buildkit_cli

DOCKERFILE = """\
FROM scratch AS base
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]

FROM base AS assets
ARG STAMP
RUN echo "assets $STAMP" && sleep 2 && mkdir -p /out/www && seq 1 20000 > /out/www/numbers.txt

FROM base AS server
ARG STAMP
RUN echo "server $STAMP" && sleep 2 && mkdir -p /out \\
    && printf '#!/bin/sh\\nexec httpd -f -p "$PORT" -h /www\\n' > /out/start.sh \\
    && chmod 755 /out/start.sh

FROM base
COPY --from=assets /out/www /www
COPY --from=server /out/start.sh /start.sh
RUN echo ok > /www/health
CMD ["/start.sh"]
"""
DLINT = [sys.executable, "-m", "dockerfile_dlint", "smoke"]
PORT = 8080


def make_app(directory: Path) -> Path:
    app = directory / "app"
    app.mkdir()
    (app / "Dockerfile").write_text(DOCKERFILE)
    shutil.copy2("/bin/busybox", app / "busybox")
    return app


def dlint_smoke(app: Path, builder: str, stamp: str, *extra: str) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one ``dlint smoke`` run, and its JSON report."""
    started = time.perf_counter()
    done = subprocess.run(
        [*DLINT, str(app), "--no-config", "--format", "json", "--observe", "0",
         "--builder", builder, "--build-arg", f"STAMP={stamp}", *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    report: dict[str, Any] = json.loads(done.stdout)
    if not report["ok"]:
        raise SystemExit(f"dlint smoke failed ({builder}): {report['reasons']}")
    return wall, report


def by_hand(app: Path, stamp: str) -> float:
    """Wall seconds of a BuildKit build, a boot and a healthy answer, without dlint."""
    found = find_buildkit_cli()
    assert found.cli is not None
    docker = found.cli.path
    env = cli_environment(os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock"))
    with tempfile.TemporaryDirectory() as temp:
        iidfile = Path(temp) / "iid"
        started = time.perf_counter()
        build = [docker, "build", "-q", "--iidfile", str(iidfile), "--build-arg", f"STAMP={stamp}"]
        subprocess.run([*build, str(app)], env=env, check=True, capture_output=True)
        image = iidfile.read_text().strip()
        container = subprocess.run(
            [docker, "run", "-d", "-e", f"PORT={PORT}", image],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        try:
            address = subprocess.run(
                [docker, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", container],
                env=env, check=True, capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
            while True:
                try:
                    with urllib.request.urlopen(f"http://{address}:{PORT}/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.02)
            wall = time.perf_counter() - started
        finally:
            subprocess.run([docker, "rm", "-f", container], env=env, capture_output=True)
            subprocess.run([docker, "rmi", image], env=env, capture_output=True)
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    found = find_buildkit_cli()
    if found.cli is None:
        raise SystemExit(f"no BuildKit-capable docker CLI: {found.rejected}")
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    overhead: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="dlint-bench-") as temp:
        app = make_app(Path(temp))
        for _ in range(runs):
            for builder in ("buildkit", "classic"):
                stamp = secrets.token_hex(6)
                keep = ("--keep",) if builder == "classic" else ()
                wall, cold = dlint_smoke(app, builder, stamp, *keep)
                figures.setdefault((builder, "cold"), []).append((wall, cold["build"]["seconds"]))
                try:
                    wall, warm = dlint_smoke(app, builder, stamp)
                    figures.setdefault((builder, "warm"), []).append(
                        (wall, warm["build"]["seconds"])
                    )
                finally:
                    if cold["kept_image"]:
                        subprocess.run([found.cli.path, "rmi", cold["kept_image"]], check=False,
                                       capture_output=True)  # fmt: skip
            stamp = secrets.token_hex(6)
            dlint_smoke(app, "buildkit", stamp)  # fills BuildKit's cache for this stamp
            hand = by_hand(app, stamp)
            wall, _ = dlint_smoke(app, "buildkit", stamp)
            overhead.append((wall, hand))
    print(f"CLI: {found.cli.describe()}; {runs} runs; median (min)\n")
    print("| builder | cache | dlint smoke wall | build (reported) |")
    print("| --- | --- | --- | --- |")
    for (builder, cache), values in figures.items():
        walls, builds = [v[0] for v in values], [v[1] for v in values]
        print(f"| {builder} | {cache} | {_fmt(walls)} | {_fmt(builds)} |")
    dlint_walls, hand_walls = [v[0] for v in overhead], [v[1] for v in overhead]
    print(f"\nwarm BuildKit build + boot to healthy by hand: {_fmt(hand_walls)}")
    print(f"dlint smoke --observe 0 on the same:          {_fmt(dlint_walls)}")
    extra = statistics.median(dlint_walls) - statistics.median(hand_walls)
    print(f"dlint's overhead (median - median): {extra:.2f} s")
    return 0


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f})"


if __name__ == "__main__":
    raise SystemExit(main())
