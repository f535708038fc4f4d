"""The facts about base images, as data: releases, their end of life, official images' tags.

Each row cites where the fact comes from in a comment, with the date where the fact has one.
:mod:`dockerfile_dlint.knowledge.base_images` applies these tables to an image reference;
extend them here. A fact that is not known is left out, never guessed: an image or tag with no
row is "unknown", and the rules say nothing about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from ..records import NamedTuple

T = TypeVar("T")


class Release(NamedTuple):
    """A distribution release. ``eol`` is the end of its (last) public support; ``archived``
    the date by which its repositories were gone from the default mirrors that the
    distribution's images point at (apt then fails: ``does not have a Release file``), None
    while they are still served; ``archive`` is where its packages moved."""

    distribution: str
    codename: str
    version: str
    eol: date | None
    archived: date | None
    archive: str = ""

    def archived_by(self, today: date) -> bool:
        """Whether the release's repositories are gone from its default mirrors on ``today``."""
        return self.archived is not None and today >= self.archived

    def ended_by(self, today: date) -> bool:
        """Whether the release is past its end of life on ``today``."""
        return self.eol is not None and today > self.eol


D = date

# --- Debian ------------------------------------------------------------------------------
# Versions and end-of-life dates (end of LTS): https://wiki.debian.org/DebianReleases and
# https://wiki.debian.org/LTS (read 2026-12). "archived": the release's directories were
# removed from deb.debian.org / security.debian.org, which official debian images list.
_DEBIAN_ARCHIVE = "archive.debian.org"
DEBIAN = {
    r.codename: r
    for r in (
        # squeeze 6: LTS ended 2016-02-29; on archive.debian.org since 2016
        Release("debian", "squeeze", "6", D(2016, 2, 29), D(2016, 7, 1), _DEBIAN_ARCHIVE),
        # wheezy 7: LTS ended 2018-05-31; removed from the mirrors 2019-03-26
        # (lists.debian.org/debian-devel-announce/2019/03/msg00006.html)
        Release("debian", "wheezy", "7", D(2018, 5, 31), D(2019, 3, 26), _DEBIAN_ARCHIVE),
        # jessie 8: LTS ended 2020-06-30; jessie-updates left the mirrors 2019-03-26
        # (lists.debian.org/debian-devel-announce/2019/03/msg00006.html), jessie itself by
        # 2023-04-11 (404 on its Packages: github.com/tuna/issues/issues/1715)
        Release("debian", "jessie", "8", D(2020, 6, 30), D(2023, 4, 11), _DEBIAN_ARCHIVE),
        # stretch 9: LTS ended 2022-06-30; removed from deb.debian.org by 2023-04-24 (builds
        # failing that day: github.com/NLnetLabs/ploutos/issues/72)
        Release("debian", "stretch", "9", D(2022, 6, 30), D(2023, 4, 24), _DEBIAN_ARCHIVE),
        # buster 10: LTS ended 2024-06-30; removed from deb.debian.org by 2025-07-14 (builds
        # failing that day: github.com/DDMAL/Rodan/issues/1316, oakestra/oakestra#437)
        Release("debian", "buster", "10", D(2024, 6, 30), D(2025, 7, 14), _DEBIAN_ARCHIVE),
        # bullseye 11: LTS ends 2026-08-31; still served (the official images in
        # ../shared/corpus/official build on bullseye, 2026-12)
        Release("debian", "bullseye", "11", D(2026, 8, 31), None),
        # bookworm 12: released 2023-06-10, LTS until 2028-06-30
        Release("debian", "bookworm", "12", D(2028, 6, 30), None),
        # trixie 13: released 2025-08-09
        Release("debian", "trixie", "13", None, None),
        # forky 14: testing (docker-library/repo-info repos/debian/local/forky.md, 2026)
        Release("debian", "forky", "14", None, None),
        Release("debian", "sid", "unstable", None, None),
    )
}
# debian:<version> tags (debian:10, debian:12.5): the codename of each major version.
DEBIAN_VERSIONS = {r.version: r.codename for r in DEBIAN.values()}

# --- Ubuntu ------------------------------------------------------------------------------
# https://wiki.ubuntu.com/Releases (end of standard support; read 2026-12). Interim releases
# move to old-releases.ubuntu.com shortly after their end of life, and archive.ubuntu.com
# answers 404 for them ("archived": the end-of-life date). LTS releases stay on
# archive.ubuntu.com during Expanded Security Maintenance: not archived.
_OLD = "old-releases.ubuntu.com"


