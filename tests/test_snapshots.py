"""Snapshots: ENV and ARG values shared between instructions, each view unchanged by later
assignments, a second branch from the same point on a history of its own."""

from __future__ import annotations

from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.snapshots import FlaggedNames, Snapshot, Variables
from dockerfile_dlint.source import decode


def test_a_snapshot_does_not_see_later_assignments() -> None:
    empty: Snapshot[str] = Snapshot.empty()
    first = empty.updated([("A", "1"), ("B", "2")])
    second = first.updated([("A", "3"), ("C", "4"), ("A", "5")])
    assert dict(empty) == {} and not empty and len(empty) == 0
    assert dict(first) == {"A": "1", "B": "2"}
    assert dict(second) == {"A": "5", "B": "2", "C": "4"}
    assert list(second) == ["A", "B", "C"]  # the order a copied and updated dict keeps
    assert "C" not in first and first.get("C", "none") == "none"
    assert second.updated([]) is second


def test_two_branches_from_one_snapshot_stay_apart() -> None:
    base: Snapshot[str | None] = Snapshot.empty().updated([("A", "1")])
    left = base.updated([("A", "left"), ("L", None)])
    right = base.updated([("R", "r")])  # base is no longer its history's last: a new one
    assert dict(left) == {"A": "left", "L": None}
    assert dict(right) == {"A": "1", "R": "r"}
    assert dict(base) == {"A": "1"}
    assert dict(right.updated([("A", "2")])) == {"A": "2", "R": "r"}
    assert dict(left.updated([("B", "b")])) == {"A": "left", "L": None, "B": "b"}
    assert "L" in left and left["L"] is None


def test_flagged_names_count_as_they_change() -> None:
    names = FlaggedNames().updated({"A": True, "B": True})
    fewer = names.updated({"A": False, "C": False})
    assert set(names) == {"A", "B"} and len(names) == 2
    assert set(fewer) == {"B"} and len(fewer) == 1 and "A" not in fewer
    assert not FlaggedNames() and fewer | {"Z"} == {"B", "Z"}


def test_variables_are_env_over_build_arguments() -> None:
    args: Snapshot[str | None] = Snapshot.empty().updated([("A", "arg"), ("N", None), ("E", "x")])
    env: Snapshot[str] = Snapshot.empty().updated([("E", "env"), ("P", "/a:$PATH")])
    variables = Variables(args, env, FlaggedNames().updated({"P": True}))
    assert dict(variables) == {"A": "arg", "N": None, "E": "env", "P": None}
    assert Variables(args, env).get("P") == "/a:$PATH"
    assert "N" in variables and "Z" not in variables and variables.get("Z") is None


def test_sibling_stages_inherit_their_parent_and_not_each_other() -> None:
    text = (
        "FROM debian AS base\nENV A=1\nARG V=2\n"
        "FROM base AS one\nENV B=$A\n"
        "FROM base AS two\nENV C=$B\nFROM one\nENV D=$B\n"
    )
    model = build_model(lex(decode(text.encode())))
    finals = [dict(model.final_state(stage).env) for stage in model.stages]
    assert finals == [
        {"A": "1"},
        {"A": "1", "B": "1"},
        {"A": "1", "C": "$B"},
        {"A": "1", "B": "1", "D": "1"},
    ]
    assert [set(model.final_state(stage).unknown_env) for stage in model.stages] == [
        set(),
        set(),
        {"C"},
        set(),
    ]
    assert dict(model.final_state(model.stages[1]).args) == {}  # ARG ends with its stage
