"""What the built image must contain, by the static model: for ``dlint smoke`` to verify.

The tool outputs DP002 reasons about (Prisma engines, Playwright browsers, ``pip install
--user`` packages, virtualenvs …) are checked in the real image before it boots: the target
stage's own outputs where they were made, and the outputs of every stage it copies from — at
the place the copy puts them, or, for the ones it does not copy, where the app looks for them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path

from .api import Context, StageOutput
from .buildcontext import BuildContext
from .engine import DEFAULT_MAX_FILE_SIZE, FileTooLarge, read_file
from .lexer import lex
from .model import Stage, build_model
from .outputs import copies_into
from .records import NamedTuple
from .source import decode


class ExpectedArtifact(NamedTuple):
    """A file the final image needs: some file under ``path`` matches ``pattern``."""

    path: str
    pattern: str
    description: str
    line: int


def expected_artifacts(
    dockerfile: Path,
    context: Path,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> list[ExpectedArtifact]:
    """The artifacts the image built from ``dockerfile`` (stage ``target``) should contain."""
    built = target_stage(dockerfile, context, target, build_args)
    if built is None:
        return []
    ctx, stage = built
    found: dict[str, ExpectedArtifact] = {}
    for output in ctx.stage_outputs(stage):
        if not output.cached:
            found.setdefault(output.path, _artifact(output.path, output, stage))
    for producer, copies in _producers(ctx, stage).items():
        for output in ctx.stage_outputs(producer):
            placed = [p for source, dest in copies if (p := _placed(output.path, source, dest))]
            for path in placed or [output.path]:
                found.setdefault(path, _artifact(path, output, producer))
    return list(found.values())


def target_stage(
    dockerfile: Path,
    context: Path,
    target: str | None = None,
    build_args: Mapping[str, str] | None = None,
) -> tuple[Context, Stage] | None:
    """The model of ``dockerfile`` and the stage ``dlint smoke`` builds (``target``, else the
    last); None when the file cannot be read (smoke reports that itself, before building) or
    has no such stage."""
    try:
        data = read_file(dockerfile, DEFAULT_MAX_FILE_SIZE)
    except (OSError, FileTooLarge):
        return None
    document = lex(decode(data, str(dockerfile)))
    model = build_model(document, build_args)
    if not model.stages:
        return None
    stage = model.stage_named(target) if target else model.stages[-1]
    if stage is None:
        return None
    return Context(document, model, BuildContext(context)), stage


def _producers(ctx: Context, stage: Stage) -> dict[Stage, list[tuple[str, str]]]:
    """Stages ``stage`` (and the stages it is built from) copies from: (source, destination).

    Tool outputs are directories: a copy puts a directory's contents at the target.
    """
    producers: dict[Stage, list[tuple[str, str]]] = {}
    for item in copies_into(ctx, stage):
        pairs = producers.setdefault(item.producer, [])
        pairs.extend((source, item.destination) for source in item.sources)
    return producers


def _placed(path: str, source: str, destination: str) -> str | None:
    """Where a copy of ``source`` to ``destination`` puts ``path``, if it brings it."""
    if path == source:
        return destination
    if source == "/":
        return posixpath.join(destination, path.lstrip("/"))
    if path.startswith(source + "/"):
        return posixpath.join(destination, path[len(source) + 1 :])
    return None


def _artifact(path: str, output: StageOutput, stage: Stage) -> ExpectedArtifact:
    stage_name = stage.name or str(stage.index)
    description = (
        f"{output.tool.what}, from `{output.tool.name}` in stage {stage_name}, "
        f"line {output.instruction.line}"
    )
    return ExpectedArtifact(path, output.tool.probe, description, output.instruction.line)
