"""The user each instruction runs as, and that user's home.

``USER`` (inherited through ``FROM <stage>``) names the user; the accounts the Dockerfile
creates (:mod:`accounts`) and the ones known base images define
(:mod:`knowledge.image_users`) say who that is: uid, primary group and home. ``ENV HOME``
wins over the account's home, as it does for the processes Docker starts. A name dlint cannot
resolve keeps its home unknown (None) rather than guessed, so that rules which judge paths
against it stay silent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING

from .accounts import Account
from .knowledge.image_users import ImageUsers, image_users
from .model import Stage, State
from .records import NamedTuple
from .syntax import Instruction

if TYPE_CHECKING:
    from .api import Context


class User(NamedTuple):
    """Who runs an instruction. ``name`` or ``uid`` may be unknown (None); ``home`` is
    None when it cannot be told, and ``home_from`` says where it came from (``ENV HOME``,
    ``useradd at line 3``, ``the node image``)."""

    spec: str
    name: str | None
    uid: int | None
    group: str | None
    home: str | None
    home_from: str

    @property
    def is_root(self) -> bool:
        return self.uid == 0 or self.name == "root"

    @property
    def shown(self) -> str:
        """The user as a message names it: ``app``, ``uid 1000``."""
        if self.name is not None:
            return self.name
        return f"uid {self.uid}" if self.uid is not None else self.spec

    def same_as(self, owner: str) -> bool:
        """Whether ``owner`` (a name or a uid, as chown and --chown take it) is this user."""
        if owner.isdecimal():
            return self.uid is not None and int(owner) == self.uid
        return owner == self.name

    def in_group(self, group: str) -> bool:
        """Whether the user may be in ``group``: its primary group, or any group when that
        is unknown (a uid without an account runs with gid 0, which OpenShift-style images
        rely on)."""
        return self.group is None or group == self.group


ROOT = User("root", "root", 0, "root", "/root", "root")


class Accounts:
    """The accounts a stage's lineage creates, in build order, and the base image's: looked
    up as they stand before a given instruction (in logarithmic time, so that a stage of
    thousands of RUNs stays fast)."""

    def __init__(
        self,
        made: Callable[[], list[tuple[int, Account]]],
        image: ImageUsers | None,
        name: str,
    ) -> None:
        self.image = image
        self.image_name = name
        self._made_by = made
        self._index: dict[str, list[tuple[int, Account]]] | None = None

    @property
    def _by_key(self) -> dict[str, list[tuple[int, Account]]]:
        """Accounts by name and by uid, read from the RUNs the first time a non-root user
        is looked up (most instructions run as root, and need none of this)."""
        if self._index is None:
            self._index = {}
            for index, account in self._made_by():
                self._index.setdefault(account.name, []).append((index, account))
                if account.uid is not None:
                    self._index.setdefault(str(account.uid), []).append((index, account))
        return self._index

    def resolve(self, spec: str, state: State, before: int | None = None) -> User:
        """The user ``USER spec`` stands for with the accounts made before the instruction
        at ``before`` (all, when None), and HOME from the state's ENV."""
        name_or_uid, _, group = spec.partition(":")
        user = self._account(name_or_uid, group or None, before)
        if "HOME" in state.env:
            home = None if "HOME" in state.unknown_env else state.env["HOME"]
            return user._replace(home=home, home_from="ENV HOME")
        return user

    def _made(self, key: str, before: int | None) -> tuple[int, Account] | None:
        entries = self._by_key.get(key, [])
        position = len(entries) if before is None else bisect_left(entries, before, key=_first)
        return entries[position - 1] if position else None

    def _account(self, name_or_uid: str, group: str | None, before: int | None) -> User:
        spec = name_or_uid if group is None else f"{name_or_uid}:{group}"
        if name_or_uid in ("", "root", "0"):
            return ROOT._replace(spec=spec, group=group or "root")
        uid = int(name_or_uid) if name_or_uid.isdecimal() else None
        made = self._made(name_or_uid, before)
        if made is not None:
            account = made[1]
            return User(
                spec, account.name, account.uid, group or account.group or account.name,
                account.home, f"the account made at line {account.span.line}",
            )  # fmt: skip
        for known in self.image.users if self.image else ():
            if known.name == name_or_uid or known.uid == uid:
                return User(
                    spec, known.name, known.uid, group or known.name, known.home,
                    f"the {self.image_name} image",
                )  # fmt: skip
        name = None if uid is not None else name_or_uid
        return User(spec, name, uid, group, None, "unknown")


def _first(entry: tuple[int, Account]) -> int:
    return entry[0]


def lineage_accounts(ctx: Context, stage: Stage) -> Accounts:
    """The accounts the RUNs of ``stage`` and the stages it is built from create."""
    lineage = stage.lineage
    root = lineage[-1]
    image = root.base_image
    known = image_users(image) if image is not None else None

    def made() -> list[tuple[int, Account]]:
        found = []
        for member in reversed(lineage):
            for run in member.instructions:
                if run.keyword != "RUN":
                    continue
                for _, account in ctx.accounts_made(run):
                    if isinstance(account, Account):
                        found.append((run.index, account))
        return found

    return Accounts(made, known, root.image_resolved or root.image)


def user_at(ctx: Context, instruction: Instruction) -> User:
    """The user ``instruction`` runs as (a RUN's commands, a COPY's files' default owner)."""
    stage = ctx.stage(instruction)
    if stage is None:
        return ROOT
    return _resolved(ctx.accounts(stage), ctx.state(instruction), instruction.index)


def runtime_user(ctx: Context, stage: Stage) -> User:
    """The user ``stage``'s container runs as: its last USER, or the base image's default."""
    return _resolved(ctx.accounts(stage), ctx.final_state(stage), None)


def _resolved(accounts: Accounts, state: State, before: int | None) -> User:
    spec = state.user
    if spec is None:
        image = accounts.image
        spec = image.default_user if image and image.default_user else "root"
    return accounts.resolve(spec, state, before)


def user_instruction(stage: Stage) -> Instruction | None:
    """The USER that sets ``stage``'s runtime user: the last one of its lineage."""
    current: Stage | None = stage
    while current is not None:
        users = [i for i in current.instructions if i.keyword == "USER" and i.arguments]
        if users:
            return users[-1]
        current = current.parent
    return None
