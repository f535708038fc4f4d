"""What a base image is: distribution, release, runtime, package manager, C library, commands.

The build-rot rules (DB…) judge a RUN by the image it runs in: ``apt-get`` on Alpine, ``curl``
on ``python:3.12-slim``, ``apt-get update`` on ``debian:jessie``. This module reads an image
reference the way its publisher names its tags and answers from the tables in
:mod:`dockerfile_dlint.knowledge.base_image_tables`, which cite their sources.

API (stable; other rules and ``dlint smoke`` use it):

- ``describe_image(reference) -> BaseImage | None``: the image a reference names
  (``python:3.6-slim``, ``docker.io/library/debian:buster``, ``ubuntu:12.10``); None when the
  image is not one the tables know (a private image, ``scratch``, Windows, an unexpanded
  ``$ARG``) — unknown is never guessed.
- ``stage_base(stage) -> BaseImage | None``: the image a build stage starts from, followed
  through ``FROM <stage>`` to the first stage's image (ARG defaults are already applied by the
  model: ``Stage.image_resolved``).
- ``as_of(options) -> date``: "today" for date-dependent facts: the ``as-of`` option (config
  key ``as-of``, ``dlint check --as-of``) when set, else the real date.
- ``BaseImage``: ``distribution`` (``debian``, ``ubuntu``, ``alpine``, ``centos``, ``rhel``,
  ``rhel-minimal``, ``fedora``, ``amazonlinux``, ``distroless``), ``release`` (a
  :class:`Release` with codename, version, ``eol``, ``archived``, ``archive``; None when the
  tag does not pin one, as ``debian:latest``), ``runtime`` and ``runtime_version``
  (``("python", "3.6")`` for ``python:3.6``), ``variant`` (``full``, ``slim``, ``alpine`` or
  ``""``), ``package_manager`` (``apt-get``, ``apk``, ``yum``, ``dnf``, ``microdnf``; ``""``
  for none; None unknown), ``libc`` (``glibc``, ``musl`` or None), ``own_python`` (the
  official ``python`` image, whose Python is in /usr/local), ``has_command(name)``: True,
  False, or None when the tables do not say, and ``has_package(name)`` likewise for the
  packages that install those commands (``curl``, ``xz-utils``), ``tag`` (``latest`` when
  none is given), and ``externally_managed_python(today)`` (PEP 668; None unknown).
- ``Release.archived_by(today)``: whether the release's repositories are gone on that date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from ..images import ImageReference
from ..model import Stage
from ..patterns import lazy
from ..records import NamedTuple
from .base_image_tables import (
    ALPINE_EOL,
    CENTOS,
    COMMANDS,
    DEBIAN,
    DEBIAN_VERSIONS,
    DISTROLESS_PREFIXES,
    EXTERNALLY_MANAGED_FROM,
    LANGUAGE_IMAGES,
    LATEST_EXTERNALLY_MANAGED_SINCE,
    LIBC,
    PACKAGE_COMMANDS,
    PACKAGE_MANAGERS,
    PYTHON_DEFAULT_RELEASE,
    RELEASE_COMMANDS,
    RUNTIME_COMMANDS,
    SLIM_ALWAYS_BARE,
    SLIM_BARE_FROM,
    UBUNTU,
    UBUNTU_VERSIONS,
    Release,
)

__all__ = ["AS_OF", "BaseImage", "Release", "as_of", "describe_image", "stage_base"]

# The option that fixes "today" (config key ``as-of``, ``dlint check --as-of``).
AS_OF = "as-of"
_HUB_REGISTRIES = frozenset({None, "docker.io", "index.docker.io", "registry-1.docker.io"})
_HUB_MIRRORS = ("public.ecr.aws/docker/library/", "mirror.gcr.io/library/")
_ARCH_PREFIXES = ("library/", "amd64/", "arm64v8/", "arm32v7/", "arm32v6/", "i386/", "ppc64le/")
_VERSION = lazy(r"\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?")
_ALPINE = lazy(r"alpine(\d+\.\d+)?(?:\.\d+)?")
_TAG = lazy(r"[\w][\w.-]{0,127}")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_NAME = lazy(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_WINDOWS = ("windowsservercore", "nanoserver", "ltsc")


class BaseImage(NamedTuple):
    """What is known of a base image; see the module docstring. (A NamedTuple, not a
    dataclass: it is defined at every start-up, and a dataclass costs a millisecond.)"""

    reference: str
    distribution: str
    release: Release | None = None
    runtime: str | None = None
    runtime_version: str | None = None
    variant: str = ""
    own_python: bool = False
    commands: Mapping[str, bool] = MappingProxyType({})
    tag: str = ""

    @property
    def package_manager(self) -> str | None:
        return PACKAGE_MANAGERS.get(self.distribution)

    @property
    def libc(self) -> str | None:
        return LIBC.get(self.distribution)

    def has_command(self, name: str) -> bool | None:
        """Whether a fresh container of the image has ``name`` on PATH (None: unknown)."""
        if self.release is not None:
            changes = RELEASE_COMMANDS.get((self.release.distribution, self.release.codename))
            if changes is not None and name in changes:
                return changes[name]
        return self.commands.get(name)

    def has_package(self, package: str) -> bool | None:
        """Whether a Debian/Alpine package named like a common command (``curl``,
        ``xz-utils``, ``git``) is installed in the image (None: unknown)."""
        command = PACKAGE_COMMANDS.get(package.partition("=")[0])
        return self.has_command(command) if command else None

    def externally_managed_python(self, today: date) -> bool | None:
        """Whether the distribution's own Python refuses ``pip install`` (PEP 668) in this
        image on ``today``; None when the release is not known. The official ``python``
        image's Python, in /usr/local, is not the distribution's: False."""
        if self.own_python:
            return False
        first = EXTERNALLY_MANAGED_FROM.get(self.distribution)
        if first is None:
            return None
        if self.release is None:
            since = LATEST_EXTERNALLY_MANAGED_SINCE[self.distribution]
            if self.runtime is None and self.tag == "latest" and today >= since:
                return True
            return None
        return _version_key(self.release.version) >= _version_key(first)

    def describe(self) -> str:
        """The image in words, for messages: ``python:3.6-slim (Debian bullseye)``."""
        if self.release is None:
            return self.reference
        release = self.release
        name = release.distribution.capitalize()
        if release.distribution == "debian":
            return f"{self.reference} ({name} {release.codename}, {release.version})"
        codename = f" {release.codename}" if release.codename else ""
        return f"{self.reference} ({name} {release.version}{codename})"


def _version_key(version: str) -> tuple[int, ...]:
    """``3.19`` -> (3, 19); Debian's ``unstable`` (sid) is newer than every version."""
    if version == "unstable":
        return (999,)
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def as_of(options: Mapping[str, Any]) -> date:
    """The day dated facts are judged by: the ``as-of`` option if set, else today."""
    value = options.get(AS_OF)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    return date.today()


