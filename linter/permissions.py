"""Who may read a path in a stage's image: owners and mode bits the Dockerfile makes known.

A non-root user can read ``/root/.local/lib/…`` only if it may search every directory on the
way. dlint knows a few of those directories' owners and modes, and judges only what it knows:

- the base image's ``/root`` (root-owned and closed to others: ``knowledge.image_users``);
- ``COPY``/``ADD`` destinations: owned by ``--chown`` (root without it), mode ``--chmod``
  (else the source's, unknown), for everything copied;
- ``chmod``, ``chown`` (``-R`` for everything below) and ``mkdir -m`` in RUN, and the homes
  ``useradd -m``/``adduser`` create, owned by the new user.

Later changes win; a change with ``-R`` (or a copy) covers what lies below its path.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .accounts import ACCOUNT_PROGRAMS, Account, word_value
from .commands import windows_base
from .knowledge.image_users import ROOT_HOME_MODE
from .model import Stage
from .records import NamedTuple
from .syntax import Instruction

if TYPE_CHECKING:
    from .api import Context
    from .users import User

_GLOB = frozenset("*?[")
# What a RUN's command must run to change an owner or a mode (or make a home folder).
_CHANGING = ACCOUNT_PROGRAMS | {"chmod", "chown", "mkdir"}


class Change(NamedTuple):
    """One change of a path's owner or mode. ``scope`` is ``path`` (the path alone),
    ``tree`` (it and everything below) or ``contents`` (only what is below: a copy into an
    existing directory). ``mode`` is an octal mode, a symbolic one (``o+rx``), or None for
    "unknown" (a copy keeps the source's modes); ``owner`` and ``group`` None leave them as
    they were, unless ``resets`` (a copy replaces the files)."""

    path: str
    scope: str
    owner: str | None
    group: str | None
    mode: int | str | None
    resets: bool
    where: str


class Access(NamedTuple):
    """Known owner, group and mode of a path, and the change that set the mode."""

    owner: str | None
    group: str | None
    mode: int | None
    where: str


class Denial(NamedTuple):
    """Why a user cannot reach a path: the directory or file in the way and its access."""

    path: str
    access: Access
    needs: str

    def explain(self) -> str:
        mode = f"{self.access.mode:04o}" if self.access.mode is not None else "unknown"
        owner = f", owned by {self.access.owner}" if self.access.owner else ""
        return f"{self.path} is mode {mode}{owner} ({self.access.where})"


def stage_changes(ctx: Context, stage: Stage) -> list[Change]:
    """The owner and mode changes of ``stage``'s lineage, in build order."""
    lineage = stage.lineage
    root = lineage[-1]
    changes: list[Change] = []
    if windows_base(stage):
        return []  # ACLs, not owners and mode bits
    if not root.base_is_scratch:
        image = root.image_resolved or root.image
        changes.append(Change("/root", "path", "root", "root", ROOT_HOME_MODE, False,
                              f"the {image} image"))  # fmt: skip
    for member in reversed(lineage):
        for instruction in member.instructions:
            if instruction.keyword in ("COPY", "ADD"):
                changes += _copy_changes(ctx, instruction)
            elif instruction.keyword == "RUN":
                changes += _run_changes(ctx, instruction)
    return changes


def access_of(path: str, changes: Iterable[Change]) -> Access:
    """The owner, group and mode that ``changes`` leave on ``path``."""
    owner = group = None
    mode: int | None = None
    where = ""
    for change in changes:
        if not _applies(change, path):
            continue
        if change.owner is not None or change.resets:
            owner = change.owner
        if change.group is not None or change.resets:
            group = change.group
        if isinstance(change.mode, str):
            mode = _symbolic(mode, change.mode) if mode is not None else None
        elif change.mode is not None or change.resets:
            mode = change.mode
        where = change.where
    return Access(owner, group, mode, where)


def denial(path: str, user: User, changes: list[Change], execute: bool = False) -> Denial | None:
    """What keeps ``user`` from reading ``path`` (and its files), if the known modes say so:
    every directory above needs search (x) permission, the path itself read (r)."""
    if user.is_root or (user.name is None and user.uid is None):
        return None
    parts = [part for part in path.split("/") if part]
    for depth in range(1, len(parts) + 1):
        current = "/" + "/".join(parts[:depth])
        access = access_of(current, changes)
        if access.mode is None:
            continue
        allowed = _bits(access, user)
        if depth < len(parts) and not allowed & 1:
            return Denial(current, access, "search")
        if depth == len(parts) and not allowed & 4:
            return Denial(current, access, "read")
        if depth == len(parts) and execute and not allowed & 1:
            return Denial(current, access, "execute")
    return None


def _applies(change: Change, path: str) -> bool:
    if change.path == path:
        return change.scope != "contents"
    return change.scope != "path" and _under(path, change.path)


def _bits(access: Access, user: User) -> int:
    """The permission bits that apply to ``user``; with the owner unknown, the most that
    any class has (the user may be the owner)."""
    mode = access.mode or 0
    if access.owner is None:
        return ((mode >> 6) | (mode >> 3) | mode) & 7
    if access.owner is not None and user.same_as(access.owner):
        return (mode >> 6) & 7
    if access.group is not None and user.in_group(access.group):
        return (mode >> 3) & 7
    return mode & 7


def _copy_changes(ctx: Context, instruction: Instruction) -> list[Change]:
    arguments = instruction.arguments
    if len(arguments) < 2:
        return []
    destination = ctx.expand(instruction, arguments[-1].value)
    if not destination.complete:
        return []
    path = _absolute(destination.value, ctx.state(instruction).workdir)
    if path is None:
        return []
    scope = "tree"
    if destination.value.endswith("/"):
        scope = "contents"  # into a directory: the directory itself stays as it was
    owner: str | None = "root"
    group: str | None = "root"
    chown = instruction.flag("chown")
    if chown is not None and chown.value:
        given = ctx.expand(instruction, chown.value)
        if not given.complete:
            owner = group = None
        else:
            owner, _, group_given = given.value.partition(":")
            group = group_given or owner
    mode: int | str | None = None
    chmod = instruction.flag("chmod")
    if chmod is not None and chmod.value:
        mode = _parse_mode(chmod.value)
    where = f"line {instruction.line}: {instruction.keyword_text}"
    return [Change(path, scope, owner, group, mode, True, where)]


def _run_changes(ctx: Context, run: Instruction) -> list[Change]:
    changes: list[Change] = []
    state = ctx.state(run)
    variables = state.variables
    accounts = {id(command): made for command, made in ctx.accounts_made(run)}
    for command in ctx.run_commands(run, unwrapped=True):
        program = command.program
        if program not in _CHANGING:
            continue
        where = f"line {command.span.line}: {program}"
        if program in ACCOUNT_PROGRAMS:
            made = accounts.get(id(command))
            if isinstance(made, Account) and made.creates_home and made.home:
                changes.append(Change(made.home, "path", made.name, made.group, None, False, where))
            continue
        values = [word_value(word, variables) for word in command.args]
        flags = [v for v in values if v is not None and v.startswith("-") and v[1:2] != ""]
        operands = [v for v in values if v is None or not v.startswith("-")]
        recursive = any(flag in ("-R", "--recursive") or flag.startswith("-R") for flag in flags)
        scope = "tree" if recursive else "path"
        if program == "mkdir":
            mode_text = _mkdir_mode(values)
            if mode_text is None:
                continue
            mode = _parse_mode(mode_text)
            operands = [v for v in operands if v != mode_text]
            runner = ctx.user(run)  # mkdir makes the directory its own
            owner = runner.name or (str(runner.uid) if runner.uid is not None else None)
            for path in _paths(operands, state.workdir):
                changes.append(Change(path, "path", owner, runner.group, mode, False, where))
            continue
        if len(operands) < 2 or operands[0] is None:
            continue
        if program == "chmod":
            mode = _parse_mode(operands[0])
            for path in _paths(operands[1:], state.workdir):
                changes.append(Change(path, scope, None, None, mode, False, where))
        else:
            owner, _, group = operands[0].partition(":")
            for path in _paths(operands[1:], state.workdir):
                change = Change(path, scope, owner or None, group or None, None, False, where)
                changes.append(change)
    return changes


def _mkdir_mode(values: list[str | None]) -> str | None:
    for index, value in enumerate(values):
        if value in ("-m", "--mode") and index + 1 < len(values):
            return values[index + 1]
        if value is not None and value.startswith("--mode="):
            return value.partition("=")[2]
    return None


def _paths(operands: list[str | None], workdir: str | None) -> list[str]:
    paths = []
    for operand in operands:
        if operand is None or any(char in operand for char in _GLOB):
            continue
        path = _absolute(operand, workdir)
        if path is not None:
            paths.append(path)
    return paths


def _absolute(path: str, workdir: str | None) -> str | None:
    if path.startswith("/"):
        return posixpath.normpath(path)
    if workdir is None or path.startswith("~"):
        return None
    return posixpath.normpath(posixpath.join(workdir, path))


def _under(path: str, directory: str) -> bool:
    return directory == "/" or path.startswith(directory.rstrip("/") + "/")


def _parse_mode(text: str) -> int | str | None:
    """An octal mode as a number, a symbolic one as written; None when it is neither."""
    if text and all(char in "01234567" for char in text) and len(text) <= 4:
        return int(text, 8)
    if text and all(char in "ugoa+-=rwxXst," for char in text):
        return text
    return None


def _symbolic(mode: int, text: str) -> int | None:
    """``mode`` after a symbolic chmod (``o+rx``, ``go-w``, ``a=rX``); None if unsupported."""
    shifts = {"u": (6,), "g": (3,), "o": (0,), "a": (6, 3, 0)}
    for clause in text.split(","):
        who = ""
        index = 0
        while index < len(clause) and clause[index] in "ugoa":
            who += clause[index]
            index += 1
        if index >= len(clause) or clause[index] not in "+-=":
            return None
        operator, permissions = clause[index], clause[index + 1 :]
        bits = sum({"r": 4, "w": 2, "x": 1, "X": 1}.get(char, 0) for char in permissions)
        for letter in who or "a":
            for shift in shifts[letter]:
                if operator == "+":
                    mode |= bits << shift
                elif operator == "-":
                    mode &= ~(bits << shift)
                else:
                    mode = (mode & ~(7 << shift)) | (bits << shift)
    return mode
