"""Every fix applied to every file of ../shared/corpus (5,079 real Dockerfiles).

What ``dlint check --fix`` promises, checked on real input rather than on hand-written cases:
for each file, fixing with every default rule's safe fixes (and, separately, with unsafe fixes
too) gives text that lexes with no parse problem the file did not have, that a second
``--fix`` leaves as it is, and whose findings use no code the file did not have.

The whole corpus runs, not a sample, split into chunks over a pool of up to two processes:
the test is CPU-bound, most of its time linting (about 60-70 s of CPU time when written, so
about 35 s on two idle cores). Files without a fixable finding are linted once.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dockerfile_dlint.api import Finding
from dockerfile_dlint.config import Settings
from dockerfile_dlint.engine import lint_bytes
from dockerfile_dlint.fixing import fix_bytes, wanted_fixes
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.selection import Selection, build_selection
from dockerfile_dlint.source import decode
from helpers import CORPUS

CHUNKS = 32


@dataclass
class Outcome:
    """What a chunk of files gave: broken promises, and how many files each mode changed."""

    failures: list[str] = field(default_factory=list)
    changed: Counter[str] = field(default_factory=Counter)


@cache
def _selection() -> Selection:
    return build_selection(Settings(), all_rules(), ())


def _problems(data: bytes) -> Counter[str]:
    return Counter(problem.message for problem in lex(decode(data)).problems)


def check_files(paths: Sequence[str]) -> Outcome:
    """Fix each file in both modes and check the promises; runs in a worker process.

    A mode is skipped where it has nothing to do: safe mode when no fix is safe, unsafe mode
    when every fix is safe (it would apply the same fixes as safe mode)."""
    selection = _selection()
    outcome = Outcome()
    for path in paths:
        data = Path(path).read_bytes()
        name = Path(path).name
        before = lint_bytes(data, name, selection, None).findings
        fixes = [finding.fix for finding in before if finding.fix is not None]
        safe_changed = unsafe_changed = 0
        if any(fix.safe for fix in fixes):
            wanted = wanted_fixes(False, [], selection)
            safe_changed, broken = _check_fix(data, name, before, selection, wanted)
            outcome.failures.extend(f"{name} (safe): {problem}" for problem in broken)
        if all(fix.safe for fix in fixes):
            unsafe_changed = safe_changed
        else:
            wanted = wanted_fixes(True, [], selection)
            unsafe_changed, broken = _check_fix(data, name, before, selection, wanted)
            outcome.failures.extend(f"{name} (unsafe): {problem}" for problem in broken)
        outcome.changed.update(safe=safe_changed, unsafe=unsafe_changed)
    return outcome


def _check_fix(
    data: bytes,
    name: str,
    before: list[Finding],
    selection: Selection,
    wanted: Callable[[Finding], bool],
) -> tuple[int, list[str]]:
    """(1 if the fixes changed the file, else 0; the promises the fixed text breaks)."""
    fixed = fix_bytes(data, name, selection, None, wanted).data
    if fixed is None:
        return 0, []
    broken = []
    new_problems = _problems(fixed) - _problems(data)
    if new_problems:
        broken.append(f"new parse problems {sorted(new_problems)}")
    after = lint_bytes(fixed, name, selection, None).findings
    new_codes = {finding.code for finding in after} - {finding.code for finding in before}
    if new_codes:
        broken.append(f"new finding codes {sorted(new_codes)}")
    # Fixing again can only change something when a wanted fix is left (one that the first
    # run held back because it would have added a finding code); then it must hold it back.
    left = any(wanted(finding) for finding in after)
    if left and fix_bytes(fixed, name, selection, None, wanted).data is not None:
        broken.append("a second --fix changes the text again")
    return 1, broken


@cache
def corpus_paths() -> tuple[str, ...]:
    return tuple(str(path) for path in sorted(CORPUS.glob("*/*")))


def test_fixes_on_the_corpus_are_clean_and_idempotent() -> None:
    paths = corpus_paths()
    chunks = [paths[index::CHUNKS] for index in range(CHUNKS)]
    workers = max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(workers) as pool:
        outcomes = list(pool.map(check_files, chunks))
    failures = [failure for outcome in outcomes for failure in outcome.failures]
    changed = sum((outcome.changed for outcome in outcomes), Counter[str]())
    assert failures == [], failures[:20]
    # The fixes really ran: the corpus has thousands of fixable findings (DL4000, DL3042 …).
    assert changed["safe"] >= 1000, changed
    assert changed["unsafe"] >= changed["safe"], changed
