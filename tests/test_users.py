"""Accounts made in RUN, the user each instruction runs as, and who may read a path."""

from __future__ import annotations

import pytest
from dockerfile_dlint.accounts import Account, Group, accounts_created
from dockerfile_dlint.api import Context
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.shell import parse_shell
from dockerfile_dlint.source import MappedText, decode


def context(text: str) -> Context:
    document = lex(decode(text.lstrip("\n").encode(), "Dockerfile"))
    return Context(document, build_model(document))


def created(script: str, **variables: str | None) -> Account | Group | None:
    [command] = parse_shell(MappedText.single(script, 1, 1)).commands
    return accounts_created(command, variables)


@pytest.mark.parametrize(
    ("script", "name", "uid", "group", "home", "creates"),
    [
        ("useradd --create-home app", "app", None, None, "/home/app", True),
        ("useradd -m -u 1001 -g app -s /bin/bash app", "app", 1001, "app", "/home/app", True),
        ("useradd -r -d /srv/app/ -M app", "app", None, None, "/srv/app", False),
        ("useradd -mrU --uid=999 worker", "worker", 999, None, "/home/worker", True),
        ("useradd -b /users -m app", "app", None, None, "/users/app", True),
        ("adduser -D app", "app", None, None, "/home/app", True),
        ("adduser -D -h /app -u 1000 -G www app", "app", 1000, "www", "/app", True),
        ("adduser -S -H -u 101 nginx", "nginx", 101, None, "/home/nginx", False),
        ("adduser --disabled-password --gecos '' --uid 1000 app", "app", 1000, None, "/home/app",
         True),
        ("adduser --system --home /var/lib/app app", "app", None, None, "/var/lib/app", True),
        ("adduser --system app", "app", None, None, None, False),
        ("adduser -Ss /bin/false -u 1001 -G app -h /home/svc svc", "svc", 1001, "app",
         "/home/svc", True),
        ("adduser -u1001 -D svc", "svc", 1001, None, "/home/svc", True),
        ("useradd --home /srv/web -m -U web", "web", None, None, "/srv/web", True),
        ("adduser -disabled-password -gecos '' ktor", "ktor", None, None, "/home/ktor", True),
    ],
)  # fmt: skip
def test_user_creating_commands(
    script: str, name: str, uid: int | None, group: str | None, home: str | None, creates: bool
) -> None:
    account = created(script)
    assert isinstance(account, Account)
    assert (account.name, account.uid, account.group, account.home, account.creates_home) == (
        name, uid, group, home, creates,
    )  # fmt: skip


def test_adduser_is_useradd_on_red_hat_images() -> None:
    [command] = parse_shell(MappedText.single("adduser -d /serv -s /bin/bash serv", 1, 1)).commands
    account = accounts_created(command, {}, red_hat=True)
    assert isinstance(account, Account) and account.home == "/serv"
    ctx = context("""
FROM centos:7
RUN adduser -d /serv serv
USER serv
""")
    assert ctx.runtime_user(ctx.stages[0]).home == "/serv"


def test_groups_and_memberships() -> None:
    group = created("groupadd -g 1000 app")
    assert isinstance(group, Group) and (group.name, group.gid) == ("app", 1000)
    group = created("addgroup -S -g 101 www")
    assert isinstance(group, Group) and (group.name, group.gid) == ("www", 101)
    assert created("adduser app www-data") is None  # adds a member
    assert created("addgroup app wheel") is None
    assert created("usermod -aG docker app") is None


def test_names_built_from_build_arguments() -> None:
    account = created('useradd -m -u "${UID}" "$USER"', USER="svc", UID="1234")
    assert isinstance(account, Account) and (account.name, account.uid) == ("svc", 1234)
    assert account.home == "/home/svc"
    assert created('useradd -m "$USER"', USER=None) is None  # unknown: no account claimed


def test_the_user_an_instruction_runs_as_follows_user_and_from_stage() -> None:
    ctx = context("""
FROM python:3.12-slim AS base
ARG APP_USER=app
RUN groupadd -g 10001 $APP_USER && useradd -m -u 10001 -g $APP_USER -d /srv/$APP_USER $APP_USER
USER ${APP_USER}:${APP_USER}
RUN id
FROM base AS runtime
USER 10001
CMD ["python"]
FROM base AS other
ENV HOME=/data
USER root
""")
    instructions = ctx.instructions
    assert ctx.user(instructions[2]).is_root
    at_run = ctx.user(instructions[4])
    assert (at_run.name, at_run.uid, at_run.group, at_run.home) == ("app", 10001, "app", "/srv/app")
    runtime = ctx.runtime_user(ctx.stages[1])
    assert (runtime.name, runtime.uid, runtime.home) == ("app", 10001, "/srv/app")
    other = ctx.runtime_user(ctx.stages[2])
    assert other.is_root and other.home == "/data" and other.home_from == "ENV HOME"