def _interim(codename: str, version: str, eol: date) -> Release:
    return Release("ubuntu", codename, version, eol, eol, _OLD)


UBUNTU = {
    r.codename: r
    for r in (
        _interim("lucid", "10.04", D(2015, 4, 30)),  # LTS, ESM never offered: moved 2015
        _interim("precise", "12.04", D(2017, 4, 28)),  # LTS; moved to old-releases 2017
        _interim("quantal", "12.10", D(2014, 5, 16)),
        _interim("raring", "13.04", D(2014, 1, 27)),
        _interim("saucy", "13.10", D(2014, 7, 17)),
        Release("ubuntu", "trusty", "14.04", D(2019, 4, 30), None),  # LTS, ESM to 2024
        _interim("utopic", "14.10", D(2015, 7, 23)),
        _interim("vivid", "15.04", D(2016, 2, 4)),
        _interim("wily", "15.10", D(2016, 7, 28)),
        Release("ubuntu", "xenial", "16.04", D(2021, 4, 30), None),  # LTS, ESM to 2026
        _interim("yakkety", "16.10", D(2017, 7, 20)),
        _interim("zesty", "17.04", D(2018, 1, 13)),
        _interim("artful", "17.10", D(2018, 7, 19)),
        Release("ubuntu", "bionic", "18.04", D(2023, 5, 31), None),  # LTS, ESM to 2028
        _interim("cosmic", "18.10", D(2019, 7, 18)),
        _interim("disco", "19.04", D(2020, 1, 23)),
        _interim("eoan", "19.10", D(2020, 7, 17)),
        Release("ubuntu", "focal", "20.04", D(2025, 5, 31), None),  # LTS, ESM to 2030
        _interim("groovy", "20.10", D(2021, 7, 22)),
        _interim("hirsute", "21.04", D(2022, 1, 20)),
        _interim("impish", "21.10", D(2022, 7, 14)),
        Release("ubuntu", "jammy", "22.04", D(2027, 6, 1), None),  # LTS
        _interim("kinetic", "22.10", D(2023, 7, 20)),
        _interim("lunar", "23.04", D(2024, 1, 25)),
        _interim("mantic", "23.10", D(2024, 7, 11)),
        Release("ubuntu", "noble", "24.04", D(2029, 5, 31), None),  # LTS
        _interim("oracular", "24.10", D(2025, 7, 10)),
        _interim("plucky", "25.04", D(2026, 1, 15)),  # interim releases: nine months
        Release("ubuntu", "questing", "25.10", D(2026, 7, 9), None),  # move not yet seen
        Release("ubuntu", "resolute", "26.04", D(2031, 5, 31), None),  # LTS, 2026-04
    )
}
UBUNTU_VERSIONS = {r.version: r.codename for r in UBUNTU.values()}

# --- Alpine ------------------------------------------------------------------------------
# https://alpinelinux.org/releases/ : a branch gets two years of support. Alpine keeps every
# branch on dl-cdn.alpinelinux.org after its end of life, so none is "archived".
ALPINE_EOL = {
    "3.12": D(2022, 5, 1),
    "3.13": D(2022, 11, 1),
    "3.14": D(2023, 5, 1),
    "3.15": D(2023, 11, 1),
    "3.16": D(2024, 5, 23),
    "3.17": D(2024, 11, 22),
    "3.18": D(2025, 5, 9),
    "3.19": D(2025, 11, 1),
    "3.20": D(2026, 4, 1),
    "3.21": D(2026, 11, 1),
    "3.22": D(2027, 5, 1),
    "3.23": D(2027, 11, 1),
}

# --- CentOS ------------------------------------------------------------------------------
# https://wiki.centos.org/About/Product (end of life). CentOS 6 and 8 moved to
# vault.centos.org after their end of life; CentOS 7's mirrorlist.centos.org, which its yum
# configuration reads, was shut down on 2024-07-01 (https://www.centos.org/centos-linux-eol/).
_VAULT = "vault.centos.org"
CENTOS = {
    r.version: r
    for r in (
        Release("centos", "centos6", "6", D(2020, 11, 30), D(2020, 12, 2), "vault.centos.org"),
        Release("centos", "centos7", "7", D(2024, 6, 30), D(2024, 7, 1), "vault.centos.org"),
        Release("centos", "centos8", "8", D(2021, 12, 31), D(2022, 1, 31), "vault.centos.org"),
        # CentOS Stream 8: end of builds 2024-05-31; its content left the mirrors for the
        # vault when mirror.centos.org closed, 2024-07-01 (same page)
        Release("centos", "stream8", "stream8", D(2024, 5, 31), D(2024, 7, 1), _VAULT),
    )
}

