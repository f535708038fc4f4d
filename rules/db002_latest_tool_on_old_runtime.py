from collections.abc import Callable, Iterator
from datetime import date

from dockerfile_dlint.api import (
    Context,
    Edit,
    Finding,
    Fix,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Span,
    Word,
    lazy,
)
from dockerfile_dlint.knowledge.base_image_tables import (
    DISTRO_PYTHON2,
    DISTRO_PYTHON3,
    EASY_INSTALL_LAST_PYTHON,
    LATEST_NPM_MINIMUM_NODE,
    LATEST_PIP_MINIMUM,
    LATEST_RUBYGEMS_MINIMUM,
    OLD_PIP_RELEASES,
    minimum_on,
)
from dockerfile_dlint.knowledge.base_images import BaseImage, as_of, stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    invocation_of,
    ordered_commands,
    program,
)

# get-pip.py of the latest pip (the versioned ones live under /pip/<python>/get-pip.py).
LATEST_GET_PIP = lazy(
    r"bootstrap\.pypa\.io/get-pip\.py|pypa/get-pip/(?:master|main)/(?:public/)?get-pip\.py"
)
PYTHON = lazy(r"python(\d(?:\.\d+)?)?")
LATEST_URL = "bootstrap.pypa.io/get-pip.py"
# The Pythons that have a get-pip.py of their own at bootstrap.pypa.io/pip/<version>/.
VERSIONED_GET_PIP = frozenset({(2, 6), (2, 7), (3, 2), (3, 3), (3, 4), (3, 5), (3, 6), (3, 7),
                               (3, 8)})  # fmt: skip
Version = tuple[int, ...]


class LatestToolOnOldRuntime(Rule):
    """The build installs the latest pip, npm or RubyGems on a runtime it no longer supports.

    ## What it does
    Flags, where the build fails:
    - running the unversioned `https://bootstrap.pypa.io/get-pip.py` with a Python the latest
      pip has dropped (`python:3.6`, Debian stretch's `python3`);
    - `gem update --system` without a version on a Ruby the latest RubyGems has dropped
      (`ruby:2.7`);
    - the first npm command after `npm install -g npm` (or `npm@latest`) on a Node the latest
      npm has dropped (`node:16`);
    - the first pip command after `pip install -U pip` (unpinned) with a distribution's
      pip older than 9 (Debian jessie, Ubuntu 14.04 and 16.04), which ignores what Python the
      new pip needs;
    - `easy_install` on the official `python` images of 3.6 and later, whose setuptools no
      longer has it.

    The runtime version is read from the base image (`python:3.6`, `node:10`, `ruby:2.5`, a
    Debian or Ubuntu release's own Python). Judged on today's date (`--as-of`): each tool's
    support table carries the day it dropped a version.

    ## Why is this bad?
    These lines fetch "the latest" at build time. The day the tool drops the image's runtime,
    the build breaks with `This script does not work on Python 3.6`, `rubygems-update
    requires Ruby version >= 3.0.0`, `npm does not support Node.js v16`, or a SyntaxError
    inside pip, though the Dockerfile did not change.

    ## Example
    ```dockerfile
    FROM python:3.6-slim
    RUN curl -fsSL https://bootstrap.pypa.io/get-pip.py | python
    ```

    ## Use instead
    Pin the tool to a version that supports the runtime (or move to a supported runtime):
    ```dockerfile
    FROM python:3.6-slim
    RUN curl -fsSL https://bootstrap.pypa.io/pip/3.6/get-pip.py | python
    ```

    ## Fix
    The download of `https://bootstrap.pypa.io/get-pip.py` becomes the one for the image's
    Python (`https://bootstrap.pypa.io/pip/3.6/get-pip.py`), which installs the last pip that
    supports it; a safe fix, since the unversioned script cannot run there at all. The other
    cases are left to you (which version to pin, or which runtime to move to, is a choice).
    """

    code = "DB002"
    name = "latest-tool-on-old-runtime"
    level = Level.ERROR
    instructions = frozenset({"RUN"})
    onbuild = False
    fixable = "safe"

    def __init__(self) -> None:
        self._states: StageStates[_State | None] = StageStates(lambda stage: None)

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        stage = ctx.stage(instruction)
        if stage is None:
            return
        state = self._states.of(stage)
        if state is None:
            base = stage_base(stage)
            if base is None:
                return
            state = _State(base, as_of(ctx.options))
            self._states.set(stage, state)
        if state.failed:
            return
        for command in ordered_commands(ctx, instruction):
            message = state.see(command, instruction)
            if message is not None:
                state.failed = True  # the build stops here: later lines are not reached
                words = command.unwrapped().words
                fix = _versioned_get_pip(state, ctx.dockerfile.source.line_text)
                yield self.finding(words[0].span, message, fix)
                return


