"""Behaviour of the shell module: commands, words and positions from Docker-joined RUN text."""

from __future__ import annotations

import subprocess
import sys

import pytest
from dockerfile_dlint.shell import ShellScript, SimpleCommand, parse_shell
from dockerfile_dlint.source import MappedText, Span


def mapped(text: str, line: int = 1, column: int = 1) -> MappedText:
    """Text whose lines are physical lines from ``line``, the first starting at ``column``."""
    lines = text.split("\n")
    parts = [
        MappedText.single(
            piece + ("\n" if number < len(lines) - 1 else ""),
            line + number,
            column if number == 0 else 1,
        )
        for number, piece in enumerate(lines)
    ]
    return MappedText.join(parts)


def parse(text: str) -> ShellScript:
    return parse_shell(mapped(text))


def names(script: ShellScript) -> list[str | None]:
    return [command.name for command in script.commands]


def only(script: ShellScript, name: str) -> SimpleCommand:
    found = [command for command in script.commands if command.name == name]
    assert len(found) == 1, names(script)
    return found[0]


@pytest.mark.parametrize(
    ("written", "value", "static"),
    [
        ("plain", "plain", True),
        ('"a b"', "a b", True),
        ("'a'\"b\"", "ab", True),
        ("a\\ b", "a b", True),
        ("'it'\\''s'", "it's", True),
        ('"a\\"b\\$c\\n"', 'a"b$c\\n', True),
        ("$'a\\nb\\x41'", "a\nbA", True),
        ('"*.txt"', "*.txt", True),
        ("{}", "{}", True),
        ("$X", "$X", False),
        ("${X:-d}", "${X:-d}", False),
        ('"$HOME"/bin', "$HOME/bin", False),
        ("$(cmd a)", "$(cmd a)", False),
        ('"$(echo "a b")"', '$(echo "a b")', False),
        ("`cmd`", "`cmd`", False),
        ("$((1 + 2))", "$((1 + 2))", False),
        ("*.txt", "*.txt", False),
        ("file?", "file?", False),
        ("[ab]c", "[ab]c", False),
        ("{a,b}", "{a,b}", False),
        ("x{1..3}", "x{1..3}", False),
        ("~/bin", "~/bin", False),
    ],
)
def test_word_value_and_static(written: str, value: str, static: bool) -> None:
    command = only(parse(f"printf {written}"), "printf")
    assert [word.raw for word in command.args] == [written]
    assert command.args[0].value == value
    assert command.args[0].static is static


def test_word_span_is_file_position_of_raw_text() -> None:
    script = parse_shell(MappedText.single('echo "a b" c', 7, 5))
    quoted, plain = only(script, "echo").args
    assert quoted.span == Span(7, 10, 7, 15)
    assert plain.span == Span(7, 16, 7, 17)


def test_words_on_continued_lines_keep_their_physical_line() -> None:
    text = MappedText.join(
        [
            MappedText.single("apt-get update ", 3, 5),
            MappedText.single("&& apt-get install -y curl", 4, 5),
        ]
    )
    script = parse_shell(text)
    install = [command for command in script.commands if "install" in command.args[0].value]
    curl = install[0].args[-1]
    assert curl.value == "curl"
    assert curl.span == Span(4, 27, 4, 31)
    assert install[0].span == Span(4, 8, 4, 31)


