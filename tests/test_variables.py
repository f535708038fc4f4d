"""Docker's variable expansion, and knowing when a value is not known."""

from __future__ import annotations

import pytest
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.source import decode
from dockerfile_dlint.variables import MAX_EXPANDED, NESTING_LIMIT, Expansion, expand

VARIABLES = {"A": "1", "EMPTY": "", "NOVALUE": None}


@pytest.mark.parametrize(
    ("text", "value", "unknown"),
    [
        ("$A", "1", ()),
        ("${A}/x", "1/x", ()),
        ("${EMPTY:-d}", "d", ()),
        ("${EMPTY-d}", "", ()),
        ("${A:+set}", "set", ()),
        ("${EMPTY:+set}", "", ()),
        ("${EMPTY+set}", "set", ()),
        ("${NOVALUE:-d}", "d", ("NOVALUE",)),
        ("$UNDECLARED", "", ("UNDECLARED",)),
        ('"a b"', "a b", ()),
        ("'$A'", "$A", ()),
        ('"\\$A"', "$A", ()),
        ("a\\ b", "a b", ()),
        ("cost: $", "cost: $", ()),
        ("${A#prefix}", "1", ("A",)),
    ],
)
def test_expand(text: str, value: str, unknown: tuple[str, ...]) -> None:
    result = expand(text, VARIABLES)
    assert (result.value, result.unknown) == (value, unknown)
    assert result.complete == (not unknown)


def test_backtick_escape() -> None:
    assert expand("a`$A", VARIABLES, escape="`").value == "a$A"


def test_partial_keeps_unknown_references_as_written() -> None:
    result = expand("/opt/venv/bin:$PATH:${EXTRA:-/x}:${A}", VARIABLES)
    assert result.unknown == ("PATH", "EXTRA")
    assert result.partial == "/opt/venv/bin:$PATH:${EXTRA:-/x}:1"
    assert expand("plain", VARIABLES).partial == "plain"


def test_nesting_to_the_limit_expands_like_any_other() -> None:
    levels = NESTING_LIMIT
    text = "${A:+" * levels + "x" + "}" * levels + "/$A"
    assert expand(text, {"A": "a"}) == Expansion("x/a", (), "x/a")


def test_nesting_past_the_limit_is_incomplete_not_a_crash() -> None:
    """Before, each nested ``${…}`` was one recursion: 3,000 levels raised RecursionError."""
    for levels in (NESTING_LIMIT + 1, 3_000, 100_000):
        text = "${A:+" * levels + "x" + "}" * levels + "/$A"
        expansion = expand(text, {"A": "a"})
        assert not expansion.complete
        assert expansion.value.endswith("/a")  # the text after the nesting is still expanded


def test_an_unclosed_nesting_past_the_limit_runs_to_the_end() -> None:
    expansion = expand("${A:-" * 5_000 + "x", {})
    assert not expansion.complete
    assert expansion.value == ""


def test_values_past_the_limit_count_as_unknown() -> None:
    values = {"A": "x" * 10, "B": "y" * 100}
    within = expand("$A-$A", values, limit=20)
    assert within.complete and within.value == "x" * 10 + "-" + "x" * 10
    past = expand("$A-$B", values, limit=50)
    assert not past.complete and past.unknown == ("B",)
    assert past.value == "x" * 10 + "-"
    assert past.partial == "x" * 10 + "-$B"  # kept as written, as any unknown reference
    assert expand("${B:-d}", values, limit=50).partial == "${B:-d}"


def test_values_that_double_at_every_line_stay_bounded() -> None:
    """ENV B=$A$A, C=$B$B, …: ten lines of ten references would be gigabytes of values."""
    lines = ["FROM debian:12", "ENV A0=xxxxxxxxxx"]
    lines += [f"ENV A{i}=" + f"$A{i - 1}" * 10 for i in range(1, 40)]
    model = build_model(lex(decode(("\n".join(lines) + "\n").encode())))
    env = model.final_states[0].env
    unknown = model.final_states[0].unknown_env
    assert env["A3"] == "x" * 10_000 and "A3" not in unknown
    assert "A4" in unknown and "A39" in unknown  # 100,000 characters: past the limit
    assert all(len(env[f"A{i}"]) <= MAX_EXPANDED + 40 for i in range(40))