def stage_base(stage: Stage) -> BaseImage | None:
    """The image ``stage`` starts from, through ``FROM <earlier stage>``."""
    root = stage.root
    if root.image_resolved is None or root.base_is_scratch:
        return None
    return describe_image(root.image_resolved)


@lru_cache(maxsize=256)
def describe_image(reference: str) -> BaseImage | None:
    """The image ``reference`` names, or None when the tables do not know it."""
    reference = reference.strip()
    if not reference or "$" in reference or reference.lower() == "scratch":
        return None
    if reference.startswith(DISTROLESS_PREFIXES):
        shell = "debug" in reference.partition(":")[2]
        return BaseImage(reference, "distroless", commands={} if shell else {"sh": False})
    lowered = reference.lower()
    for mirror in _HUB_MIRRORS:
        if lowered.startswith(mirror):
            lowered = lowered[len(mirror) :]
    parsed = ImageReference.parse(lowered)
    if parsed.registry in ("registry.access.redhat.com", "registry.redhat.io"):
        return _ubi(reference, parsed.repository)
    if parsed.registry not in _HUB_REGISTRIES:
        return None
    name = parsed.repository
    for prefix in _ARCH_PREFIXES:
        name = name.removeprefix(prefix)
    tag = parsed.tag or "latest"
    if not _TAG.fullmatch(tag) or not _NAME.fullmatch(parsed.repository):
        return None  # a template ({{ tag }}) or a typo: not an image Docker would pull
    if name == "redhat/ubi8" or name.startswith(("redhat/ubi", "redhat/ubi9")):
        return _ubi(reference, name)
    describer = _DISTRIBUTIONS.get(name)
    image = None
    if describer is not None:
        image = describer(reference, tag)
    elif name in LANGUAGE_IMAGES:
        image = _language_image(reference, name, tag)
    return image._replace(tag=tag) if image is not None else None


# --- distributions -----------------------------------------------------------------------


def _debian(reference: str, tag: str) -> BaseImage:
    codename = tag.split("-")[0]
    codename = DEBIAN_VERSIONS.get(codename.split(".")[0], codename)
    variant = "slim" if tag.endswith("-slim") or "-slim-" in tag else "debian"
    return BaseImage(reference, "debian", DEBIAN.get(codename), commands=COMMANDS["debian"],
                     variant=variant)  # fmt: skip