def test_column_after_unicode_counts_characters() -> None:
    script = parse('echo "é😀" && apt-get install -y curl')
    curl = only(script, "apt-get").args[-1]
    assert curl.span == Span(1, 33, 1, 37)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a && b || c; d", ["a", "b", "c", "d"]),
        ("a\nb", ["a", "b"]),
        ("a | b |& c", ["a", "b", "c"]),
        ("( a; b ) && { c; }", ["a", "b", "c"]),
        ("echo $(a) `b` <(c) >(d)", ["echo", "a", "b", "c", "d"]),
        ('echo "x$(a "$(b)")"', ["echo", "a", "b"]),
        ("if a; then b; elif c; then d; else e; fi", ["a", "b", "c", "d", "e"]),
        ("for x in $(a); do b; done", ["a", "b"]),
        ("for ((i = 0; i < 3; i++)); do b; done", ["b"]),
        ("while a; do b; done; until c; do d; done", ["a", "b", "c", "d"]),
        ("case $x in a) b ;; c|d) e ;; esac", ["b", "e"]),
        ("f() { a; }; function g { b; }", ["a", "b"]),
        ("! a", ["a"]),
        ("time -p make all", ["make"]),
        ("export A=1 B; declare -x C=2; unset D", ["export", "declare", "unset"]),
        ("[[ -f x ]] && [ -d y ]", ["[[", "["]),
    ],
)
def test_commands_are_found_in_every_construct(text: str, expected: list[str]) -> None:
    script = parse(text)
    assert names(script) == expected
    assert not script.has_errors


def test_time_keyword_is_dropped_from_words() -> None:
    make = only(parse("time -p make all"), "make")
    assert [word.value for word in make.words] == ["make", "all"]


def test_nested_in_names_the_substitution() -> None:
    script = parse("echo $(a) `b` <(c)")
    assert [command.nested_in for command in script.commands] == [None, "$(…)", "`…`", "<(…)"]


def test_test_command_words() -> None:
    test = parse('[[ $a == "b c" && -n x ]]').commands[0]
    assert [word.value for word in test.words] == ["[[", "$a", "==", "b c", "&&", "-n", "x", "]]"]


def test_assignments_before_command_and_alone() -> None:
    script = parse('FOO=1 BAR="x y" make; BAZ=2')
    make, alone = script.commands
    assert [word.value for word in make.assignments] == ["FOO=1", "BAR=x y"]
    assert [word.value for word in make.words] == ["make"]
    assert alone.words == ()
    assert alone.name is None
    assert [word.value for word in alone.assignments] == ["BAZ=2"]


def test_assignment_with_substitution_finds_the_inner_command() -> None:
    script = parse("VERSION=$(cat version) make")
    assert names(script) == ["make", "cat"]
    assert script.commands[1].nested_in == "$(…)"


def test_redirect_without_command() -> None:
    (command,) = parse("> file").commands
    assert command.words == ()
    assert [(r.operator, r.target and r.target.value) for r in command.redirects] == [(">", "file")]


def test_redirect_operators_and_targets() -> None:
    command = parse("cmd > out 2>&1 < in >> log 2> err &> all >| clobber 3<&0 >&-").commands[0]
    assert [(r.operator, r.target and r.target.value) for r in command.redirects] == [
        (">", "out"),
        ("2>&1", None),
        ("<", "in"),
        (">>", "log"),
        ("2>", "err"),
        ("&>", "all"),
        (">|", "clobber"),
        ("3<&0", None),
        (">&-", None),
    ]
    assert command.redirects[0].span == Span(1, 5, 1, 10)
    assert command.span == Span(1, 1, 1, 61)


def test_herestring() -> None:
    command = parse('grep x <<< "a b"').commands[0]
    assert [(r.operator, r.target and r.target.value) for r in command.redirects] == [
        ("<<<", "a b")
    ]


def test_redirect_after_list_belongs_to_last_command() -> None:
    first, second = parse("a && b > f").commands
    assert first.redirects == ()
    assert [r.target.value for r in second.redirects if r.target] == ["f"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b | c && d || e; f | g", [["a", "b", "c"], ["f", "g"]]),
        ("x && a | b", [["a", "b"]]),
        ("a | b 2>&1 | c", [["a", "b", "c"]]),
        ('a "$(b | c)" | d', [["b", "c"], ["a", "d"]]),
        ("curl -s x | ( cd /tmp && sh )", [["curl", "cd", "sh"]]),
        ("a && b; c", []),
    ],
)
def test_pipeline_members(text: str, expected: list[list[str]]) -> None:
    script = parse(text)
    found = [[command.name for command in pipeline] for pipeline in script.pipelines]
    assert sorted(found) == sorted(expected)