# --- PEP 668 ---------------------------------------------------------------------------------
# Releases whose own Python is marked externally managed (an EXTERNALLY-MANAGED file next to
# the standard library: pip refuses to install into it, "error: externally-managed-environment"):
# Debian from 12 bookworm (release notes, "Python Interpreters marked externally-managed",
# www.debian.org/releases/bookworm/amd64/release-notes/ch-information.en.html, 2023-06-10);
# Ubuntu from 23.04 lunar (its release notes, 2023-04-20); Alpine from 3.19, whose python3
# 3.11 package ships the marker (alpinelinux.org/posts/Alpine-3.19.0-released.html,
# 2023-12-07).
EXTERNALLY_MANAGED_FROM = {"debian": "12", "ubuntu": "23.04", "alpine": "3.19"}
# Since when each distribution's `latest` tag has been such a release: debian:latest became
# bookworm on 2023-06-10, ubuntu:latest became 24.04 on 2024-04-25 (it stays on LTS
# releases), alpine:latest became 3.19 on 2023-12-07.
LATEST_EXTERNALLY_MANAGED_SINCE = {
    "debian": D(2023, 6, 10),
    "ubuntu": D(2024, 4, 25),
    "alpine": D(2023, 12, 7),
}

# --- Official language images --------------------------------------------------------------
# The Debian release of a tag without a codename suffix, for runtime versions whose images
# are no longer rebuilt (so their default can no longer change). From the last tags
# published (docker-library/python's history, Docker Hub's tag list):
PYTHON_DEFAULT_RELEASE = {
    "2.7": "buster",  # 2.7.18-buster, the last 2.7 images (2020-2022)
    "3.5": "buster",  # 3.5.10-buster, 2020-09
    "3.6": "bullseye",  # 3.6.15-bullseye, 2021-12
    "3.7": "bookworm",  # 3.7.17-bookworm, 2023-06
    "3.8": "bookworm",  # 3.8.20-bookworm, 2024-10
}

# Images whose Debian or Alpine base their tag names (python:3.12-slim-bookworm), and whose
# runtime version is the tag's leading number (python:3.6 -> Python 3.6). docker-library
# builds each as FROM debian:<codename>[-slim] / buildpack-deps:<codename> / alpine:<v>.
LANGUAGE_IMAGES = {
    "python": "python",
    "node": "node",
    "ruby": "ruby",
    "golang": "go",
    "php": "php",
    "perl": "perl",
    "rust": "rust",
    "buildpack-deps": "",
}

# Images that have no package manager and no shell (https://github.com/GoogleContainerTools/
# distroless: "contain only your application and its runtime dependencies").
DISTROLESS_PREFIXES = ("gcr.io/distroless/", "cgr.dev/chainguard/static")

# Package manager of a distribution's images (each image's Dockerfile on Docker Hub and the
# distributions' documentation: Red Hat's "Universal Base Images" guide for ubi-minimal's
# microdnf; Amazon Linux 2023's yum is dnf under its old name).
PACKAGE_MANAGERS = {
    "debian": "apt-get",
    "ubuntu": "apt-get",
    "alpine": "apk",
    "centos": "yum",  # dnf too from CentOS 8
    "rhel": "dnf",  # registry.access.redhat.com/ubi8, ubi9: dnf and yum
    "rhel-minimal": "microdnf",  # ubi*-minimal: microdnf only
    "fedora": "dnf",
    "amazonlinux": "yum",
    "distroless": "",
}
# C library: Alpine is built on musl (alpinelinux.org/about), the others on glibc.
LIBC = {
    "debian": "glibc",
    "ubuntu": "glibc",
    "centos": "glibc",
    "rhel": "glibc",
    "rhel-minimal": "glibc",
    "fedora": "glibc",
    "amazonlinux": "glibc",
    "alpine": "musl",
}

