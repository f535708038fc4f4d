"""The distribution release a stage's packages come from, and the date rules judge against.

DB003 and DB008 ask one question of a stage: which Debian, Ubuntu or Alpine release does its
package manager install from? The answer follows ``FROM <stage>`` to the image the chain starts
from. This module answers only for tags that name the release themselves (``debian:bookworm``,
``ubuntu:20.04``, ``alpine:3.12``, ``python:3.11-slim-bullseye``, ``node:18-alpine3.17``);
floating tags (``ubuntu``, ``python:3``) are left unknown here, and unknown means no finding.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from dockerfile_dlint.api import Instruction, Stage
from dockerfile_dlint.images import ImageReference

# debian.org/releases: codename -> number.
DEBIAN_CODENAMES = {
    "wheezy": "7",
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
    "forky": "14",
}
# wiki.ubuntu.com/Releases: codename -> number.
UBUNTU_CODENAMES = {
    "trusty": "14.04",
    "xenial": "16.04",
    "bionic": "18.04",
    "focal": "20.04",
    "jammy": "22.04",
    "noble": "24.04",
    "oracular": "24.10",
    "plucky": "25.04",
    "questing": "25.10",
    "resolute": "26.04",
}
_NUMBER = re.compile(r"(\d+(?:\.\d+)*)")
_ALPINE_SUFFIX = re.compile(r"(?:^|-)alpine(\d+\.\d+)(?:$|-)")


class Release(NamedTuple):
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


def stage_release(stage: Stage | None) -> Release | None:
    """The release ``stage`` installs packages from, when its base image's tag names it."""
    root = stage
    while root is not None and root.parent is not None:
        root = root.parent
    if root is None or root.image_resolved is None:
        return None
    image = root.base_image
    if image is None:
        return None
    found = release_of_reference(image)
    if found is None:
        return None
    return Release(found[0], found[1], root.image_resolved, root.from_instruction)


def release_of_reference(image: ImageReference) -> tuple[str, str] | None:
    """``(distribution, version)`` for a Docker Hub image whose tag names the release."""
    if image.registry not in (None, "docker.io", "index.docker.io"):
        return None
    repository = image.repository.removeprefix("library/")
    tag = (image.tag or "").lower()
    if not tag or tag == "latest":
        return None
    if repository in ("debian", "ubuntu", "alpine"):
        return _distribution_tag(repository, tag)
    if "/" in repository:
        return None  # someone else's image: its tag names their release, not Debian's
    alpine = _ALPINE_SUFFIX.search(tag)
    if alpine is not None:
        return ("alpine", alpine.group(1))
    for word in tag.split("-"):
        if word in DEBIAN_CODENAMES:
            return ("debian", DEBIAN_CODENAMES[word])
        if word in UBUNTU_CODENAMES:
            return ("ubuntu", UBUNTU_CODENAMES[word])
    return None


def _distribution_tag(repository: str, tag: str) -> tuple[str, str] | None:
    first = tag.split("-")[0]
    if repository == "debian" and first in DEBIAN_CODENAMES:
        return ("debian", DEBIAN_CODENAMES[first])
    if repository == "ubuntu" and first in UBUNTU_CODENAMES:
        return ("ubuntu", UBUNTU_CODENAMES[first])
    match = _NUMBER.fullmatch(first)
    if match is None:
        return None
    number = match.group(1)
    if repository == "debian":
        return ("debian", number.split(".")[0])
    if repository == "ubuntu":
        return ("ubuntu", ".".join(number.split(".")[:2]))
    return ("alpine", ".".join(number.split(".")[:2])) if "." in number else None


def as_of(options: Mapping[str, Any]) -> datetime.date:
    """The date rules judge dated facts against: the ``as-of`` setting, else today."""
    value = options.get("as-of")
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return datetime.date.today()
