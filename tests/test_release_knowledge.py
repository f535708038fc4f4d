"""The tables DB003 and DB008 read: packages missing from a release, image status, apt-key."""

import datetime

import pytest
from dockerfile_dlint.knowledge.image_status import (
    APT_KEY_REMOVED,
    DEPRECATED,
    IMAGE_STATUSES,
    REMOVED,
    image_status,
)
from dockerfile_dlint.knowledge.release_packages import (
    MISSING_PACKAGES,
    missing_package,
    package_name,
    release_key,
)

TODAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("distribution", "version", "package", "replacement"),
    [
        ("debian", "11", "python-pip", "python3-pip"),
        ("ubuntu", "20.04", "python-pip", "python3-pip"),
        ("ubuntu", "24.04", "python-dev", "python3-dev"),
        ("debian", "12", "mysql-client=8.0", "default-mysql-client"),
        ("debian", "10", "openjdk-8-jdk-headless", "openjdk-11-jdk-headless"),
        ("debian", "12", "openjdk-8-jre", "openjdk-17-jre"),
        ("debian", "13", "openjdk-11-jdk:amd64", "openjdk-21-jdk"),
        ("debian", "9", "php5-mysql", "php-mysql"),
        ("ubuntu", "16.04", "php5", "php"),
        ("alpine", "3.12", "python", "python3"),
        ("alpine", "3.20.3", "python2>=2.7", "python3"),
        ("debian", "12", "netcat", "netcat-traditional"),
        ("ubuntu", "24.04", "netcat", "netcat-openbsd"),
        ("ubuntu", "24.04", "python3-distutils", "python3-setuptools"),
    ],
)
def test_missing_packages(distribution: str, version: str, package: str, replacement: str) -> None:
    gone = missing_package(distribution, version, package)
    assert gone is not None
    assert gone.replacement == replacement


@pytest.mark.parametrize(
    ("distribution", "version", "package"),
    [
        ("debian", "10", "python-pip"),  # buster still had Python 2
        ("debian", "11", "python"),  # provided by python-is-python2 on bullseye
        ("debian", "11", "python-dev"),
        ("ubuntu", "18.04", "python-pip"),
        ("ubuntu", "24.04", "mysql-client"),  # Ubuntu kept MySQL
        ("ubuntu", "24.04", "openjdk-8-jdk"),
        ("debian", "9", "openjdk-8-jdk"),
        ("debian", "12", "openjdk-17-jdk"),
        ("debian", "12", "software-properties-common"),
        ("ubuntu", "22.04", "python3-distutils"),
        ("alpine", "3.11", "python"),
        ("alpine", "3.15", "python2"),
        ("debian", "sid", "python-pip"),  # a name, not a number: unknown
        ("fedora", "40", "python-pip"),
        ("debian", "12", "php5-"),  # a family needs a member
    ],
)
def test_present_or_unknown(distribution: str, version: str, package: str) -> None:
    assert missing_package(distribution, version, package) is None


def test_package_names_lose_their_pins() -> None:
    assert package_name("curl=7.88.1-10+deb12u8") == "curl"
    assert package_name("nodejs/bookworm-backports") == "nodejs"
    assert package_name("py3-pip>=23") == "py3-pip"
    assert package_name("Python@edge") == "python"


def test_release_keys_order_numbers() -> None:
    assert release_key("9") < release_key("10")  # type: ignore[operator]
    assert release_key("20.04") < release_key("20.10")  # type: ignore[operator]
    assert release_key("bookworm") is None


def test_every_row_is_well_formed() -> None:
    for row in MISSING_PACKAGES:
        assert row.distribution in {"debian", "ubuntu", "alpine"}
        assert release_key(row.since) is not None
        if "*" in row.replacement:
            assert row.name.endswith("*")
    for status in IMAGE_STATUSES:
        assert status.state in {DEPRECATED, REMOVED}
        assert (status.repository is None) == (status.registry is not None)
    for version in APT_KEY_REMOVED.values():
        assert release_key(version) is not None


@pytest.mark.parametrize(
    ("reference", "state"),
    [
        ("openjdk:8-jdk-alpine", DEPRECATED),
        ("docker.io/library/openjdk:11", DEPRECATED),
        ("library/java:8", DEPRECATED),
        ("centos:7", DEPRECATED),
        ("node:8-onbuild", DEPRECATED),
        ("python:3.6-onbuild", DEPRECATED),
        ("golang:onbuild", DEPRECATED),
        ("microsoft/dotnet:2.1-sdk", REMOVED),
        ("microsoft/dotnet", REMOVED),
        ("microsoft/dotnet:2.2-sdk", DEPRECATED),
        ("microsoft/dotnet:2.1.500-sdk-alpine3.7", REMOVED),
        ("k8s.gcr.io/pause:3.2", DEPRECATED),
        ("gcr.io/google_containers/pause-amd64:3.0", DEPRECATED),
    ],
)
def test_image_status(reference: str, state: str) -> None:
    status = image_status(reference, TODAY)
    assert status is not None
    assert status.row.state == state


@pytest.mark.parametrize(
    "reference",
    [
        "node:20-alpine",
        "openjdk:26-ea-jdk-slim",
        "python:3.12-slim",
        "eclipse-temurin:21",
        "quay.io/openjdk/openjdk:11",  # another registry's openjdk
        "myorg/openjdk:11",
        "gcr.io/distroless/base",
        "registry.k8s.io/pause:3.9",
        "mcr.microsoft.com/dotnet/sdk:8.0",
    ],
)
def test_images_in_good_standing(reference: str) -> None:
    assert image_status(reference, TODAY) is None


def test_statuses_start_at_their_date() -> None:
    assert image_status("openjdk:17", datetime.date(2022, 6, 30)) is None
    assert image_status("openjdk:17", datetime.date(2022, 7, 1)) is not None
    early = image_status("microsoft/dotnet:2.1-sdk", datetime.date(2021, 6, 1))
    assert early is not None and early.row.state == DEPRECATED
