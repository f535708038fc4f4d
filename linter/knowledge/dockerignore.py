"""Docker's ``.dockerignore``: which paths of the build context the builder never receives.

Follows moby's ``patternmatcher`` and its ignore-file reader, which BuildKit uses:

- one pattern a line; a line starting with ``#`` is a comment; blank lines are skipped;
  surrounding whitespace is trimmed;
- a pattern is cleaned like a path (``./a//b/`` is ``a/b``) and a leading ``/`` dropped, so
  patterns are always relative to the context root;
- ``*`` matches within one path element, ``?`` one character, ``[a-z]`` a class, ``\\`` escapes,
  ``**`` any number of elements (``**/x`` matches ``x`` at any depth);
- ``!pattern`` re-includes what an earlier pattern excluded; the last matching pattern wins;
- a path is excluded when it, or one of its parent directories, matches.

Which file applies: ``<Dockerfile name>.dockerignore`` beside the Dockerfile takes precedence
over ``.dockerignore`` at the root of the context.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from ..buildcontext import MAX_FILE_BYTES, BuildContext
from ..records import NamedTuple

BOM = "\ufeff"
# Characters Go's regexp.QuoteMeta escapes, less those patterns give a meaning (* ? [ ] \\).
_REGEX_SPECIAL = frozenset(".+()|{}^$")


class IgnorePattern(NamedTuple):
    """One cleaned pattern; ``exclusion`` for a ``!`` pattern that re-includes paths."""

    pattern: str
    exclusion: bool
    line: int
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        return self.regex.match(path) is not None


class DockerIgnore(NamedTuple):
    """The patterns of one ignore file, and which file they came from."""

    source: str
    patterns: tuple[IgnorePattern, ...]

    def excludes(self, path: str) -> bool:
        """Whether the builder leaves out ``path`` (as a COPY source names it, relative to the
        context): the last pattern matching it or one of its parent directories decides."""
        parent = go_clean(posixpath.dirname(path))
        parents = parent.split("/")
        excluded = False
        for pattern in self.patterns:
            if pattern.exclusion != excluded:
                continue
            match = pattern.matches(path)
            if not match and parent != ".":
                match = any(
                    pattern.matches("/".join(parents[: index + 1])) for index in range(len(parents))
                )
            if match:
                excluded = not pattern.exclusion
        return excluded


def parse_dockerignore(text: str, source: str = ".dockerignore") -> DockerIgnore:
    """Read an ignore file's patterns; a pattern Docker would reject (``!`` alone, an
    unclosed ``[``) is left out."""
    patterns = []
    for number, raw in enumerate(text.removeprefix(BOM).split("\n"), start=1):
        if raw.startswith("#"):
            continue
        pattern = raw.strip()
        if not pattern:
            continue
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:].strip()
            if not pattern:
                continue
        pattern = go_clean(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        regex = _compile(pattern)
        if regex is not None:
            patterns.append(IgnorePattern(pattern, exclusion, number, regex))
    return DockerIgnore(source, tuple(patterns))


def find_dockerignore(dockerfile: str, context: BuildContext | None) -> DockerIgnore | None:
    """The ignore file that applies to a build of ``dockerfile`` (its path as given) with
    ``context``: ``<name>.dockerignore`` beside the Dockerfile, else ``.dockerignore`` at the
    context root; None when there is neither (or no context)."""
    if context is None:
        return None
    name = Path(dockerfile).name + ".dockerignore"
    path = Path(dockerfile)
    if path.is_file():
        text = _read(path.with_name(name))
        if text is not None:
            return parse_dockerignore(text, str(path.with_name(name)))
    else:
        text = context.read_text(name)
        if text is not None:
            return parse_dockerignore(text, name)
    text = context.read_text(".dockerignore")
    if text is None:
        return None
    return parse_dockerignore(text, ".dockerignore")


def _read(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    return data.decode("utf-8", errors="replace")


def go_clean(path: str) -> str:
    """A path cleaned as Go's ``filepath.Clean`` does (``""`` is ``.``, ``//a`` is ``/a``)."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def _compile(pattern: str) -> re.Pattern[str] | None:
    """The regular expression patternmatcher builds for ``pattern``."""
    out = ["^"]
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        index += 1
        if char == "*":
            if index < length and pattern[index] == "*":
                index += 1
                if index < length and pattern[index] == "/":
                    index += 1
                out.append(".*" if index >= length else "(.*/)?")
            else:
                out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            if index < length:
                following = pattern[index]
                out.append("\\" + following if not following.isalnum() else following)
                index += 1
            else:
                out.append("\\\\")
        elif char in "[]":
            out.append(char)
        else:
            out.append("\\" + char if char in _REGEX_SPECIAL else char)
    out.append("$")
    try:
        return re.compile("".join(out))
    except re.error:
        return None
