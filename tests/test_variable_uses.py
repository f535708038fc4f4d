"""The variable references BuildKit's checks read in a word (knowledge.buildkit)."""

from __future__ import annotations

from dockerfile_dlint.knowledge.buildkit import VariableUse, variable_uses


def test_plain_braced_and_nested_references_in_order() -> None:
    text = "$A-${B}/${C:-${D}x$E}'$F'\\$G\"$H\""
    assert variable_uses(text) == [
        VariableUse("A", 0, 2),
        VariableUse("B", 3, 7),
        VariableUse("C", 8, 21),  # the whole ${C:-…}, its word included
        VariableUse("D", 13, 17),  # nested in C's word, listed after C
        VariableUse("E", 18, 20),
        VariableUse("H", 29, 31),  # in double quotes (single quotes and \$ are literal)
    ]


def test_the_escape_character_of_the_file_is_honoured() -> None:
    assert [use.name for use in variable_uses("`$A $B", "`")] == ["B"]
    assert [use.name for use in variable_uses("`$A $B")] == ["A", "B"]


def test_an_unclosed_reference_runs_to_the_end() -> None:
    assert variable_uses("${A:-${B") == [VariableUse("A", 0, 8), VariableUse("B", 5, 8)]
    assert variable_uses("${A") == [VariableUse("A", 0, 3)]


def test_a_quoted_brace_does_not_close_a_modifier_word() -> None:
    assert variable_uses('${A:-"}"}$B') == [VariableUse("A", 0, 9), VariableUse("B", 9, 11)]
    assert variable_uses("${A:-'}'}$B") == [VariableUse("A", 0, 9), VariableUse("B", 9, 11)]


def test_nesting_thousands_deep_is_read_in_a_loop() -> None:
    depth = 5_000
    uses = variable_uses("${B:-" * depth + "x" + "}" * depth)
    assert len(uses) == depth
    assert uses[0] == VariableUse("B", 0, 6 * depth + 1)
    assert uses[-1] == VariableUse("B", 5 * (depth - 1), 5 * depth + 2)
