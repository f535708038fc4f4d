"""``.dockerignore`` matching as Docker's patternmatcher does it."""

from __future__ import annotations

from pathlib import Path

import pytest
from dockerfile_dlint.api import BuildContext
from dockerfile_dlint.knowledge.dockerignore import find_dockerignore, parse_dockerignore


def excluded(patterns: str, path: str) -> bool:
    return parse_dockerignore(patterns).excludes(path)


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        ("node_modules", "node_modules", True),
        ("node_modules", "node_modules/react/index.js", True),
        ("node_modules", "src/node_modules", False),
        ("*.log", "app.log", True),
        ("*.log", "logs/app.log", False),
        ("**/*.log", "logs/deep/app.log", True),
        ("**/*.log", "app.log", True),
        ("docs/**", "docs/a/b.md", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("*/tmp/*", "./tmp/helloworld.txt", True),
        ("*/tmp/*", "tmp/helloworld.txt", False),
        ("/build", "build/out", True),
        ("./dist/", "dist", True),
        ("?.txt", "a.txt", True),
        ("?.txt", "ab.txt", False),
        ("[a-c].txt", "b.txt", True),
        ("[a-c].txt", "d.txt", False),
        ("file\\*", "file*", True),
        ("file\\*", "fileX", False),
        ("a.b", "axb", False),
        ("*", ".", True),
        ("secrets", "/secrets", False),
    ],
)
def test_pattern_matching(patterns: str, path: str, expected: bool) -> None:
    assert excluded(patterns, path) is expected


def test_exceptions_re_include_and_the_last_match_wins() -> None:
    patterns = "*.md\n!README.md\n"
    assert excluded(patterns, "CHANGES.md")
    assert not excluded(patterns, "README.md")
    assert excluded(patterns + "README*\n", "README.md")


def test_exception_cannot_re_include_below_an_excluded_directory_pattern_order() -> None:
    patterns = "docs\n!docs/keep.md\n"
    assert not excluded(patterns, "docs/keep.md")
    assert excluded(patterns, "docs/other.md")


def test_comments_blank_lines_and_whitespace() -> None:
    ignore = parse_dockerignore("\ufeff# a comment\n\n   build   \n  # not a comment\n!\n[\n")
    assert [pattern.pattern for pattern in ignore.patterns] == ["build", "# not a comment"]
    assert ignore.patterns[0].line == 3


def test_dockerfile_specific_ignore_file_takes_precedence(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("*.txt\n")
    (tmp_path / "app.Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "app.Dockerfile.dockerignore").write_text("*.md\n")
    context = BuildContext(tmp_path)
    specific = find_dockerignore(str(tmp_path / "app.Dockerfile"), context)
    assert specific is not None and specific.source.endswith("app.Dockerfile.dockerignore")
    assert specific.excludes("x.md") and not specific.excludes("x.txt")
    general = find_dockerignore(str(tmp_path / "Dockerfile"), context)
    assert general is not None and general.source == ".dockerignore"
    assert general.excludes("x.txt")


def test_no_ignore_file_or_no_context(tmp_path: Path) -> None:
    assert find_dockerignore("Dockerfile", BuildContext(tmp_path)) is None
    assert find_dockerignore("Dockerfile", None) is None
