from __future__ import annotations

import posixpath

from dockerfile_dlint.api import (
    Context,
    Denial,
    Finding,
    Level,
    NamedTuple,
    Rule,
    Span,
    Stage,
    StageOutput,
    State,
    User,
    copies_into,
    user_instruction,
)

# The tool whose output is Python's user site: its console scripts and packages.
_USER_SITE = "pip install --user"


class _Placed(NamedTuple):
    """A tool's output in the runtime image: where it is, and where the finding points."""

    path: str
    output: StageOutput
    span: Span
    how: str
    own: bool = False


class ArtifactUnreachableByRuntimeUser(Rule):
    """A build output sits where the container's user cannot read it, or will not look for it.

    ## What it does
    Finds the user each final stage runs as — its last `USER` (inherited through `FROM
    <stage>`), resolved to a uid and home through the `useradd`/`adduser` that created it or
    the base image's own accounts (`node` in the node images), `ENV HOME` first — and checks
    the outputs of known build tools that the stage copies in with `COPY --from` or makes
    itself before switching user: `pip install --user` packages (`$HOME/.local`), the Prisma
    engines of prisma-client-py (`$HOME/.cache/prisma-python`), Playwright's browsers. One is
    reported when that user cannot read it (the base images' `/root` is mode 0700; a
    `--chmod`, `chmod` or `chown` that dlint sees counts too), or when it sits in another home
    than the one the tool looks in for that user. `PYTHONUSERBASE`,
    `PRISMA_BINARY_CACHE_DIR` and `PLAYWRIGHT_BROWSERS_PATH` set with `ENV` say where the
    tools look; `PYTHONPATH` naming the directory counts for Python.

    ## Why is this bad?
    Running as a non-root user is a common hardening step, and it quietly undoes a working
    multi-stage build: the image builds, then the container exits at start because
    `/root/.local/bin/uvicorn` is not executable for `app` (permission denied), Python cannot
    import the packages (it looks in `/home/app/.local`), or prisma-client-py raises
    `BinaryNotFoundError` because it looks for its engines under the runtime user's
    `$HOME/.cache`.

    ## Example
    ```dockerfile
    FROM python:3.11-slim AS builder
    RUN pip install --user -r requirements.txt

    FROM python:3.11-slim
    RUN useradd --create-home app
    COPY --from=builder /root/.local /root/.local
    ENV PATH=/root/.local/bin:$PATH
    USER app
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim AS builder
    RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt

    FROM python:3.11-slim
    RUN useradd --create-home app
    COPY --from=builder /opt/venv /opt/venv
    ENV PATH=/opt/venv/bin:$PATH
    USER app
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
    ```
    or copy the user site into the runtime user's home, owned by it:
    `COPY --from=builder --chown=app /root/.local /home/app/.local` with
    `ENV PATH=/home/app/.local/bin:$PATH`.
    """

    code = "DP009"
    name = "artifact-unreachable-by-runtime-user"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        builders = ctx.stages_used_by_others()
        for stage in ctx.stages:
            if stage.index in builders:
                continue
            user = ctx.runtime_user(stage)
            if user.is_root or (user.name is None and user.uid is None):
                continue
            placed = _copied(ctx, stage) + _made_before_user_switch(ctx, stage, user)
            final = ctx.final_state(stage)
            for item in placed:
                finding = self._judge(ctx, stage, user, final, item, placed)
                if finding is not None:
                    findings.append(finding)
        return findings

    def _judge(
        self,
        ctx: Context,
        stage: Stage,
        user: User,
        final: State,
        item: _Placed,
        placed: list[_Placed],
    ) -> Finding | None:
        tool = item.output.tool
        looked_in = _looked_in(ctx, stage, item, final)
        if looked_in is not None and any(
            other.output.tool == tool and other.path == looked_in for other in placed
        ):
            return None  # also copied where the runtime user looks: this copy is unused
        denied = ctx.denial(stage, item.path, user)
        misplaced = looked_in is not None and not _related(item.path, looked_in)
        if denied is None and not misplaced:
            return None
        home = user.home or "unknown"
        where = f", from {user.home_from}" if user.home and user.home_from != "root" else ""
        reasons = []
        if denied is not None:
            reasons.append(_cannot_read(user, denied))
        if misplaced and looked_in is not None:
            reasons.append(_looks_elsewhere(user, item, looked_in))
        message = (
            f"{item.path} holds {tool.what} ({item.how}), but the container runs as "
            f"{user.shown} (home {home}{where}): {'; and '.join(reasons)}; at runtime: "
            f"{tool.symptom}. {_fix(user, item, looked_in, denied)}"
        )
        return self.finding(item.span, message)