# --- Commands -------------------------------------------------------------------------------
# Which common commands an image has (True) or lacks (False); a command not listed is unknown.
# Sources: the images' package lists in docker-library/repo-info (repos/<image>/local/<tag>.md,
# 2026) and the images' Dockerfiles (docker-library/python, docker-library/official-images).
_ABSENT_DEBIAN = {
    # debian:*-slim and debian:* install neither (repos/debian/local/bookworm-slim.md): only
    # gpgv, not gnupg; no locales (locale-gen); node's and python's slim Dockerfiles install
    # xz-utils/wget/curl to build and purge them after.
    name: False
    for name in ("curl", "wget", "git", "gpg", "unzip", "xz", "make", "gcc", "g++", "sudo",
                 "locale-gen", "zip", "ssh", "python", "python3", "pip", "pip3")
}  # fmt: skip
_DEBIAN_HAS = {"bash": True, "apt-get": True, "dpkg": True, "tar": True, "gzip": True}
_ABSENT_ALPINE = {
    # alpine:* is busybox and apk-tools (repos/alpine/local/3.20.md): busybox provides wget,
    # unzip and tar; there is no bash.
    name: False
    for name in ("bash", "curl", "git", "gpg", "make", "gcc", "g++", "sudo", "locale-gen",
                 "apt-get", "python", "python3", "pip", "pip3", "ssh")
}  # fmt: skip
_ALPINE_HAS = {"wget": True, "unzip": True, "tar": True, "apk": True, "sh": True}
# buildpack-deps:<codename> (the base of python:<v>, node:<v>, ruby:<v> full images) adds
# curl, wget, gnupg, git, unzip, xz-utils, make, gcc (docker-library/buildpack-deps).
_FULL = {
    name: True
    for name in ("curl", "wget", "git", "gpg", "unzip", "xz", "make", "gcc", "g++", "ssh")
}
_FULL_ABSENT = {"sudo": False, "locale-gen": False}
# Whether buildpack-deps pulls in Python and zip is not in the tables: unknown.
_FULL_UNKNOWN = ("python", "python3", "pip", "pip3", "zip")

COMMANDS = {
    "debian": {**_ABSENT_DEBIAN, **_DEBIAN_HAS},
    # ubuntu:* (repos/ubuntu/local/24.04.md): like Debian's; whether xz-utils is in depends
    # on the release, so xz is left unknown.
    "ubuntu": {k: v for k, v in {**_ABSENT_DEBIAN, **_DEBIAN_HAS}.items() if k != "xz"},
    "alpine": {**_ABSENT_ALPINE, **_ALPINE_HAS},
    "slim": {**_ABSENT_DEBIAN, **_DEBIAN_HAS},  # python:*-slim, node:*-slim …
    "full": {
        k: v
        for k, v in {**_ABSENT_DEBIAN, **_DEBIAN_HAS, **_FULL, **_FULL_ABSENT}.items()
        if k not in _FULL_UNKNOWN
    },
}
# Older releases differ: apt depended on gnupg until Debian 9 stretch and Ubuntu 18.04 (from
# then on only gpgv: the stretch release notes, www.debian.org/releases/stretch/
# amd64/release-notes/ch-information.en.html, "apt-key … gnupg is no longer installed"), and
# Ubuntu's images were "minimized" from 18.04 on (wiki.ubuntu.com/Minimal); before, whether
# locales (locale-gen) was in is left unknown.
_OLD_DEBIAN: dict[str, bool | None] = {"gpg": True}
_OLD_UBUNTU = ("lucid", "precise", "quantal", "raring", "saucy", "trusty", "utopic", "vivid",
               "wily", "xenial", "yakkety", "zesty", "artful")  # fmt: skip
RELEASE_COMMANDS: dict[tuple[str, str], dict[str, bool | None]] = {
    **{("debian", codename): _OLD_DEBIAN for codename in ("squeeze", "wheezy", "jessie")},
    **{("ubuntu", codename): {"gpg": True, "locale-gen": None} for codename in _OLD_UBUNTU},
}
# The official images whose slim variant is known to lack the common tools in every release:
# python:*-slim has always been FROM debian:*-slim (docker-library/python). node's and ruby's
# slim variants were once built on buildpack-deps:*-curl (with curl, wget, gpg), so theirs
# are judged only for a release named in the tag, from stretch on.
SLIM_ALWAYS_BARE = frozenset({"python"})
SLIM_BARE_FROM = ("stretch", "buster", "bullseye", "bookworm", "trixie", "forky")

