"""The lexer: instructions as BuildKit reads them, with exact positions."""

from __future__ import annotations

from dockerfile_dlint.lexer import lex
from dockerfile_dlint.source import Span, decode
from dockerfile_dlint.syntax import Dockerfile, Instruction


def parse(text: str | bytes) -> Dockerfile:
    return lex(decode(text.encode() if isinstance(text, str) else text))


def only(text: str) -> Instruction:
    instructions = parse(text).instructions
    assert len(instructions) == 1
    return instructions[0]


def test_keyword_flags_and_arguments_have_exact_spans() -> None:
    instruction = parse("FROM a\n  copy --from=build --link --chmod=755 src/ /app/\n").instructions[
        1
    ]
    assert instruction.keyword == "COPY"
    assert instruction.keyword_text == "copy"
    assert instruction.keyword_span == Span(2, 3, 2, 7)
    assert [(f.name, f.value, f.span) for f in instruction.flags] == [
        ("from", "build", Span(2, 8, 2, 20)),
        ("link", None, Span(2, 21, 2, 27)),
        ("chmod", "755", Span(2, 28, 2, 39)),
    ]
    assert [(a.value, a.span) for a in instruction.arguments] == [
        ("src/", Span(2, 40, 2, 44)),
        ("/app/", Span(2, 45, 2, 50)),
    ]
    assert instruction.span == Span(2, 3, 2, 50)


def test_continuations_skip_comment_and_empty_lines_and_map_back() -> None:
    text = "RUN apt-get update \\\n# a comment\n\n    && apt-get install -y curl\n"
    document = parse(text)
    instruction = document.instructions[0]
    assert instruction.text.text == "apt-get update     && apt-get install -y curl"
    assert instruction.span.line == 1 and instruction.span.end_line == 4
    curl = instruction.arguments[-1]
    assert (curl.value, curl.span) == ("curl", Span(4, 27, 4, 31))
    assert [comment.text for comment in document.comments] == [" a comment"]


def test_continuation_with_trailing_blanks_and_at_end_of_file() -> None:
    instruction = only("RUN echo a \\  \n  b \\")
    assert instruction.text.text == "echo a   b"
    assert instruction.span == Span(1, 1, 2, 6)


def test_escape_directive_backtick() -> None:
    document = parse("# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir C:\\ `\n  /s\n")
    assert document.escape == "`"
    assert [(d.name, d.value) for d in document.directives] == [("escape", "`")]
    run = document.instructions[1]
    assert run.text.text == "dir C:\\   /s"
    assert run.span.end_line == 4


def test_directives_only_at_the_top() -> None:
    document = parse("# syntax=docker/dockerfile:1\n# check=skip=all\n\n# escape=`\nFROM a\n")
    assert [d.name for d in document.directives] == ["syntax", "check"]
    assert document.escape == "\\"


def test_exec_form_strings_and_positions() -> None:
    instruction = only('CMD ["uvicorn", "main:app", "--port", "8080"]')
    assert instruction.json
    assert [a.value for a in instruction.arguments] == ["uvicorn", "main:app", "--port", "8080"]
    assert instruction.arguments[1].span == Span(1, 17, 1, 27)


def test_invalid_json_falls_back_to_shell_form() -> None:
    instruction = only('CMD ["python", "app.py"')
    assert not instruction.json
    assert instruction.text.text == '["python", "app.py"'


def test_text_after_the_json_array_is_ignored_as_buildkit_does_and_reported() -> None:
    document = parse('CMD ["nginx"] && service start\nCMD ["nginx"]  \n')
    instruction = document.instructions[0]
    assert instruction.json
    assert [a.value for a in instruction.arguments] == ["nginx"]
    assert [problem.span for problem in document.problems] == [Span(1, 15, 1, 31)]
    assert "'&& service start'" in document.problems[0].message


def test_heredocs_several_quoted_and_chomped() -> None:
    text = (
        "FROM a\n"
        "COPY <<one.txt <<-'two.txt' /dest/\n"
        "first\n"
        "one.txt\n"
        "\tsecond $X\n"
        "\ttwo.txt\n"
        "RUN true\n"
    )
    document = parse(text)
    copy = document.instructions[1]
    assert [(h.name, h.quoted, h.chomp) for h in copy.heredocs] == [
        ("one.txt", False, False),
        ("two.txt", True, True),
    ]
    assert copy.heredocs[0].body.text == "first\n"
    assert copy.heredocs[1].body.text == "\tsecond $X\n"
    assert copy.heredocs[1].body.position(1) == (5, 2)
    assert copy.span == Span(2, 1, 6, 9)
    assert document.instructions[2].keyword == "RUN"
    assert document.instructions[2].line == 7


def test_heredoc_under_onbuild() -> None:
    document = parse("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nCMD x\n")
    onbuild = document.instructions[1]
    assert onbuild.keyword == "ONBUILD"
    assert onbuild.trigger is not None and onbuild.trigger.keyword == "RUN"
    assert onbuild.trigger.heredocs[0].body.text == "echo hi\n"
    assert onbuild.span.end_line == 4
    assert document.instructions[2].line == 5


def test_unterminated_heredoc_is_a_problem_and_runs_to_the_end() -> None:
    document = parse("FROM a\nRUN <<EOF\necho hi\n")
    assert document.instructions[1].heredocs[0].terminated is False
    assert [p.span.line for p in document.problems] == [2]
    assert "never terminated" in document.problems[0].message


def test_cat_heredoc_without_space_is_not_a_heredoc() -> None:
    # BuildKit only recognises a word that starts with <<, as here.
    document = parse("FROM a\nRUN cat<<EOF\nEOF\n")
    assert document.instructions[1].heredocs == ()
    assert document.instructions[2].keyword == "EOF"


def test_unknown_instruction_is_a_problem_and_the_rest_is_read() -> None:
    document = parse("FROM a\nFORM b\nRUN x\n")
    assert [i.keyword for i in document.instructions] == ["FROM", "FORM", "RUN"]
    assert document.problems[0].span == Span(2, 1, 2, 5)
    assert "did you mean FROM?" in document.problems[0].message


def test_crlf_and_bom() -> None:
    document = parse(b"\xef\xbb\xbfFROM a\r\nRUN echo \\\r\n  b\r\n")
    assert document.source.crlf
    assert document.instructions[0].keyword_span == Span(1, 1, 1, 5)
    assert document.instructions[1].text.text == "echo   b"


def test_healthcheck_exec_form() -> None:
    instruction = only('HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost/"]')
    assert instruction.json
    assert [a.value for a in instruction.arguments] == ["CMD", "curl", "-f", "http://localhost/"]
    assert instruction.flag("interval") is not None


def test_flag_values_lose_quotes_and_the_last_flag_wins() -> None:
    instruction = only(
        'RUN --mount=type=cache,target="/root/.cache" --network=none --network=host x'
    )
    assert instruction.flag("mount").value == "type=cache,target=/root/.cache"  # type: ignore[union-attr]
    assert instruction.flag("network").value == "host"  # type: ignore[union-attr]


def test_empty_file_has_no_instructions_problem() -> None:
    assert "no instructions" in parse("# just a comment\n").problems[0].message