def _copied(ctx: Context, stage: Stage) -> list[_Placed]:
    """Tool outputs that the stage (or a stage it is built from) copies in with COPY --from."""
    placed = []
    for item in copies_into(ctx, stage):
        instruction = item.copy.instruction
        span = instruction.arguments[-1].span
        how = f"copied from stage {item.copy.reference} at line {instruction.line}"
        for output in ctx.stage_outputs(item.producer):
            if output.cached:
                continue
            for source in item.sources:
                path = _placed(output.path, source, item.destination)
                if path is not None:
                    placed.append(_Placed(path, output, span, how))
    return placed


def _made_before_user_switch(ctx: Context, stage: Stage, user: User) -> list[_Placed]:
    """Tool outputs the stage's lineage made itself, as a user other than the runtime one."""
    switch = user_instruction(stage)
    anchor = switch.arguments[0].span if switch else stage.from_instruction.arguments[0].span
    placed = []
    for output in ctx.stage_outputs(stage):
        maker = ctx.user(output.instruction)
        same = (maker.name is not None and maker.name == user.name) or (
            maker.uid is not None and maker.uid == user.uid
        )
        if output.cached or same:
            continue
        how = (
            f"put there by `{' '.join(w.value for w in output.command.words)}` at line "
            f"{output.instruction.line}, run as {maker.shown}"
        )
        placed.append(_Placed(output.path, output, anchor, how, own=True))
    return placed


def _looked_in(ctx: Context, stage: Stage, item: _Placed, final: State) -> str | None:
    """Where the tool looks for this output when the runtime user runs it; None when that
    does not depend on the user, or cannot be told."""
    if item.output.tool.name == _USER_SITE and any(
        _related(entry, item.path) for entry in final.env.get("PYTHONPATH", "").split(":") if entry
    ):
        return None  # PYTHONPATH points Python at it
    return ctx.runtime_location(stage, item.output)


def _cannot_read(user: User, denied: Denial) -> str:
    need = {"search": "enter", "read": "read", "execute": "execute"}[denied.needs]
    return f"{user.shown} cannot {need} {denied.path} — {denied.explain()}"


def _looks_elsewhere(user: User, item: _Placed, looked_in: str) -> str:
    tool = item.output.tool
    if tool.name == _USER_SITE:
        return f"{user.shown}'s Python looks for user packages in {looked_in}, not {item.path}"
    variable = f" ({tool.override} is not set)" if tool.override else ""
    return f"for {user.shown}, `{tool.name}` output is looked for in {looked_in}{variable}"


def _fix(user: User, item: _Placed, looked_in: str | None, denied: Denial | None) -> str:
    tool = item.output.tool
    owner = user.name or str(user.uid)
    neutral = f"/opt/{posixpath.basename(item.output.path).lstrip('.')}"
    if item.own:
        other = "use a virtualenv in a neutral path such as /opt/venv"
        if tool.name != _USER_SITE:
            other = f"set {tool.override} to a neutral path such as {neutral}"
        return f"Run `{tool.name}` after USER {user.spec}, or {other}"
    if tool.name == _USER_SITE:
        if looked_in is None:
            return (
                f"Install into a virtualenv in a neutral path such as /opt/venv, or copy it "
                f"with COPY --chown={owner} to a path {user.shown} can read and set "
                f"PYTHONUSERBASE to it"
            )
        return (
            f"Copy it to {looked_in} with COPY --chown={owner} (and put {looked_in}/bin on "
            f"PATH), or install into a virtualenv in a neutral path such as /opt/venv"
        )
    if tool.override:
        target = f"to {looked_in} " if looked_in else ""
        return (
            f"Copy it {target}with COPY --chown={owner}, or set {tool.override} to the "
            f"same neutral path (such as {neutral}) in both stages"
        )
    outside = f" outside {denied.path}" if denied is not None else ""
    return f"Copy it{outside}, to a path such as {neutral}, with COPY --chown={owner}"


def _placed(path: str, source: str, destination: str) -> str | None:
    """Where a copy of ``source`` to ``destination`` puts ``path``, if it brings it."""
    if path == source:
        return destination
    if source == "/":
        return posixpath.join(destination, path.lstrip("/"))
    if path.startswith(source + "/"):
        return posixpath.join(destination, path[len(source) + 1 :])
    return None


def _related(path: str, other: str) -> bool:
    """Whether one path is the other or lies inside it."""
    path, other = posixpath.normpath(path), posixpath.normpath(other)
    return path == other or path.startswith(other + "/") or other.startswith(path + "/")