def _ubuntu(reference: str, tag: str) -> BaseImage:
    first = tag.split("-")[0]
    codename = UBUNTU_VERSIONS.get(first, first)
    return BaseImage(reference, "ubuntu", UBUNTU.get(codename), commands=COMMANDS["ubuntu"])


def _alpine(reference: str, tag: str) -> BaseImage:
    return BaseImage(reference, "alpine", _alpine_release(tag), commands=COMMANDS["alpine"],
                     variant="alpine")  # fmt: skip


def _alpine_release(version: str) -> Release | None:
    branch = ".".join(version.split(".")[:2])
    if branch in ALPINE_EOL:
        return Release("alpine", "", branch, ALPINE_EOL[branch], None)
    return None


def _centos(reference: str, tag: str) -> BaseImage:
    version = tag.removeprefix("centos").split(".")[0]
    return BaseImage(reference, "centos", CENTOS.get(version))


def _simple(distribution: str) -> Callable[[str, str], BaseImage]:
    return lambda reference, tag: BaseImage(reference, distribution)


def _ubi(reference: str, repository: str) -> BaseImage | None:
    """Red Hat's Universal Base Images: ``ubi8``, ``ubi9/ubi-minimal``, ``ubi8-minimal``."""
    name = repository.removeprefix("redhat/")
    if not name.startswith("ubi"):
        return None
    if "micro" in name:
        return BaseImage(reference, "distroless")
    return BaseImage(reference, "rhel-minimal" if "minimal" in name else "rhel")


_DISTRIBUTIONS: dict[str, Callable[[str, str], BaseImage]] = {
    "debian": _debian,
    "ubuntu": _ubuntu,
    "alpine": _alpine,
    "centos": _centos,
    "fedora": _simple("fedora"),
    "amazonlinux": _simple("amazonlinux"),
}


# --- official language images ----------------------------------------------------------------


def _language_image(reference: str, name: str, tag: str) -> BaseImage | None:
    tokens = tag.split("-")
    version = tokens[0] if _VERSION.fullmatch(tokens[0]) else None
    rest = tokens[1:] if version else tokens
    if any(token.startswith(_WINDOWS) for token in rest):
        return None
    runtime = LANGUAGE_IMAGES[name] or None
    runtime_version = _major_minor(version, runtime) if version else None
    own_python = name == "python"
    alpine = next((m for m in map(_ALPINE.fullmatch, rest) if m), None)
    if alpine is not None:
        branch = _alpine_release(alpine.group(1)) if alpine.group(1) else None
        commands = _commands("alpine", runtime, name)
        return BaseImage(reference, "alpine", branch, runtime, runtime_version, "alpine",
                         own_python, commands)  # fmt: skip
    variant = "slim" if "slim" in rest else "full"
    release: Release | None = None
    distribution = "debian"
    for token in rest:
        if token in DEBIAN:
            release = DEBIAN[token]
        elif token in UBUNTU:
            release, distribution = UBUNTU[token], "ubuntu"
    if release is None and name == "python" and runtime_version is not None:
        default = PYTHON_DEFAULT_RELEASE.get(runtime_version)
        release = DEBIAN[default] if default else None
    if name == "buildpack-deps":
        variant = "scm" if "scm" in rest else "curl" if "curl" in rest else "full"
    elif name == "golang" and variant == "full":
        variant = "scm"  # golang:<v> is FROM buildpack-deps:<codename>-scm
    commands = _commands(variant, runtime, name)
    judged = release is not None and release.codename in SLIM_BARE_FROM
    if variant == "slim" and name not in SLIM_ALWAYS_BARE and not judged:
        commands = {}
    return BaseImage(reference, distribution, release, runtime, runtime_version, variant,
                     own_python, commands)  # fmt: skip


def _major_minor(version: str, runtime: str | None) -> str:
    """``3.12.1`` -> ``3.12`` (node: ``20.11.0`` -> ``20``)."""
    parts = re.split(r"[.a-z]", version)
    if runtime == "node":
        return parts[0]
    return ".".join(parts[:2])


def _commands(variant: str, runtime: str | None, name: str) -> Mapping[str, bool]:
    """The command table of an official image's variant (python, node, ruby, buildpack-deps;
    the other images' extra packages are not in the tables: unknown)."""
    if name not in ("python", "node", "ruby", "buildpack-deps", "golang"):
        return {}
    if name == "golang" and variant == "slim":
        return {}
    if variant in ("curl", "scm"):
        table = dict(COMMANDS["slim"])
        table.update(curl=True, wget=True, gpg=True)
        if variant == "scm":
            table["git"] = True
        for unknown in ("unzip", "xz", "make", "gcc", "g++"):
            table.pop(unknown, None)
    else:
        table = dict(COMMANDS[variant])
    for command in RUNTIME_COMMANDS.get(runtime or "", ()):
        table[command] = True
    return table
