"""The base-image knowledge: what a reference names, through stages and ARG defaults."""

from __future__ import annotations

from datetime import date

import pytest
from dockerfile_dlint.knowledge.base_images import as_of, describe_image, stage_base
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.source import decode


def describe(reference: str) -> tuple[object, ...] | None:
    image = describe_image(reference)
    if image is None:
        return None
    codename = image.release.codename if image.release else None
    return (image.distribution, codename, image.runtime, image.runtime_version, image.variant)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("python:3.6", ("debian", "bullseye", "python", "3.6", "full")),
        ("python:3.6-jessie", ("debian", "jessie", "python", "3.6", "full")),
        ("python:3.12.1-slim-bookworm", ("debian", "bookworm", "python", "3.12", "slim")),
        ("python:3.12-slim", ("debian", None, "python", "3.12", "slim")),
        ("docker.io/library/python:2.7", ("debian", "buster", "python", "2.7", "full")),
        ("node:10", ("debian", None, "node", "10", "full")),
        ("node:20.11.0-bullseye-slim", ("debian", "bullseye", "node", "20", "slim")),
        ("node:lts-buster", ("debian", "buster", "node", None, "full")),
        ("ruby:2.5-alpine3.12", ("alpine", "", "ruby", "2.5", "alpine")),
        ("golang:1.22-alpine", ("alpine", None, "go", "1.22", "alpine")),
        ("debian:jessie", ("debian", "jessie", None, None, "debian")),
        ("debian:10-slim", ("debian", "buster", None, None, "slim")),
        ("ubuntu:12.10", ("ubuntu", "quantal", None, None, "")),
        ("ubuntu:xenial-20210416", ("ubuntu", "xenial", None, None, "")),
        ("arm64v8/ubuntu:22.04", ("ubuntu", "jammy", None, None, "")),
        ("alpine:3.19.1", ("alpine", "", None, None, "alpine")),
        ("centos:7", ("centos", "centos7", None, None, "")),
        ("ubuntu", ("ubuntu", None, None, None, "")),
    ],
)
def test_references_are_read_as_their_publishers_name_tags(
    reference: str, expected: tuple[object, ...]
) -> None:
    assert describe(reference) == expected


@pytest.mark.parametrize(
    "reference",
    ["myorg/app:1.0", "ghcr.io/org/python:3.12", "golang:1.22-windowsservercore-ltsc2022",
     "scratch", "python:${VERSION}", "mcr.microsoft.com/dotnet/sdk:8.0"],
)  # fmt: skip
def test_unknown_images_are_none(reference: str) -> None:
    assert describe_image(reference) is None


def test_package_manager_libc_and_commands() -> None:
    slim = describe_image("python:3.12-slim")
    alpine = describe_image("node:20-alpine")
    full = describe_image("python:3.11")
    ubi = describe_image("registry.access.redhat.com/ubi9/ubi-minimal")
    assert slim is not None and alpine is not None and full is not None and ubi is not None
    assert (slim.package_manager, slim.libc, slim.own_python) == ("apt-get", "glibc", True)
    assert (alpine.package_manager, alpine.libc, alpine.own_python) == ("apk", "musl", False)
    assert ubi.package_manager == "microdnf"
    assert slim.has_command("curl") is False and slim.has_command("pip") is True
    assert alpine.has_command("bash") is False and alpine.has_command("wget") is True
    assert alpine.has_command("node") is True
    assert full.has_command("curl") is True and full.has_command("sudo") is False
    assert full.has_command("unknown-tool") is None
    php = describe_image("php:8.3-fpm")
    assert php is not None and php.has_command("curl") is None


def test_archived_releases_depend_on_the_date() -> None:
    jessie = describe_image("debian:jessie")
    bookworm = describe_image("debian:bookworm")
    assert jessie is not None and jessie.release is not None
    assert bookworm is not None and bookworm.release is not None
    assert jessie.release.archived_by(date(2024, 1, 1))
    assert not jessie.release.archived_by(date(2020, 1, 1))
    assert not bookworm.release.archived_by(date(2026, 12, 7))


def test_stage_base_follows_stages_and_arg_defaults() -> None:
    text = (
        "ARG BASE=python:3.6-jessie\n"
        "FROM ${BASE} AS base\n"
        "FROM base AS build\n"
        "FROM build\n"
        "FROM scratch\n"
    )
    model = build_model(lex(decode(text.encode(), "Dockerfile")))
    bases = [stage_base(stage) for stage in model.stages]
    assert [b.release.codename if b and b.release else None for b in bases] == [
        "jessie", "jessie", "jessie", None,
    ]  # fmt: skip


def test_as_of_reads_the_option_or_takes_today() -> None:
    assert as_of({"as-of": "2025-01-02"}) == date(2025, 1, 2)
    assert as_of({"as-of": date(2024, 5, 6)}) == date(2024, 5, 6)
    assert as_of({}) == date.today()
