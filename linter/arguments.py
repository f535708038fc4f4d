"""The arguments each instruction must have, as BuildKit's instruction parser demands.

BuildKit's line parser accepts ``FROM`` with no image or ``COPY`` with one path; its
instruction parser then stops the build. dlint reports these as problems at the instruction,
with the form Docker expects, and goes on linting.
"""

from __future__ import annotations

from .source import Problem
from .syntax import Instruction

_NEEDS_AN_ARGUMENT = frozenset(
    {"ARG", "ENV", "EXPOSE", "LABEL", "MAINTAINER", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_KEY_VALUE = frozenset({"ENV", "LABEL"})


def argument_problems(instruction: Instruction) -> list[Problem]:
    """What is wrong with the number or form of an instruction's arguments."""
    message = _problem(instruction)
    return [Problem(instruction.span, message)] if message else []


def _problem(instruction: Instruction) -> str | None:
    keyword = instruction.keyword
    words = [argument.value for argument in instruction.arguments]
    if keyword == "FROM":
        if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "AS"):
            return "FROM takes an image, optionally followed by AS and a stage name"
    elif keyword in ("COPY", "ADD"):
        if len(words) + len(instruction.heredocs) < 2:
            return f"{keyword} needs at least one source and a destination"
    elif keyword == "RUN":
        if not words and not instruction.json:
            return "RUN needs a command"
    elif keyword == "SHELL":
        if not instruction.json or not words:
            return 'SHELL needs a JSON array, such as SHELL ["/bin/bash", "-c"]'
    elif keyword in _NEEDS_AN_ARGUMENT and not words:
        return f"{keyword} needs an argument"
    elif keyword in _KEY_VALUE and "=" in words[0]:
        bare = next((word for word in words if "=" not in word), None)
        if bare is not None:
            return f"{keyword}: {bare!r} is not of the form name=value"
    return None
