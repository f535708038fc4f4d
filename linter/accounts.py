"""The user and group accounts a RUN creates: ``useradd``, ``adduser``, ``groupadd``, ``addgroup``.

Which user an image runs as is only half known from ``USER app``: where ``app`` lives (its
home, hence where Python looks for user packages and Prisma for its engines) and which uid
owns its files come from the command that created it. Three families are read:

- shadow's ``useradd``/``groupadd`` (Debian, Ubuntu, Red Hat, whose ``adduser`` is the same
  program): the home is ``-d DIR``, else ``/home/NAME`` (created only with ``-m``);
- Debian's ``adduser``/``addgroup`` (long options: ``--home``, ``--uid``, ``--system``); a
  system user without ``--home`` gets ``/nonexistent`` (adduser 3.122 and later), which
  dlint leaves unknown since older releases used ``/home/NAME``; ``adduser USER GROUP`` only
  adds a member;
- BusyBox's ``adduser``/``addgroup`` (Alpine: ``adduser -D -h DIR -u UID -G GROUP``), which
  always creates the home unless ``-H``.

Values built from build arguments or ENV (``useradd -m "$USER"``) are expanded with the
variables in effect at the RUN; an unknown value leaves that part unknown.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from .records import NamedTuple
from .shell import SimpleCommand, Word
from .source import Span
from .variables import expand


class Account(NamedTuple):
    """A user created by a RUN: name, uid and primary group when given, and its home.

    ``home`` is None when it cannot be told; ``creates_home`` whether the command makes the
    directory (owned by the user).
    """

    name: str
    uid: int | None
    group: str | None
    home: str | None
    creates_home: bool
    span: Span


class Group(NamedTuple):
    """A group created by a RUN, with its gid when given."""

    name: str
    gid: int | None
    span: Span


# Options that take a value, per command family (the rest are switches).
# fmt: off
_USERADD_VALUES = frozenset([
    "-b", "--base-dir", "-c", "--comment", "-d", "--home-dir", "-e", "--expiredate", "-f",
    "--inactive", "-g", "--gid", "-G", "--groups", "-K", "--key", "-p", "--password", "-R",
    "--root", "-P", "--prefix", "-s", "--shell", "-u", "--uid", "-Z", "--selinux-user",
])
_DEBIAN_VALUES = frozenset([
    "--home", "--shell", "--uid", "--firstuid", "--lastuid", "--gid", "--firstgid",
    "--lastgid", "--ingroup", "--gecos", "--comment", "--conf",
])
_DEBIAN_SWITCHES = frozenset([
    "--system", "--disabled-password", "--disabled-login", "--no-create-home", "--quiet",
    "--force-badname", "--allow-bad-names", "--group", "--encrypt-home", "--debug",
])
_BUSYBOX_VALUES = frozenset(["-h", "-g", "-s", "-G", "-u", "-k"])
_GROUPADD_VALUES = frozenset(
    ["-g", "--gid", "-K", "--key", "-p", "--password", "-R", "--root", "-P", "--prefix"]
)
# fmt: on


# The programs that create accounts or groups: only these make accounts_created answer.
ACCOUNT_PROGRAMS = frozenset({"useradd", "adduser", "groupadd", "addgroup"})


def accounts_created(
    command: SimpleCommand, variables: Mapping[str, str | None], red_hat: bool = False
) -> Account | Group | None:
    """The account ``command`` creates, if it is one of the commands above. On Red Hat's
    family (``red_hat``) ``adduser`` is a link to ``useradd``, and takes its options."""
    program = command.program
    if program == "useradd" or (program == "adduser" and red_hat):
        return _useradd(command, variables)
    if program == "adduser":
        return _adduser(command, variables)
    if program in ("groupadd", "addgroup"):
        return _groupadd(command, variables)
    return None


def word_value(word: Word, variables: Mapping[str, str | None]) -> str | None:
    """A shell word's value, with build arguments and ENV expanded; None when unknown."""
    if word.static:
        return word.value
    expansion = expand(word.raw, variables)
    return expansion.value if expansion.complete else None


