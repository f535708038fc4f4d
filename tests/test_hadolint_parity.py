"""docs/hadolint-differences.md and the replayed hadolint specifications stay true.

hadolint itself is not needed here: its answers are recorded in the spec cases and in the
document, and ``bench/compare_hadolint_cases.py`` checks them against hadolint 2.15.1. These
tests check dlint's side: every spec case gives the recorded answer (hadolint's, or the
documented difference), every Dockerfile of the document gives what the document says dlint
reports, no documented difference has become an agreement, and the document's tables are the
ones the scripts generate from their sources.
"""

from __future__ import annotations

import json

import pytest
from hadolint_parity import (
    DOCUMENT,
    RESULTS,
    SHELLCHECK_RESULTS,
    Block,
    Case,
    anchors,
    case_table,
    corpus_digest,
    corpus_files,
    corpus_table,
    digests_by_code,
    dlint_corpus_keys,
    dlint_lines,
    document_blocks,
    load_cases,
    section,
    shellcheck_table,
)

CASES = load_cases()
BLOCKS = document_blocks(DOCUMENT.read_text())


def test_there_are_cases_for_every_hadolint_rule_dlint_has() -> None:
    from dockerfile_dlint.registry import all_rules

    hadolint_codes = {rule.code for rule in all_rules() if rule.code.startswith("DL")}
    assert hadolint_codes - {case.code for case in CASES} == set()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_spec_case_gives_the_recorded_answer(case: Case) -> None:
    assert dlint_lines(case.dockerfile, case.code, case.options) == case.expected_dlint
    if case.dlint is not None:
        assert case.dlint != case.hadolint, "an agreement needs no 'dlint': drop it"
        assert case.documented in anchors(DOCUMENT.read_text()), "name a section of the document"
    else:
        assert case.documented is None


@pytest.mark.parametrize("block", BLOCKS, ids=[f"line {block.line}" for block in BLOCKS])
def test_documented_difference_still_holds(block: Block) -> None:
    assert block.problems == []
    for code, lines in block.dlint.items():
        assert dlint_lines(block.dockerfile, code, block.options) == lines, code
        assert lines != block.hadolint[code], f"{code}: both tools agree, drop the entry"


def test_case_table_is_generated_from_the_cases() -> None:
    assert section(DOCUMENT.read_text(), "bench/compare_hadolint_cases.py") == case_table(CASES)


def test_shellcheck_table_is_the_stored_run() -> None:
    figures = json.loads(SHELLCHECK_RESULTS.read_text())
    text = DOCUMENT.read_text()
    assert section(text, "bench/compare_shellcheck.py") == shellcheck_table(figures)


def test_corpus_table_is_the_stored_run_and_dlint_has_not_changed_since() -> None:
    results = json.loads(RESULTS.read_text())
    assert section(DOCUMENT.read_text(), "bench/compare_hadolint.py") == corpus_table(results)
    files = corpus_files()
    assert corpus_digest(files) == results["corpus"], "the corpus changed: rerun the script"
    found = digests_by_code(dlint_corpus_keys(files, results["options"]))
    stored = {code: row["dlint_digest"] for code, row in results["codes"].items() if row["dlint"]}
    codes = found.keys() | stored.keys()
    changed = sorted(code for code in codes if found.get(code) != stored.get(code))
    assert changed == [], "dlint's findings changed: run python bench/compare_hadolint.py --write"
