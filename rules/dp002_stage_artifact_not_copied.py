import fnmatch
import posixpath

from dockerfile_dlint.api import (
    Context,
    CopySource,
    Edit,
    Finding,
    Fix,
    Instruction,
    Level,
    Rule,
    Stage,
    StageOutput,
    lazy,
)

# Characters that would need quoting (or that Docker would expand) in a COPY path.
_NEEDS_QUOTING = lazy(r"[\s\"'\\$`]")


class StageArtifactNotCopied(Rule):
    """A later stage copies part of a builder stage's output and leaves out what the app needs.

    ## What it does
    Follows what known build tools leave in a stage — `pip install --user` packages in
    `$HOME/.local`, the Prisma query engines that `prisma generate` (prisma-client-py) puts in
    `$HOME/.cache/prisma-python`, Playwright browsers in `$HOME/.cache/ms-playwright`, the Node
    Prisma client in `node_modules/.prisma` — with HOME from `USER`/`ENV HOME` and the tools' own
    variables (`PRISMA_BINARY_CACHE_DIR`, `PLAYWRIGHT_BROWSERS_PATH`, `XDG_CACHE_HOME`,
    `PYTHONUSERBASE`). When a later stage copies some of that output with `COPY --from` but
    not the rest, the rest is reported at the `COPY --from`. Also reported: copying output that
    was written inside a `RUN --mount=type=cache` (cache mounts never reach the image, so the
    copy finds nothing), and building `FROM` a stage whose needed output is only in such a mount.
    HOME is the user's: the one `useradd`/`adduser` gave it (`--home-dir /srv/app`), or the
    base image's (`node`: `/home/node`). When the copying stage runs as a non-root user whose
    tool looks under its own home, the copy asked for goes there, with `--chown`.

    ## Why is this bad?
    The image builds, and the service fails when it runs: prisma-client-py raises
    `BinaryNotFoundError` because its query engine stayed in the builder's `~/.cache`;
    Playwright reports that the browser executable does not exist; console scripts are missing.
    Nothing in the build output hints at it.

    ## Example
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN pip install --user prisma && prisma generate

    FROM python:3.12-slim
    COPY --from=builder /root/.local /root/.local
    CMD ["python", "-m", "app"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN pip install --user prisma && prisma generate

    FROM python:3.12-slim
    COPY --from=builder /root/.local /root/.local
    COPY --from=builder /root/.cache/prisma-python /root/.cache/prisma-python
    CMD ["python", "-m", "app"]
    ```

    ## Fix
    A `COPY --from=<stage> <path> <path>` for each missing path is added on the line after the
    reported `COPY --from`, with its indentation, keyword case and `--chown`. It is offered
    only when the stage's other copies of that builder's output keep their paths (source and
    destination are the same), so the same path is right in the runtime stage, and not when the
    runtime user looks for the output elsewhere (see DP009). Output written
    inside a cache mount has no fix: it has to be written elsewhere first.
    """

    code = "DP002"
    name = "stage-artifact-not-copied"
    level = Level.ERROR
    fixable = "safe"

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        by_consumer: dict[int, dict[int, list[CopySource]]] = {}
        for source in ctx.copy_sources:
            consumer_stage = ctx.stage(source.instruction)
            if source.stage is not None and consumer_stage is not None:
                copies = by_consumer.setdefault(consumer_stage.index, {})
                copies.setdefault(source.stage.index, []).append(source)
        for consumer in ctx.stages:
            for producer_index, group in by_consumer.get(consumer.index, {}).items():
                findings += self._copies(ctx, ctx.stages[producer_index], group)
            if consumer.parent is not None:
                findings += self._built_from(ctx, consumer, consumer.parent)
        return findings

    def _copies(self, ctx: Context, producer: Stage, group: list[CopySource]) -> list[Finding]:
        outputs = ctx.stage_outputs(producer)
        if not outputs:
            return []
        sources = [(copy, path) for copy in group for path in _source_paths(ctx, copy)]
        covering = {
            output.path: copy
            for output in outputs
            for copy, path in sources
            if _covers(path, output.path)
        }
        taken = [
            output
            for output in outputs
            if output.path in covering or any(_inside(path, output.path) for _, path in sources)
        ]
        if not taken:
            return []
        findings = []
        stage_name = group[0].reference
        bringing = {
            id(copy): copy
            for copy, path in sources
            if any(_covers(path, o.path) or _inside(path, o.path) for o in taken)
        }
        keeps_paths = all(_keeps_path(ctx, copy) for copy in bringing.values())
        for output in outputs:
            copy = covering.get(output.path)
            if copy is not None and output.cached:
                findings.append(self._cached(copy, output, stage_name))
            elif copy is None and output not in taken:
                flag = group[0].instruction.flag("from")
                span = flag.span if flag else group[0].instruction.span
                brought = ", ".join(sorted(o.path for o in taken))
                target, chown, runs_as = _runtime_target(ctx, group[0], output)
                message = (
                    f"COPY --from={stage_name} brings {brought} but not {output.path}, where "
                    f"`{_shown(output)}` (line {output.instruction.line}) put "
                    f"{output.tool.what}; at runtime: {output.tool.symptom}. Add "
                    f"COPY --from={stage_name}{chown} {output.path} {target}{runs_as}"
                )
                fix = None
                if keeps_paths and target == output.path:
                    fix = _copy_fix(ctx, group[0].instruction, output.path)
                findings.append(self.finding(span, message, fix))
        return findings

    def _cached(self, copy: CopySource, output: StageOutput, stage_name: str) -> Finding:
        flag = copy.instruction.flag("from")
        span = flag.span if flag else copy.instruction.span
        message = (
            f"COPY --from={stage_name} takes {output.path}, but `{_shown(output)}` (line "
            f"{output.instruction.line}) wrote it inside a cache mount, which never reaches the "
            f"image: the copy gets nothing. Write {output.tool.what} outside the cache mount"
        )
        return self.finding(span, message)

    def _built_from(self, ctx: Context, stage: Stage, parent: Stage) -> list[Finding]:
        findings = []
        for output in ctx.stage_outputs(parent):
            if not output.cached:
                continue
            message = (
                f"this stage is built from {parent.name or parent.index}, whose {output.path} "
                f"was written by `{_shown(output)}` (line {output.instruction.line}) inside a "
                f"cache mount, so it is not in the image; at runtime: {output.tool.symptom}"
            )
            span = stage.from_instruction.arguments[0].span
            findings.append(self.finding(span, message))
        return findings


