"""Package managers: which shell commands install packages, and how to read their arguments.

Rules about apt-get, apk, pip, npm, yarn, gem, yum, dnf, microdnf and zypper all ask the same
questions of a command: which tool is this (through ``sudo``, ``env`` or ``python -m pip``),
what is its subcommand, which words are packages and which are option values (``-o
Dpkg::Options::=--force-confold``, ``--index-url URL``, ``-r FILE`` are not packages), is a
package pinned by that tool's own syntax, which switches were given, and does a later command
clean the tool's cache. The answers live here, as tables and small functions over
:class:`SimpleCommand`, so that each rule states only its policy.

Parsing is by table, not by guessing: each tool lists the options that take a separate value,
so that ``pip install --timeout 60 flask==3.0`` has one package, not two. An option missing
from a table makes its value look like a package; adding it to the table is the fix.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from types import MappingProxyType

from dockerfile_dlint.api import (
    Context,
    Edit,
    Expansion,
    Instruction,
    ShellScript,
    SimpleCommand,
    Span,
    Stage,
    Word,
    cache_targets,
    exec_form_command,
    unwrap,
)
from dockerfile_dlint.patterns import lazy

from ..records import NamedTuple

__all__ = [
    "APT_ARCHIVES",
    "APT_LISTS",
    "CACHES",
    "DOCKER_CLEAN",
    "MANAGERS",
    "Cache",
    "Invocation",
    "Manager",
    "Option",
    "PipInstall",
    "Unpinned",
    "cache_mount_targets",
    "cache_mounted",
    "cleans",
    "cleans_apt_archives",
    "exec_form_command",
    "fills_rpm_cache",
    "follows",
    "holds",
    "invocation",
    "invocations",
    "is_pinned",
    "is_written",
    "mentions",
    "option_insertion",
    "package_values",
    "pip_install",
    "piped_from",
    "removes_docker_clean",
    "run_commands",
    "shell_variables",
    "ships",
    "strtobool",
    "uncleaned",
    "unpinned",
    "unpinned_installs",
    "unpinned_rpm_packages",
    "unwrap",
]


class Manager(NamedTuple):
    """How one package manager's command line reads.

    ``value_options`` are the options that take the next word as their value (``-o X``,
    ``--index-url URL``); ``installs`` the subcommands that install the packages named after
    them; with ``passes_on``, the words after ``--`` go to another program (gem hands them to
    the extension build) and are neither options nor packages. ``aliases`` are the tool's own
    short names of subcommands (``dnf in`` is ``dnf install``).
    """

    name: str
    value_options: frozenset[str]
    installs: frozenset[str]
    passes_on: bool = False
    aliases: Mapping[str, str] = MappingProxyType({})


def _options(text: str) -> frozenset[str]:
    return frozenset(text.split())


_APT_VALUES = _options(
    "-o --option -c --config-file -t --target-release --default-release -a --host-architecture"
)
_YUM_VALUES = _options(
    "-c --config --installroot --releasever --enablerepo --disablerepo --repo --repoid -x "
    "--exclude --setopt -d --debuglevel -e --errorlevel --rpmverbosity --forcearch --downloaddir "
    "--destdir --color --comment --advisory --advisories --bz --bzs --cve --cves --sec-severity "
    "--secseverity --repofrompath --disableplugin --enableplugin --platform-id"
)
_PIP_VALUES = _options(
    "-r --requirement -c --constraint -e --editable -t --target -b --build --src -i --index-url "
    "--extra-index-url -f --find-links --platform --python-version --implementation --abi "
    "--root --prefix --upgrade-strategy --progress-bar --no-binary --only-binary -C "
    "--config-settings --global-option --install-option --report --root-user-action --log "
    "--log-file --proxy --retries --timeout --exists-action --trusted-host --cert --client-cert "
    "--cache-dir --python --keyring-provider --use-feature --use-deprecated --group "
    "--resume-retries -d --dest --pip-args --suffix --preinstall --allow-external "
    "--allow-unverified"
)

# dnf's short names of its commands, from the "Aliases" of each command in dnf(8)
# (https://man7.org/linux/man-pages/man8/dnf.8.html: install "in", reinstall "rei", upgrade
# "up", distro-sync "dsync", downgrade "dg", group "grp", makecache "mc"). yum is dnf on RHEL 8
# and later, where these work too; yum 3 rejects them, so reading them as yum's costs nothing.
_DNF_ALIASES = MappingProxyType(
    {
        "in": "install",
        "rei": "reinstall",
        "up": "upgrade",
        "dsync": "distro-sync",
        "dg": "downgrade",
        "grp": "group",
        "mc": "makecache",
    }
)
_RPM_INSTALLS = frozenset({"install", "groupinstall", "localinstall"})

MANAGERS: Mapping[str, Manager] = {
    manager.name: manager
    for manager in (
        Manager("apt-get", _APT_VALUES, frozenset({"install"})),
        Manager("apt", _APT_VALUES, frozenset({"install"})),
        Manager("aptitude", _APT_VALUES, frozenset({"install"})),
        Manager(
            "apk",
            _options(
                "-X --repository -t --virtual -p --root --arch --keys-dir --repositories-file "
                "--cache-dir --cache-max-age --timeout --wait"
            ),
            frozenset({"add"}),
        ),
        Manager("pip", _PIP_VALUES, frozenset({"install"})),
        Manager("pipx", _PIP_VALUES, frozenset({"install"})),
        Manager(
            "npm",
            _options(
                "--prefix --registry --cache --userconfig --globalconfig --tag -w --workspace "
                "--omit --include --loglevel --install-strategy --before --otp --location --cpu "
                "--os --libc --save-prefix --scope --proxy --https-proxy --fetch-retries "
                "--fetch-timeout --depth --cache-min --cache-max --fetch-retry-mintimeout "
                "--fetch-retry-maxtimeout"
            ),
            frozenset({"install", "i", "add"}),
        ),
        Manager(
            "yarn",
            _options(
                "--cwd --cache-folder --modules-folder --network-timeout --mutex --global-folder "
                "--link-folder --registry --use-yarnrc --network-concurrency "
                "--preferred-cache-folder --proxy --https-proxy --otp"
            ),
            frozenset({"add"}),
        ),
        Manager(
            "gem",
            _options(
                "-v --version -i --install-dir -n --bindir -s --source -p --http-proxy "
                "--platform -P --trust-policy -g --file --build-root --document "
                "--target-rbconfig"
            ),
            frozenset({"install", "i"}),
            passes_on=True,
        ),
        Manager("yum", _YUM_VALUES, _RPM_INSTALLS, aliases=_DNF_ALIASES),
        Manager("dnf", _YUM_VALUES, _RPM_INSTALLS, aliases=_DNF_ALIASES),
        Manager("microdnf", _YUM_VALUES, frozenset({"install"})),
        Manager(
            "zypper",
            _options(
                "--root --reposd-dir --cache-dir --raw-cache-dir --solv-cache-dir "
                "--pkg-cache-dir --config --userdata -t --type -r --repo --from"
            ),
            frozenset({"install", "in"}),
        ),
    )
}

_PIP_PROGRAM = lazy(r"pip(?:[0-9]+(?:\.[0-9]+)?)?")
_PYTHON_PROGRAM = lazy(r"python(?:[0-9]+(?:\.[0-9]+)?)?")
_PROGRAMS = {name: name for name in MANAGERS if name != "pip"}


def _program(name: str) -> str:
    return name.rsplit("/", 1)[-1]


class Option(NamedTuple):
    """One option given to a command: ``-y`` (each letter of ``-qy`` is one), ``--name=value``."""

    name: str
    value: str | None
    word: Word


class Invocation(NamedTuple):
    """A package manager's command, read: its options, its subcommand and what follows.

    ``words`` start at the program (``apt-get``, or ``python3`` for ``python3 -m pip``);
    ``operands`` are the words that are neither options nor option values, the subcommand
    first. ``manager`` is a key of :data:`MANAGERS`.
    """

    manager: str
    command: SimpleCommand
    words: tuple[Word, ...]
    options: tuple[Option, ...]
    operands: tuple[Word, ...]

    @property
    def subcommand(self) -> str | None:
        """The subcommand, by its full name where the tool has a short one (``dnf in``)."""
        if not self.operands:
            return None
        value = self.operands[0].value
        return MANAGERS[self.manager].aliases.get(value, value)

    @property
    def arguments(self) -> tuple[Word, ...]:
        """The operands after the subcommand: the packages of an install."""
        return self.operands[1:]

    @property
    def installs(self) -> bool:
        """Whether the subcommand installs the packages named after it."""
        return self.subcommand in MANAGERS[self.manager].installs

    def has_option(self, *names: str) -> bool:
        """Whether one of ``names`` (``-y``, ``--yes``) was given, anywhere on the line."""
        return any(option.name in names for option in self.options)

    def option_values(self, *names: str) -> tuple[str, ...]:
        """The values given to the options ``names``, in order."""
        return tuple(
            option.value
            for option in self.options
            if option.name in names and option.value is not None
        )

    def option_word(self, *names: str) -> Word | None:
        """The word that gives one of the options ``names``."""
        return next((option.word for option in self.options if option.name in names), None)

    @property
    def span(self) -> Span:
        """From the program to the subcommand: ``apt-get -y install``, where a finding goes."""
        first = self.words[0].span
        last = self.operands[0].span if self.operands else first
        return Span(first.line, first.column, last.end_line, last.end_column)

    @property
    def name(self) -> str:
        """How to name the command in a message: ``apt-get install``."""
        subcommand = f" {self.subcommand}" if self.subcommand else ""
        return f"{self.manager}{subcommand}"


def invocation(
    command: SimpleCommand,
    expand: Callable[[str], Expansion] | None = None,
    shell: Mapping[str, str | None] | None = None,
) -> Invocation | None:
    """The package manager ``command`` runs, read; None when it runs none of them.

    With ``expand`` (the Dockerfile's variables, as ``ctx.expand`` gives them) and ``shell``
    (the script's own, see :func:`shell_variables`), a word with variables whose values are
    visible stands for the words it expands to, so that ``apt-get install $APT_OPTS`` shows
    the ``-y`` that ``ENV APT_OPTS="-y"`` holds. Each such word keeps the variable's span.

    Without ``expand`` the reading depends on the command alone, and is kept (by the
    command's identity, checked): rules ask it of the same commands many times, and the
    language server's lints share the commands of unchanged scripts (see reuse.py).
    """
    if expand is not None:
        return _invocation(command, expand, shell)
    cached = _PLAIN.get(id(command))
    if cached is not None and cached[0] is command:
        return cached[1]
    read = _invocation(command, None, None)
    if len(_PLAIN) >= _PLAIN_LIMIT:
        _PLAIN.clear()
    _PLAIN[id(command)] = (command, read)
    return read


_PLAIN: dict[int, tuple[SimpleCommand, Invocation | None]] = {}
_PLAIN_LIMIT = 4096


def _invocation(
    command: SimpleCommand,
    expand: Callable[[str], Expansion] | None,
    shell: Mapping[str, str | None] | None,
) -> Invocation | None:
    words = unwrap(command.words)
    if not words:
        return None
    program = _program(words[0].value)
    start = 1
    manager = _PROGRAMS.get(program)
    if manager is None and _PIP_PROGRAM.fullmatch(program):
        manager = "pip"
    elif manager is None and _PYTHON_PROGRAM.fullmatch(program):
        start = _python_module(words, "pip")
        manager = "pip" if start else None
    if manager is None:
        return None
    if expand is not None:
        words = words[:start] + _expanded(words[start:], expand, shell)
    options, operands = _parse(words[start:], MANAGERS[manager])
    return Invocation(manager, command, words, options, operands)


def _expanded(
    words: tuple[Word, ...],
    expand: Callable[[str], Expansion],
    shell: Mapping[str, str | None] | None,
) -> tuple[Word, ...]:
    result: list[Word] = []
    for word in words:
        values = None if word.static else package_values(word, expand, shell)
        if values is None:
            result.append(word)
        else:
            result.extend(Word(value, value, True, word.span) for value in values)
    return tuple(result)


def _python_module(words: tuple[Word, ...], module: str) -> int:
    """For ``python [-flags] -m module …``, the index after ``module``; else 0."""
    for index in range(1, len(words) - 1):
        value = words[index].value
        if value == "-m":
            return index + 2 if words[index + 1].value == module else 0
        if not value.startswith("-") or value == "-c":
            return 0
    return 0


def _parse(
    words: tuple[Word, ...], manager: Manager
) -> tuple[tuple[Option, ...], tuple[Word, ...]]:
    value_options = manager.value_options
    options: list[Option] = []
    operands: list[Word] = []
    index = 0
    while index < len(words):
        word = words[index]
        value = word.value
        index += 1
        if value == "--":
            operands.extend(() if manager.passes_on else words[index:])
            break
        if value.startswith("--"):
            name, equals, given = value.partition("=")
            following = words[index].value if index < len(words) else None
            if equals:
                options.append(Option(name, given, word))
            elif following is not None and (
                name in value_options or following in ("true", "false")
            ):
                options.append(Option(name, following, word))
                index += 1
            else:
                options.append(Option(name, None, word))
        elif value.startswith("-") and len(value) > 1 and word.static:
            for position in range(1, len(value)):
                name = "-" + value[position]
                rest = value[position + 1 :]
                if name in value_options:
                    if rest:
                        options.append(Option(name, rest.removeprefix("="), word))
                    elif index < len(words):
                        options.append(Option(name, words[index].value, word))
                        index += 1
                    else:
                        options.append(Option(name, None, word))
                    break
                if value[position] == "=":
                    break
                options.append(Option(name, None, word))
        else:
            operands.append(word)
    return tuple(options), tuple(operands)


def invocations(
    commands: Sequence[SimpleCommand],
    *managers: str,
    expand: Callable[[str], Expansion] | None = None,
) -> list[Invocation]:
    """The commands that run one of ``managers`` (all package managers when none is named).

    With ``expand``, words with variables are read as they expand (see :func:`invocation`),
    using the shell variables the script set before each command as well. Every package rule
    asks this of the same script, so the answer is kept for the few scripts seen last
    (``ctx.shell`` hands each rule the same tuple of commands).
    """
    found = _read_all(commands, expand)
    if not managers:
        return list(found)
    return [read for read in found if read.manager in managers]


_READ: dict[tuple[int, bool], tuple[Sequence[SimpleCommand], tuple[Invocation, ...]]] = {}
_READ_LIMIT = 64


def _read_all(
    commands: Sequence[SimpleCommand], expand: Callable[[str], Expansion] | None
) -> tuple[Invocation, ...]:
    key = (id(commands), expand is not None)
    cached = _READ.get(key)
    if cached is not None and cached[0] is commands:
        return cached[1]
    found = []
    for command in commands:
        read = invocation(command) if command.words else None
        if read is None:
            continue
        if expand is not None and not all(word.static for word in read.words):
            shell = shell_variables(commands, command, expand)
            read = invocation(command, expand, shell) or read
        found.append(read)
    if len(_READ) >= _READ_LIMIT:
        _READ.clear()
    _READ[key] = (commands, tuple(found))
    return tuple(found)


# Adding an option: where a fix can insert it so that the command reads it as intended.


def is_written(word: Word, line_text: Callable[[int], str]) -> bool:
    """Whether ``word`` stands in the file exactly as the shell (or JSON) reads it, on one
    line: then an edit next to its span lands next to the word in the command too. Words
    that came from a variable's value, or that the ``sh -c`` quoting rewrote, are not."""
    span = word.span
    if span.line != span.end_line:
        return False
    return line_text(span.line)[span.column - 1 : span.end_column - 1] == word.raw


def option_insertion(
    read: Invocation,
    option: str,
    line_text: Callable[[int], str],
    exec_form: bool,
    after_options: bool = False,
) -> Edit | None:
    """An edit that gives ``read`` the switch ``option`` just after its subcommand
    (``apt-get install -y``), or None when no exact place is known.

    With ``after_options`` it goes after the switches that directly follow the subcommand
    and take no separate value (``install -y --no-install-recommends``), so that fixes added
    one after another read in a natural order; it stops before an option that takes the next
    word (``--virtual .deps``). ``line_text`` gives a physical line of the file (to check
    that each word is written where its span says); ``exec_form`` says the command is a JSON
    argv (``RUN ["pip", "install", …]``), where the switch becomes an element of its own.
    """
    if not read.operands:
        return None
    subcommand = read.operands[0]
    index = next((i for i, word in enumerate(read.words) if word is subcommand), None)
    if index is None or not is_written(subcommand, line_text):
        return None
    last = subcommand
    if after_options:
        value_options = MANAGERS[read.manager].value_options
        following = read.words[index + 1 :]
        for position, word in enumerate(following):
            after = following[position + 1].value if position + 1 < len(following) else None
            if not _lone_switch(word, value_options, after) or not is_written(word, line_text):
                break
            last = word
    span = last.span
    text = f', "{option}"' if exec_form else f" {option}"
    return Edit.insert(span.end_line, span.end_column, text)


def _lone_switch(word: Word, value_options: frozenset[str], following: str | None) -> bool:
    """Whether ``word`` is an option that takes no separate value (read as :func:`_parse`
    reads it)."""
    value = word.value
    if not word.static or not value.startswith("-") or value in ("-", "--"):
        return False
    if value.startswith("--"):
        name, equals, _ = value.partition("=")
        if equals:
            return True
        return name not in value_options and following not in ("true", "false")
    for position in range(1, len(value)):
        if value[position] == "=":
            return True
        if "-" + value[position] in value_options:
            return bool(value[position + 1 :])
    return True


# Pinning: does a package argument name one version, by the tool's own syntax?

_PIP_VERSION = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")
_PIP_VCS = lazy(r"(git|hg|svn|bzr)(\+[a-z-]+)?:", re.IGNORECASE)
_PIP_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")
_NPM_GIT = ("git://", "git+ssh://", "git+http://", "git+https://")
_NPM_TARBALLS = (".tar", ".tar.gz", ".tgz")
_NPM_FOLDERS = ("/", "./", "../", "~/")
_RPM_VERSION_CHARS = lazy(r"[0-9A-Za-z.~^_:+]+")


def is_pinned(manager: str, package: str) -> bool:
    """Whether ``package``, as given to ``manager``'s install, names a version or a file.

    apt: ``pkg=1.2``, a release (``pkg/bookworm``) or a ``.deb``; apk: ``pkg=1.2``,
    ``pkg~1.2``, a range (``pkg<2``) or an ``.apk``; pip: a version specifier, a path, an
    archive, or a VCS URL with ``@ref``; npm: ``pkg@1.2`` (scoped: ``@scope/pkg@1.2``), a
    folder, a tarball, or a git URL with ``#ref``; gem: ``gem:1.2`` or a ``.gem``; yum/dnf:
    ``pkg-1.2`` (a version after a dash), an ``.rpm``, a group (``@group``); zypper:
    ``pkg=1.2``, ``pkg>=1.2`` or an ``.rpm``. A group names no version and counts as pinned.
    """
    pinned = _PINNED.get(manager)
    return pinned(package) if pinned is not None else True


def _apt_pinned(package: str) -> bool:
    return "=" in package or "/" in package or package.endswith(".deb")


def _apk_pinned(package: str) -> bool:
    return any(symbol in package for symbol in "=~<>") or package.endswith(".apk")


def _pip_pinned(package: str) -> bool:
    if any(symbol in package for symbol in _PIP_VERSION):
        return True
    if _PIP_VCS.match(package):
        location = package.split("#", 1)[0].split("://", 1)[-1]
        return "@" in location.partition("/")[2]
    return "/" in package or package.startswith(".") or package.endswith(_PIP_ARCHIVES)


def _npm_pinned(package: str) -> bool:
    if package.startswith(_NPM_GIT):
        return "#" in package
    if package.endswith(_NPM_TARBALLS) or package.startswith(_NPM_FOLDERS):
        return True
    if package in (".", ".."):
        return True
    name = package[1:] if package.startswith("@") else package
    return "@" in name


def _gem_pinned(package: str) -> bool:
    return ":" in package or package.endswith(".gem")


def _rpm_pinned(package: str) -> bool:
    if package.startswith("@") or package.endswith(".rpm"):
        return True
    parts = package.split("-")[1:]
    return (
        bool(parts)
        and all(_RPM_VERSION_CHARS.fullmatch(part) for part in parts)
        and any(part[:1].isdigit() for part in parts)
    )


def _zypper_pinned(package: str) -> bool:
    return any(symbol in package for symbol in "=<>") or package.endswith(".rpm")


_PINNED: Mapping[str, Callable[[str], bool]] = {
    "apt-get": _apt_pinned,
    "apt": _apt_pinned,
    "apk": _apk_pinned,
    "pip": _pip_pinned,
    "pipx": _pip_pinned,
    "npm": _npm_pinned,
    "yarn": _npm_pinned,
    "gem": _gem_pinned,
    "yum": _rpm_pinned,
    "dnf": _rpm_pinned,
    "microdnf": _rpm_pinned,
    "zypper": _zypper_pinned,
}


def package_values(
    word: Word,
    expand: Callable[[str], Expansion],
    shell: Mapping[str, str | None] | None = None,
) -> tuple[str, ...] | None:
    """The packages one argument stands for; None when dlint cannot know them.

    A plain word is one package. A word with variables is expanded, with the shell variables
    the script set before the command (``shell``, see :func:`shell_variables`) and the values
    the Dockerfile gives (``expand``: ``ARG PKGS="curl=7.88 git=1:2.39"``), and split into
    words as the shell splits an unquoted expansion. A variable without a visible value, or a
    command substitution, gives None.
    """
    if word.static:
        return (word.value,)
    raw = word.raw
    if "$(" in raw or "`" in raw:
        return None
    if shell:
        unknown = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal unknown
            name = match.group(1) or match.group(2)
            if name not in shell:
                return match.group(0)
            value = shell[name]
            unknown = unknown or value is None
            return value or ""

        raw = _REFERENCE.sub(substitute, raw)
        if unknown:
            return None
    expanded = expand(raw)
    if not expanded.complete:
        return None
    return tuple(expanded.value.split())


_REFERENCE = lazy(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_DECLARATIONS = frozenset({"export", "readonly", "local", "declare", "typeset"})
# POSIX special built-ins keep the assignments written in front of them.
_SPECIAL_BUILTINS = frozenset({":", ".", "set", "export", "readonly", "eval", "shift", "trap"})


def shell_variables(
    commands: Iterable[SimpleCommand],
    before: SimpleCommand,
    expand: Callable[[str], Expansion],
) -> dict[str, str | None]:
    """The variables a script assigns before ``before`` runs: ``buildDeps='gcc make' && …``.

    Assignments (``x=…``, ``export x=…``, ``readonly x=…``) in the same shell as ``before``
    count, in script order; a value dlint cannot know is None.
    """
    variables: dict[str, str | None] = {}
    for command in commands:
        if not follows(before, command):
            break
        if command.nested_in != before.nested_in:
            continue
        words = command.words
        assignments: tuple[Word, ...] = ()
        if not words or _program(words[0].value) in _SPECIAL_BUILTINS:
            assignments = command.assignments
        if words and words[0].value in _DECLARATIONS:
            assignments = tuple(word for word in words[1:] if "=" in word.value)
        for assignment in assignments:
            name, _, raw = assignment.raw.partition("=")
            if not name.replace("_", "a").isalnum():
                continue
            value = Word(
                raw, assignment.value.partition("=")[2], assignment.static, assignment.span
            )
            values = package_values(value, expand, variables)
            variables[name] = None if values is None else " ".join(values)
    return variables


def unpinned(
    read: Invocation,
    commands: Sequence[SimpleCommand],
    expand: Callable[[str], Expansion],
    words: Iterable[Word] | None = None,
    pinned: Callable[[str], bool] | None = None,
) -> list[tuple[Word, tuple[str, ...]]]:
    """The package arguments of ``read`` that name no version, with the packages each gives.

    ``words`` default to the install's arguments and ``pinned`` to :func:`is_pinned` for the
    manager; ``commands`` are the script's commands, for the shell variables set before
    ``read`` runs. Arguments whose value dlint cannot know are left out.
    """
    judge = pinned or (lambda package: is_pinned(read.manager, package))
    shell: dict[str, str | None] | None = None
    found: list[tuple[Word, tuple[str, ...]]] = []
    for word in read.arguments if words is None else words:
        if not word.static and shell is None:
            shell = shell_variables(commands, read.command, expand)
        values = package_values(word, expand, shell)
        loose = tuple(value for value in values or () if not judge(value))
        if not loose:
            continue
        if found and found[-1][0].span == word.span:  # one variable, expanded to several
            found[-1] = (found[-1][0], found[-1][1] + loose)
        else:
            found.append((word, loose))
    return found


# pip, for rules and for the deploy rule about console scripts.

_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})
_NAMED_REQUIREMENT = lazy(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:$|[\[=<>!~;@ (])")


def strtobool(value: str) -> bool | None:
    """pip's reading of a boolean setting (``PIP_USER=yes``); None when it is not one."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


class PipInstall(NamedTuple):
    """What one ``pip install`` installs, and where.

    ``requirements`` are the named requirements as written on the command line (``flask``,
    ``uvicorn[standard]==0.30``), not paths, archives or URLs; ``requirement_files`` the files
    given with ``-r``/``--requirement``; ``user`` whether it installs into the user site
    (``--user``, or ``PIP_USER`` set true).
    """

    requirements: tuple[str, ...]
    requirement_files: tuple[str, ...]
    user: bool


def pip_install(
    command: SimpleCommand, env: Mapping[str, str | None] | None = None
) -> PipInstall | None:
    """Read a ``pip install`` (``pip3 install``, ``python -m pip install``); None otherwise.

    ``env`` holds the environment variables in effect (ENV and ARG values), for ``PIP_USER``;
    an assignment in front of the command (``PIP_USER=1 pip install …``) counts too.
    """
    read = invocation(command)
    if read is None or read.manager != "pip" or not read.installs:
        return None
    requirements = tuple(
        word.value
        for word in read.arguments
        if _NAMED_REQUIREMENT.match(word.value) and not _is_location(word.value)
    )
    files = read.option_values("-r", "--requirement")
    user = read.has_option("--user")
    if not user:
        setting = _assigned(command, "PIP_USER")
        if setting is None and env is not None:
            setting = env.get("PIP_USER")
        user = setting is not None and strtobool(setting) is True
    return PipInstall(requirements, files, user)


def _is_location(requirement: str) -> bool:
    """A path, archive or URL rather than a project name (``pkg @ https://…`` is a name)."""
    name = re.split(r"[\s\[=<>!~;@(]", requirement, maxsplit=1)[0]
    return "/" in name or "://" in name or requirement.endswith(_PIP_ARCHIVES)


def _assigned(command: SimpleCommand, name: str) -> str | None:
    for assignment in command.assignments:
        key, equals, value = assignment.value.partition("=")
        if equals and key == name:
            return value
    return None


# Caches and clean-ups.

APT_LISTS = "/var/lib/apt/lists"
APT_ARCHIVES = "/var/cache/apt"
# The official Debian and Ubuntu images configure apt to delete downloaded packages and its
# binary caches after every run (DPkg::Post-Invoke, APT::Update::Post-Invoke) in this file;
# Dockerfiles that cache-mount apt's directories remove it so that the mounts keep them.
DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"


class Cache(NamedTuple):
    """Where a package manager keeps what it downloads, and how it is told to clean it.

    ``directories`` are absolute paths; ``home_suffixes`` match a cache under any user's home
    (``~/.cache/pip``, ``/home/app/.cache/pip``); ``clean`` lists the subcommand words that
    empty it (``yum clean``, ``yarn cache clean``), and ``cleaners`` the tools whose clean
    subcommand counts (``dnf clean`` also cleans after ``yum``, which shares its cache).
    """

    directories: tuple[str, ...]
    home_suffixes: tuple[str, ...] = ()
    clean: tuple[tuple[str, ...], ...] = ()
    cleaners: tuple[str, ...] = ()


# yum is dnf on RHEL 8 and later (its `clean` empties /var/cache/dnf), so the two clean each
# other's cache; dnf5 keeps it in /var/cache/libdnf5. microdnf has a cache of its own,
# /var/cache/yum (libdnf's cachedir: rpm-software-management/microdnf issue 49), which a
# `dnf clean` does not touch.
_DNF_CACHE = Cache(
    ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"),
    clean=(("clean",),),
    cleaners=("yum", "dnf"),
)
CACHES: Mapping[str, Cache] = {
    "apt-get": Cache((APT_LISTS,), clean=(("dist-clean",),), cleaners=("apt-get", "apt")),
    "apk": Cache(
        ("/var/cache/apk", "/etc/apk/cache"), clean=(("cache", "clean"),), cleaners=("apk",)
    ),
    "yum": _DNF_CACHE,
    "dnf": _DNF_CACHE,
    "microdnf": Cache(
        ("/var/cache/yum", "/var/cache/libdnf5"), clean=(("clean",),), cleaners=("microdnf",)
    ),
    "zypper": Cache(("/var/cache/zypp",), clean=(("clean",), ("cc",)), cleaners=("zypper",)),
    "pip": Cache(
        ("/root/.cache/pip",),
        ("/.cache/pip", "/.cache"),
        clean=(("cache", "purge"),),
        cleaners=("pip",),
    ),
    "yarn": Cache(
        ("/usr/local/share/.cache/yarn",),
        ("/.cache/yarn", "/.cache", "/.yarn/berry/cache", "/.yarn/berry", "/.yarn"),
        clean=(("cache", "clean"),),
        cleaners=("yarn",),
    ),
}


def _normal(path: str) -> str:
    """A removal or mount path without trailing ``/``, ``/*`` or ``/.``, normalised."""
    while path.endswith(("/*", "/.", "/")) and len(path) > 1:
        path = path[:-2] if path.endswith(("/*", "/.")) else path[:-1]
    return posixpath.normpath(path) if path.startswith("/") else path


def holds(path: str, manager: str, extra: Iterable[str] = (), inside: bool = False) -> bool:
    """Whether ``path`` is ``manager``'s cache directory or a parent of it (not ``/``).

    ``extra`` adds directories known from the Dockerfile (``PIP_CACHE_DIR``); with ``inside``,
    a path within the cache counts too (a removal of ``/var/cache/apk/*``).
    """
    path = _normal(path)
    if path in ("/", ""):
        return False
    cache = CACHES[manager]
    if any(path.endswith(suffix) for suffix in cache.home_suffixes):
        return True
    for directory in (*cache.directories, *extra):
        directory = _normal(directory)
        if path == directory or directory.startswith(path + "/"):
            return True
        if inside and path.startswith(directory + "/"):
            return True
    return False


def cleans(command: SimpleCommand, manager: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``command`` empties ``manager``'s cache.

    Its own clean command (``yum clean all``, ``zypper cc``, ``yarn cache clean``, ``pip cache
    purge``, ``apt-get dist-clean``), ``rm -rf`` of the cache directory (a parent, or what is
    inside it, also through a brace expansion such as ``/var/lib/{apt,dpkg}``), or ``find
    <cache> … -delete``.
    """
    words = unwrap(command.words)
    if not words:
        return False
    cache = CACHES[manager]
    read = invocation(command)
    if read is not None and read.manager in cache.cleaners:
        operands = tuple(word.value for word in read.operands)
        return any(operands[: len(clean)] == clean for clean in cache.clean)
    program = _program(words[0].value)
    arguments = [word.value for word in words[1:]]
    if program == "rm":
        return any(
            holds(path, manager, extra, inside=True)
            for value in arguments
            if not value.startswith("-")
            for path in _braces(value)
        )
    if program == "find" and ("-delete" in arguments or "rm" in arguments):
        start = next((value for value in arguments if not value.startswith("-")), "")
        path = _normal(start)
        directories = [_normal(directory) for directory in (*cache.directories, *extra)]
        return any(path == d or path.startswith(d + "/") for d in directories) or any(
            path.endswith(suffix) for suffix in cache.home_suffixes if suffix != "/.cache"
        )
    return False


_BRACE = lazy(r"\{([^{}]*,[^{}]*)\}")


def _braces(word: str) -> list[str]:
    """The words a brace expansion gives: ``/var/lib/{apt,dpkg}`` is two paths."""
    match = _BRACE.search(word)
    if match is None:
        return [word]
    head, tail = word[: match.start()], word[match.end() :]
    return [path for part in match.group(1).split(",") for path in _braces(head + part + tail)]


# The yum/dnf/microdnf commands that download repository metadata and packages into the cache:
# every transaction that installs or replaces packages, and makecache, whose purpose it is
# (dnf(8); yum(8) of yum 3 for swap, update-to, groupupdate and localupdate).
_RPM_FILLS = frozenset(
    {
        *_RPM_INSTALLS,
        "reinstall",
        "upgrade",
        "update",
        "upgrade-to",
        "update-to",
        "upgrade-minimal",
        "update-minimal",
        "localupdate",
        "distro-sync",
        "distribution-synchronization",
        "downgrade",
        "swap",
        "groupupdate",
        "groupupgrade",
        "makecache",
    }
)
_RPM_GROUP_FILLS = frozenset({"install", "upgrade", "update"})


def fills_rpm_cache(read: Invocation) -> bool:
    """Whether a yum, dnf or microdnf command leaves metadata and packages in the cache:
    ``install`` and its kin, ``update``, ``swap``, ``makecache``, and the ``install`` or
    ``upgrade`` of a ``group`` or ``module``."""
    subcommand = read.subcommand
    if subcommand in _RPM_FILLS:
        return True
    arguments = read.arguments
    return (
        subcommand in ("group", "groups", "module")
        and bool(arguments)
        and arguments[0].value in _RPM_GROUP_FILLS
    )


def cache_mount_targets(instruction: Instruction) -> tuple[str, ...]:
    """The targets of a RUN's cache and tmpfs mounts (``--mount=type=cache,target=…``):
    what is written under them stays out of the layer."""
    return (*cache_targets(instruction, None), *_tmpfs_targets(instruction))


def _tmpfs_targets(instruction: Instruction) -> Iterator[str]:
    for flag in instruction.flags:
        if flag.name != "mount" or not flag.value:
            continue
        options = dict(part.partition("=")[::2] for part in flag.value.split(","))
        target = options.get("target") or options.get("dst") or options.get("destination")
        if options.get("type") == "tmpfs" and target and target.startswith("/"):
            yield posixpath.normpath(target)


def cache_mounted(instruction: Instruction, manager: str, extra: Iterable[str] = ()) -> bool:
    """Whether a cache mount of the RUN holds ``manager``'s cache (see :func:`holds`)."""
    extra = tuple(extra)
    return any(holds(target, manager, extra) for target in cache_mount_targets(instruction))


def removes_docker_clean(command: SimpleCommand) -> bool:
    """Whether ``command`` deletes apt's ``docker-clean`` configuration (:data:`DOCKER_CLEAN`)."""
    words = unwrap(command.words)
    if not words or _program(words[0].value) != "rm":
        return False
    return any(_normal(word.value) == DOCKER_CLEAN for word in words[1:])


def cleans_apt_archives(command: SimpleCommand) -> bool:
    """Whether ``command`` empties apt's package archive: ``apt-get clean`` or a removal."""
    words = unwrap(command.words)
    if not words:
        return False
    read = invocation(command)
    if read is not None and read.manager in ("apt-get", "apt"):
        return read.subcommand in ("clean", "dist-clean")
    if _program(words[0].value) != "rm":
        return False
    for word in words[1:]:
        path = _normal(word.value)
        if path not in ("/", "") and (APT_ARCHIVES + "/").startswith(path + "/"):
            return True
        if path.startswith(APT_ARCHIVES + "/archives"):
            return True
    return False


def uncleaned(
    installs: Sequence[Invocation],
    commands: Sequence[SimpleCommand],
    manager: str,
    extra: Iterable[str] = (),
) -> Invocation | None:
    """The last of ``installs`` when no later command cleans ``manager``'s cache, else None."""
    if not installs:
        return None
    last = installs[-1]
    extra = tuple(extra)
    later = (command for command in commands if follows(command, last.command))
    return None if any(cleans(command, manager, extra) for command in later) else last


# Where the commands come from.


class Unpinned(NamedTuple):
    """An install whose argument ``word`` names ``packages`` without a version."""

    read: Invocation
    word: Word
    packages: tuple[str, ...]


def unpinned_installs(instruction: Instruction, ctx: Context, *programs: str) -> Iterator[Unpinned]:
    """The package arguments without a version of every install by ``programs`` in a RUN
    (what the ``…-unpinned`` rules report, each in its package manager's words)."""
    if not mentions(instruction, *programs):
        return
    expand = partial(ctx.expand, instruction)
    commands = run_commands(instruction, ctx.shell(instruction))
    for read in invocations(commands, *programs, expand=expand):
        if read.installs:
            for word, packages in unpinned(read, commands, expand):
                yield Unpinned(read, word, packages)


def mentions(instruction: Instruction, *needles: str) -> bool:
    """Whether the RUN's text or its heredocs contain one of ``needles``: a cheap first test."""
    text = instruction.text.text
    for needle in needles:
        if needle in text:
            return True
    if not instruction.heredocs:
        return False
    return any(
        needle in heredoc.body.text for heredoc in instruction.heredocs for needle in needles
    )


def run_commands(instruction: Instruction, script: ShellScript | None) -> tuple[SimpleCommand, ...]:
    """The commands a RUN runs: its shell commands (``ctx.shell``), or its exec-form command."""
    if script is not None:
        return script.commands
    command = exec_form_command(instruction)
    return (command,) if command is not None else ()


def follows(later: SimpleCommand, earlier: SimpleCommand) -> bool:
    """Whether ``later`` comes after ``earlier`` in the script's text."""
    return (later.span.line, later.span.column) > (earlier.span.line, earlier.span.column)


def piped_from(command: SimpleCommand, script: ShellScript | None, *programs: str) -> bool:
    """Whether ``command`` reads a pipe from one of ``programs`` (``yes | apt-get install``)."""
    if script is None:
        return False
    for pipeline in script.pipelines:
        for index, member in enumerate(pipeline):
            if member is command:
                return any(
                    _program(unwrap(before.words)[0].value) in programs
                    for before in pipeline[:index]
                    if unwrap(before.words)
                )
    return False


def ships(stage: Stage | None, stages: Sequence[Stage]) -> bool:
    """Whether what ``stage`` leaves behind ends up in an image that the build produces.

    The last stage is the image; a stage that a later ``FROM`` builds on passes its layers
    on. A stage whose files are only copied from (``COPY --from``) ships nothing of its own
    caches. Instructions before any ``FROM`` (``stage`` None) count as shipping.
    """
    if stage is None or not stages or stage is stages[-1]:
        return True
    return stage.index in _built_on(stages)


# The stages of the file last asked about, and the indexes of those another stage is built
# on: asked once per RUN, a scan each time would be quadratic in the number of stages.
_last_built_on: tuple[Sequence[Stage], frozenset[int]] | None = None


def _built_on(stages: Sequence[Stage]) -> frozenset[int]:
    global _last_built_on
    if _last_built_on is None or _last_built_on[0] is not stages:
        parents = frozenset(s.parent.index for s in stages if s.parent is not None)
        _last_built_on = (stages, parents)
    return _last_built_on[1]


def unpinned_rpm_packages(
    instruction: Instruction, ctx: Context, *managers: str
) -> Iterator[tuple[Word, str]]:
    """For yum, dnf and microdnf: each ``install`` package without a version and each
    ``module install`` module without a stream, as (word, message)."""
    expand = partial(ctx.expand, instruction)
    commands = run_commands(instruction, ctx.shell(instruction))
    for read in invocations(commands, *managers, expand=expand):
        arguments = read.arguments
        if read.subcommand == "install":
            loose = unpinned(read, commands, expand)
            label, missing, example = read.name, "a version", "{}-<version>"
        elif read.subcommand == "module" and arguments and arguments[0].value == "install":
            loose = unpinned(read, commands, expand, arguments[1:], lambda m: ":" in m)
            label, missing, example = f"{read.manager} module install", "a stream", "{}:<stream>"
        else:
            continue
        for word, packages in loose:
            names = ", ".join(packages)
            yield (
                word,
                (f"{label} {names} without {missing}: pin it, as in {example.format(packages[0])}"),
            )
