"""Packages that real Dockerfiles install and that a later release no longer has.

DB003 reads this table: ``apt-get install python-pip`` builds on Debian 10 and fails on Debian
11 with ``E: Package 'python-pip' has no installation candidate``; ``apk add python`` builds on
Alpine 3.11 and fails on 3.12 with ``python (missing)``. A row names the package, the
distribution, the first release that lacks it, and what to install there instead. A name that
ends in ``*`` is a family (``php5-*``): the replacement's ``*`` stands for the same suffix.

The names are the most frequent install names of ../shared/corpus/dinosaur (5,000 Dockerfiles
of 2020) that are gone from a current release; see NOTES for the count. Only names whose
absence is documented are here, each with its source. Left out on purpose, because a name that
a later release still *provides* installs fine: ``python``/``python-dev`` on Debian 11
(``python-is-python2`` and ``python-dev-is-python2`` provide them; apt selects those), Alpine's
``py-pip`` (``py3-pip`` provides it since 3.12), ``git-core``, ``python-setuptools`` and
``python-numpy`` (no source found for the release that dropped them).

``safe`` marks a replacement that installs what the old name installed (a transitional or
meta package's target), so a fix may rewrite the name; the others change the software
(Python 2 to 3, Java 8 to 11) and are named in the message only.
"""

from __future__ import annotations

from ..records import NamedTuple


class MissingPackage(NamedTuple):
    """``name`` is not in ``distribution`` from release ``since`` on; install ``replacement``."""

    name: str
    distribution: str
    since: str
    replacement: str
    safe: bool = False