def test_heredoc_redirect_body_and_output_file() -> None:
    script = parse("cat <<EOF > /etc/apt/sources.list\ndeb http://x y\nEOF\necho done")
    cat = only(script, "cat")
    heredoc, output = cat.redirects
    assert (heredoc.operator, heredoc.target and heredoc.target.value) == ("<<", "EOF")
    assert heredoc.span == Span(1, 5, 1, 10)
    assert heredoc.heredoc_body is not None
    assert heredoc.heredoc_body.text == "deb http://x y\n"
    assert heredoc.heredoc_body.position(4) == (2, 5)
    assert (output.operator, output.target and output.target.value) == (
        ">",
        "/etc/apt/sources.list",
    )
    assert names(script) == ["cat", "echo"]


def test_heredoc_with_quoted_delimiter_and_tab_stripping() -> None:
    script = parse("cat <<-'EOF'\n\tline $X\n\tEOF")
    heredoc = script.commands[0].redirects[0]
    assert heredoc.operator == "<<-"
    assert heredoc.target is not None
    assert (heredoc.target.raw, heredoc.target.value) == ("'EOF'", "EOF")
    assert heredoc.heredoc_body is not None
    assert heredoc.heredoc_body.text.startswith("\tline $X\n")


def test_heredoc_piped_to_shell_is_a_pipeline() -> None:
    script = parse("cat <<EOF | sh && echo ok\nx\nEOF")
    assert [[c.name for c in pipeline] for pipeline in script.pipelines] == [["cat", "sh"]]
    assert names(script) == ["cat", "sh", "echo"]


@pytest.mark.parametrize("shell", ["bash", "sh -e", "/bin/dash -s", "bash -o pipefail"])
def test_heredoc_read_by_a_shell_is_parsed(shell: str) -> None:
    script = parse(f"{shell} <<'EOF'\nset -e\napt-get update\nEOF")
    update = only(script, "apt-get")
    assert update.nested_in == "heredoc"
    assert update.span == Span(3, 1, 3, 15)


@pytest.mark.parametrize("reader", ["python3", "bash script.sh", "cat"])
def test_heredoc_read_by_other_programs_is_data(reader: str) -> None:
    script = parse(f"{reader} <<'EOF'\napt-get update\nEOF")
    assert "apt-get" not in names(script)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("sh -c 'apt-get install -y curl'", "sh -c"),
        ("/bin/bash -ec 'apt-get install -y curl'", "bash -c"),
        ("/usr/bin/env bash -o pipefail -c 'apt-get install -y curl'", "bash -c"),
        ("sudo zsh -xc 'apt-get install -y curl'", "zsh -c"),
        ("su - app -c 'apt-get install -y curl'", "su -c"),
    ],
)
def test_shell_dash_c_script_is_parsed(text: str, label: str) -> None:
    script = parse_shell(MappedText.single(text, 9, 5))
    install = only(script, "apt-get")
    assert install.nested_in == label
    curl = install.args[-1]
    column = 5 + text.index("curl")
    assert curl.span == Span(9, column, 9, column + 4)


def test_dash_c_in_double_quotes_maps_past_escapes() -> None:
    text = 'bash -c "echo \\"hi\\" && apt-get install -y \\"curl\\""'
    script = parse_shell(MappedText.single(text, 2, 1))
    echo = only(script, "echo")
    assert echo.args[0].raw == '"hi"'
    assert echo.args[0].span == Span(2, 16, 2, 21)  # from the escaped quote to the last
    curl = only(script, "apt-get").args[-1]
    assert curl.value == "curl"
    start = 1 + text.index('"curl')
    assert curl.span == Span(2, start, 2, start + len('"curl\\"'))


def test_dash_c_script_spanning_two_physical_lines() -> None:
    text = MappedText.join(
        [
            MappedText.single('sh -c "apt-get update ', 3, 5),
            MappedText.single('&& apt-get install -y curl"', 4, 5),
        ]
    )
    script = parse_shell(text)
    install = [c for c in script.commands if c.name == "apt-get" and c.args[0].value == "install"]
    assert install[0].nested_in == "sh -c"
    assert install[0].args[-1].span == Span(4, 27, 4, 31)


