"""Agreement with BuildKit's build checks: run tally and dlint over the same Dockerfiles and
compare, check by check.

tally (the ``tally-cli`` wheel) embeds BuildKit's checks and runs without a Docker daemon; it is
a comparison tool only, never a dependency of dlint. It is taken from --tally, from PATH, or
installed from PyPI into bench/.tools. tally stops at the first file it cannot parse, so files
are fed in chunks and a chunk that fails is retried without the file named in the error;
only the files tally linted are compared.

Findings match on file + check + instruction: both tools' lines are mapped to the instruction
they fall in (a line between instructions, such as a description comment, counts for the
instruction below it).

    python bench/compare_buildkit.py                     # whole ../shared/corpus
    python bench/compare_buildkit.py --show 5            # and five differences per check
    python bench/compare_buildkit.py --tally-json /tmp/t.json   # reuse (or write) tally's output
"""

from __future__ import annotations

import argparse
import bisect
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TOOLS = ROOT / "bench" / ".tools"
CHUNK = 250
Key = tuple[str, str, int]


def find_tally(given: str | None) -> str:
    if given:
        return given
    on_path = shutil.which("tally")
    if on_path:
        return on_path
    installed = TOOLS / "bin" / "tally"
    if not installed.exists():
        print("installing tally-cli into bench/.tools …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
        subprocess.run([str(TOOLS / "bin" / "pip"), "install", "-q", "tally-cli"], check=True)
    return str(installed)


def run_tally(tally: str, files: list[Path]) -> tuple[list[dict[str, object]], set[str]]:
    """tally's BuildKit findings and the files it linted."""
    findings: list[dict[str, object]] = []
    linted: set[str] = set()
    with tempfile.TemporaryDirectory() as empty:  # no tally configuration is picked up
        pending = [files[start : start + CHUNK] for start in range(0, len(files), CHUNK)]
        while pending:
            chunk = pending.pop()
            result = _tally(tally, chunk, empty)
            if result is not None:
                findings.extend(result)
                linted.update(str(path) for path in chunk)
                continue
            if len(chunk) == 1:
                continue
            error = _tally_error(tally, chunk, empty)
            failed = [path for path in chunk if str(path) in error]
            if failed:
                rest = [path for path in chunk if path not in failed]
                if rest:
                    pending.append(rest)
            else:
                middle = len(chunk) // 2
                pending += [chunk[:middle], chunk[middle:]]
    return findings, linted


def _command(tally: str, chunk: list[Path]) -> list[str]:
    return [
        *(tally, "lint", "--no-config", "--slow-checks", "off"),
        *("--ignore", "*", "--select", "buildkit/*", "--format", "json"),
        *map(str, chunk),
    ]


def _tally(tally: str, chunk: list[Path], cwd: str) -> list[dict[str, object]] | None:
    result = subprocess.run(
        _command(tally, chunk), cwd=cwd, capture_output=True, text=True, check=False
    )
    start = result.stdout.find("{")
    if start < 0:
        return None
    report = json.loads(result.stdout[start:])
    findings = []
    for entry in report.get("files", []):
        for violation in entry.get("violations", []):
            rule = str(violation["rule"])
            if rule.startswith("buildkit/"):
                location = violation["location"]["start"]
                findings.append(
                    {"file": entry["file"], "check": rule[9:], "line": location["line"]}
                )
    return findings


def _tally_error(tally: str, chunk: list[Path], cwd: str) -> str:
    result = subprocess.run(
        _command(tally, chunk), cwd=cwd, capture_output=True, text=True, check=False
    )
    return result.stderr


def run_dlint(files: list[Path], codes: list[str]) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "dockerfile_dlint", "check", "--no-config"]
    command += ["--format", "json", "--failure-threshold", "none", "--select", ",".join(codes)]
    found: list[dict[str, object]] = []
    for start in range(0, len(files), 1000):
        chunk = [str(path) for path in files[start : start + 1000]]
        result = subprocess.run([*command, *chunk], capture_output=True, text=True, check=False)
        if result.returncode not in (0, 1):
            sys.exit(f"dlint failed: {result.stderr}")
        found.extend(json.loads(result.stdout))
    return found


