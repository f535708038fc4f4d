"""Write docs/rules/ from the rule catalogue: one page per rule, and the index (README.md).

Run it after adding or changing a rule: ``.venv/bin/python scripts/generate_docs.py``.
With ``--check`` it changes nothing and exits 1 when a page is missing, stale or left over
from a removed rule (the test suite does the same check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.ruledocs import documentation_pages

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"


def stale_pages(docs: Path = DOCS) -> list[str]:
    """Pages that differ from what the catalogue generates, are missing, or are left over."""
    pages = documentation_pages(all_rules())
    present = {path.name for path in docs.glob("*.md")}
    differing = [
        name
        for name, content in pages.items()
        if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != content
    ]
    return sorted({*differing, *(present - set(pages))})


def write_pages(docs: Path = DOCS) -> list[str]:
    """Bring ``docs`` up to date; the names of the pages written or removed."""
    changed = stale_pages(docs)
    pages = documentation_pages(all_rules())
    docs.mkdir(parents=True, exist_ok=True)
    for name in changed:
        if name in pages:
            (docs / name).write_text(pages[name], encoding="utf-8", newline="\n")
        else:
            (docs / name).unlink()
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    arguments = parser.parse_args()
    if arguments.check:
        stale = stale_pages()
        for name in stale:
            print(f"docs/rules/{name} is stale")
        return 1 if stale else 0
    for name in write_pages():
        print(f"updated docs/rules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
