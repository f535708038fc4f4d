"""The language server's speed and memory, beside the cold ``dlint check`` on the same file.

    python bench/lsp.py                    # all figures below (about 2 minutes here)
    python bench/lsp.py --changes 200      # more round trips

- **Warm re-lint**: a running ``dlint lsp --debounce 0`` gets ``didChange`` with the whole new
  text and answers with ``publishDiagnostics``; the time between the two, as the client sees
  it (the client runs in this process and reads the server's output in a thread), median and
  minimum of ``--changes`` round trips on ``bench/data/multistage.Dockerfile`` (100 lines,
  four stages). Edits of a line that is no shell script (ShellCheck's findings are all
  remembered) and of a ``RUN`` line, with ShellCheck on and off. ShellCheck checks an edited
  script again (a process of its own): the server publishes dlint's findings first and all of
  them when ShellCheck is done, and both times are shown. The debounce is left out; one row
  shows the default 100 ms with it.
- **The lint alone**, in a process of its own: ``Linter.lint`` (what the server's lint thread
  calls) on the same ``ENV`` edits, one right after the other, and after a 1 ms pause as in
  an editor (a lint always follows a wait): the round trip less this is the server's part.
- **Cold** ``dlint check`` on the same file: process start to exit, with and without
  ShellCheck, beside the interpreter's own start (``python -c pass``), as ``run.py latency``.
- **Memory**: the server's resident set after it has published diagnostics for 50 open
  files (corpus files, ShellCheck on): ``VmRSS`` and its peak ``VmHWM`` from /proc.

The load average is printed beside every figure: the machine is shared. dlint is installed
from the working tree as ``run.py`` installs it (not editable, with the ``shellcheck`` and
``lsp`` extras, bytecode cached; ``--editable`` runs this Python's dlint instead).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from run import CORPUS, ROOT, install_dlint, python_environment

sys.path.insert(0, str(ROOT / "tests" / "lsp"))
from lspclient import LspClient, uri_of  # a test helper, used as it is

FILE = ROOT / "bench" / "data" / "multistage.Dockerfile"
OPEN_FILES = 50
TARGET_MS = 15
TARGET_MB = 200


def load() -> str:
    return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--changes", type=int, default=60, help="round trips per kind [60]")
    parser.add_argument("--cold-runs", type=int, default=30, help="dlint check runs [30]")
    parser.add_argument("--editable", action="store_true", help="run this Python's dlint")
    args = parser.parse_args()
    python = sys.executable if args.editable else install_dlint()
    env = python_environment(as_is=False)
    with tempfile.TemporaryDirectory(prefix="dlint-bench-lsp-") as workdir:
        work = Path(workdir)
        dockerfile = work / "app" / "Dockerfile"  # its own folder: no configuration found
        dockerfile.parent.mkdir()
        dockerfile.write_text(FILE.read_text())
        print(
            f"dlint lsp: warm re-lint of {FILE.name} ({len(FILE.read_text().splitlines())} lines)"
        )
        print(f"{'':44} {'min':>7} {'median':>7}  (ms, didChange -> publishDiagnostics)")
        warm(python, env, work, dockerfile, args.changes)
        print(f"\nthe lint alone, in process ({IN_PROCESS_LINTS} lints of the ENV edit)")
        print(f"{'':44} {'min':>7} {'median':>7}  (ms, Linter.lint)")
        in_process(python, env, work, dockerfile)
        print(f"\ndlint check, cold, same file, {args.cold_runs} runs")
        print(f"{'':44} {'min':>7} {'median':>7}  (ms, process start to exit)")
        cold(python, env, work, dockerfile, args.cold_runs)
        print(f"\ndlint lsp with {OPEN_FILES} open files (target <= {TARGET_MB} MB)")
        memory(python, env, work)
    return 0


def server(python: str, env: dict[str, str], work: Path, *options: str) -> LspClient:
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    command = [python, "-m", "dockerfile_dlint", "lsp", *options]
    client = LspClient(command, work, logs / f"server-{time.monotonic_ns()}.log", env)
    client.initialize(work)
    return client


def round_trips(
    client: LspClient, uri: str, texts: Callable[[int], str], count: int, publishes: int = 1
) -> tuple[list[float], list[float]]:
    """Seconds from each didChange to the first diagnostics of that version, and to the last
    of its ``publishes`` (dlint's findings, then with ShellCheck's for a new script)."""
    first, last = [], []
    for version in range(2, count + 2):
        text = texts(version)
        began = time.perf_counter()
        client.change(uri, version, text)
        client.first_diagnostics(uri, version)
        first.append(time.perf_counter() - began)
        for _ in range(publishes - 1):
            client.first_diagnostics(uri, version)
        last.append(time.perf_counter() - began)
    return first, last


def report(label: str, times: list[float], target: bool = True) -> None:
    """A row of round trips; ``target``: judged against the 15 ms of issue 17."""
    low, middle = 1000 * min(times), 1000 * statistics.median(times)
    mark = "" if middle <= TARGET_MS or not target else f"  (over the {TARGET_MS} ms target)"
    print(f"{label:44} {low:7.1f} {middle:7.1f}  {load()}{mark}")


def warm(python: str, env: dict[str, str], work: Path, dockerfile: Path, count: int) -> None:
    original = dockerfile.read_text()
    uri = uri_of(dockerfile)
    outside_run = "    PORT=8080"
    assert outside_run in original

    def edit_outside(version: int) -> str:  # a value typed in an ENV line
        return original.replace(outside_run, f"    PORT={8080 + version}")

    def edit_in_run(version: int) -> str:  # a word typed in a RUN line
        return original.replace("npm run build", f"npm run build{version}")

    # (label, label of the second publish, server options, edit, publishes per edit): an
    # edit in a RUN gives ShellCheck a script it has not seen, so dlint's findings come first
    # and ShellCheck's follow (server.py); elsewhere every script's findings are remembered.
    kinds = [
        ("ShellCheck on, edit outside RUN", None, (), edit_outside, 1),
        ("ShellCheck on, edit in a RUN", "  ... with ShellCheck's findings", (), edit_in_run, 2),
        ("ShellCheck off, edit outside RUN", None, ("--shellcheck", "off"), edit_outside, 1),
        ("ShellCheck off, edit in a RUN", None, ("--shellcheck", "off"), edit_in_run, 1),
    ]
    for label, second, options, texts, publishes in kinds:
        client = server(python, env, work, "--debounce", "0", *options)
        try:
            client.open(uri, original)
            client.diagnostics(uri, 1)
            round_trips(client, uri, texts, 5, publishes)  # warm-up, not counted
            later = [texts(version + 10) for version in range(count + 2)]  # not seen yet
            first, last = round_trips(client, uri, later.__getitem__, count, publishes)
            report(label, first)
            if second is not None:
                report(second, last, target=False)
        finally:
            client.shutdown()
            client.kill()
    client = server(python, env, work)
    try:
        client.open(uri, original)
        client.diagnostics(uri, 1)
        with_debounce, _ = round_trips(client, uri, edit_outside, 20)
        report("ShellCheck on, outside RUN, debounce 100 ms", with_debounce, target=False)
    finally:
        client.shutdown()
        client.kill()


# The server's lint without the server: ``Linter.lint`` as the lint thread calls it, on the
# same edits, one right after the other and after a short pause (as in an editor, where a
# lint always follows a wait for the next keystroke).
IN_PROCESS_LINTS = 300
IN_PROCESS = """
import statistics, sys, time
from pathlib import Path
from dockerfile_dlint.lsp.linting import Linter, LintOptions