def test_users_of_known_base_images_and_unknown_ones() -> None:
    ctx = context("""
FROM node:20-alpine
USER node
FROM node:20-bookworm-slim
USER 1000
FROM python:3.12-slim
USER 1000
FROM gcr.io/distroless/python3-debian12:nonroot
FROM python:3.12-slim
USER nobody-knows
RUN id
""")
    node, numeric, unknown, distroless, named = (ctx.runtime_user(s) for s in ctx.stages)
    assert (node.name, node.uid, node.home) == ("node", 1000, "/home/node")
    assert "node:20-alpine image" in node.home_from
    assert (numeric.name, numeric.home) == ("node", "/home/node")
    assert (unknown.name, unknown.uid, unknown.home) == (None, 1000, None)
    assert unknown.shown == "uid 1000"
    assert (distroless.name, distroless.uid, distroless.home) == ("nonroot", 65532, "/home/nonroot")
    assert (named.name, named.home) == ("nobody-knows", None)
    assert ctx.home(ctx.stages[4].instructions[1]) == "/home/nobody-knows"  # the model's guess


def test_root_home_is_closed_to_other_users_of_an_image_base() -> None:
    ctx = context("""
FROM python:3.11-slim
RUN useradd --create-home app
COPY --from=builder /root/.local /root/.local
USER app
""")
    stage = ctx.stages[0]
    app = ctx.runtime_user(stage)
    blocked = ctx.denial(stage, "/root/.local/bin/uvicorn", app)
    assert blocked is not None and blocked.path == "/root" and blocked.needs == "search"
    assert blocked.explain() == "/root is mode 0700, owned by root (the python:3.11-slim image)"
    assert ctx.denial(stage, "/root/.local", ctx.user(stage.instructions[0])) is None  # root
    assert ctx.denial(stage, "/home/app/.local", app) is None


@pytest.mark.parametrize(
    ("lines", "readable"),
    [
        ("RUN chmod 755 /root", True),
        ("RUN chmod o+rx /root", True),
        ("RUN chmod -R a+rX /root", True),
        ("RUN chmod go-rwx /root", False),
        ("RUN chown app /root", True),
        ("RUN chown -R app:app /root", True),
        ("RUN chown app:app /root/.local", False),  # /root itself stays closed
        ("COPY --chown=app --from=builder /root/.local /srv/local", False),
        ("RUN chmod 711 /root && chmod -R 700 /root/.local", False),
        ("RUN chmod 711 /root", True),
    ],
)
def test_chmod_and_chown_change_who_may_read(lines: str, readable: bool) -> None:
    ctx = context(f"""
FROM python:3.11-slim
RUN useradd -m app
COPY --from=builder /root/.local /root/.local
{lines}
USER app
""")
    stage = ctx.stages[0]
    found = ctx.denial(stage, "/root/.local/lib/site.py", ctx.runtime_user(stage))
    assert (found is None) is readable, found


def test_copies_set_owner_and_mode_and_scratch_has_no_closed_root() -> None:
    ctx = context("""
FROM scratch
COPY --from=builder /root/.local /root/.local
COPY --chmod=700 --from=builder /opt/tool /opt/tool
COPY --chown=1000:1000 --chmod=700 --from=builder /opt/mine /opt/mine
COPY --from=builder /etc/passwd /etc/
USER 1000
""")
    stage = ctx.stages[0]
    user = ctx.runtime_user(stage)
    assert ctx.denial(stage, "/root/.local/bin/x", user) is None
    blocked = ctx.denial(stage, "/opt/tool/bin/x", user)
    assert blocked is not None and blocked.path == "/opt/tool"
    assert blocked.explain() == "/opt/tool is mode 0700, owned by root (line 3: COPY)"
    assert ctx.denial(stage, "/opt/mine/bin/x", user) is None
    assert ctx.denial(stage, "/etc/passwd", user) is None


def test_mkdir_mode_and_execute_permission() -> None:
    ctx = context("""
FROM python:3.12-slim
RUN mkdir -m 0700 /data && mkdir -p --mode=0755 /srv/app && chmod 644 /srv/app/run.sh
RUN mkdir -m 0750 /shared
USER 1000
""")
    stage = ctx.stages[0]
    user = ctx.runtime_user(stage)
    assert ctx.denial(stage, "/data/x", user) is not None
    assert ctx.denial(stage, "/shared/x", user) is None  # a uid without an account: gid 0
    assert ctx.denial(stage, "/srv/app/run.sh", user) is None
    blocked = ctx.denial(stage, "/srv/app/run.sh", user, execute=True)
    assert blocked is not None and blocked.needs == "execute"


def test_windows_images_have_no_mode_bits() -> None:
    ctx = context("""
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --chmod=700 run.cmd /root/run.cmd
USER ContainerUser
""")
    stage = ctx.stages[0]
    assert ctx.denial(stage, "/root/run.cmd", ctx.runtime_user(stage)) is None


def test_odd_user_specs_do_not_break_the_model() -> None:
    ctx = context("""
FROM python:3.12-slim
USER ²:app
RUN useradd -u ² x
USER x
""")
    stage = ctx.stages[0]
    assert ctx.user(stage.instructions[1]).uid is None
    assert ctx.runtime_user(stage).name == "x"
