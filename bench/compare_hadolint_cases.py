"""Replay hadolint's rule specifications: dlint and hadolint side by side on the spec cases.

The cases (``fixtures/hadolint/<CODE>.toml``) are Dockerfiles written for dlint from the
facts of hadolint's ``test/Hadolint/Rule/<CODE>Spec.hs``; nothing of hadolint's is copied
or read at run time. For each case this runs hadolint 2.15.1 (a comparison tool, never a
dependency) and dlint, and reports per rule how many agree, how many differ as the case
documents, and every difference that is not documented. It also runs hadolint on each
Dockerfile of ``docs/hadolint-differences.md`` and checks what the document says it reports.

    python bench/compare_hadolint_cases.py              # report; exit 1 on a surprise
    python bench/compare_hadolint_cases.py --record     # store hadolint's answers in the cases
    python bench/compare_hadolint_cases.py --write      # refresh the document's case table
    python bench/compare_hadolint_cases.py --no-hadolint  # dlint against the recorded answers

Without ``--record`` a case whose recorded answer is not what hadolint says is a surprise:
the cases were recorded with another hadolint, or edited by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from hadolint_parity import (
    CASES,
    DOCUMENT,
    Case,
    anchors,
    case_table,
    dlint_lines,
    document_blocks,
    find_hadolint,
    hadolint_lines,
    load_cases,
    replace_section,
)

SCRIPT = "bench/compare_hadolint_cases.py"


def toml_value(value: Any) -> str:
    """A value as TOML: strings in JSON's escapes (a subset of TOML's), tables inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }"
    raise TypeError(f"no TOML for {value!r}")


def write_cases(path: Path, cases: list[Case]) -> None:
    """Rewrite a case file with ``cases``, keeping its leading comment."""
    header = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    parts = ["\n".join(header) + "\n"] if header else []
    for case in cases:
        if "'''" in case.dockerfile:
            raise SystemExit(f"{case.name}: ''' cannot be written in a TOML literal string")
        lines = ["[[case]]", f"dockerfile = '''\n{case.dockerfile}'''"]
        if case.options:
            lines.append(f"options = {toml_value(case.options)}")
        lines.append(f"hadolint = {toml_value(case.hadolint)}")
        if case.dlint is not None:
            lines.append(f"dlint = {toml_value(case.dlint)}")
        if case.documented is not None:
            lines.append(f"documented = {toml_value(case.documented)}")
        parts.append("\n".join(lines) + "\n")
    path.write_text("\n".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hadolint", help="hadolint binary")
    parser.add_argument("--codes", help="comma-separated codes (default: all cases)")
    parser.add_argument("--record", action="store_true", help="store hadolint's answers")
    parser.add_argument("--write", action="store_true", help="refresh the document's table")
    parser.add_argument("--no-hadolint", action="store_true", help="use the recorded answers")
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    wanted = set(args.codes.split(",")) if args.codes else None
    cases = [case for case in load_cases() if wanted is None or case.code in wanted]
    document = DOCUMENT.read_text()
    blocks = document_blocks(document)
    surprises = []
    if not args.no_hadolint:
        hadolint = find_hadolint(args.hadolint)
        inputs = [(case.dockerfile, case.options) for case in cases]
        inputs += [(block.dockerfile, block.options) for block in blocks]
        answers = hadolint_lines(hadolint, inputs)
        for case, found in zip(cases, answers, strict=False):
            observed = found.get(case.code, [])
            if observed != case.hadolint:
                if not args.record:
                    surprises.append(f"{case.name}: hadolint {observed}, recorded {case.hadolint}")
                case.hadolint = observed
        for block, found in zip(blocks, answers[len(cases) :], strict=True):
            for code, lines in block.hadolint.items():
                if found.get(code, []) != lines:
                    surprises.append(
                        f"{DOCUMENT.name}:{block.line}: hadolint reports {code} at "
                        f"{found.get(code, [])}, the document says {lines}"
                    )
    if args.record:
        by_file: dict[str, list[Case]] = defaultdict(list)
        for case in load_cases():
            by_file[case.code].append(case)
        recorded = {case.name: case for case in cases}
        for code, file_cases in by_file.items():
            merged = [recorded.get(case.name, case) for case in file_cases]
            write_cases(CASES / f"{code}.toml", merged)
    known = anchors(document)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        ours = dlint_lines(case.dockerfile, case.code, case.options)
        row = totals[case.code]
        row[0] += 1
        if ours == case.hadolint:
            row[1] += 1
            if case.dlint is not None:
                surprises.append(f"{case.name}: dlint now agrees with hadolint; drop 'dlint'")
        elif ours == case.dlint and case.documented in known:
            row[2] += 1
        else:
            known_here = case.documented in known
            where = f"documented in #{case.documented}" if known_here else "undocumented"
            surprises.append(f"{case.name}: dlint {ours}, hadolint {case.hadolint} ({where})")
            if args.verbose:
                print(case.dockerfile, file=sys.stderr)
    print(f"{'code':8} {'cases':>6} {'agree':>6} {'documented':>10}")
    for code, (count, agree, documented) in sorted(totals.items()):
        print(f"{code:8} {count:6} {agree:6} {documented:10}")
    count = sum(row[0] for row in totals.values())
    agree = sum(row[1] for row in totals.values())
    if count:
        print(f"{'all':8} {count:6} {agree:6} {sum(r[2] for r in totals.values()):10}")
        print(f"agreement: {100 * agree / count:.1f} %")
    for surprise in surprises:
        print(surprise, file=sys.stderr)
    if args.write:
        table = case_table(load_cases())
        DOCUMENT.write_text(replace_section(DOCUMENT.read_text(), SCRIPT, table))
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
