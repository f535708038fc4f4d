"""Where a file in the image came from: the COPY or ADD that put it there, and its source.

Rules read the files a container runs (entrypoint scripts, requirements files) from the build
context. Given a path inside a stage's image, this follows the stage's COPY and ADD
instructions back, latest first, through ``FROM <stage>`` and ``COPY --from=<stage>``, the way
Docker lays files out: a directory source copies its contents, ``COPY . .`` copies the context
into WORKDIR, a file lands on the destination or inside it when that is a directory, and a
``COPY <<name`` heredoc is a file of its own.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from .buildcontext import BuildContext
from .model import Model, Stage
from .records import NamedTuple
from .syntax import Heredoc, Instruction
from .variables import expand

_MAX_STAGE_HOPS = 4
_GLOB = frozenset("*?[")


class ImageFile(NamedTuple):
    """A file in an image, the instruction that copied it, and its build-context source."""

    path: str
    instruction: Instruction
    context_path: str | None
    heredoc: Heredoc | None = None

    def read(self, context: BuildContext | None) -> str | None:
        """The file's text: a heredoc's body, or the context file's (None when unreadable)."""
        if self.heredoc is not None:
            return self.heredoc.body.text
        if context is None or self.context_path is None:
            return None
        return context.read_text(self.context_path)


def find_image_file(
    model: Model, stage: Stage, path: str, context: BuildContext | None
) -> ImageFile | None:
    """Where ``path`` (absolute) in ``stage``'s image was copied from, if this file did it."""
    return _find(model, stage, posixpath.normpath(path), context, _MAX_STAGE_HOPS)


def _find(
    model: Model, stage: Stage, path: str, context: BuildContext | None, hops: int
) -> ImageFile | None:
    for current in _lineage(stage):
        for instruction in reversed(current.instructions):
            if instruction.keyword in ("COPY", "ADD") and instruction.arguments:
                found = _through(model, instruction, path, context, hops)
                if found is not None:
                    return found
    return None


def _lineage(stage: Stage) -> Iterator[Stage]:
    current: Stage | None = stage
    while current is not None:
        yield current
        current = current.parent


def _through(
    model: Model, instruction: Instruction, path: str, context: BuildContext | None, hops: int
) -> ImageFile | None:
    """The source of ``path`` if ``instruction`` copied it."""
    state = model.state(instruction)
    values = []
    for argument in instruction.arguments:
        expansion = expand(argument.value, state.variables)
        values.append(expansion.value if expansion.complete else None)
    raw_destination = values[-1]
    if raw_destination is None:
        return None
    if not raw_destination.startswith("/"):
        if state.workdir is None:
            return None
        raw_destination = posixpath.join(state.workdir, raw_destination)
    destination = posixpath.normpath(raw_destination)
    markers = {heredoc.marker for heredoc in instruction.heredocs}
    sources = [
        value
        for value, argument in zip(values[:-1], instruction.arguments[:-1], strict=True)
        if argument.span not in markers
    ]
    copied = len(sources) + len(instruction.heredocs)
    directory = raw_destination.endswith(("/", "/.")) or copied > 1
    for heredoc in instruction.heredocs:
        if path == (posixpath.join(destination, heredoc.name) if directory else destination):
            return ImageFile(path, instruction, None, heredoc)
    origin = None
    if instruction.flag("from") is not None:
        copy_source = model.copy_source(instruction)
        origin = copy_source.stage if copy_source is not None else None
        if origin is None or hops == 0:
            return None
    for source in reversed(sources):
        if source is None or "://" in source:
            continue
        for candidate in _candidates(path, source, destination, directory):
            if origin is not None:
                found = _find(model, origin, "/" + candidate, context, hops - 1)
                if found is not None:
                    return found
            elif context is None or context.is_file(candidate):
                return ImageFile(path, instruction, candidate)
    return None


def _candidates(path: str, source: str, destination: str, directory: bool) -> list[str]:
    """Source paths (relative, no leading /) that this copy would put on ``path``."""
    source = posixpath.normpath(source).strip("/")
    source = "" if source == "." else source
    found = []
    if path.startswith(destination.rstrip("/") + "/"):
        relative = path[len(destination.rstrip("/")) + 1 :]
        found.append(posixpath.join(source, relative) if source else relative)
    name = posixpath.basename(path)
    pattern = posixpath.basename(source)
    if _GLOB.intersection(pattern):
        if posixpath.dirname(path) == destination and fnmatch.fnmatchcase(name, pattern):
            found.append(posixpath.join(posixpath.dirname(source), name))
    elif source and (
        (path == destination and not directory)
        or (posixpath.dirname(path) == destination and pattern == name)
    ):
        found.append(source)
    return found
