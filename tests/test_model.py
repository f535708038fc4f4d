"""The model: stages, inherited state, variable expansion and COPY --from sources."""

from __future__ import annotations

from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import Model, build_model
from dockerfile_dlint.source import decode


def model(text: str) -> Model:
    return build_model(lex(decode(text.encode())))


def test_stages_names_parents_and_resolved_images() -> None:
    built = model("ARG PY=3.12\nFROM python:${PY}-slim AS Base\nFROM base AS test\nFROM scratch\n")
    assert [(s.name, s.image_resolved) for s in built.stages] == [
        ("base", "python:3.12-slim"),
        ("test", "base"),
        (None, "scratch"),
    ]
    assert built.stages[1].parent is built.stages[0]
    assert built.stages[2].base_is_scratch
    assert dict(built.global_args) == {"PY": "3.12"}


def test_env_user_workdir_shell_are_inherited_through_from_stage() -> None:
    built = model(
        "FROM debian:12 AS base\n"
        "ENV HOME=/home/app APP=$HOME/src\n"
        "USER app\n"
        "WORKDIR /srv\n"
        "WORKDIR api\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "FROM base\n"
        "RUN true\n"
    )
    run = built.dockerfile.instructions[-1]
    state = built.state(run)
    assert state.env["HOME"] == "/home/app"
    assert "APP" in state.unknown_env  # $HOME was not known when that ENV ran
    assert state.env["APP"] == "$HOME/src" and state.variables["APP"] is None
    assert state.user == "app"
    assert state.workdir == "/srv/api"
    assert state.shell == ("/bin/bash", "-o", "pipefail", "-c")
    assert built.stage(run) is built.stages[1]


def test_args_scope_global_defaults_and_env_override() -> None:
    built = model(
        "ARG VERSION=1.0\n"
        "ARG OTHER\n"
        "FROM alpine:3.20\n"
        "ARG VERSION\n"
        "ARG OTHER\n"
        "ENV VERSION=2.0 LEGACY_FORM=no\n"
        "ENV OLD legacy value here\n"
        "RUN true\n"
    )
    run = built.dockerfile.instructions[-1]
    state = built.state(run)
    assert state.args == {"VERSION": "1.0", "OTHER": None}
    assert state.variables["VERSION"] == "2.0"
    assert state.env["OLD"] == "legacy value here"


def test_args_do_not_leak_into_the_next_stage() -> None:
    built = model("FROM a:1 AS one\nARG X=1\nFROM one\nRUN true\n")
    assert built.state(built.dockerfile.instructions[-1]).args == {}


def test_copy_from_sources_resolve_names_indexes_and_images() -> None:
    built = model(
        "ARG SRC=build\n"
        "FROM golang:1 AS build\n"
        "FROM debian:12\n"
        "ARG SRC\n"
        "COPY --from=BUILD /a /a\n"
        "COPY --from=0 /a /a\n"
        "COPY --from=$SRC /a /a\n"
        "COPY --from=nginx:1 /a /a\n"
    )
    sources = built.copy_sources
    assert [s.stage.index if s.stage else None for s in sources] == [0, 0, 0, None]
    assert sources[3].resolved == "nginx:1"


def test_instructions_before_the_first_from_have_no_stage() -> None:
    built = model("ARG X=1\nFROM a:1\n")
    assert built.stage(built.dockerfile.instructions[0]) is None


def test_build_args_override_defaults() -> None:
    text = "ARG PY=3.11\nFROM python:${PY}-slim\nARG MODE=dev\nARG PY\nRUN true\n"
    built = build_model(lex(decode(text.encode())), {"PY": "3.13", "MODE": "prod"})
    assert built.stages[0].image_resolved == "python:3.13-slim"
    assert dict(built.state(built.dockerfile.instructions[-1]).args) == {
        "MODE": "prod",
        "PY": "3.13",
    }


def test_partly_known_values_chain() -> None:
    built = model(
        "FROM python:3.12\nENV PATH=/root/.local/bin:$PATH\nENV PATH=/opt/venv/bin:$PATH\n"
        "RUN true\n"
    )
    state = built.state(built.dockerfile.instructions[-1])
    assert state.env["PATH"] == "/opt/venv/bin:/root/.local/bin:$PATH"
    assert "PATH" in state.unknown_env
