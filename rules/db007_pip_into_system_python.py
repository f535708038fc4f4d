from collections.abc import Iterator

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Stage,
)
from dockerfile_dlint.knowledge.base_images import as_of, stage_base
from dockerfile_dlint.knowledge.build_history import (
    StageStates,
    first_from,
    invocation_of,
    ordered_commands,
)
from dockerfile_dlint.knowledge.package_managers import mentions

# Packages that install the distribution's pip.
PIP_PACKAGES = frozenset({"python3-pip", "py3-pip"})
# Python 2 packages that no release with an externally managed Python has: an install that
# names one stops the build before any pip runs (that is DB003's finding, not this rule's).
PYTHON2_PACKAGES = frozenset({"python", "python-pip", "python-dev", "python-setuptools",
                              "python-virtualenv", "py-pip", "python2"})  # fmt: skip
# Text before the pip that shows another Python, or the check turned off: the rule stays silent.
ESCAPES = ("venv", "virtualenv", "break-system-packages", "BREAK_SYSTEM_PACKAGES",
           "EXTERNALLY-MANAGED", "conda", "mamba", "pyenv", "pip.conf", "uv ", "pipx")  # fmt: skip
# Options that install somewhere other than the interpreter's own site-packages.
ELSEWHERE = ("--target", "-t", "--prefix", "--root", "--break-system-packages")
UNVERSIONED = frozenset({"pip", "pip3", "python", "python3"})


class PipIntoSystemPython(Rule):
    """pip install into the distribution's own, externally managed Python.

    ## What it does
    Flags `pip install` (`pip3 install`, `python3 -m pip install`, also `--user`) that runs
    the distribution's pip — installed in the image with `python3-pip` or `py3-pip` — on a
    release whose Python is marked externally managed (PEP 668): Debian 12 bookworm and later,
    Ubuntu 23.04 and later, Alpine 3.19 and later (`debian`, `ubuntu`, `alpine` images, and
    the `node`, `ruby`, `golang`, `php` … images built on them). Not flagged: the official
    `python` images (their Python is in /usr/local, not the distribution's), a virtualenv made
    or put on PATH before, `--break-system-packages` or `PIP_BREAK_SYSTEM_PACKAGES`,
    `--target`/`--prefix`, and releases the rule does not know.

    ## Why is this bad?
    pip refuses to change the Python that the distribution's own packages use, and the build
    stops with `error: externally-managed-environment`. Dockerfiles written for Debian 11 or
    Ubuntu 22.04 break this way as soon as the base image moves to a newer release.

    ## Example
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y python3-pip \\
     && pip3 install requests
    ```

    ## Use instead
    Install into a virtualenv (or use the distribution's package, `python3-requests`):
    ```dockerfile
    FROM debian:bookworm-slim
    RUN apt-get update && apt-get install -y python3-venv \\
     && python3 -m venv /opt/venv && /opt/venv/bin/pip install requests
    ENV PATH=/opt/venv/bin:$PATH
    ```
    """

    code = "DB007"
    name = "pip-into-system-python"
    level = Level.ERROR
    instructions = frozenset({"RUN"})
    onbuild = False

    def __init__(self) -> None:
        # Per stage: [the distribution's pip is installed, another Python or the check is off].
        self._states: StageStates[list[bool]] = StageStates(lambda stage: [False, False])

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        stage = ctx.stage(instruction)
        if stage is None:
            return []
        state = self._states.of(stage)
        if state[1]:
            return []
        commands = ordered_commands(ctx, instruction)
        findings = []
        if mentions(instruction, "pip"):
            findings = list(self._judge(instruction, ctx, stage, commands, state[0]))
        state[0] = state[0] or any(_installs(command, PIP_PACKAGES) for command in commands)
        state[1] = any(escape in instruction.text.text for escape in ESCAPES) or any(
            _installs(command, PYTHON2_PACKAGES) for command in commands
        )
        return findings

    def _judge(
        self,
        instruction: Instruction,
        ctx: Context,
        stage: Stage,
        commands: list[SimpleCommand],
        has_pip: bool,
    ) -> Iterator[Finding]:
        base = stage_base(stage)
        if base is None or not base.externally_managed_python(as_of(ctx.options)):
            return
        env = ctx.state(instruction).env
        if "VIRTUAL_ENV" in env or "PIP_BREAK_SYSTEM_PACKAGES" in env:
            return
        if any(word in env.get("PATH", "") for word in ("venv", "env/bin", "conda", "pyenv")):
            return
        origin = first_from(stage)
        for command in commands:
            if _installs(command, PYTHON2_PACKAGES):
                return
            if _installs(command, PIP_PACKAGES):
                has_pip = True
                continue
            if _escapes(command):
                return
            if not has_pip or not _system_pip_install(command):
                continue
            read = invocation_of(command)
            assert read is not None
            release = base.describe()
            yield self.finding(
                read.span,
                f"{read.name} into the system Python of {release} (FROM, line "
                f"{origin.span.line}), which is externally managed (PEP 668): pip stops with "
                "'error: externally-managed-environment'; install into a virtualenv "
                "(python3 -m venv /opt/venv, then /opt/venv/bin/pip install …), use the "
                "distribution's python3-<name> package, or a python: base image",
            )
            return


def _installs(command: SimpleCommand, packages: frozenset[str]) -> bool:
    read = invocation_of(command)
    return (
        read is not None
        and read.manager in ("apt-get", "apt", "apk", "aptitude")
        and read.installs
        and any(word.value.partition("=")[0] in packages for word in read.arguments)
    )


def _escapes(command: SimpleCommand) -> bool:
    """A virtualenv made, or the marker removed, in the same RUN before the pip."""
    text = " ".join(word.value for word in command.words)
    return any(escape in text for escape in ESCAPES)


def _system_pip_install(command: SimpleCommand) -> bool:
    read = invocation_of(command)
    if read is None or read.manager != "pip" or not read.installs:
        return False
    program = read.words[0].value
    if program not in UNVERSIONED:
        return False  # /opt/venv/bin/pip, pip3.12, python3.12 from another source
    if read.has_option(*ELSEWHERE):
        return False
    return not any(
        word.value.startswith("PIP_BREAK_SYSTEM_PACKAGES") for word in command.assignments
    )
