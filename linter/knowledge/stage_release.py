"""The distribution release a stage's packages come from, and the FROM line that chose it.

DB003 and DB008 ask one question of a stage: which Debian, Ubuntu or Alpine release does its
package manager install from, and which ``FROM`` decided it (their messages name that line)?
The release is :mod:`~dockerfile_dlint.knowledge.base_images`' answer for the image the
``FROM <stage>`` chain starts from; a tag that pins no release (``ubuntu``, ``alpine:latest``)
or an image the tables do not know gives None, and None means no finding.
"""

from __future__ import annotations

from typing import NamedTuple

from dockerfile_dlint.api import ImageReference, Instruction, Stage
from dockerfile_dlint.knowledge.base_images import stage_base


class StageRelease(NamedTuple):
    """``distribution`` release ``version`` (``"12"``, ``"20.04"``, ``"3.12"``), reached from
    the image ``reference`` of the chain's first ``FROM`` (``instruction``)."""

    distribution: str
    version: str
    reference: str
    instruction: Instruction

    @property
    def label(self) -> str:
        """How to name the release in a message: ``Debian 12``."""
        return f"{self.distribution.capitalize()} {self.version}"


def stage_release(stage: Stage | None) -> StageRelease | None:
    """The release ``stage`` installs packages from, when its base image pins one."""
    if stage is None:
        return None
    base = stage_base(stage)
    if base is None or base.release is None or not base.release.version:
        return None
    root = stage
    while root.parent is not None:
        root = root.parent
    release = base.release
    if _patch_pinned(base.reference, release.codename, base.runtime):
        return None
    return StageRelease(
        release.distribution, release.version, base.reference, root.from_instruction
    )


def _patch_pinned(reference: str, codename: str, runtime: str | None) -> bool:
    """Whether a language image's tag pins a patch release (``python:3.5.2``) without naming
    its distribution release: such a tag froze on the release of its day (3.5.2 on jessie in
    2016), not on the last one its minor version was built on, which base_images reports."""
    if runtime is None:
        return False
    tag = (ImageReference.parse(reference).tag or "").lower()
    version = tag.split("-")[0]
    return version.count(".") >= 2 and codename not in tag.split("-")
