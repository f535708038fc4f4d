"""What a stage's image runs (Python, Node) and which virtualenvs its RUN lines create: the
knowledge DP010 and dlint smoke's boot explanation compare stages by."""

from __future__ import annotations

import pytest
from dockerfile_dlint.api import Context
from dockerfile_dlint.knowledge.runtime_environments import (
    environment_kinds,
    pip_trees,
    runs_node,
    runs_python,
    stage_node,
    stage_python,
    virtualenvs,
)
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.source import decode


def context(text: str) -> Context:
    document = lex(decode(text.encode(), "Dockerfile"))
    return Context(document, build_model(document))


@pytest.mark.parametrize(
    ("dockerfile", "version", "bin_dir", "libc"),
    [
        ("FROM python:3.12-slim", "3.12", "/usr/local/bin", "glibc"),
        ("FROM python:3.11-alpine3.19", "3.11", "/usr/local/bin", "musl"),
        ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3",
         "3.11", "/usr/bin", "glibc"),
        ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3-venv",
         "3.10", "/usr/bin", "glibc"),
        ("FROM alpine:3.20\nRUN apk add --no-cache python3 py3-pip", "3.12", "/usr/bin", "musl"),
        ("FROM gcr.io/distroless/python3-debian12", "3.11", "/usr/bin", "glibc"),
    ],
)  # fmt: skip
def test_the_python_a_stage_runs(dockerfile: str, version: str, bin_dir: str, libc: str) -> None:
    ctx = context(dockerfile)
    python = stage_python(ctx, ctx.stages[-1])
    assert python is not None
    assert (python.version, python.bin_dir, python.libc) == (version, bin_dir, libc)
    assert runs_python(ctx, ctx.stages[-1])


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM debian:bookworm-slim",  # no python3 installed
        "FROM mycorp/python:3.12",  # an image the tables do not know
        "FROM python:3.12-slim\nRUN uv python install 3.13",
        "FROM ubuntu:22.04\nRUN add-apt-repository ppa:deadsnakes/ppa && apt-get install -y "
        "python3.12",
        "FROM python:3.12-slim\nRUN curl https://pyenv.run | bash && pyenv install 3.9",
    ],
)
def test_unknown_or_replaced_pythons_are_not_guessed(dockerfile: str) -> None:
    ctx = context(dockerfile)
    assert stage_python(ctx, ctx.stages[-1]) is None


def test_node_majors_and_installed_nodes() -> None:
    ctx = context(
        "FROM node:20.11-alpine AS a\n"
        "FROM gcr.io/distroless/nodejs22-debian12 AS b\n"
        "FROM node:20 AS c\nRUN curl -fsSL https://deb.nodesource.com/setup_22.x | bash -\n"
        "FROM php:8.3-apache AS d\n"
    )
    a, b, c, d = ctx.stages
    node_a, node_b = stage_node(ctx, a), stage_node(ctx, b)
    assert node_a is not None and (node_a.version, node_a.libc) == ("20", "musl")
    assert node_b is not None and (node_b.version, node_b.libc) == ("22", "glibc")
    assert stage_node(ctx, c) is None and runs_node(ctx, c)
    assert not runs_node(ctx, d) and not runs_python(ctx, d)


def test_virtualenvs_and_pip_trees_are_found_where_they_are_made() -> None:
    ctx = context(
        "FROM python:3.12-slim\n"
        "ENV POETRY_VIRTUALENVS_IN_PROJECT=1 VENV=/opt/venv\n"
        "WORKDIR /src\n"
        "RUN python3.12 -m venv --upgrade-deps $VENV\n"
        "RUN uv venv --python 3.11 --relocatable env\n"
        "RUN poetry install --no-root\n"
        "RUN UV_PROJECT_ENVIRONMENT=/uv uv sync --frozen\n"
        "RUN pip install --prefix=/install -r requirements.txt && pip install -t lib x\n"
    )
    stage = ctx.stages[0]
    found = [(v.path, v.version, v.relocatable) for v in virtualenvs(ctx, stage)]
    assert found == [
        ("/opt/venv", "3.12", False),
        ("/src/env", "3.11", True),
        ("/src/.venv", None, False),
        ("/uv", None, False),
    ]
    assert pip_trees(ctx, stage) == ["/install", "/src/lib"]
    assert environment_kinds(ctx, stage, "/src") == {"python"}
    assert environment_kinds(ctx, stage, "/install/lib") == {"python"}
    assert environment_kinds(ctx, stage, "/etc") == frozenset()
