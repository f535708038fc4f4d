"""The distribution release a stage's packages come from, and the FROM line that chose it.

DB003 and DB008 ask one question of a stage: which Debian, Ubuntu or Alpine release does its
package manager install from, and which ``FROM`` decided it (their messages name that line)?
The release is :mod:`~dockerfile_dlint.knowledge.base_images`' answer for the image the
``FROM <stage>`` chain starts from. Where that tag pins no release, the distribution images'
floating tags (``ubuntu``, ``debian:latest``, ``debian:stable-slim``, ``alpine:latest``) are
read as the release they pointed at on the as-of date, from the release dates below; other
tags that pin no release (``python:3``, ``alpine:edge``) and images the tables do not know give
None, and None means no finding.
"""

from __future__ import annotations

import datetime

from dockerfile_dlint.api import ImageReference, Instruction, Stage
from dockerfile_dlint.knowledge.base_images import stage_base

from ..records import NamedTuple

# The release a floating tag points at from a date on: the distribution's release day (the
# image tags follow within days; a build in those days is judged on the new release).
# Debian stable: debian.org/releases (9 2017-06-17, 10 2019-07-06, 11 2021-08-14,
# 12 2023-06-10, 13 2025-08-09). ubuntu:latest is the newest LTS (docker-library/official-images
# library/ubuntu): wiki.ubuntu.com/Releases (16.04 2016-04-21, 18.04 2018-04-26, 20.04
# 2020-04-23, 22.04 2022-04-21, 24.04 2024-04-25, 26.04 2026-04-23). alpine:latest is the
# newest stable branch: alpinelinux.org/releases (3.12 2020-05-29 … 3.22 2025-05-30).
D = datetime.date
FLOATING: dict[str, tuple[tuple[datetime.date, str], ...]] = {
    "debian": (
        (D(2017, 6, 17), "9"), (D(2019, 7, 6), "10"), (D(2021, 8, 14), "11"),
        (D(2023, 6, 10), "12"), (D(2025, 8, 9), "13"),
    ),
    "ubuntu": (
        (D(2016, 4, 21), "16.04"), (D(2018, 4, 26), "18.04"), (D(2020, 4, 23), "20.04"),
        (D(2022, 4, 21), "22.04"), (D(2024, 4, 25), "24.04"), (D(2026, 4, 23), "26.04"),
    ),
    "alpine": (
        (D(2020, 5, 29), "3.12"), (D(2021, 1, 14), "3.13"), (D(2021, 6, 15), "3.14"),
        (D(2021, 11, 24), "3.15"), (D(2022, 5, 23), "3.16"), (D(2022, 11, 22), "3.17"),
        (D(2023, 5, 9), "3.18"), (D(2023, 12, 7), "3.19"), (D(2024, 5, 22), "3.20"),
        (D(2024, 12, 5), "3.21"), (D(2025, 5, 30), "3.22"),
    ),
}  # fmt: skip
# The tags of each distribution image that float with its newest release.
FLOATING_TAGS = {
    "debian": frozenset({"", "latest", "stable", "stable-slim"}),
    "ubuntu": frozenset({"", "latest"}),
    "alpine": frozenset({"", "latest"}),
}


class StageRelease(NamedTuple):
    """``distribution`` release ``version`` (``"12"``, ``"20.04"``, ``"3.12"``), reached from
    the image ``reference`` of the chain's first ``FROM`` (``instruction``)."""

    distribution: str
    version: str
    reference: str
    instruction: Instruction
    floating_on: datetime.date | None = None

    @property
    def label(self) -> str:
        """How to name the release in a message: ``Debian 12``."""
        return f"{self.distribution.capitalize()} {self.version}"

    @property
    def origin(self) -> str:
        """Where the release comes from, for a message: ``the release of the base image
        debian:bookworm (line 1)``; a floating tag says on which date it points there."""
        line = self.instruction.span.line
        if self.floating_on is None:
            return f"the release of the base image {self.reference} (line {line})"
        return (
            f"the release the base image {self.reference} (line {line}) points at on "
            f"{self.floating_on.isoformat()}"
        )


def stage_release(stage: Stage | None, today: datetime.date) -> StageRelease | None:
    """The release ``stage`` installs packages from on ``today``, when its base image's tag
    pins one or floats with its distribution's newest release."""
    if stage is None:
        return None
    base = stage_base(stage)
    if base is None:
        return None
    root = stage.root
    release = base.release
    if release is None or not release.version:
        version = floating_release(base.reference, today)
        if version is None:
            return None
        return StageRelease(
            version[0], version[1], base.reference, root.from_instruction, floating_on=today
        )
    if _patch_pinned(base.reference, release.codename, base.runtime):
        return None
    return StageRelease(
        release.distribution, release.version, base.reference, root.from_instruction
    )


def floating_release(reference: str, today: datetime.date) -> tuple[str, str] | None:
    """``(distribution, version)`` a floating tag of ``debian``, ``ubuntu`` or ``alpine``
    points at on ``today``; None for other tags and images."""
    image = ImageReference.parse(reference)
    if image.registry not in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
        return None
    name = image.repository.lower().removeprefix("library/")
    tag = (image.tag or "").lower()
    if name not in FLOATING or tag not in FLOATING_TAGS[name]:
        return None
    current = None
    for since, version in FLOATING[name]:
        if since <= today:
            current = version
    return (name, current) if current is not None else None


def _patch_pinned(reference: str, codename: str, runtime: str | None) -> bool:
    """Whether a language image's tag pins a patch release (``python:3.5.2``) without naming
    its distribution release: such a tag froze on the release of its day (3.5.2 on jessie in
    2016), not on the last one its minor version was built on, which base_images reports."""
    if runtime is None:
        return False
    tag = (ImageReference.parse(reference).tag or "").lower()
    version = tag.split("-")[0]
    return version.count(".") >= 2 and codename not in tag.split("-")
