"""Property tests: whatever the input, the parser and the engine hold their promises.

Inputs are Dockerfile-like text generated from the language's pieces (every instruction, flags,
continuations, heredocs, directives, pragmas, JSON forms, quotes, variables, unicode, CRLF, a
byte-order mark) and real files of ../shared/corpus mutated (truncated, bytes flipped, NUL, CR,
BOM, a stray ``\\`` or ``<<`` inserted, lines deleted or repeated). For each input:

- no exception escapes, and no rule or parser fails on it (no internal error);
- every finding lies inside the file: its line exists, its column is on that line (the end
  column may be just past the last character), and its end is not before its start;
- the same input gives the same findings, and the same ``dlint parse`` output;
- instructions tile the file: in order, no two share a line, every piece of an instruction
  (keyword, flags, arguments, heredocs) lies inside the file, and every line outside an
  instruction is blank or a comment;
- every output format renders the findings.

A bounded number of examples runs with the test suite. For a long run, raise it:

    DLINT_PROPERTY_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_properties.py

Hypothesis keeps the failing examples it finds in ``.hypothesis/`` and tries them first next
time; a failure prints the smallest input it could reduce the failure to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from dockerfile_dlint.config import Settings
from dockerfile_dlint.dump import dump
from dockerfile_dlint.engine import FileResult, lint_bytes
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.report import FORMATS, Report, render
from dockerfile_dlint.reuse import Reuse
from dockerfile_dlint.selection import Selection, build_selection
from dockerfile_dlint.source import Source, Span, decode
from dockerfile_dlint.syntax import (
    KNOWN_INSTRUCTIONS,
    WHITESPACE,
    Dockerfile,
    Instruction,
)
from helpers import CORPUS
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("DLINT_PROPERTY_EXAMPLES", "100"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CONTEXT_FILES = {
    "requirements.txt": "flask==3.0\nprisma\n",
    "start.sh": "#!/bin/sh\r\nexec gunicorn -b 127.0.0.1:8000 app:app\r\n",
    "entrypoint.sh": "prisma generate\nexec node server.js\n",
    "package.json": '{"scripts": {"start": "node server.js"}}',
}


@cache
def every_rule() -> Selection:
    """Every rule, those off by default too (named exactly), ShellCheck off (a process)."""
    codes = [rule.code for rule in all_rules()]
    return build_selection(Settings(), all_rules(), codes)


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build context with files the context-reading rules look at."""
    directory = tmp_path_factory.mktemp("context")
    for name, text in CONTEXT_FILES.items():
        (directory / name).write_bytes(text.encode())
    (directory / "start.sh").chmod(0o644)
    return directory


# --- generated Dockerfile-like text -------------------------------------------------------