# Debian package -> the command it installs, for packages named like the common commands.
PACKAGE_COMMANDS = {
    "curl": "curl", "wget": "wget", "git": "git", "git-core": "git", "gnupg": "gpg",
    "gnupg2": "gpg", "unzip": "unzip", "xz-utils": "xz", "make": "make", "gcc": "gcc",
    "g++": "g++", "bash": "bash", "sudo": "sudo", "locales": "locale-gen",
    "openssh-client": "ssh", "zip": "zip",
}  # fmt: skip
# The runtime's own commands in an official language image.
RUNTIME_COMMANDS = {
    "python": ("python", "python3", "pip", "pip3"),
    "node": ("node", "npm", "npx"),
    "ruby": ("ruby", "gem", "bundle"),
    "go": ("go",),
    "php": ("php",),
}

# --- Latest tools and the runtimes they dropped -------------------------------------------
# (day the latest release stopped supporting them, the oldest runtime version still supported)
# get-pip.py at https://bootstrap.pypa.io/get-pip.py is the latest pip, and refuses older
# Pythons ("This script does not work on Python 3.6 …"): pip's release notes
# (pip.pypa.io/en/stable/news): pip 10.0 dropped 2.6/3.3 (2018-04-14), 19.2 dropped 3.4
# (2019-07-22), 21.0 dropped 2.7/3.5 (2021-01-23), 22.0 dropped 3.6 (2022-01-30), 24.1
# dropped 3.7 (2024-06-20), 25.1 dropped 3.8 (2025-04-26).
LATEST_PIP_MINIMUM = (
    (D(2018, 4, 14), (2, 7)),
    (D(2019, 7, 22), (3, 5)),  # and 2.7
    (D(2021, 1, 23), (3, 6)),
    (D(2022, 1, 30), (3, 7)),
    (D(2024, 6, 20), (3, 8)),
    (D(2025, 4, 26), (3, 9)),
)
# npm's engines field (docs.npmjs.com, npm's changelog): npm 9.0.0 needs Node 14.17+
# (2022-10-19), npm 10.0.0 needs Node 18.17+ (2023-08-22), npm 11.0.0 needs Node 20.17+
# (2024-12-16). The majors only: a Node major below the minimum cannot run the latest npm.
LATEST_NPM_MINIMUM_NODE = (
    (D(2022, 10, 19), 14),
    (D(2023, 8, 22), 18),
    (D(2024, 12, 16), 20),
)
# rubygems-update's required Ruby (blog.rubygems.org release posts): RubyGems 3.0 needs Ruby
# 2.3 (2018-12-19), 3.4 needs 2.6 (2022-12-20), 3.5 needs 3.0 (2023-12-15).
LATEST_RUBYGEMS_MINIMUM = (
    (D(2018, 12, 19), (2, 3)),
    (D(2022, 12, 20), (2, 6)),
    (D(2023, 12, 15), (3, 0)),
)
# setuptools 52.0.0 (2021-01-31) removed the easy_install command (setuptools' changelog,
# #2544). The official python images of 3.6 and later carry a newer setuptools (57.5.0 and
# up, docker-library/python), or none from 3.12 on: they have no easy_install.
EASY_INSTALL_LAST_PYTHON = (3, 5)
# The python3 of each release (packages.debian.org / packages.ubuntu.com, python3 package).
DISTRO_PYTHON3 = {
    "jessie": (3, 4), "stretch": (3, 5), "buster": (3, 7), "bullseye": (3, 9),
    "bookworm": (3, 11), "trusty": (3, 4), "xenial": (3, 5), "bionic": (3, 6),
    "focal": (3, 8), "jammy": (3, 10), "noble": (3, 12),
}  # fmt: skip
# Releases whose `python` package is Python 2.7.
DISTRO_PYTHON2 = frozenset({"wheezy", "jessie", "stretch", "buster", "precise", "trusty",
                            "xenial", "bionic"})  # fmt: skip
# Releases whose python-pip/python3-pip is older than pip 9, which ignores Requires-Python and
# so upgrades itself to a pip that cannot run there (packages.debian.org: jessie 1.5.6;
# packages.ubuntu.com: xenial 8.1.1). Ubuntu 14.04's pip 1.5.4 on Python 2.7.6 (no SNI)
# cannot reach PyPI at all: its upgrade fails itself, a cause this table does not claim.
OLD_PIP_RELEASES = frozenset({"jessie", "xenial"})


def minimum_on(table: Sequence[tuple[date, T]], today: date) -> T | None:
    """The minimum in force on ``today`` (None before the first row)."""
    current: T | None = None
    for since, minimum in table:
        if today >= since:
            current = minimum
    return current
