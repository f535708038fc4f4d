"""What a language server keeps between lints of a file (reuse.py): it is used, and bounded.

That a lint with reuse gives what a fresh lint gives, whatever the texts, is a property test
(tests/test_properties.py, ``*_with_reuse_*``).
"""

from __future__ import annotations

from dockerfile_dlint.lexer import lex
from dockerfile_dlint.reuse import Remembered, Reuse
from dockerfile_dlint.source import MappedText, decode

TEXT = """\
FROM python:3.12-slim AS build
RUN pip install --user \\
    flask==3.0
ENV PORT=8080
RUN <<EOF
apt-get update
EOF
CMD ["python", "app.py"]
"""


def test_an_edit_rereads_only_the_instruction_it_changed() -> None:
    reuse = Reuse()
    before = lex(decode(TEXT.encode()), reuse).instructions
    after = lex(decode(TEXT.replace("PORT=8080", "PORT=9090").encode()), reuse).instructions
    assert [b is a for b, a in zip(before, after, strict=True)] == [
        True,
        True,
        False,  # the ENV line typed in
        True,
        True,
    ]
    assert after[2].arguments[0].value == "PORT=9090"


def test_lines_added_above_make_the_instructions_below_new() -> None:
    reuse = Reuse()
    before = lex(decode(TEXT.encode()), reuse).instructions
    after = lex(decode(("# a comment\n" + TEXT).encode()), reuse).instructions
    assert not any(a is b for a, b in zip(after, before, strict=True))
    assert [a.line for a in after] == [b.line + 1 for b in before]


def test_a_script_is_parsed_once_for_the_same_text_at_the_same_place() -> None:
    reuse = Reuse()
    text = MappedText.single("apt-get update && apt-get install -y curl", 3, 5)
    first = reuse.parse_shell(text)
    again = reuse.parse_shell(MappedText.single(text.text, 3, 5))
    assert again.commands == first.commands and again.commands[0] is first.commands[0]
    moved = reuse.parse_shell(MappedText.single(text.text, 4, 5))
    assert moved is not first
    assert [c.span.line for c in moved.commands] == [4, 4]


def test_the_least_recently_used_is_forgotten_past_the_size() -> None:
    remembered: Remembered[str, int] = Remembered(size=2)
    remembered.put("a", 1)
    remembered.put("b", 2)
    assert remembered.get("a") == 1  # "b" is now the least recently used
    remembered.put("c", 3)
    assert (remembered.get("a"), remembered.get("b"), remembered.get("c")) == (1, None, 3)
    assert len(remembered) == 2
