"""Differential tests on ../shared/corpus (5,079 real Dockerfiles).

BuildKit's own parser (the ``dockerfile`` package) is the reference for how Docker splits a
file into instructions. dockerfile-parse is a second oracle: where it disagrees with dlint,
BuildKit must side with dlint (its known defects: empty continuation lines end an instruction,
heredoc bodies read as instructions).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import dockerfile
import pytest
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.source import decode
from dockerfile_dlint.syntax import Dockerfile
from dockerfile_parse import DockerfileParser
from helpers import CORPUS, lint

# Files where dlint's instruction list differs from BuildKit's, each with the reason.
# None today; a new entry needs a sentence explaining why dlint is right or cannot follow.
EXPLAINED_DIFFERENCES: dict[str, str] = {}

Outline = list[tuple[str | None, int, int]]


@cache
def corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(CORPUS.glob("*/*")))


def dlint_outline(parsed: Dockerfile) -> Outline:
    return [
        (instruction.keyword or None, instruction.span.line, instruction.span.end_line)
        for instruction in parsed.instructions
    ]


def buildkit_outline(path: Path) -> Outline | None:
    """BuildKit's instructions (keyword, start line, end line), or None when it rejects the file."""
    try:
        commands = dockerfile.parse_file(str(path))
    except dockerfile.GoParseError:
        return None
    return [
        (command.cmd.upper() if command.cmd else None, command.start_line, command.end_line)
        for command in commands
    ]


def test_corpus_is_there() -> None:
    assert len(corpus_files()) >= 5000


def test_instructions_agree_with_buildkit() -> None:
    disagreements = []
    for path in corpus_files():
        parsed = lex(decode(path.read_bytes(), str(path)))
        reference = buildkit_outline(path)
        agrees = bool(parsed.problems) if reference is None else dlint_outline(parsed) == reference
        if not agrees and path.name not in EXPLAINED_DIFFERENCES:
            disagreements.append(path.name)
    files = len(corpus_files())
    assert (files - len(disagreements)) / files >= 0.999, disagreements[:20]
    assert disagreements == [], "explain each difference in EXPLAINED_DIFFERENCES"


def test_forms_and_flags_agree_with_buildkit() -> None:
    """Exec or shell form, and the flags, of every instruction BuildKit reads."""
    mismatches = []
    for path in corpus_files():
        parsed = lex(decode(path.read_bytes(), str(path)))
        try:
            commands = dockerfile.parse_file(str(path))
        except dockerfile.GoParseError:
            continue
        for ours, theirs in zip(parsed.instructions, commands, strict=True):
            flags = tuple(
                f"--{flag.name}" + ("" if flag.value is None else f"={flag.value}")
                for flag in ours.flags
            )
            if (ours.effective.json, flags) != (theirs.json, theirs.flags):
                mismatches.append((path.name, ours.line))
            elif ours.json and ours.keyword != "HEALTHCHECK":
                values = tuple(argument.value for argument in ours.arguments)
                mismatches.extend([(path.name, ours.line)] if values != theirs.value else [])
    assert mismatches == []


def test_where_dockerfile_parse_disagrees_buildkit_sides_with_dlint() -> None:
    logging.disable(logging.CRITICAL)
    try:
        checked = overruled = 0
        for path in corpus_files():
            parsed = lex(decode(path.read_bytes(), str(path)))
            with path.open("rb") as handle:
                structure = DockerfileParser(fileobj=handle).structure
            theirs = [
                (item["instruction"].upper(), item["startline"] + 1)
                for item in structure
                if item["instruction"] != "COMMENT"
            ]
            ours = [(instruction.keyword, instruction.line) for instruction in parsed.instructions]
            checked += 1
            if ours != theirs:
                overruled += 1
                reference = buildkit_outline(path)
                assert reference is not None
                assert [(k, start) for k, start, _ in reference] == ours, path.name
        assert checked == len(corpus_files())
        assert overruled < 0.05 * checked
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize("folder", ["dinosaur", "modern"])
def test_every_corpus_file_lints_without_internal_errors(folder: str) -> None:
    files = [path for path in corpus_files() if path.parent.name == folder]
    assert files
    for path in files:
        result = lint(path.read_bytes(), path=str(path))
        assert result.internal_errors == [], path.name
        for finding in result.findings:
            span = finding.span
            assert 1 <= span.line <= max(len(result.source.lines), 1), (path.name, finding)
            assert (span.end_line, span.end_column) >= (span.line, span.column), finding