MISSING_PACKAGES = (
    # Python 2 left Debian 11 (bullseye, 2021-08-14) and Ubuntu 20.04 (focal, 2020-04-23).
    # python-pip: "Package 'python-pip' has no installation candidate ... replace it: python3-pip"
    # on bullseye (hyperledger-cello/cello#316, dlemstra/Magick.Native#12) and on focal
    # (pwnlandia/mhn#810); packages.debian.org/bullseye/python-pip has no such package.
    MissingPackage("python-pip", "debian", "11", "python3-pip"),
    MissingPackage("python-pip", "ubuntu", "20.04", "python3-pip"),
    # python / python-dev: on bullseye python-is-python2 and python-dev-is-python2 still provide
    # them (debops/debops#1708; BeamCtrl/Airiana#22 "selecting 'python-dev-is-python2'"); gone
    # on bookworm (scylladb/scylladb#9498, dragoonDorise/EmuDeck#1474) and on focal
    # (renpy/renpy-build#9 "python-dev package no longer exists on 20.04"; jammy:
    # wazuh/wazuh-documentation#6336, nicolargo/glancesautoinstall#46).
    MissingPackage("python", "debian", "12", "python3 (python-is-python3 for /usr/bin/python)"),
    MissingPackage("python", "ubuntu", "20.04", "python3 (python-is-python3 for /usr/bin/python)"),
    MissingPackage("python-dev", "debian", "12", "python3-dev"),
    MissingPackage("python-dev", "ubuntu", "20.04", "python3-dev"),
    # python-software-properties: "replace it: software-properties-common" on Ubuntu 18.04
    # (geerlingguy/docker-ubuntu1804-ansible#2, neillturner/kitchen-ansible#300) and absent from
    # Debian 9 (arakasi72/rtinst#281).
    MissingPackage("python-software-properties", "ubuntu", "18.04", "software-properties-common"),
    MissingPackage("python-software-properties", "debian", "9", "software-properties-common"),
    # software-properties (add-apt-repository) was removed from Debian testing in October 2024
    # and is not in Debian 13 trixie (2025-08-09): tracker.debian.org/pkg/software-properties,
    # bugs.debian.org/1038747; dokku/dokku#7877, wimpysworld/deb-get#1215. No replacement:
    # write the repository's .sources file with Signed-By yourself.
    MissingPackage(
        "software-properties-common",
        "debian",
        "13",
        "nothing: write /etc/apt/sources.list.d/<name>.sources with Signed-By instead of "
        "add-apt-repository",
    ),
    MissingPackage(
        "python-software-properties",
        "debian",
        "13",
        "nothing: write /etc/apt/sources.list.d/<name>.sources with Signed-By instead of "
        "add-apt-repository",
    ),
    # MySQL became MariaDB in Debian 9; mysql-client/mysql-server were transitional packages to
    # default-mysql-client/-server in stretch and are gone from Debian 10 buster on
    # (packages.debian.org/stretch/mysql-client "transitional"; docker-library/php#903,
    # rails/buildkite-config#3; mysql-server: linode/docs#3454, AlternC/easy-install#18).
    MissingPackage("mysql-client", "debian", "10", "default-mysql-client", safe=True),
    MissingPackage("mysql-server", "debian", "10", "default-mysql-server", safe=True),
    # libmysqlclient-dev: Debian 9 has default-libmysqlclient-dev only (PyMySQL/mysqlclient#245,
    # DShield-ISC/dshield#73, packages.debian.org/stretch/default-libmysqlclient-dev).
    MissingPackage("libmysqlclient-dev", "debian", "9", "default-libmysqlclient-dev", safe=True),
    # OpenJDK: Debian 10 buster ships 11 only (DataDog/datadog-agent#3272 "openjdk-8 was removed
    # from Debian Buster", geerlingguy/ansible-role-java#87); Debian 12 bookworm ships 17
    # (onaio/onadata#2776 "openjdk-11-jre-headless ... no longer available in Debian Bookworm");
    # Debian 13 trixie's default-jdk is 21 (packages.debian.org/trixie/default-jdk). Ubuntu keeps
    # openjdk-8 through 24.04 (packages.ubuntu.com/noble/openjdk-8-jdk).
    MissingPackage("openjdk-8-*", "debian", "10", "openjdk-11-*"),
    MissingPackage("openjdk-8-*", "debian", "12", "openjdk-17-*"),
    MissingPackage("openjdk-8-*", "debian", "13", "openjdk-21-*"),
    MissingPackage("openjdk-11-*", "debian", "12", "openjdk-17-*"),
    MissingPackage("openjdk-11-*", "debian", "13", "openjdk-21-*"),
    # OpenSSL 1.0 development files: Debian 9 and Ubuntu 18.04 were the last with libssl1.0-dev
    # (packages.debian.org/stretch/libssl1.0-dev, packages.ubuntu.com/bionic/libssl1.0-dev).
    MissingPackage("libssl1.0-dev", "debian", "10", "libssl-dev"),
    MissingPackage("libssl1.0-dev", "ubuntu", "20.04", "libssl-dev"),
    # PHP 5 was replaced by PHP 7.0 in Debian 9 (release notes, "What's new in Debian 9") and in
    # Ubuntu 16.04 (release notes: "PHP 7.0 ... replaces PHP 5"); the php-* names follow the
    # default PHP.
    MissingPackage("php5", "debian", "9", "php"),
    MissingPackage("php5", "ubuntu", "16.04", "php"),
    MissingPackage("php5-*", "debian", "9", "php-*"),
    MissingPackage("php5-*", "ubuntu", "16.04", "php-*"),
    MissingPackage("libapache2-mod-php5", "debian", "9", "libapache2-mod-php"),
    MissingPackage("libapache2-mod-php5", "ubuntu", "16.04", "libapache2-mod-php"),
    # libpng 1.2 went with Debian 9 and Ubuntu 18.04 (libpng-dev is libpng 1.6):
    # packages.debian.org/stretch/libpng-dev, packages.ubuntu.com/bionic/libpng-dev.
    MissingPackage("libpng12-dev", "debian", "9", "libpng-dev"),
    MissingPackage("libpng12-dev", "ubuntu", "18.04", "libpng-dev"),
    # netcat became a virtual package with two providers in Debian 12 bookworm ("Package netcat
    # is a virtual package provided by: netcat-openbsd 1.219-1 netcat-traditional 1.10-47",
    # glpi-project/docker-images#92) and in Ubuntu 24.04 (netcat-openbsd 1.226-1ubuntu2,
    # studoo-app/edu-framework#130). The old transitional package installed netcat-traditional
    # on Debian and netcat-openbsd on Ubuntu (packages.debian.org/bullseye/netcat,
    # packages.ubuntu.com/jammy/netcat).
    MissingPackage("netcat", "debian", "12", "netcat-traditional", safe=True),
    MissingPackage("netcat", "ubuntu", "24.04", "netcat-openbsd", safe=True),
    # distutils left the standard library in Python 3.12 (PEP 632); Ubuntu 23.10 was the last
    # with python3-distutils and 24.04 has none (packages.ubuntu.com/mantic/python3-distutils;
    # launchpad.net/bugs/2060772; armbian/build#6527, AlexxIT/Dataplicity#40). setuptools
    # carries a distutils of its own.
    MissingPackage("python3-distutils", "ubuntu", "24.04", "python3-setuptools"),
    # Alpine 3.12 (2020-05-29) has no "python"/"python-dev" (python2 only by that name):
    # docker-library/docker#240 ("python (missing)" on 3.12), matsuu/docker-azure-cli#4
    # ("python-dev (missing)" on 3.12.3), bosun-monitor/bosun#2491.
    MissingPackage("python", "alpine", "3.12", "python3"),
    MissingPackage("python-dev", "alpine", "3.12", "python3-dev"),
    # Alpine 3.16 (2022-05-23) removed Python 2 (wiki.alpinelinux.org Release_Notes_for_Alpine_
    # 3.16.0; TryGhost/docker-library-ghost#328 "python2 (no such package)",
    # temporalio/docker-builds#64).
    MissingPackage("python2", "alpine", "3.16", "python3"),
    MissingPackage("python2-dev", "alpine", "3.16", "python3-dev"),
    MissingPackage("py2-pip", "alpine", "3.16", "py3-pip"),
)