def instruction_starts(path: Path) -> tuple[list[int], list[int]]:
    from dockerfile_dlint.lexer import lex
    from dockerfile_dlint.source import decode

    document = lex(decode(path.read_bytes(), str(path)))
    starts = [i.span.line for i in document.instructions]
    ends = [i.span.end_line for i in document.instructions]
    return starts, ends


def instruction_of(spans: tuple[list[int], list[int]], line: int) -> int:
    """The first line of the instruction ``line`` is in, else of the next one."""
    starts, ends = spans
    index = bisect.bisect_right(starts, line) - 1
    if index >= 0 and line <= ends[index]:
        return starts[index]
    if index + 1 < len(starts):
        return starts[index + 1]
    return line


def main() -> int:
    from dockerfile_dlint.registry import all_rules

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--tally", help="tally binary (default: PATH, else bench/.tools)")
    parser.add_argument("--tally-json", type=Path, help="reuse (or write) tally's findings")
    parser.add_argument("--show", type=int, default=0, help="differences to print per check")
    args = parser.parse_args()
    files = sorted(
        path.resolve()
        for given in args.paths
        for path in ([given] if given.is_file() else given.rglob("*"))
        if path.is_file() and path.name != "README.md"
    )
    if args.tally_json and args.tally_json.exists():
        saved = json.loads(args.tally_json.read_text())
        theirs, linted = saved["findings"], set(saved["linted"])
    else:
        started = time.perf_counter()
        theirs, linted = run_tally(find_tally(args.tally), files)
        print(f"tally: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if args.tally_json:
            args.tally_json.write_text(json.dumps({"findings": theirs, "linted": sorted(linted)}))
    compared = [path for path in files if str(path) in linted]
    by_alias = {
        alias: rule.code
        for rule in all_rules()
        if rule.code.startswith("BK")
        for alias in rule.aliases
    }
    started = time.perf_counter()
    ours = run_dlint(compared, sorted(by_alias.values()))
    print(f"dlint: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    spans = {str(path): instruction_starts(path) for path in compared}
    by_check: dict[str, dict[str, set[Key]]] = defaultdict(lambda: {"t": set(), "d": set()})
    names = {code: alias for alias, code in by_alias.items()}
    for finding in theirs:
        file = str(Path(str(finding["file"])).resolve())
        check = str(finding["check"])
        if file not in spans or check not in by_alias:
            continue
        start = instruction_of(spans[file], int(str(finding["line"])))
        by_check[check]["t"].add((file, check, start))
    for finding in ours:
        file = str(Path(str(finding["file"])).resolve())
        check = names.get(str(finding["code"]))
        if check is None or file not in spans:
            continue
        start = instruction_of(spans[file], int(str(finding["line"])))
        by_check[check]["d"].add((file, check, start))
    print(f"files: {len(files)}, linted by tally (compared): {len(compared)}")
    header = ("code", "check", "tally", "dlint", "both", "prec", "recall", "F1")
    print("{:<6} {:<32} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}".format(*header))
    for check, code in sorted(by_alias.items(), key=lambda item: item[1]):
        t, d = by_check[check]["t"], by_check[check]["d"]
        both = len(t & d)
        precision = both / len(d) if d else 1.0
        recall = both / len(t) if t else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{code:<6} {check:<32} {len(t):>6} {len(d):>6} {both:>6} "
            f"{precision:>6.3f} {recall:>6.3f} {f1:>6.3f}"
        )
        for label, missing in (("only tally", sorted(t - d)), ("only dlint", sorted(d - t))):
            for file, _, line in missing[: args.show]:
                print(f"    {label}: {file}:{line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
