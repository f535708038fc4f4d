"""Ignore pragmas in comments: ``# dlint ignore=…`` and hadolint's ``# hadolint ignore=…``.

``# dlint ignore=DL3008,DL3015`` on the comment lines directly above an instruction silences
those rules for that instruction (all its lines); ``# dlint global ignore=…`` anywhere silences
them for the file. hadolint's spellings are read too, so existing Dockerfiles keep working.
Anything after the list (``# dlint ignore=DL3008 # pinned by the base image``) is a remark.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .patterns import lazy
from .records import NamedTuple
from .syntax import Dockerfile

_PRAGMA = lazy(
    r"\s*(?:dlint|hadolint)\s+(global\s+)?ignore\s*=\s*([\w.-]+(?:\s*,\s*[\w.-]+)*)",
    re.IGNORECASE,
)


class Pragmas(NamedTuple):
    """Selectors silenced for the whole file, and per instruction (by instruction index)."""

    file_wide: frozenset[str]
    by_instruction: dict[int, frozenset[str]]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def silenced(self, line: int) -> frozenset[str]:
        """Selectors silenced for a finding on ``line``."""
        if not self.by_instruction:
            return self.file_wide
        index = bisect_right(self.starts, line) - 1
        if index < 0 or line > self.ends[index]:
            return self.file_wide
        return self.file_wide | self.by_instruction.get(index, frozenset())


def read_pragmas(dockerfile: Dockerfile) -> Pragmas:
    """Collect the ignore pragmas of a file."""
    file_wide: set[str] = set()
    by_line: dict[int, frozenset[str]] = {}
    comment_lines = set()
    for comment in dockerfile.comments:
        comment_lines.add(comment.span.line)
        match = _PRAGMA.match(comment.text)
        if match is None:
            continue
        selectors = frozenset(s.strip() for s in match.group(2).split(","))
        if match.group(1):
            file_wide.update(selectors)
        else:
            by_line[comment.span.line] = selectors
    by_instruction: dict[int, frozenset[str]] = {}
    if by_line:
        for index, instruction in enumerate(dockerfile.instructions):
            line = instruction.span.line - 1
            silenced: set[str] = set()
            while line in comment_lines:
                silenced.update(by_line.get(line, ()))
                line -= 1
            if silenced:
                by_instruction[index] = frozenset(silenced)
    instructions = dockerfile.instructions
    return Pragmas(
        frozenset(file_wide),
        by_instruction,
        tuple(instruction.span.line for instruction in instructions),
        tuple(instruction.span.end_line for instruction in instructions),
    )
