"""Rules that read options (trusted-registries, label-schema, strict-labels): their fixture
cases run with the case's ``options``, and the label value checks on their edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.config import Settings
from helpers import fixture_cases, lint, positions

OPTION_CASES = [(code, case) for code, case in fixture_cases() if "options" in case]


def test_option_rules_have_cases_with_options() -> None:
    codes = {code for code, _ in OPTION_CASES}
    assert {"DL3026", "DL3049", "DL3050", "DL3051", "DL3052", "DL3053"} <= codes
    assert {"DL3054", "DL3055", "DL3056", "DL3058"} <= codes


@pytest.mark.parametrize(
    ("code", "case"), OPTION_CASES, ids=[f"{code}-{case['name']}" for code, case in OPTION_CASES]
)
def test_case_with_options(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    settings = Settings(options=case["options"])
    result = lint(case["dockerfile"], select=[code], context=tmp_path, settings=settings)
    assert positions(result, code) == case["expect"], [f.message for f in result.findings]
    assert not result.internal_errors


def label_findings(code: str, kind: str, value: str) -> list[list[int]]:
    dockerfile = f"FROM alpine:3.20\nLABEL checked={value}\n"
    settings = Settings(options={"label-schema": {"checked": kind}})
    return positions(lint(dockerfile, select=[code], settings=settings), code)


@pytest.mark.parametrize(
    ("code", "kind", "good", "bad"),
    [
        (
            "DL3052",
            "url",
            ["https://example.com", "mailto:team@example.com", "urn:isbn:0451450523"],
            ["example.com", "/srv/app", "https://example.com/%zz", '"https://example.com/ä"'],
        ),
        (
            "DL3053",
            "rfc3339",
            ["2024-02-29T23:59:60Z", "2024-05-01t12:30:00.5-07:00", '"2024-05-01 12:30:00Z"'],
            ["2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:30:00+0200"],
        ),
        (
            "DL3054",
            "spdx",
            ["GPL-2.0+", "BSD-3-Clause", '"Apache-2.0 AND (MIT OR 0BSD)"'],
            ['"MIT OR"', '"(MIT"', "MIT-Like", '"GPL-2.0 WITH Nothing"', "NOASSERTION"],
        ),
        (
            "DL3055",
            "hash",
            ["abcdef0", "a" * 40, "b" * 64],
            ["abcdef", "a" * 41, "g" * 7],
        ),
        (
            "DL3056",
            "semver",
            ["0.0.0", "1.2.3-alpha.beta-1", "1.2.3+001"],
            ["1.2.3-01", "1.2.3-", "1.2.3-a..b", "1.2.3.4"],
        ),
        (
            "DL3058",
            "email",
            ["a@b", "first.last+tag@example.com", "team@[192.0.2.1]"],
            ["a@b..c", ".a@b.c", "a@-b.c", "a@@b.c"],
        ),
    ],
)
def test_label_value_checks(code: str, kind: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert label_findings(code, kind, value) == [], value
    for value in bad:
        assert label_findings(code, kind, value) == [[2, 7]], value


def test_trusted_registry_patterns() -> None:
    dockerfile = "FROM gcr.io/a/b:1\nFROM eu.gcr.io:443/a/b:1\nFROM localhost:5000/a:1\n"
    settings = Settings(options={"trusted-registries": ["*.gcr.io", "LOCALHOST:5000"]})
    assert positions(lint(dockerfile, select=["DL3026"], settings=settings), "DL3026") == [[1, 6]]
    settings = Settings(options={"trusted-registries": ["*"]})
    assert positions(lint(dockerfile, select=["DL3026"], settings=settings), "DL3026") == []
