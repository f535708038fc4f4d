"""Every rule against its fixture cases, and the catalogue's own consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.config import Settings
from dockerfile_dlint.fixing import fix_bytes, wanted_fixes
from dockerfile_dlint.registry import all_rules, rule_problems
from dockerfile_dlint.selection import build_selection
from helpers import FIXTURES, fixture_cases, lint, positions

CASES = fixture_cases()


@pytest.mark.parametrize(
    ("code", "case"), CASES, ids=[f"{code}-{case['name']}" for code, case in CASES]
)
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    for name, content in case.get("files", {}).items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    for name in case.get("executable", []):
        (tmp_path / name).chmod(0o755)
    dockerfile = case["dockerfile"]
    if case.get("crlf"):
        dockerfile = dockerfile.replace("\n", "\r\n")
    settings = Settings(options=case.get("options", {}))
    result = lint(dockerfile, select=[code], context=tmp_path, settings=settings)
    assert positions(result, code) == case["expect"], [f.message for f in result.findings]
    assert not result.internal_errors
    if "fixed" in case:
        check_fix(code, case, dockerfile, tmp_path, settings)


def check_fix(
    code: str, case: dict[str, Any], dockerfile: str, context: Path, settings: Settings
) -> None:
    """The golden text after ``--fix``; fixing it again changes nothing; the rule is silent."""
    selection = build_selection(settings, all_rules(), [code])
    wanted = wanted_fixes(bool(case.get("unsafe")), [], selection)
    expected = case["fixed"].replace("\n", "\r\n") if case.get("crlf") else case["fixed"]
    outcome = fix_bytes(dockerfile.encode(), "Dockerfile", selection, context, wanted)
    fixed = (outcome.data or dockerfile.encode()).decode()
    assert fixed == expected
    assert fix_bytes(fixed.encode(), "Dockerfile", selection, context, wanted).data is None
    after = lint(fixed, select=[code], context=context, settings=settings)
    assert [f for f in after.findings if f.fix is not None and wanted(f)] == []


def test_rules_are_discovered_with_unique_codes_and_names() -> None:
    rules = all_rules()
    assert len({rule.code for rule in rules}) == len(rules)
    assert len({rule.name for rule in rules}) == len(rules)
    assert {"DL1000", "DL3006", "DL3025", "DL4004"} <= {rule.code for rule in rules}


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rule_is_documented_and_has_firing_and_silent_cases(rule: type) -> None:
    assert rule_problems(rule) == []
    cases = [case for code, case in CASES if code == rule.code]
    assert (FIXTURES / f"{rule.code}.toml").exists()
    assert any(case["expect"] for case in cases), "no case where the rule fires"
    assert any(not case["expect"] for case in cases), "no case where the rule stays silent"


@pytest.mark.parametrize(
    "rule", [rule for rule in all_rules() if rule.fixable], ids=lambda rule: rule.code
)
def test_fixable_rules_have_golden_fix_cases(rule: type) -> None:
    assert rule.fixable in ("safe", "unsafe")
    assert "## Fix" in (rule.__doc__ or "")
    assert any("fixed" in case for code, case in CASES if code == rule.code)


def test_fixture_files_name_existing_rules() -> None:
    codes = {rule.code for rule in all_rules()}
    assert {path.stem for path in FIXTURES.glob("*.toml")} <= codes
