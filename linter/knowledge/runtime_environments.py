"""Which Python and Node a stage runs, and where a stage's virtualenvs are: what a copied
environment needs to find again in the stage it is copied to.

A virtualenv, a ``site-packages`` tree or a ``node_modules`` folder holds compiled code for one
interpreter version and one C library, and a virtualenv holds its own absolute path (console
scripts' shebangs, ``bin/activate``) and its interpreter's (``bin/python`` is a link to it,
``pyvenv.cfg``'s ``home``). This module answers, per stage, from the base-image knowledge
(:mod:`dockerfile_dlint.knowledge.base_images`) and the stage's own RUN lines:

- ``stage_python(ctx, stage) -> Interpreter | None``: the Python a stage's image runs (version,
  where it lives, C library); None when it cannot be known: an unknown image, a distribution
  image without an installed ``python3``, or a stage that installs another Python (pyenv, uv
  python install, conda, deadsnakes).
- ``stage_node(ctx, stage) -> Interpreter | None``: likewise for Node (major version).
- ``runs_python(ctx, stage)``, ``runs_node(ctx, stage)``: whether the stage's image has the
  interpreter at all (a PHP image that receives a ``node_modules`` never loads it).
- ``pip_trees(ctx, stage) -> list[str]``: the folders ``pip install --prefix/--target/--root``
  fills.
- ``environment_kinds(ctx, producer, source)``: whether copying ``source`` from ``producer``
  takes a Python environment (``python``) or a ``node_modules`` (``node``).
- ``virtualenvs(ctx, stage) -> list[Virtualenv]``: the virtualenvs the stage's RUN lines (and
  those of the stages it is built ``FROM``) create: ``python -m venv``, ``virtualenv``, ``uv
  venv``, ``uv sync``, ``poetry install`` and ``pipenv install`` with an in-project
  environment.
"""

from __future__ import annotations

import functools
import posixpath
import re
import weakref
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar, cast

from dockerfile_dlint.api import Context, Instruction, SimpleCommand, Stage

from ..patterns import lazy
from ..records import NamedTuple
from .base_images import BaseImage, stage_base
from .package_managers import invocation, strtobool

# The python3 of each distribution release (packages.debian.org/<codename>/python3,
# packages.ubuntu.com/<series>/python3, pkgs.alpinelinux.org/packages?name=python3&branch=v<N>,
# read 2026-12).
DEBIAN_PYTHON = {"jessie": "3.4", "stretch": "3.5", "buster": "3.7", "bullseye": "3.9",
                 "bookworm": "3.11", "trixie": "3.13"}  # fmt: skip
UBUNTU_PYTHON = {"16.04": "3.5", "18.04": "3.6", "20.04": "3.8", "22.04": "3.10",
                 "24.04": "3.12", "24.10": "3.12", "25.04": "3.13"}  # fmt: skip
ALPINE_PYTHON = {"3.11": "3.8", "3.12": "3.8", "3.13": "3.8", "3.14": "3.9", "3.15": "3.9",
                 "3.16": "3.10", "3.17": "3.10", "3.18": "3.11", "3.19": "3.11",
                 "3.20": "3.12", "3.21": "3.12", "3.22": "3.12"}  # fmt: skip
# Distroless runtime images (github.com/GoogleContainerTools/distroless: python3-debian12 has
# Debian 12's python3, nodejs22-debian12 the Node major its name says; all are glibc).
_DISTROLESS = lazy(r"gcr\.io/distroless/(?P<runtime>python3|nodejs(?P<node>\d+))"
                         r"-debian(?P<debian>\d+)")  # fmt: skip
_DEBIAN_NUMBERS = {"10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie"}
# Distribution packages that bring the release's python3.
_PYTHON_PACKAGES = frozenset({"python3", "python3-venv", "python3-pip", "python3-dev",
                              "py3-pip", "py3-virtualenv", "python3-virtualenv"})  # fmt: skip
# A package named for one minor (python3.12, python3.12-venv): another Python than the release's.
_MINOR_PACKAGE = lazy(r"python3\.\d+(?:-\w+)?")
# Programs that install a Python or Node of their own choosing.
_OTHER_PYTHON = frozenset({"pyenv", "conda", "mamba", "micromamba", "asdf", "mise"})
_OTHER_NODE = frozenset({"nvm", "n", "fnm", "volta", "asdf", "mise"})
_NODE_PACKAGES = frozenset({"nodejs", "nodejs-current", "npm"})
_VERSION = lazy(r"(?:python)?(?P<version>3\.\d+)")


