"""The ``COPY --from`` lines that bring a Python environment or ``node_modules`` into the image,
by the static model: for ``dlint smoke`` to point at when the container fails the way such a
copy fails (DP010's symptoms: ``bad interpreter``, ``Error loading shared library``, …).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path

from .artifacts import target_stage
from .knowledge.runtime_environments import environment_kinds
from .records import NamedTuple


class EnvironmentCopy(NamedTuple):
    """A ``COPY --from`` of an environment: its line, its text, and ``kind`` (``python`` or
    ``node``)."""

    line: int
    text: str
    kind: str


def environment_copies(
    dockerfile: Path,
    context: Path,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> list[EnvironmentCopy]:
    """The environment copies of the image built from ``dockerfile`` (stage ``target``) and of
    the stages it is built ``FROM``."""
    built = target_stage(dockerfile, context, target, build_args)
    if built is None:
        return []
    ctx, stage = built
    lineage = {member.index for member in stage.lineage}
    found = []
    for copy in ctx.copy_sources:
        consumer = ctx.stage(copy.instruction)
        if copy.stage is None or consumer is None or consumer.index not in lineage:
            continue
        instruction = copy.instruction
        for argument in instruction.arguments[:-1]:
            value = ctx.expand(instruction, argument.value)
            if not value.complete:
                continue
            source = posixpath.normpath("/" + value.value.lstrip("/"))
            for kind in sorted(environment_kinds(ctx, copy.stage, source)):
                text = ctx.dockerfile.source.line_text(instruction.line).strip()
                found.append(EnvironmentCopy(instruction.line, text, kind))
    return list(dict.fromkeys(found))