def _runtime_target(ctx: Context, copy: CopySource, output: StageOutput) -> tuple[str, str, str]:
    """Where the copy of ``output`` belongs for the user the copying stage runs as: the same
    path, or (for a non-root user whose tool looks under its own home) that user's location,
    with the ``--chown`` flag and a note saying why."""
    stage = ctx.stage(copy.instruction)
    if stage is None:
        return output.path, "", ""
    user = ctx.runtime_user(stage)
    looked_in = None if user.is_root else ctx.runtime_location(stage, output)
    if looked_in is None or looked_in == output.path:
        return output.path, "", ""
    owner = user.name or str(user.uid)
    note = f" (the container runs as {user.shown}, and {output.tool.name} looks there)"
    return looked_in, f" --chown={owner}", note


def _source_paths(ctx: Context, copy: CopySource) -> list[str]:
    paths = []
    for argument in copy.instruction.arguments[:-1]:
        expansion = ctx.expand(copy.instruction, argument.value)
        if expansion.complete:
            paths.append(posixpath.normpath("/" + expansion.value.lstrip("/")))
    return paths


def _keeps_path(ctx: Context, copy: CopySource) -> bool:
    """Whether ``copy`` puts its one source at the same path in this stage."""
    instruction = copy.instruction
    values = [ctx.expand(instruction, argument.value) for argument in instruction.arguments]
    if len(values) != 2 or not all(value.complete for value in values):
        return False
    source = posixpath.normpath("/" + values[0].value.lstrip("/"))
    destination = values[1].value
    if not destination.startswith("/"):
        destination = posixpath.join(ctx.state(instruction).workdir or "/", destination)
    return posixpath.normpath(destination) == source


def _copy_fix(ctx: Context, copy: Instruction, path: str) -> Fix | None:
    """A new ``COPY --from`` of ``path`` on the line after ``copy``, written the same way."""
    source = ctx.dockerfile.source
    keyword = copy.keyword_span
    indent = source.line_text(keyword.line)[: keyword.column - 1]
    if indent.strip() or _NEEDS_QUOTING.search(path):
        return None  # under ONBUILD, or a path that would need quoting
    flags = []
    for name in ("from", "chown"):
        flag = copy.flag(name)
        if flag is None:
            continue
        if flag.span.line != flag.span.end_line:
            return None
        text = source.line_text(flag.span.line)[flag.span.column - 1 : flag.span.end_column - 1]
        flags.append(text)
    line = f"{indent}{copy.keyword_text} {' '.join(flags)} {path} {path}"
    end = copy.span.end_line
    edit = Edit.insert(end, len(source.line_text(end)) + 1, "\n" + line)
    return Fix((edit,), title=f"copy {path} from the builder stage")


def _covers(source: str, path: str) -> bool:
    """Whether copying ``source`` brings ``path`` (glob sources included)."""
    if source == "/" or path == source or path.startswith(source + "/"):
        return True
    if not any(char in source for char in "*?["):
        return False
    current = path
    while current not in ("/", ""):
        if fnmatch.fnmatchcase(current, source):
            return True
        current = posixpath.dirname(current)
    return False


def _inside(source: str, path: str) -> bool:
    return source.startswith(path + "/")


def _shown(output: StageOutput) -> str:
    return " ".join(word.value for word in output.command.words)
