"""The user each instruction runs as, and that user's home.

``USER`` (inherited through ``FROM <stage>``) names the user; the accounts the Dockerfile
creates (:mod:`accounts`) and the ones known base images define
(:mod:`knowledge.image_users`) say who that is: uid, primary group and home. ``ENV HOME``
wins over the account's home, as it does for the processes Docker starts. A name dlint cannot
resolve keeps its home unknown (None) rather than guessed, so that rules which judge paths
against it stay silent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .accounts import Account, Group, accounts_created
from .knowledge.image_users import ImageUsers, image_users, red_hat_family
from .model import Stage, State
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
        if owner.isdigit():
            return self.uid is not None and int(owner) == self.uid
        return owner == self.name

    def in_group(self, group: str) -> bool:
        """Whether the user may be in ``group``: its primary group, or any group when that
        is unknown (a uid without an account runs with gid 0, which OpenShift-style images
        rely on)."""
        return self.group is None or group == self.group


ROOT = User("root", "root", 0, "root", "/root", "root")


class Accounts(NamedTuple):
    """The accounts known at some point of a build: created there, or by the base image."""

    users: dict[str, Account]
    groups: dict[str, Group]
    image: ImageUsers | None
    image_name: str

    def resolve(self, spec: str, state: State) -> User:
        """The user ``USER spec`` stands for, with HOME from the state's ENV."""
        name_or_uid, _, group = spec.partition(":")
        user = self._account(name_or_uid, group or None)
        if "HOME" in state.env:
            home = None if "HOME" in state.unknown_env else state.env["HOME"]
            return user._replace(home=home, home_from="ENV HOME")
        return user

    def _account(self, name_or_uid: str, group: str | None) -> User:
        spec = name_or_uid if group is None else f"{name_or_uid}:{group}"
        if name_or_uid in ("", "root", "0"):
            return ROOT._replace(spec=spec, group=group or "root")
        uid = int(name_or_uid) if name_or_uid.isdigit() else None
        for account in reversed(self.users.values()):
            if account.name == name_or_uid or (uid is not None and account.uid == uid):
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


def accounts_before(ctx: Context, stage: Stage, instruction: Instruction | None) -> Accounts:
    """The accounts of ``stage``'s lineage made by the RUNs before ``instruction`` (all of
    them when it is None), and the base image's."""
    lineage: list[Stage] = []
    current: Stage | None = stage
    while current is not None:
        lineage.append(current)
        current = current.parent
    root = lineage[-1]
    image = root.base_image
    known = image_users(image) if image is not None else None
    red_hat = red_hat_family(image)
    users: dict[str, Account] = {}
    groups: dict[str, Group] = {}
    for member in reversed(lineage):
        for run in member.instructions:
            if instruction is not None and run.index >= instruction.index:
                break
            if run.keyword != "RUN":
                continue
            variables = ctx.state(run).variables
            for command in ctx.run_commands(run, unwrapped=True):
                made = accounts_created(command, variables, red_hat)
                if isinstance(made, Account):
                    users[made.name] = made
                elif isinstance(made, Group):
                    groups[made.name] = made
    return Accounts(users, groups, known, root.image_resolved or root.image)


def user_at(ctx: Context, instruction: Instruction) -> User:
    """The user ``instruction`` runs as (a RUN's commands, a COPY's files' default owner)."""
    stage = ctx.stage(instruction)
    state = ctx.state(instruction)
    if stage is None:
        return ROOT
    return _resolved(accounts_before(ctx, stage, instruction), state)


def runtime_user(ctx: Context, stage: Stage) -> User:
    """The user ``stage``'s container runs as: its last USER, or the base image's default."""
    return _resolved(accounts_before(ctx, stage, None), ctx.final_state(stage))


def _resolved(accounts: Accounts, state: State) -> User:
    spec = state.user
    if spec is None:
        image = accounts.image
        spec = image.default_user if image and image.default_user else "root"
    return accounts.resolve(spec, state)


def user_instruction(stage: Stage) -> Instruction | None:
    """The USER that sets ``stage``'s runtime user: the last one of its lineage."""
    current: Stage | None = stage
    while current is not None:
        users = [i for i in current.instructions if i.keyword == "USER" and i.arguments]
        if users:
            return users[-1]
        current = current.parent
    return None