def _options(
    command: SimpleCommand, takes_value: frozenset[str], variables: Mapping[str, str | None]
) -> tuple[dict[str, str | None], list[str | None]]:
    """Options (``--name=value``, ``--name value``, ``-n value``, ``-nvalue``) and operands."""
    options: dict[str, str | None] = {}
    operands: list[str | None] = []
    args = command.args
    index = 0
    while index < len(args):
        word = args[index]
        text = word_value(word, variables)
        index += 1
        if text is None or not text.startswith("-") or text == "-":
            operands.append(text)
            continue
        name, equals, given = text.partition("=")
        name = _long_name(name, takes_value)
        text = name + equals + given
        if equals and name.startswith("--"):
            options[name] = given
        elif text in takes_value:
            value = word_value(args[index], variables) if index < len(args) else None
            options[text] = value
            index += 1
        elif text.startswith("--"):
            options[text] = ""
        else:  # a cluster: -mr, -Ss /bin/false, -u1000
            for position, letter in enumerate(text[1:], start=2):
                if f"-{letter}" not in takes_value:
                    options[f"-{letter}"] = ""
                    continue
                if position < len(text):
                    options[f"-{letter}"] = text[position:]
                else:
                    value = word_value(args[index], variables) if index < len(args) else None
                    options[f"-{letter}"] = value
                    index += 1
                break
    return options, operands


def _long_name(name: str, takes_value: frozenset[str]) -> str:
    """A long option as getopt_long reads it: an unambiguous prefix (``--home``) stands for
    the option it starts (``--home-dir``)."""
    if not name.startswith("--") or name in takes_value:
        return name
    matches = [option for option in takes_value if option.startswith(name)]
    return matches[0] if len(matches) == 1 else name


def _normal(home: str | None) -> str | None:
    return posixpath.normpath(home) if home and home.startswith("/") else home


def _useradd(command: SimpleCommand, variables: Mapping[str, str | None]) -> Account | None:
    options, operands = _options(command, _USERADD_VALUES, variables)
    if not operands or operands[-1] is None:
        return None
    name = operands[-1]
    home = _first(options, "-d", "--home-dir")
    if home is None and not _given(options, "-d", "--home-dir"):
        base = _first(options, "-b", "--base-dir") or "/home"
        home = posixpath.join(base, name)
    creates = _given(options, "-m", "--create-home")
    creates = creates and not _given(options, "-M", "--no-create-home")
    return Account(
        name, _number(_first(options, "-u", "--uid")), _first(options, "-g", "--gid"),
        _normal(home), creates, command.span,
    )  # fmt: skip


def _adduser(command: SimpleCommand, variables: Mapping[str, str | None]) -> Account | None:
    words = [_debian_long(word) for word in command.args]
    command = command._replace(words=(command.words[0], *words))
    busybox = any(
        word.value.startswith("-") and not word.value.startswith("--") for word in command.args
    )
    options, operands = _options(command, _BUSYBOX_VALUES if busybox else _DEBIAN_VALUES, variables)
    if busybox:
        if len(operands) != 1 or operands[0] is None:
            return None  # adduser USER GROUP adds a member
        name = operands[0]
        home = options.get("-h", posixpath.join("/home", name))
        creates = "-H" not in options
        return Account(
            name, _number(options.get("-u")), options.get("-G"), _normal(home), creates,
            command.span,
        )  # fmt: skip
    if len(operands) != 1 or operands[0] is None:
        return None
    name = operands[0]
    if "--home" in options:
        home = options["--home"]
    elif "--system" in options:
        home = None  # /nonexistent today, /home/NAME on older Debian releases
    else:
        home = posixpath.join("/home", name)
    creates = "--no-create-home" not in options and home is not None
    group = options.get("--ingroup") or options.get("--gid")
    return Account(name, _number(options.get("--uid")), group, _normal(home), creates, command.span)


def _debian_long(word: Word) -> Word:
    """Debian's adduser (Perl's Getopt::Long) takes ``-disabled-password`` for
    ``--disabled-password``: such a word, written as the long option."""
    value = word.value
    if value.startswith("-") and not value.startswith("--") and len(value) > 2:
        name = "-" + value.partition("=")[0]
        if name in _DEBIAN_VALUES or name in _DEBIAN_SWITCHES:
            return word._replace(raw="-" + word.raw, value="-" + value)
    return word


def _groupadd(command: SimpleCommand, variables: Mapping[str, str | None]) -> Group | None:
    options, operands = _options(command, _GROUPADD_VALUES | {"--gid"}, variables)
    if len(operands) != 1 or operands[0] is None:
        return None  # addgroup USER GROUP adds a member
    return Group(operands[0], _number(_first(options, "-g", "--gid")), command.span)


def _given(options: Mapping[str, str | None], *names: str) -> bool:
    return any(name in options for name in names)


def _first(options: Mapping[str, str | None], *names: str) -> str | None:
    for name in names:
        if name in options:
            return options[name]
    return None


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdecimal() else None
