"""Findings of the build-rot rules (DB…) per corpus folder, code and level, on a fixed date.

The DB rules' quality is judged on ../shared/corpus: ``official/`` and ``modern/`` build
today, so an error there is a false positive unless explained (tests/test_build_rot.py);
``dinosaur/`` holds old Dockerfiles, where a sample of each code is reviewed by hand. This
script gives the counts and writes every finding as JSON for that review.

    python bench/build_rot_counts.py                         # all three folders, 2026-12-07
    python bench/build_rot_counts.py --as-of 2027-06-01 --folder dinosaur --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from dockerfile_dlint.config import Settings
from dockerfile_dlint.engine import lint_bytes
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.selection import build_selection

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2026-12-07", help="the day to judge by")
    parser.add_argument("--folder", action="append", help="corpus folder (repeatable)")
    parser.add_argument("--json", type=Path, help="write every finding here")
    args = parser.parse_args()
    selection = build_selection(Settings(options={"as-of": args.as_of}), all_rules(), ["DB"])
    found = []
    for folder in args.folder or ["official", "modern", "dinosaur"]:
        counts: Counter[tuple[str, str]] = Counter()
        for path in sorted((CORPUS / folder).glob("*")):
            result = lint_bytes(path.read_bytes(), str(path), selection, None)
            for finding in result.findings:
                counts[(finding.code, finding.level.label)] += 1
                found.append(
                    {"folder": folder, "file": path.name, "code": finding.code,
                     "level": finding.level.label, "line": finding.span.line,
                     "column": finding.span.column, "message": finding.message}
                )  # fmt: skip
        shown = ", ".join(f"{code} {level}: {n}" for (code, level), n in sorted(counts.items()))
        print(f"{folder}: {shown or 'no findings'}")
    if args.json:
        args.json.write_text(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