KEYWORDS = [*sorted(KNOWN_INSTRUCTIONS), "FORM", "RUNN", "copy", "Run", "onbuild", "\u0130NCLUDE"]
FLAGS = [
    "--from=build",
    "--from=0",
    "--from=${STAGE}",
    "--mount=type=cache,target=/root/.cache/pip",
    "--mount=type=secret,id=npmrc,target=/root/.npmrc",
    "--mount=type=bind,from=build,source=/out,target=/in",
    "--chmod=755",
    "--chown=app:app",
    "--link",
    "--platform=$BUILDPLATFORM",
    "--network=none",
    "--interval=5s",
    "--retries=3",
    "--",
    "--=",
    "--from",
    "--keep-git-dir=true",
]
WORDS = [
    *("python:3.12-slim", "alpine", "scratch", "node:20@sha256:" + "a" * 64, "AS", "as", "build"),
    *("apt-get", "update", "install", "-y", "--no-install-recommends", "curl", "wget", "-O-"),
    *("apk", "add", "--no-cache", "pip", "install", "--user", "-r", "requirements.txt", "npm"),
    *("ci", "yarn", "prisma", "generate", "playwright", "uvicorn", "gunicorn", "app:app", "-b"),
    *("--host", "--port", "0.0.0.0", "127.0.0.1", "localhost", "8080", "8080/tcp", "53/udp"),
    *("$PORT", "${PORT:-8080}", "${A:+x}", "${A:?missing}", "${A#x}", "$HOME/.local/bin", "\\$X"),
    *("&&", "||", ";", "|", "&", ">", "2>&1", ">/dev/null", "$(id -u)", "`date`", "{", "}"),
    *("(", ")"),
    *("sh", "-c", "exec", "cd", "/app", ".", "..", "./start.sh", "entrypoint.sh", "/usr/bin/env"),
    *("sudo", "rm", "-rf", "/var/lib/apt/lists/*", "chmod", "+x", "useradd", "-m", "app", "USER"),
    *("key=value", 'k="v w"', "k='v'", "a=b=c", "=", "maintainer=Jane <j@example.com>"),
    *("<<EOF", "<<-EOT", "<<'EOF'", '<<"EOF"', "2<<ERR", "<<", "<<<", "`", "\\", "#", "# not"),
    *("'", '"', "[", "]", ",", "{}", '"unterminated', "'also", "\u00e9t\u00e9", "\u65e5\u672c"),
]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=8
)
WORD = st.one_of(st.sampled_from(WORDS), TEXT)
SEPARATORS = [
    " ",
    "  ",
    "\t",
    " \\\n    ",
    " \\  \n",
    " \\\n# a comment inside\n  ",
    " \\\n\n  ",
    " \\\n \t \n",
    "\\\n",
    " `\n  ",
    "\u00a0",
    "\u3000",
]
HEREDOC_BODIES = ["echo one\n", "\techo tab\n", "EOF\n", "\tEOT\n", "ERR\n", "x \\\n", ""]
COMMENTS = [
    "# a comment",
    "# dlint ignore=DL3006",
    "# dlint ignore=DL3008,DP001 # remark",
    "# hadolint ignore=DL3025",
    "# dlint global ignore=DL3007",
    "# hadolint global ignore=ALL",
    "   # indented comment",
    "#",
]
DIRECTIVES = [
    "# syntax=docker/dockerfile:1",
    "# escape=`",
    "# escape=\\",
    "# escape=x",
    "# check=skip=JSONArgsRecommended;error=true",
    "# check=skip=all",
    "# check=experimental=all",
    "#syntax = docker/dockerfile:1.7",
    "# SYNTAX=again",
]


@st.composite
def json_form(draw: st.DrawFn) -> str:
    """An exec-form argument list: valid JSON, or one of the ways people break it."""
    items = draw(st.lists(WORD, max_size=4))
    text = json.dumps(items, ensure_ascii=draw(st.booleans()))
    breakage = draw(st.sampled_from(["", "close", "single", "trailing", "nested", "number"]))
    if breakage == "close":
        return text[:-1]
    if breakage == "single":
        return text.replace('"', "'")
    if breakage == "trailing":
        return text[:-1] + ", ]"
    if breakage == "nested":
        return f"[{text}]"
    if breakage == "number":
        return "[1, " + text[1:]
    return text


@st.composite
def instruction(draw: st.DrawFn) -> str:
    keyword = draw(st.sampled_from(KEYWORDS))
    if draw(st.booleans()):
        keyword = keyword.lower()
    if draw(st.integers(0, 9)) == 0:
        keyword = "ONBUILD " + draw(st.sampled_from(KEYWORDS))
    parts = [keyword, *draw(st.lists(st.sampled_from(FLAGS), max_size=2))]
    if draw(st.integers(0, 3)) == 0:
        parts.append(draw(json_form()))
    else:
        parts.extend(draw(st.lists(WORD, max_size=8)))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + part
    if "<<" in text and draw(st.booleans()):
        body = draw(st.lists(st.sampled_from(HEREDOC_BODIES), max_size=4))
        text += "\n" + "".join(body).rstrip("\n")
    return text


@st.composite
def dockerfile_text(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.sampled_from(DIRECTIVES), max_size=2))
    if draw(st.booleans()):
        lines.append("FROM " + draw(st.sampled_from(["python:3.12", "alpine AS build", "scratch"])))
    kinds = st.sampled_from(["instruction"] * 6 + ["comment", "blank", "text"])
    for kind in draw(st.lists(kinds, max_size=12)):
        if kind == "instruction":
            lines.append(draw(instruction()))
        elif kind == "comment":
            lines.append(draw(st.sampled_from(COMMENTS)))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "   ", "\t", "\\"])))
        else:
            lines.append(draw(TEXT))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(line.replace("\n", newline) for line in lines)
    if draw(st.booleans()):
        text += newline
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if draw(st.integers(0, 9)) == 0 else data


# --- mutated corpus files -----------------------------------------------------------------


@cache
def corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(path for path in CORPUS.glob("*/*") if path.is_file()))