def release_key(version: str) -> tuple[int, ...] | None:
    """A release number as a comparable tuple: ``"20.04"`` -> (20, 4); None for a name."""
    parts = version.split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


class Gone(NamedTuple):
    """A package ``name`` that the release lacks, and what to install instead."""

    name: str
    row: MissingPackage
    replacement: str


def missing_package(distribution: str, version: str, package: str) -> Gone | None:
    """Whether ``package`` (as written to apt-get or apk, pins and all) is missing from
    ``distribution``'s release ``version``; the newest row that applies wins."""
    key = release_key(version)
    if key is None:
        return None
    name = package_name(package)
    best: tuple[tuple[int, ...], MissingPackage, str] | None = None
    for row in MISSING_PACKAGES:
        if row.distribution != distribution:
            continue
        since = release_key(row.since)
        if since is None or since > key:
            continue
        suffix = _matched_suffix(row.name, name)
        if suffix is None:
            continue
        if best is None or since > best[0]:
            best = (since, row, row.replacement.replace("*", suffix))
    if best is None:
        return None
    return Gone(name, best[1], best[2])


def package_name(package: str) -> str:
    """The bare name of an install argument: ``curl=7.88``, ``curl:amd64``,
    ``curl/bookworm-backports``, ``py3-pip>=23``, ``curl@edge`` are all ``curl``."""
    name = package
    for separator in ("=", "/", ":", "@", ">", "<", "~"):
        name = name.split(separator, 1)[0]
    return name.lower()


def _matched_suffix(pattern: str, name: str) -> str | None:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return name[len(stem) :] if name.startswith(stem) and len(name) > len(stem) else None
    return "" if name == pattern else None