def test_other_dash_c_programs_are_not_parsed() -> None:
    assert names(parse("python3 -c 'import os'")) == ["python3"]
    assert names(parse("sh script.sh -c 'x'")) == ["sh"]


def sh_c(script: str) -> str:
    """``sh -c "script"`` with the script escaped for double quotes."""
    return 'sh -c "' + script.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_nested_dash_c_maps_through_every_level_of_escapes() -> None:
    text = sh_c(sh_c(sh_c("true")))
    script = parse(text)
    assert names(script) == ["sh", "sh", "sh", "true"]
    column = text.index("true") + 1
    assert script.commands[-1].span == Span(1, column, 1, column + 4)


def test_nested_shell_depth_is_bounded() -> None:
    text = "true"
    for _ in range(8):
        text = sh_c(text)
    script = parse(text)
    assert names(script) == ["sh"] * 5


def test_empty_text() -> None:
    script = parse("")
    assert (script.commands, script.pipelines, script.has_errors) == ((), (), False)


@pytest.mark.parametrize(
    "text",
    [
        'echo "unterminated',
        "if then fi ((",
        "a\0b | ) (",
        "cat <<EOF\nno end",
        "echo \ud800 $((",
        "}}}} $'\\",
    ],
)
def test_bad_input_gives_errors_not_exceptions(text: str) -> None:
    assert parse(text).has_errors


def test_long_line_with_unicode() -> None:
    script = parse("x" * 100_000 + " é" * 1000 + " end")
    (command,) = script.commands
    assert command.words[-1].span == Span(1, 102_002, 1, 102_005)


@pytest.mark.parametrize(
    "text",
    [
        "$(" * 10_000 + "x" + ")" * 10_000,
        "(" * 10_000 + "x" + ")" * 10_000,
        "if a; then " * 10_000 + "b; " + "fi; " * 10_000,
        '"$(' * 10_000,
    ],
)
def test_deep_nesting_does_not_crash(text: str) -> None:
    script = parse(text)
    assert isinstance(script.commands, tuple)


def test_long_pipeline() -> None:
    script = parse("a | " * 5000 + "b")
    assert len(script.pipelines) == 1
    assert len(script.pipelines[0]) == 5001


def test_module_import_does_not_load_tree_sitter() -> None:
    code = "import sys, dockerfile_dlint.shell; print('tree_sitter' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_flags_in_clusters_long_forms_and_values() -> None:
    (command,) = parse_shell(
        MappedText.single(
            "/usr/bin/apt-get -qy install --no-install-recommends=1 -o Dpkg::Options=x curl -- -z",
            1,
            1,
        )
    ).commands
    assert command.program == "apt-get"
    assert command.has_flag("-y", "--yes")
    assert command.has_flag("--no-install-recommends")
    assert not command.has_flag("--no-install")
    assert not command.has_flag("-z")  # after --
    assert command.flag_value("-o") == "Dpkg::Options=x"
    assert command.flag_value("--no-install-recommends") == "1"
    flag = command.flag("-y")
    assert flag is not None and flag.value == "-qy"


def test_redirect_of_a_group_applies_to_its_commands() -> None:
    text = "{ echo '[repo]'; echo 'baseurl=x'; } > /etc/yum.repos.d/x.repo && yum makecache"
    commands = parse_shell(MappedText.single(text, 1, 1)).commands
    targets = [[r.target.value for r in c.redirects if r.target is not None] for c in commands]
    assert targets == [["/etc/yum.repos.d/x.repo"], ["/etc/yum.repos.d/x.repo"], []]


def test_backquoted_comment_does_not_hide_the_rest() -> None:
    text = "yum install -y tar && `# clean up` yum clean all"
    commands = parse_shell(MappedText.single(text, 1, 1)).commands
    assert [(c.name, c.span.column) for c in commands] == [("yum", 1), ("yum", 36)]