INSERTIONS = [
    b"\0",
    b"\r",
    b"\xef\xbb\xbf",
    b"\\",
    b"\\\n",
    b"<<",
    b"<<EOF\n",
    b"\n",
    b'["',
    b"${",
    b"\xff",
    b"\xc3",
    b"\t",
    b"#",
    b"\\ \n\n",
]


@st.composite
def mutated_corpus_file(draw: st.DrawFn) -> bytes:
    return mutated(draw, draw(st.sampled_from(corpus_files())).read_bytes())


@st.composite
def edited_corpus_file(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A corpus file and an edit of it, as an editor sends one text after another."""
    original = draw(st.sampled_from(corpus_files())).read_bytes()
    return original, mutated(draw, original)


def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, len(data)))
        if operation == "truncate":
            del data[at:]
        elif operation == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif operation == "insert":
            data[at:at] = draw(st.sampled_from(INSERTIONS))
        elif operation == "delete":
            del data[at : at + draw(st.integers(1, 200))]
        elif operation == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
    return bytes(data)


# --- the invariants -----------------------------------------------------------------------


def assert_inside(span: Span, source: Source, what: str) -> None:
    """``span`` lies in the file: existing lines, columns on them, end not before start."""
    last = max(len(source.lines), 1)
    assert 1 <= span.line <= last and 1 <= span.end_line <= last, f"{what}: {span} past line {last}"
    assert 1 <= span.column <= len(source.line_text(span.line)) + 1, f"{what}: {span} column"
    end_length = len(source.line_text(span.end_line))
    assert 1 <= span.end_column <= end_length + 1, f"{what}: {span} end column"
    start, end = (span.line, span.column), (span.end_line, span.end_column)
    assert end >= start, f"{what}: {span} ends before it starts"


def summary(result: FileResult) -> list[tuple[object, ...]]:
    return [
        (f.code, f.level, f.span, f.message, f.fix is not None, f.path) for f in result.findings
    ]


def assert_tiles(dockerfile: Dockerfile) -> None:
    source = dockerfile.source
    covered: set[int] = set()
    previous_end = 0
    for instruction in dockerfile.instructions:
        span = instruction.span
        assert_inside(span, source, f"{instruction.keyword} span")
        assert span.line > previous_end, f"{instruction.keyword} overlaps the one before"
        previous_end = span.end_line
        covered.update(range(span.line, span.end_line + 1))
        for piece, what in pieces(instruction):
            assert_inside(piece, source, f"{instruction.keyword} {what}")
            assert span.line <= piece.line and piece.end_line <= span.end_line, what
    for number, line in enumerate(source.lines, start=1):
        if number not in covered:
            content = line.lstrip(WHITESPACE)
            assert not content or content.startswith("#"), f"line {number} belongs to nothing"
    for problem in dockerfile.problems:
        if not source.binary:
            assert_inside(problem.span, source, f"problem {problem.message!r}")


def pieces(instruction: Instruction) -> Iterator[tuple[Span, str]]:
    yield instruction.keyword_span, "keyword"
    for flag in instruction.flags:
        yield flag.span, f"flag {flag.name}"
    for argument in instruction.arguments:
        yield argument.span, f"argument {argument.value[:20]!r}"
    for heredoc in instruction.heredocs:
        yield heredoc.marker, f"heredoc marker {heredoc.name}"
        yield heredoc.span, f"heredoc {heredoc.name}"
    if instruction.text.text:
        yield instruction.text.span(0, len(instruction.text.text)), "text"
    if instruction.trigger is not None:
        yield from pieces(instruction.trigger)


def check_reuse(before: bytes, after: bytes, context: Path | None) -> None:
    """Linting ``after`` with what the lint of ``before`` left to reuse gives what linting it
    afresh gives: the same instructions and the same findings."""
    selection = every_rule()
    reuse = Reuse()
    lint_bytes(before, "Dockerfile", selection, context, reuse=reuse)
    reused = lint_bytes(after, "Dockerfile", selection, context, reuse=reuse)
    assert summary(reused) == summary(lint_bytes(after, "Dockerfile", selection, context))
    assert reused.internal_errors == []
    parsed, fresh = lex(decode(after), reuse), lex(decode(after))
    assert json.dumps(dump(parsed, build_model(parsed))) == json.dumps(
        dump(fresh, build_model(fresh))
    )
    assert parsed.problems == fresh.problems and parsed.comments == fresh.comments


def check_everything(data: bytes, context: Path | None) -> None:
    selection = every_rule()
    result = lint_bytes(data, "Dockerfile", selection, context)
    assert result.internal_errors == []
    for finding in result.findings:
        assert_inside(finding.span, result.source, f"{finding.code} {finding.message!r}")
    assert summary(lint_bytes(data, "Dockerfile", selection, context)) == summary(result)
    parsed = lex(decode(data))
    assert_tiles(parsed)
    parsed_again = lex(decode(data))
    shown = json.dumps(dump(parsed, build_model(parsed)))
    assert json.dumps(dump(parsed_again, build_model(parsed_again))) == shown
    report = Report(result.findings, [result], selection.rules, selection.levels)
    for name in FORMATS:
        assert isinstance(render(name, report), str)


@PROPERTY
@given(data=dockerfile_text())
@example(data=b"")
@example(data=b"\xef\xbb\xbf")
@example(data=b"FROM a\nRUN <<EOF\n")
@example(data=b"# escape=`\nFROM a\nRUN echo `\n")
@example(data=b'FROM a\nCMD ["a", \n')
@example(data=b"ONBUILD ONBUILD RUN x\n")
@example(data=b"\\\n\\\n")
@example(data=b"FROM a\r\nRUN a \\\r\n\r\n b\r\n")
# an unterminated heredoc whose delimiter the shell grammar reads as the pipeline's last command
@example(data=b"FROM a\nRUN x \\\n  && y <<curl \\\n  && curl -s https://example.com |")
# a FROM under ONBUILD has no image: rules of the stage's FROM must not read it
@example(data=b"FROM alpine AS build\nONBUILD ADD []\nONBUILD FROM")
def test_generated_dockerfiles(data: bytes, context: Path) -> None:
    check_everything(data, context)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not there")
@PROPERTY
@given(data=mutated_corpus_file())
def test_mutated_corpus_files(data: bytes, context: Path) -> None:
    check_everything(data, context)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not there")
@PROPERTY
@given(pair=edited_corpus_file())
def test_an_edit_linted_with_reuse_is_linted_as_afresh(
    pair: tuple[bytes, bytes], context: Path
) -> None:
    check_reuse(*pair, context)


@PROPERTY
@given(before=dockerfile_text(), after=dockerfile_text())
# the heredoc ran to the end of the file; a line added after it belongs to it
@example(before=b"FROM a\nRUN <<EOF\necho\n", after=b"FROM a\nRUN <<EOF\necho\nEOF\n")
# the same lines under another escape character are other instructions
@example(before=b"FROM a\nRUN a `\n b\n", after=b"# escape=`\nFROM a\nRUN a `\n b\n")
def test_another_text_linted_with_reuse_is_linted_as_afresh(
    before: bytes, after: bytes, context: Path
) -> None:
    check_reuse(before, after, context)


@PROPERTY
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    check_everything(data, None)


def test_a_utf16_file_is_reported_inside_the_file() -> None:
    check_everything("FROM debian:12\n".encode("utf-16"), None)


@pytest.mark.parametrize("text", ["FROM a\nRUN <<EOF\n", "FROM a\nRUN <<A <<B\nx\n"])
def test_a_heredoc_with_no_line_left_lies_inside_the_file(text: str) -> None:
    parsed = lex(decode(text.encode()))
    for heredoc in parsed.instructions[-1].heredocs:
        assert_inside(heredoc.span, parsed.source, f"heredoc {heredoc.name}")


def test_a_continued_label_key_is_reported_inside_the_file() -> None:
    check_everything(b"FROM a\nLABEL Ab\\\ncd=x\n", None)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not there")
def test_output_does_not_depend_on_hash_seeds(tmp_path: Path) -> None:
    """Sets and dicts keyed by strings iterate in a per-process order: a message or an order
    of findings built from one would change from run to run. Two processes with different
    seeds must agree on every finding of a corpus sample."""
    sample = [str(path) for path in corpus_files()[::25]]
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [
                *(sys.executable, "-m", "dockerfile_dlint", "check", "--no-config"),
                *("--select", ",".join(rule.code for rule in all_rules())),
                *("--shellcheck", "off", "--format", "json", *sample),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr
        outputs.append(done.stdout)
    assert json.loads(outputs[0]), "the sample has findings"
    assert outputs[0] == outputs[1]