class Interpreter(NamedTuple):
    """A runtime as a stage's image has it: ``version`` (``3.12``; Node: ``20``), the
    directory its executables are in (``/usr/local/bin``), its C library (None unknown) and
    the image, for messages."""

    version: str
    bin_dir: str
    libc: str | None
    image: str


class Virtualenv(NamedTuple):
    """A virtualenv a RUN creates at ``path``; ``version`` is the Python it was made with when
    the command names it (``python3.12 -m venv``, ``uv venv -p 3.12``), ``relocatable`` when
    it was made to be moved (``uv venv --relocatable``, ``virtualenv --relocatable``)."""

    path: str
    instruction: Instruction
    version: str | None = None
    relocatable: bool = False


_T = TypeVar("_T")
# Answers per file (Context) and stage: each function walks the stage chain's RUN lines once,
# however many COPY --from lines ask.
_ANSWERS: weakref.WeakKeyDictionary[Context, dict[tuple[str, int], Any]] = (
    weakref.WeakKeyDictionary()
)


def _per_stage(function: Callable[[Context, Stage], _T]) -> Callable[[Context, Stage], _T]:
    """``function(ctx, stage)``, computed once per file and stage."""
    name = function.__name__

    @functools.wraps(function)
    def cached(ctx: Context, stage: Stage) -> _T:
        answers = _ANSWERS.setdefault(ctx, {})
        key = (name, stage.index)
        if key not in answers:
            answers[key] = function(ctx, stage)
        return cast(_T, answers[key])

    return cached


def chain(stage: Stage) -> list[Stage]:
    """The stage and those it is built ``FROM``, the first image's stage first."""
    return stage.lineage[::-1]


def _runs(ctx: Context, stage: Stage) -> Iterator[tuple[Instruction, SimpleCommand]]:
    for member in chain(stage):
        for instruction in member.instructions:
            if instruction.keyword == "RUN":
                for command in ctx.run_commands(instruction, unwrapped=True):
                    yield instruction, command


def _program(command: SimpleCommand) -> str:
    return posixpath.basename(command.words[0].value) if command.words else ""


@_per_stage
def _installed(ctx: Context, stage: Stage) -> frozenset[str]:
    """The packages the stage's apt-get/apk/yum/dnf commands install."""
    packages: set[str] = set()
    for instruction, command in _runs(ctx, stage):
        plain = invocation(command)  # kept; the manager is the same once expanded
        if plain is None or plain.manager == "pip":
            continue
        read = invocation(command, partial(ctx.expand, instruction))
        if read is not None and read.installs:
            packages.update(word.value.partition("=")[0] for word in read.arguments)
    return frozenset(packages)


@_per_stage
def _installs_other_python(ctx: Context, stage: Stage) -> bool:
    packages = _installed(ctx, stage)
    if any(_MINOR_PACKAGE.fullmatch(package) for package in packages):
        return True
    for _, command in _runs(ctx, stage):
        words = [word.value for word in command.words]
        program = _program(command)
        if program in _OTHER_PYTHON or (program == "uv" and words[1:3] == ["python", "install"]):
            return True
        if any("deadsnakes" in word for word in words):
            return True
    return False


def _distroless(image: BaseImage) -> re.Match[str] | None:
    return _DISTROLESS.match(image.reference.lower())


@_per_stage
def stage_python(ctx: Context, stage: Stage) -> Interpreter | None:
    """The Python ``stage``'s image runs, or None when it cannot be known."""
    image = stage_base(stage)
    if image is None:
        return None
    packages = _installed(ctx, stage)
    if _installs_other_python(ctx, stage):
        return None
    if image.own_python and image.runtime_version:
        if "." not in image.runtime_version:
            return None  # python:3 floats over minors: unknown
        return Interpreter(image.runtime_version, "/usr/local/bin", image.libc, image.reference)
    distroless = _distroless(image)
    if distroless is not None and distroless["runtime"] == "python3":
        codename = _DEBIAN_NUMBERS.get(distroless["debian"], "")
        version = DEBIAN_PYTHON.get(codename)
        return Interpreter(version, "/usr/bin", "glibc", image.reference) if version else None
    if image.runtime is not None or image.release is None or not packages & _PYTHON_PACKAGES:
        return None
    release = image.release
    version = {
        "debian": DEBIAN_PYTHON.get(release.codename),
        "ubuntu": UBUNTU_PYTHON.get(release.version),
        "alpine": ALPINE_PYTHON.get(release.version),
    }.get(release.distribution)
    return Interpreter(version, "/usr/bin", image.libc, image.reference) if version else None


