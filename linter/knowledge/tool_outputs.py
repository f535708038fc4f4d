"""Where build tools leave output that the running app needs, and how to recognise the tools.

A multi-stage build breaks at runtime when a later stage copies part of what a builder stage
produced and not the rest: Python packages from ``$HOME/.local`` but not the Prisma query
engines that ``prisma generate`` downloaded to ``$HOME/.cache/prisma-python``
(``BinaryNotFoundError`` at start). DP002 reads this table to know those paths; ``dlint smoke``
reads it to look for the files in the built image (``probe``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from ..patterns import lazy
from ..records import NamedTuple
from ..shell import SimpleCommand

TRUTHY = frozenset({"1", "true", "yes", "on"})
_PYTHON = lazy(r"python(\d+(\.\d+)?)?")
_PIP = lazy(r"pip(\d+(\.\d+)?)?")


class ToolOutput(NamedTuple):
    """Output a tool writes, where, and how to tell it is in an image.

    ``location`` starts with ``$HOME`` or ``$WORKDIR``; ``override`` names the environment
    variable that moves it; ``xdg_cache`` the directory under ``$XDG_CACHE_HOME`` when that is
    set; ``probe`` a file-name glob that some file under the location matches once the tool ran;
    ``symptom`` what the app reports at runtime when the output is missing.
    """

    name: str
    what: str
    location: str
    probe: str
    symptom: str
    override: str | None = None
    xdg_cache: str | None = None

    def path(self, home: str | None, workdir: str | None, env: Mapping[str, str]) -> str | None:
        """The absolute output path given HOME, WORKDIR and the environment, or None."""
        if self.override and env.get(self.override):
            return posixpath.normpath(env[self.override])
        if self.xdg_cache and env.get("XDG_CACHE_HOME"):
            return posixpath.join(posixpath.normpath(env["XDG_CACHE_HOME"]), self.xdg_cache)
        base, _, rest = self.location.partition("/")
        root = {"$HOME": home, "$WORKDIR": workdir, "": "/"}.get(base)
        if root is None or not root.startswith("/"):
            return None
        return posixpath.normpath(posixpath.join(root, rest))


PRISMA_PYTHON_ENGINES = ToolOutput(
    "prisma generate",
    "the Prisma query engine binaries of prisma-client-py",
    "$HOME/.cache/prisma-python",
    "prisma-query-engine-*",
    "BinaryNotFoundError when the app connects to the database",
    override="PRISMA_BINARY_CACHE_DIR",
    xdg_cache="prisma-python",
)
PLAYWRIGHT_BROWSERS = ToolOutput(
    "playwright install",
    "the Playwright browsers",
    "$HOME/.cache/ms-playwright",
    "*",
    '"Executable doesn\'t exist" when a browser is launched',
    override="PLAYWRIGHT_BROWSERS_PATH",
    xdg_cache="ms-playwright",
)
PIP_USER_PACKAGES = ToolOutput(
    "pip install --user",
    "the Python packages and their console scripts",
    "$HOME/.local",
    "*",
    "ModuleNotFoundError, or command not found for its console scripts",
    override="PYTHONUSERBASE",
)
PIP_PACKAGES = ToolOutput(
    "pip install",
    "the Python packages",
    "/usr/local/lib",
    "*",
    "ModuleNotFoundError at start",
    override="VIRTUAL_ENV",
)
VIRTUALENV = ToolOutput(
    "python -m venv",
    "the virtual environment with its packages",
    "$WORKDIR",
    "*",
    "ModuleNotFoundError at start",
)
NODE_PRISMA_CLIENT = ToolOutput(
    "prisma generate",
    "the generated Prisma client and its query engine",
    "$WORKDIR/node_modules/.prisma",
    "*",
    '"@prisma/client did not initialize yet" at start',
)

_ELSEWHERE = ("-t", "--target", "--prefix", "--root")
_NODE_RUNNERS = frozenset({"npx", "yarn", "pnpm", "bunx"})


def tool_output(
    command: SimpleCommand, env: Mapping[str, str], python_stage: bool | None
) -> tuple[ToolOutput, str | None] | None:
    """The output ``command`` produces, if it is a known tool, with its directory when the
    command names it (a virtualenv, a pip inside a virtualenv's ``bin``).

    ``python_stage`` says whether a bare ``prisma generate`` is prisma-client-py (True), the
    Node CLI (False) or cannot be told (None: no output is claimed).
    """
    words = [word.value for word in command.words]
    if not words:
        return None
    venv = virtualenv_created(words)
    if venv is not None:
        return VIRTUALENV, venv
    found = _tool(words, env, python_stage)
    if found is PIP_PACKAGES and posixpath.dirname(words[0]).endswith("/bin"):
        return found, posixpath.dirname(posixpath.dirname(words[0]))
    return (found, None) if found else None


def virtualenv_created(words: list[str]) -> str | None:
    """The directory of ``python -m venv DIR``, ``virtualenv DIR`` or ``uv venv [DIR]``."""
    program = posixpath.basename(words[0])
    if _PYTHON.fullmatch(program) and words[1:3] in (["-m", "venv"], ["-m", "virtualenv"]):
        rest = words[3:]
    elif program == "virtualenv":
        rest = words[1:]
    elif program == "uv" and words[1:2] == ["venv"]:
        rest = words[2:] or [".venv"]
    else:
        return None
    positional = [word for word in rest if not word.startswith("-")]
    return positional[-1] if positional else None


def _tool(words: list[str], env: Mapping[str, str], python_stage: bool | None) -> ToolOutput | None:
    program = posixpath.basename(words[0])
    if _PYTHON.fullmatch(program) and words[1:2] == ["-m"] and len(words) > 2:
        module, rest = words[2], words[3:]
        if module == "pip":
            return _pip(rest, env)
        if module == "prisma" and _prisma_downloads(rest):
            return PRISMA_PYTHON_ENGINES
        if module == "playwright" and rest[:1] == ["install"]:
            return PLAYWRIGHT_BROWSERS
        return None
    if _PIP.fullmatch(program):
        return _pip(words[1:], env)
    if program in _NODE_RUNNERS or (program in ("npm", "pnpm") and words[1:2] == ["exec"]):
        rest = words[2:] if words[1:2] == ["exec"] else words[1:]
        rest = [word for word in rest if not word.startswith("-")]
        if rest[:2] == ["prisma", "generate"]:
            return NODE_PRISMA_CLIENT
        if rest[:2] == ["playwright", "install"]:
            return PLAYWRIGHT_BROWSERS
        return None
    if program == "playwright" and words[1:2] == ["install"]:
        return PLAYWRIGHT_BROWSERS
    if program == "prisma" and _prisma_downloads(words[1:]):
        if words[1:3] == ["py", "fetch"] or python_stage:
            return PRISMA_PYTHON_ENGINES
        return NODE_PRISMA_CLIENT if python_stage is False else None
    return None


def may_output(program: str) -> bool:
    """Whether :func:`tool_output` can find output for a command running ``program`` (the
    name without its directory): a quick test before reading the command."""
    return program.startswith(("python", "pip")) or program in _OUTPUT_PROGRAMS


_OUTPUT_PROGRAMS = _NODE_RUNNERS | {"npm", "playwright", "prisma", "virtualenv", "uv"}


def installs_python_packages(command: SimpleCommand) -> bool:
    """``pip install`` in any spelling (``pip3``, ``python -m pip``, ``/venv/bin/pip``)."""
    program = command.program
    if not program or not program.startswith(("python", "pip")):
        return False
    words = [word.value for word in command.words]
    if _PYTHON.fullmatch(program) and words[1:3] == ["-m", "pip"]:
        return "install" in words[3:]
    return bool(_PIP.fullmatch(program)) and "install" in words[1:]


def installs_node_packages(command: SimpleCommand) -> bool:
    program = command.program
    if program not in ("npm", "yarn", "pnpm", "bun"):
        return False
    words = [word.value for word in command.words]
    return len(words) == 1 or words[1] in ("install", "i", "ci", "add")


def _pip(args: list[str], env: Mapping[str, str]) -> ToolOutput | None:
    if "install" not in args:
        return None
    if "--user" in args or env.get("PIP_USER", "").lower() in TRUTHY:
        return PIP_USER_PACKAGES
    if any(arg in _ELSEWHERE or arg.startswith(_ELSEWHERE) for arg in args):
        return None  # --target/--prefix/--root: a directory dlint does not follow
    return PIP_PACKAGES


def _prisma_downloads(args: list[str]) -> bool:
    """``generate`` or ``py fetch``: the prisma subcommands that download query engines."""
    positional = [word for word in args if not word.startswith("-")]
    return positional[:1] == ["generate"] or positional[:2] == ["py", "fetch"]