class _State:
    """What earlier commands of the image did: downloads of the latest get-pip.py, upgrades
    of npm and pip to their latest release, installs that bring easy_install."""

    def __init__(self, base: BaseImage, today: date) -> None:
        self.base = base
        self.today = today
        self.get_pip_line: int | None = None
        self.get_pip_word: Word | None = None
        self.get_pip_python: Version | None = None
        self.npm_upgrade_line: int | None = None
        self.pip_upgrade: tuple[int, str] | None = None
        self.distro_pip = False
        self.installed = False
        self.failed = False

    def see(self, command: SimpleCommand, instruction: Instruction) -> str | None:
        name = program(command)
        values = [word.value for word in command.unwrapped().words]
        for word in command.unwrapped().words:
            if LATEST_GET_PIP.search(word.value):
                self.get_pip_line, self.get_pip_word = command.span.line, word
        runs_script = any(v.endswith("get-pip.py") for v in values[1:]) or values[1:] in (
            [],
            ["-"],
        )
        if PYTHON.fullmatch(name) and self.get_pip_line is not None and runs_script:
            return self._get_pip(name)
        if name in ("npm", "npx"):
            return self._npm(command, values)
        if name == "gem":
            return self._gem(values)
        if name.startswith("easy_install"):
            return self._easy_install(name)
        read = invocation_of(command)
        if read is None:
            return None
        if read.installs and read.manager in ("apt-get", "apt", "apk", "pip", "yum"):
            self.installed = True
            packages = {word.value for word in read.arguments}
            self.distro_pip |= read.manager == "apt-get" and bool(
                packages & {"python-pip", "python3-pip"}
            )
        if read.manager == "pip":
            upgrade = read.has_option("-U", "--upgrade") and any(
                word.value == "pip" for word in read.arguments
            )
            return self._pip(read.words[0].value, upgrade, command.span.line)
        return None

    def _get_pip(self, interpreter: str) -> str | None:
        version = self._python_version(interpreter)
        minimum = minimum_on(LATEST_PIP_MINIMUM, self.today)
        if version is None or minimum is None or version >= minimum:
            return None
        self.get_pip_python = version
        shown = _dotted(version)
        return (
            f"{interpreter} runs the latest get-pip.py (downloaded at line {self.get_pip_line}),"
            f" which needs Python {_dotted(minimum)} or newer: on Python {shown} it stops with "
            f"'This script does not work on Python {shown}'; use the versioned "
            f"https://bootstrap.pypa.io/pip/{shown}/get-pip.py, or a newer Python"
        )

    def _npm(self, command: SimpleCommand, values: list[str]) -> str | None:
        node = _version(self.base.runtime_version) if self.base.runtime == "node" else None
        if node is None:
            return None
        minimum = minimum_on(LATEST_NPM_MINIMUM_NODE, self.today)
        if self.npm_upgrade_line is not None and minimum is not None and node[0] < minimum:
            return (
                f"{values[0]} runs the latest npm, installed at line {self.npm_upgrade_line}, "
                f"which needs Node {minimum} or newer: on Node {node[0]} it stops with 'npm "
                f"does not support Node.js v{node[0]}'; pin npm to a release that supports "
                f"Node {node[0]} (npm install -g npm@<version>) or move to a newer node image"
            )
        global_install = any(v in ("-g", "--global", "--location=global") for v in values)
        installs = len(values) > 1 and values[1] in ("install", "i", "add", "update", "up")
        if global_install and installs and any(v in ("npm", "npm@latest") for v in values[2:]):
            self.npm_upgrade_line = command.span.line
        return None

    def _gem(self, values: list[str]) -> str | None:
        if values[1:3] != ["update", "--system"] or len(values) > 3:
            return None  # gem update --system 3.4.22 pins the version
        ruby = _version(self.base.runtime_version) if self.base.runtime == "ruby" else None
        minimum = minimum_on(LATEST_RUBYGEMS_MINIMUM, self.today)
        if ruby is None or minimum is None or ruby >= minimum:
            return None
        return (
            f"gem update --system installs the latest RubyGems, which needs Ruby "
            f"{_dotted(minimum)} or newer: on Ruby {_dotted(ruby)} it stops with "
            f"'rubygems-update requires Ruby version >= {_dotted(minimum)}'; give the last "
            "version that supports it (gem update --system <version>) or use a newer Ruby"
        )

    def _easy_install(self, name: str) -> str | None:
        python = _version(self.base.runtime_version) if self.base.own_python else None
        if python is None or python <= EASY_INSTALL_LAST_PYTHON or self.installed:
            return None
        return (
            f"{name} is not in {self.base.reference}: its setuptools (52 and later) has no "
            f"easy_install, so the build stops with '{name}: not found'; use pip install"
        )

    def _pip(self, program_word: str, upgrade: bool, line_here: int) -> str | None:
        if self.pip_upgrade is not None:
            line, interpreter = self.pip_upgrade
            version = self._python_version(interpreter)
            minimum = minimum_on(LATEST_PIP_MINIMUM, self.today)
            if version is not None and minimum is not None and version < minimum:
                return (
                    f"{program_word} runs the latest pip, which the pip older than 9 of "
                    f"{self.base.describe()} installed at line {line} without checking that it "
                    f"supports Python {_dotted(version)}: it fails to start; upgrade to the "
                    f"last pip for Python {_dotted(version)} instead "
                    f"(pip install 'pip<{_dotted(_pip_ceiling(version))}')"
                )
            return None
        release = self.base.release
        if upgrade and self.distro_pip and release and release.codename in OLD_PIP_RELEASES:
            interpreter = "python3" if program_word.endswith("3") else "python"
            self.pip_upgrade = (line_here, interpreter)
        return None

    def _python_version(self, interpreter: str) -> Version | None:
        match = PYTHON.fullmatch(interpreter)
        if match is None:
            return None
        if match.group(1) and "." in match.group(1):
            return _version(match.group(1))
        if self.base.own_python:
            runtime = _version(self.base.runtime_version)
            if runtime is not None and (match.group(1) in (None, str(runtime[0]))):
                return runtime
            return None
        release = self.base.release
        if release is None:
            return None
        if match.group(1) == "3":
            return DISTRO_PYTHON3.get(release.codename)
        return (2, 7) if release.codename in DISTRO_PYTHON2 else None