@_per_stage
def stage_node(ctx: Context, stage: Stage) -> Interpreter | None:
    """The Node ``stage``'s image runs (major version), or None when it cannot be known."""
    image = stage_base(stage)
    if image is None:
        return None
    for _, command in _runs(ctx, stage):
        words = [word.value for word in command.words]
        if _program(command) in _OTHER_NODE or any("nodesource" in word for word in words):
            return None
    if _installed(ctx, stage) & _NODE_PACKAGES:
        return None
    if image.runtime == "node" and image.runtime_version:
        return Interpreter(image.runtime_version, "/usr/local/bin", image.libc, image.reference)
    distroless = _distroless(image)
    if distroless is not None and distroless["node"]:
        return Interpreter(distroless["node"], "/nodejs/bin", "glibc", image.reference)
    return None


@_per_stage
def runs_python(ctx: Context, stage: Stage) -> bool:
    """Whether ``stage``'s image can run Python at all: a Python image, or a stage that
    installs one (a copied package set is only loaded where an interpreter is)."""
    image = stage_base(stage)
    if image is not None and (image.runtime == "python" or image.own_python):
        return True
    if image is not None and (found := _distroless(image)) and found["runtime"] == "python3":
        return True
    packages = _installed(ctx, stage)
    return bool(packages & _PYTHON_PACKAGES) or _installs_other_python(ctx, stage)


@_per_stage
def runs_node(ctx: Context, stage: Stage) -> bool:
    """Whether ``stage``'s image can run Node: a Node image, or a stage that installs it."""
    image = stage_base(stage)
    if image is not None and image.runtime == "node":
        return True
    if image is not None and (found := _distroless(image)) and found["node"]:
        return True
    for _, command in _runs(ctx, stage):
        words = [word.value for word in command.words]
        if _program(command) in _OTHER_NODE or any("nodesource" in word for word in words):
            return True
    return bool(_installed(ctx, stage) & _NODE_PACKAGES)


@_per_stage
def pip_trees(ctx: Context, stage: Stage) -> list[str]:
    """The folders ``pip install --prefix/--target/--root`` fill in ``stage`` and the stages it
    is built on (``--prefix=/install``, later copied to ``/usr/local``)."""
    trees = []
    for instruction, command in _runs(ctx, stage):
        plain = invocation(command)  # kept; the manager is the same once expanded
        if plain is None or plain.manager != "pip":
            continue
        read = invocation(command, partial(ctx.expand, instruction))
        if read is None or not read.installs:
            continue
        workdir = ctx.state(instruction).workdir or "/"
        for value in read.option_values("--prefix", "--target", "-t", "--root"):
            if "$" not in value:
                trees.append(posixpath.normpath(posixpath.join(workdir, value)))
    return trees


@_per_stage
def virtualenvs(ctx: Context, stage: Stage) -> list[Virtualenv]:
    """The virtualenvs created by the RUN lines of ``stage`` and the stages it is built on."""
    found = []
    poetry_in_project = False
    for instruction, command in _runs(ctx, stage):
        words = [word.value for word in command.words]
        program = _program(command)
        if program == "poetry" and words[1:3] == ["config", "virtualenvs.in-project"]:
            poetry_in_project = words[3:4] in (["true"], ["1"])
            continue
        if not program.startswith(_VENV_MAKERS):
            continue  # makes no virtualenv (see _created): no need of its environment
        state = ctx.state(instruction)
        environment = dict(state.env)
        for word in command.assignments:
            name, _, value = word.value.partition("=")
            environment[name] = value
        if poetry_in_project:
            environment.setdefault("POETRY_VIRTUALENVS_IN_PROJECT", "true")
        venv = _created(words, environment)
        if venv is None:
            continue
        path, version, relocatable = venv
        expanded = ctx.expand(instruction, path)
        if expanded.complete:
            resolved = posixpath.normpath(posixpath.join(state.workdir or "/", expanded.value))
            found.append(Virtualenv(resolved, instruction, version, relocatable))
    return found


# The programs _created knows to make a virtualenv, by the start of their names.
_VENV_MAKERS = ("python", "virtualenv", "uv", "poetry", "pipenv")
_VENV_VALUE_OPTIONS = frozenset({"--prompt", "-p", "--python", "--index-url", "--extra-index-url",
                                 "--seed-version", "--link-mode", "--cache-dir", "--directory",
                                 "--project", "--activators", "--creator", "--seeder",
                                 "--app-data", "--extra-search-dir", "--pip", "--setuptools",
                                 "--wheel"})  # fmt: skip
