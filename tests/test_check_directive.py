"""The ``# check=`` directive, read as BuildKit reads it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from dockerfile_dlint.api import Level, Rule, Span
from dockerfile_dlint.check_directive import CheckDirective, read_check_directive
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.source import decode
from helpers import lint


def directive(text: str) -> CheckDirective:
    return read_check_directive(lex(decode(text.encode())))


class Casing(Rule):
    code = "BK001"
    name = "casing"
    aliases = ("StageNameCasing",)


class Description(Rule):
    code = "BK021"
    name = "description"
    aliases = ("InvalidDefinitionDescription",)
    enabled_by_default = False
    experimental: ClassVar[bool] = True


class Hadolint(Rule):
    code = "DL3006"
    name = "hadolint"
    level = Level.WARNING


def test_no_directive_changes_nothing() -> None:
    found = directive("FROM alpine\n")
    assert found == CheckDirective()
    assert not found.skips(Casing)
    assert not found.enables(Description)
    assert not found.raises(Casing)


def test_skip_by_check_name_or_code() -> None:
    assert directive("# check=skip=StageNameCasing\nFROM alpine\n").skips(Casing)
    assert directive("# check=skip=FromAsCasing,BK001\nFROM alpine\n").skips(Casing)
    assert not directive("# check=skip=FromAsCasing\nFROM alpine\n").skips(Casing)


def test_skip_all_spares_experimental_checks_and_other_rules() -> None:
    found = directive("# check=skip=all\nFROM alpine\n")
    assert found.skip_all
    assert found.skips(Casing)
    assert not found.skips(Description)
    assert not found.skips(Hadolint)


def test_experimental_turns_on_named_checks_only() -> None:
    assert directive("# check=experimental=InvalidDefinitionDescription\nFROM a\n").enables(
        Description
    )
    assert directive("# check=experimental=all\nFROM a\n").enables(Description)
    assert not directive("# check=experimental=CopyIgnoredFile\nFROM a\n").enables(Description)
    assert not directive("# check=experimental=all\nFROM a\n").enables(Casing)


@pytest.mark.parametrize("value", ["true", "1", "t", "TRUE", "True"])
def test_error_true_raises_buildkit_checks(value: str) -> None:
    found = directive(f"# check=error={value}\nFROM alpine\n")
    assert found.raises(Casing)
    assert not found.raises(Hadolint)
    assert found.problems == ()


def test_all_three_options() -> None:
    found = directive("# check=skip=StageNameCasing;error=true;experimental=all\nFROM a\n")
    assert (found.skip, found.error, found.experimental_all) == (
        frozenset({"StageNameCasing"}),
        True,
        True,
    )
    assert found.span == Span(1, 9, 1, 57)


def test_found_after_other_directives_and_a_shebang() -> None:
    text = "#!/usr/bin/env buildx\n# syntax=docker/dockerfile:1\n#check = skip=all\nFROM a\n"
    assert directive(text).skip_all


def test_only_the_top_comment_block_counts() -> None:
    assert not directive("# hello\n# check=skip=all\nFROM a\n").skip_all
    assert not directive("FROM a\n# check=skip=all\nRUN true\n").skip_all


def test_the_first_of_two_directives_counts() -> None:
    assert directive("# check=skip=all\n# check=error=true\nFROM a\n").skip_all


def test_value_ends_at_the_first_space() -> None:
    found = directive("# check=skip=StageNameCasing; error=true\nFROM alpine\n")
    assert found.skips(Casing)
    assert not found.error
    [problem] = found.problems
    assert problem.span == Span(1, 31, 1, 41)
    assert "first space" in problem.message


def test_option_without_value_is_a_problem() -> None:
    found = directive("# check=skip\nFROM alpine\n")
    [problem] = found.problems
    assert problem.span == Span(1, 9, 1, 13)
    assert "invalid check option 'skip'" in problem.message


def test_unknown_option_is_a_problem_and_the_others_apply() -> None:
    found = directive("# check=ignore=all;error=true\nFROM alpine\n")
    assert found.error
    [problem] = found.problems
    assert problem.span == Span(1, 9, 1, 15)
    assert "'ignore'" in problem.message


def test_error_that_is_not_a_boolean_is_a_problem() -> None:
    found = directive("# check=error=yes\nFROM alpine\n")
    assert not found.error
    [problem] = found.problems
    assert problem.span == Span(1, 15, 1, 18)


def test_trailing_separator_is_a_problem() -> None:
    [problem] = directive("# check=skip=all;\nFROM alpine\n").problems
    assert problem.span == Span(1, 18, 1, 19)


def test_more_than_three_options_is_a_problem() -> None:
    found = directive("# check=skip=all;error=true;experimental=all;error=false\nFROM a\n")
    assert found.skip_all and found.error and not found.experimental_all
    [problem] = found.problems
    assert "at most 3 options" in problem.message


def _lint_codes(text: str, tmp_path: Path | None = None) -> list[tuple[str, str]]:
    result = lint(text, context=tmp_path)
    return [(f.code, f.level.label) for f in result.findings]


def test_engine_skips_raises_and_enables_buildkit_checks(tmp_path: Path) -> None:
    dockerfile = "FROM alpine:3.20 AS Build\nRUN true\n"
    assert ("BK001", "warning") in _lint_codes(dockerfile)
    assert not any(
        code == "BK001" for code, _ in _lint_codes("# check=skip=StageNameCasing\n" + dockerfile)
    )
    assert ("BK001", "error") in _lint_codes("# check=error=true\n" + dockerfile)
    (tmp_path / ".dockerignore").write_text("secrets.txt\n")
    (tmp_path / "secrets.txt").write_text("x")
    copying = "FROM alpine:3.20\nCOPY secrets.txt /s\n"
    assert not any(code == "BK018" for code, _ in _lint_codes(copying, tmp_path))
    enabled = _lint_codes("# check=experimental=CopyIgnoredFile\n" + copying, tmp_path)
    assert ("BK018", "warning") in enabled


def test_engine_reports_a_malformed_directive_as_a_parse_problem() -> None:
    assert ("DL1000", "error") in _lint_codes("# check=skip\nFROM alpine:3.20\n")
