"""Hostile input: the size limit (``--max-file-size``, DL1000 instead of reading), and shapes
that must still lint correctly: a huge continuation, thousands of stages, a heredoc that never
ends, a long line, deep nesting. What they cost is measured in bench/hostile.py, not here.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from dockerfile_dlint import cli, engine, shell
from dockerfile_dlint.config import Settings
from dockerfile_dlint.engine import (
    DEFAULT_MAX_FILE_SIZE,
    FileTooLarge,
    format_size,
    parse_size,
    read_file,
)
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import Model, build_model
from dockerfile_dlint.reuse import Reuse
from dockerfile_dlint.shell import parse_shell
from dockerfile_dlint.source import MappedText, Source, Span, decode
from dockerfile_dlint.syntax import Dockerfile
from helpers import lint

BROKEN = "FROM debian:12\nMAINTAINER Jane <jane@example.com>\nCMD python app.py\n"
PADDED = BROKEN + "# padding\n" * 200
TOO_LARGE = "larger than the {} limit: not read (raise the limit with --max-file-size)"


def dlint(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def json_findings(result: subprocess.CompletedProcess[bytes]) -> list[tuple[str, str]]:
    return [(f["code"], f["message"]) for f in json.loads(result.stdout)]


def sized(path: Path, size: int) -> Path:
    """A file of ``size`` NUL bytes that takes no disk space (sparse)."""
    with path.open("wb") as stream:
        stream.truncate(size)
    return path


def test_a_file_over_the_default_limit_is_reported_not_read(tmp_path: Path) -> None:
    sized(tmp_path / "Dockerfile", DEFAULT_MAX_FILE_SIZE + 1)
    result = dlint("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1  # a finding, like any file that cannot be parsed
    message = "file is 10,000,001 bytes, " + TOO_LARGE.format("10 MB")
    assert json_findings(result) == [("DL1000", message)]


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    sized(tmp_path / "Dockerfile", DEFAULT_MAX_FILE_SIZE)
    result = dlint("check", "--format", "json", cwd=tmp_path)
    assert json_findings(result) == [("DL1000", "binary data, not a Dockerfile")]


def test_max_file_size_lowers_and_raises_the_limit(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(PADDED)
    low = dlint("check", "--format", "json", "--max-file-size", "1k", cwd=tmp_path)
    message = f"file is {len(PADDED):,} bytes, " + TOO_LARGE.format("1 kB")
    assert json_findings(low) == [("DL1000", message)]
    high = dlint("check", "--format", "json", "--max-file-size", "4KiB", cwd=tmp_path)
    assert {code for code, _ in json_findings(high)} == {"DL4000", "DL3025"}


def test_the_limit_comes_from_the_settings_too() -> None:
    """``max-file-size`` in the settings' options (what a configuration key would set)."""
    result = lint(BROKEN, settings=Settings(options={"max-file-size": "10"}))
    assert [(f.code, f.message) for f in result.findings] == [
        ("DL1000", "file is " + TOO_LARGE.format("10 bytes"))
    ]


def test_the_limit_comes_from_the_configuration_file(tmp_path: Path) -> None:
    (tmp_path / ".dlint.toml").write_text('max-file-size = "1k"\n')
    (tmp_path / "Dockerfile").write_text(PADDED)
    result = dlint("check", "--format", "json", cwd=tmp_path)
    message = f"file is {len(PADDED):,} bytes, " + TOO_LARGE.format("1 kB")
    assert json_findings(result) == [("DL1000", message)]