path, shellcheck, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
original = path.read_text()
linter = Linter(LintOptions(shellcheck=shellcheck))
edits = iter(range(10**9))
def lint(pause):
    text = original.replace("    PORT=8080", f"    PORT={8080 + next(edits)}")
    if pause:
        time.sleep(pause)
    began = time.perf_counter()
    linter.lint(path, text)
    return time.perf_counter() - began
for _ in range(30):
    lint(0)
for pause in (0, 0.001):
    times = [lint(pause) for _ in range(count)]
    print(f"{1000 * min(times):.3f} {1000 * statistics.median(times):.3f}")
"""


def in_process(python: str, env: dict[str, str], work: Path, dockerfile: Path) -> None:
    for shellcheck in ("on", "off"):
        command = [python, "-c", IN_PROCESS, str(dockerfile), shellcheck, str(IN_PROCESS_LINTS)]
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"the in-process lint failed: {done.stderr.strip()}")
            return
        rows = [line.split() for line in done.stdout.splitlines()]
        labels = ("one after the other", "after a 1 ms pause")
        for label, (low, middle) in zip(labels, rows, strict=True):
            row = f"ShellCheck {shellcheck}, {label}"
            print(f"{row:44} {float(low):7.1f} {float(middle):7.1f}")


def cold(python: str, env: dict[str, str], work: Path, dockerfile: Path, runs: int) -> None:
    dlint = [python, "-m", "dockerfile_dlint"]
    script = Path(python).parent / "dlint"
    if script.is_file():
        dlint = [str(script)]
    commands = {
        "floor: python -c pass": [python, "-c", "pass"],
        "dlint check --shellcheck off": [*dlint, "check", "--shellcheck", "off", "Dockerfile"],
        "dlint check (ShellCheck on)": [*dlint, "check", "--shellcheck", "on", "Dockerfile"],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for round_number in range(runs + 1):
        for label, command in commands.items():
            began = time.perf_counter()
            subprocess.run(command, cwd=dockerfile.parent, env=env, capture_output=True)
            if round_number:  # the first round warms the caches
                times[label].append(time.perf_counter() - began)
    for label, found in times.items():
        low, middle = 1000 * min(found), 1000 * statistics.median(found)
        print(f"{label:44} {low:7.1f} {middle:7.1f}  {load()}")


def memory(python: str, env: dict[str, str], work: Path) -> None:
    files = sorted(path for path in (CORPUS / "modern").glob("*.Dockerfile"))[:OPEN_FILES]
    if len(files) < OPEN_FILES:
        print(f"the corpus ({CORPUS}) has fewer than {OPEN_FILES} files: left out")
        return
    client = server(python, env, work)
    try:
        before = _status(client.process.pid)
        uris = []
        for number, path in enumerate(files):
            copy = work / "open" / str(number) / "Dockerfile"
            copy.parent.mkdir(parents=True)
            copy.write_text(path.read_text(errors="replace"))
            uris.append(uri_of(copy))
            client.open(uris[-1], copy.read_text())
        for uri in uris:
            client.diagnostics(uri, 1)
        after = _status(client.process.pid)
        print(f"{'started, no file open: RSS':44} {before['VmRSS'] / 1024:7.1f} MB  {load()}")
        print(f"{f'{OPEN_FILES} files open and linted: RSS':44} {after['VmRSS'] / 1024:7.1f} MB")
        print(f"{'peak (VmHWM)':44} {after['VmHWM'] / 1024:7.1f} MB  {load()}")
    finally:
        client.shutdown()
        client.kill()


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


if __name__ == "__main__":
    sys.exit(main())