_TRUE = ("1", "true", "yes", "on")


def _created(words: list[str], environment: dict[str, str]) -> tuple[str, str | None, bool] | None:
    """(path, Python version, relocatable) of the virtualenv the command ``words`` creates,
    if it creates one; the path may hold variables, relative to the working directory."""
    if not words:
        return None
    program = posixpath.basename(words[0])
    match = _VERSION.fullmatch(program)
    version = match["version"] if match else None
    if program.startswith("python") and words[1:3] in (["-m", "venv"], ["-m", "virtualenv"]):
        return _operand(words[3:], "", version)
    if program == "virtualenv":
        return _operand(words[1:], "", None)
    if program == "uv" and words[1:2] == ["venv"]:
        return _operand(words[2:], ".venv", _python_version(environment.get("UV_PYTHON")))
    if program == "uv" and words[1:2] == ["sync"]:
        path = environment.get("UV_PROJECT_ENVIRONMENT") or ".venv"
        return path, _python_version(environment.get("UV_PYTHON")), False
    if program == "poetry" and words[1:2] == ["install"]:
        in_project = environment.get("POETRY_VIRTUALENVS_IN_PROJECT", "").lower() in _TRUE
        create = strtobool(environment.get("POETRY_VIRTUALENVS_CREATE", "true"))
        if in_project and create is not False:
            return ".venv", None, False
    pipenv_in_project = environment.get("PIPENV_VENV_IN_PROJECT", "").lower() in _TRUE
    if program == "pipenv" and words[1:2] == ["install"] and pipenv_in_project:
        return ".venv", None, False
    return None


def _python_version(text: str | None) -> str | None:
    named = _VERSION.search(text or "")
    return named["version"] if named else None


def _operand(
    words: list[str], default: str, version: str | None
) -> tuple[str, str | None, bool] | None:
    """The first operand after the options: the virtualenv's directory."""
    relocatable = False
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-p", "--python") and index + 1 < len(words):
            version = _python_version(words[index + 1]) or version
        elif word.startswith("--python="):
            version = _python_version(word) or version
        if word == "--relocatable":
            relocatable = True
        if word in _VENV_VALUE_OPTIONS:
            index += 2
            continue
        if not word.startswith("-"):
            return word, version, relocatable
        index += 1
    return (default, version, relocatable) if default else None


# Paths that hold an installed Python package set, whatever made it.
_PYTHON_TREE = lazy(
    r"(?:^|/)(?:site-packages|dist-packages)(?:/|$)|^/usr/local/lib/python3\.\d+(?:/|$)"
    r"|(?:^|/)\.local(?:/lib(?:/|$)|$)"
)
_NODE_INSTALLS = {"npm": ("install", "ci", "i"), "yarn": ("install", ""), "pnpm": ("install", "i")}


def covers(source: str, path: str) -> bool:
    """Whether copying the folder ``source`` brings ``path``."""
    return source == "/" or path == source or path.startswith(source + "/")


def environment_kinds(ctx: Context, producer: Stage, source: str) -> frozenset[str]:
    """What a ``COPY --from`` of the folder ``source`` takes from ``producer``: ``python`` (a
    virtualenv, site-packages, the user site, a ``pip install --prefix`` tree) and ``node``
    (a ``node_modules`` the stage installed, or any folder of that name)."""
    kinds = set()
    if (
        _PYTHON_TREE.search(source)
        or any(covers(source, venv.path) for venv in virtualenvs(ctx, producer))
        or any(covers(source, tree) or covers(tree, source) for tree in pip_trees(ctx, producer))
    ):
        kinds.add("python")
    if "node_modules" in source.split("/") or any(
        covers(source, folder) for folder in _node_modules(ctx, producer)
    ):
        kinds.add("node")
    return frozenset(kinds)


@_per_stage
def _node_modules(ctx: Context, stage: Stage) -> list[str]:
    """The node_modules folders npm, yarn and pnpm install into in ``stage``'s chain."""
    folders = []
    for instruction, command in _runs(ctx, stage):
        words = [word.value for word in command.words]
        subcommand = next((word for word in words[1:] if not word.startswith("-")), "")
        if subcommand in _NODE_INSTALLS.get(_program(command), ()):
            workdir = ctx.state(instruction).workdir or "/"
            folders.append(posixpath.normpath(posixpath.join(workdir, "node_modules")))
    return folders