@pytest.mark.parametrize("value", ["0", "-1", "ten", "10 TB", ""])
def test_an_invalid_limit_is_a_usage_error(value: str, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BROKEN)
    result = dlint("check", "--max-file-size", value, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode().startswith("dlint: error: Invalid value for '--max-file-size'")
    assert len(result.stderr.decode().splitlines()) == 1


def test_standard_input_over_the_limit(tmp_path: Path) -> None:
    data = (BROKEN + "# padding\n" * 10_000).encode()
    result = dlint(
        "check", "--format", "json", "--max-file-size", "1k", "-", cwd=tmp_path, stdin=data
    )
    assert json_findings(result) == [("DL1000", "file is " + TOO_LARGE.format("1 kB"))]


def test_fix_of_standard_input_over_the_limit_gives_it_back_whole(tmp_path: Path) -> None:
    """Only the first bytes are read to decide; the rest streams through unchanged."""
    data = (BROKEN + "# padding\n" * 10_000).encode()
    result = dlint("check", "--fix", "--max-file-size", "1k", "-", cwd=tmp_path, stdin=data)
    assert result.stdout == data
    assert b"dlint: -: over the size limit (--max-file-size): not fixed" in result.stderr


def test_fix_leaves_a_file_over_the_limit_alone(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(PADDED)
    before = dockerfile.read_bytes()
    result = dlint("check", "--fix", "--max-file-size", "1k", cwd=tmp_path)
    assert dockerfile.read_bytes() == before
    assert b"dlint: Dockerfile: over the size limit (--max-file-size): not fixed" in result.stderr
    assert result.returncode == 1


def test_parse_honours_the_limit(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BROKEN)
    result = dlint("parse", "--max-file-size", "10", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        f"dlint: error: Dockerfile: file is {len(BROKEN)} bytes, larger than the 10 bytes "
        "limit (--max-file-size)\n"
    )
    assert dlint("parse", "Dockerfile", cwd=tmp_path).returncode == 0


def test_read_file_stops_at_the_limit_whatever_the_file_claims(tmp_path: Path) -> None:
    """A file that grows, a device or a pipe says nothing true in its size."""
    with pytest.raises(FileTooLarge, match=r"^file is larger than the 1 kB limit$"):
        read_file("/dev/zero", 1000)
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"x" * 1000)
    assert read_file(path, 1000) == b"x" * 1000
    with pytest.raises(IsADirectoryError):
        read_file(tmp_path, 1000)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("10MB", 10_000_000),
        ("10mb", 10_000_000),
        ("512k", 512_000),
        ("512 kB", 512_000),
        ("1.5MiB", 1_572_864),
        ("4KiB", 4096),
        ("2g", 2_000_000_000),
        ("4096", 4096),
        ("7 B", 7),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_sizes_in_messages() -> None:
    shown = [format_size(size) for size in (1, 2, 999, 1000, 1500, 10_000_000, 52_400_000)]
    assert shown == ["1 byte", "2 bytes", "999 bytes", "1 kB", "1.5 kB", "10 MB", "52.4 MB"]


def test_a_parser_failure_on_one_file_loses_no_other_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception in the lexer or the model is that file's internal error (exit 3)."""
    (tmp_path / "a.Dockerfile").write_text("FROM python\n")
    (tmp_path / "b.Dockerfile").write_text("FROM node\n")
    real_lex = engine.lex

    def lex_failing_on_a(source: Source, reuse: Reuse | None = None) -> Dockerfile:
        if source.path.endswith("a.Dockerfile"):
            raise RecursionError("maximum recursion depth exceeded")
        return real_lex(source, reuse)

    monkeypatch.setattr(engine, "lex", lex_failing_on_a)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--no-config", "--format", "json", "a.Dockerfile", "b.Dockerfile"])
    assert exit_info.value.code == 3
    out, err = capsys.readouterr()
    assert [f["file"] for f in json.loads(out)] == ["b.Dockerfile"]
    assert (
        "dlint: internal error: dlint failed on a.Dockerfile: RecursionError: "
        "maximum recursion depth exceeded" in err
    )


def test_a_continuation_of_20000_lines_is_one_instruction() -> None:
    lines = 20_000
    text = "FROM debian:12\nRUN set -eux; \\\n" + "    echo step; \\\n" * lines + "    true\n"
    parsed = lex(decode(text.encode()))
    run = parsed.instructions[1]
    assert run.span == Span(2, 1, lines + 3, 9)
    assert run.arguments[-1].span == Span(lines + 3, 5, lines + 3, 9)
    assert lint(text).findings == []


def test_two_thousand_stages_each_copying_from_the_one_before() -> None:
    stages = 2_000
    text = "FROM alpine:3.20 AS s0\n" + "".join(
        f"FROM alpine:3.20 AS s{i}\nCOPY --from=s{i - 1} /out /out\n" for i in range(1, stages)
    )
    model = build_model(lex(decode(text.encode())))
    assert len(model.stages) == stages
    assert [source.stage.index for source in model.copy_sources if source.stage] == list(
        range(stages - 1)
    )
    assert lint(text).internal_errors == []


def test_a_heredoc_that_never_ends_runs_to_the_end_of_the_file() -> None:
    lines = 20_000
    text = "FROM debian:12\nRUN <<EOF\n" + "echo line\n" * lines
    result = lint(text)
    assert [(f.code, f.span, f.message) for f in result.findings] == [
        (
            "DL1000",
            Span(2, 5, 2, 10),
            "heredoc <<EOF is never terminated: no line 'EOF' follows",
        )
    ]
    run = lex(decode(text.encode())).instructions[1]
    assert run.span == Span(2, 1, lines + 2, 10)
    assert run.heredocs[0].terminated is False


def test_a_line_of_one_megabyte() -> None:
    word = "a" * 1_000_000
    text = f"FROM debian:12\nRUN echo {word}\n"
    run = lex(decode(text.encode())).instructions[1]
    assert run.arguments[-1].span == Span(2, 10, 2, 10 + len(word))
    assert lint(text).internal_errors == []


NESTING = [
    pytest.param("FROM debian:12\nCMD " + "[" * 100_000 + "\n", id="json-array-nesting"),
    pytest.param("FROM debian:12\n" + "ONBUILD " * 5_000 + "RUN true\n", id="onbuild-chain"),
    pytest.param(
        "FROM debian:12\nENV A=" + "${B:-" * 3_000 + "x" + "}" * 3_000 + "\n",
        id="variable-nesting",
    ),
    pytest.param(
        "FROM debian:12\nRUN " + "(" * 5_000 + "true" + ")" * 5_000 + "\n", id="subshells"
    ),
    pytest.param(
        "FROM debian:12\nRUN echo " + "$(" * 3_000 + "x" + ")" * 3_000 + "\n", id="substitutions"
    ),
]


@pytest.mark.parametrize("text", NESTING)
def test_deep_nesting_is_linted_without_an_internal_error(text: str) -> None:
    result = lint(text)
    assert result.internal_errors == []


def test_json_nested_too_deep_for_the_decoder_is_shell_form() -> None:
    """Python's json recurses per level; an exec form is flat, so text nested past 200
    levels is read in shell form (BuildKit too reads JSON it cannot decode in shell form)."""
    deep = lex(decode(("FROM a\nCMD " + "[" * 100_000 + "\n").encode())).instructions[1]
    assert not deep.json
    assert [argument.value for argument in deep.arguments] == ["[" * 100_000]
    nested = lex(decode(b'FROM a\nCMD [["a"]]\n'))
    assert [problem.message for problem in nested.problems] == [
        "CMD: a JSON array must contain only strings"
    ]
    brackets_in_strings = "FROM a\nCMD [" + ", ".join(['"[[["'] * 300) + "]\n"
    assert lex(decode(brackets_in_strings.encode())).instructions[1].json


def test_a_chain_of_onbuild_is_read_to_eight_levels_without_recursion() -> None:
    parsed = lex(decode(("FROM a\n" + "ONBUILD " * 5_000 + "RUN true\n").encode()))
    instruction = parsed.instructions[1]
    levels = 0
    while instruction.trigger is not None:
        instruction = instruction.trigger
        levels += 1
    assert levels == 8
    assert instruction.keyword == "ONBUILD"  # the ninth: the rest is its words
    assert len(instruction.arguments) == 5_000 - 9 + 2
    messages = [problem.message for problem in parsed.problems]
    assert messages == ["ONBUILD ONBUILD is not allowed"] * 8


def test_onbuild_onbuild_keeps_its_two_levels() -> None:
    parsed = lex(decode(b"FROM a\nONBUILD ONBUILD RUN x\n"))
    outer = parsed.instructions[1]
    assert outer.trigger is not None and outer.trigger.trigger is not None
    assert (outer.keyword, outer.trigger.keyword, outer.trigger.trigger.keyword) == (
        "ONBUILD",
        "ONBUILD",
        "RUN",
    )
    assert [argument.value for argument in outer.trigger.trigger.arguments] == ["x"]
    assert [(p.span, p.message) for p in parsed.problems] == [
        (Span(2, 9, 2, 16), "ONBUILD ONBUILD is not allowed")
    ]


def test_a_heredoc_with_no_line_left_is_an_empty_span_after_its_instruction() -> None:
    run = lex(decode(b"FROM a\nRUN <<A <<B\nx\n")).instructions[1]
    assert [(heredoc.name, heredoc.span) for heredoc in run.heredocs] == [
        ("A", Span(3, 1, 3, 2)),
        ("B", Span(3, 2, 3, 2)),
    ]
    assert run.span == Span(2, 1, 3, 2)


def test_deeply_nested_variables_make_an_incomplete_value_not_a_crash() -> None:
    text = "FROM debian:12\nENV A=" + "${B:-" * 3_000 + "x" + "}" * 3_000 + "\nENV C=$A\n"
    model = build_model(lex(decode(text.encode())))
    assert "A" in model.final_states[0].unknown_env
    assert "C" in model.final_states[0].unknown_env


def test_a_utf16_file_is_reported_at_one_one() -> None:
    problem = decode("FROM debian:12\n".encode("utf-16")).problems[0]
    assert problem.span == Span(1, 1, 1, 1)


def _model_and_peak_memory(text: str) -> tuple[Model, int]:
    """The model of ``text``, and the most memory Python held while building it (bytes)."""
    parsed = lex(decode(text.encode()))
    tracemalloc.start()
    try:
        model = build_model(parsed)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return model, peak


def test_env_lines_share_their_values_instead_of_copying_them() -> None:
    """Before, each ENV copied every variable: 3,000 lines made 4.5 million dict entries
    (hundreds of MB); now each assignment is stored once."""
    lines = 3_000
    text = "FROM debian:12\n" + "".join(f"ENV V{i}=x{i}\n" for i in range(lines))
    model, peak = _model_and_peak_memory(text)
    assert peak < 20_000_000
    middle = model.states[1_001]  # before the ENV of V1000
    assert len(middle.env) == 1_000
    assert middle.env["V999"] == "x999" and "V1000" not in middle.env
    assert list(model.final_states[0].env)[-2:] == ["V2998", "V2999"]


def test_arg_lines_share_their_values_instead_of_copying_them() -> None:
    lines = 3_000
    text = "FROM debian:12\n" + "".join(f"ARG V{i}=x{i}\n" for i in range(lines))
    model, peak = _model_and_peak_memory(text)
    assert peak < 20_000_000
    assert model.states[lines].variables["V2998"] == "x2998"
    assert "V2999" not in model.states[lines].args


def test_stages_and_copy_sources_are_found_by_name() -> None:
    text = (
        "FROM alpine AS one\nFROM alpine AS One\nCOPY --from=later /a /a\n"
        "COPY --from=ONE /a /a\nFROM alpine AS later\nCOPY --from=1 /a /a\nRUN true\n"
    )
    model = build_model(lex(decode(text.encode())))
    first, second, later = model.stages
    assert model.stage_named("ONE") is first and model.stage_named("later") is later
    assert model.stage_named("none") is None
    copies = [i for i in model.dockerfile.instructions if i.keyword == "COPY"]
    sources = [model.copy_source(copy) for copy in copies]
    assert [source.stage if source else None for source in sources] == [None, first, second]
    assert model.copy_source(model.dockerfile.instructions[-1]) is None


def test_scripts_over_the_parse_bounds_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """tree-sitter-bash costs time in heredocs times tokens, and a script's commands take
    about 300 bytes a character: over the bounds a script is seen with no commands."""
    many = "FROM debian:12\nRUN cat " + " ".join(f"<<E{i}" for i in range(101)) + "\n"
    many += "".join(f"sudo x\nE{i}\n" for i in range(101))
    assert [f.code for f in lint(many).findings] == []
    fewer = many.replace("<<E100", "").replace("sudo x\nE100\n", "")
    assert [f.code for f in lint(fewer).findings] == ["DL3004"]
    monkeypatch.setattr(shell, "MAX_PARSED_CHARACTERS", 20)
    assert parse_shell(MappedText.single("sudo apt-get install -y x", 2, 5)).commands == ()
    assert [f.code for f in lint("FROM debian:12\nRUN sudo true\n").findings] == ["DL3004"]
    assert [
        f.code for f in lint("FROM debian:12\nRUN sudo true && echo 123456789\n").findings
    ] == []


def test_a_value_that_grows_at_every_line_keeps_memory_bounded() -> None:
    """ENV PATH=/pN:$PATH 10,000 times: every value holds the ones before, 350 million
    characters in all; the model's expansion budget stops the growth (the values past it keep
    their reference, as unknown)."""
    lines = 10_000
    text = "FROM debian:12\n" + "".join(f"ENV PATH=/p{i}:$PATH\n" for i in range(lines))
    model, peak = _model_and_peak_memory(text)
    assert peak < 60_000_000
    final = model.final_states[0]
    assert final.env["PATH"] == f"/p{lines - 1}:$PATH"  # past the budget: as written
    assert model.states[3].env["PATH"] == "/p1:/p0:$PATH"  # early lines expand as ever
