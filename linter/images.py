"""Image references as Docker reads them: ``[registry[:port]/]path[:tag][@digest]``."""

from __future__ import annotations

from .records import NamedTuple


class ImageReference(NamedTuple):
    """The parts of an image reference; ``registry`` is None for Docker Hub."""

    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, reference: str) -> ImageReference:
        rest, _, digest = reference.partition("@")
        slash = rest.rfind("/")
        colon = rest.rfind(":")
        tag = None
        if colon > slash:
            rest, tag = rest[:colon], rest[colon + 1 :]
        registry = None
        first, sep, remainder = rest.partition("/")
        if sep and ("." in first or ":" in first or first == "localhost"):
            registry, rest = first, remainder
        return cls(registry, rest, tag, digest or None)
