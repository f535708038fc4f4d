"""Docker's variable expansion, and knowing when a value is not known."""

from __future__ import annotations

import pytest
from dockerfile_dlint.variables import expand

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