def _versioned_get_pip(state: _State, line_text: Callable[[int], str]) -> Fix | None:
    """The download of the latest get-pip.py changed to the one for the image's Python
    (https://bootstrap.pypa.io/pip/3.6/get-pip.py), where the URL is written out."""
    word, python = state.get_pip_word, state.get_pip_python
    if word is None or python is None or python not in VERSIONED_GET_PIP:
        return None
    span = word.span
    if span.line != span.end_line:
        return None
    text = line_text(span.line)
    start = text.find(LATEST_URL, span.column - 1, span.end_column - 1)
    if start < 0:
        return None
    versioned = f"bootstrap.pypa.io/pip/{_dotted(python)}/get-pip.py"
    edit = Edit(Span(span.line, start + 1, span.line, start + 1 + len(LATEST_URL)), versioned)
    return Fix((edit,), title=f"download the get-pip.py for Python {_dotted(python)}")


def _version(text: str | None) -> Version | None:
    if not text:
        return None
    parts = text.split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def _dotted(version: Version) -> str:
    return ".".join(str(part) for part in version)


def _pip_ceiling(python: Version) -> Version:
    """The first pip that dropped ``python``."""
    for (_, minimum), ceiling in zip(LATEST_PIP_MINIMUM, _PIP_MAJORS, strict=True):
        if python < minimum:
            return ceiling
    return (99,)


# The pip release of each row of LATEST_PIP_MINIMUM.
_PIP_MAJORS: tuple[Version, ...] = ((10,), (19, 2), (21,), (22,), (24, 1), (25, 1))
