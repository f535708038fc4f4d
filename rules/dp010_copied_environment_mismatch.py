import posixpath
import re

from dockerfile_dlint.api import Argument, Context, CopySource, Finding, Level, Rule, Stage, lazy
from dockerfile_dlint.knowledge.base_images import stage_base
from dockerfile_dlint.knowledge.runtime_environments import (
    Interpreter,
    Virtualenv,
    chain,
    covers,
    environment_kinds,
    runs_node,
    runs_python,
    stage_node,
    stage_python,
    virtualenvs,
)

_PATH_VERSION = lazy(r"/python(3\.\d+)(?:/|$)")
# What will break at runtime, and how to fix it.
Problem = tuple[str, str]
_DISTROLESS_GLIBC = lazy(r"gcr\.io/distroless/(?:python3|nodejs\d+|cc|base)")


class CopiedEnvironmentMismatch(Rule):
    """A virtualenv, site-packages or node_modules is copied from a stage into one where it
    cannot run.

    ## What it does
    Follows each `COPY --from=<stage>` of a Python environment (a virtualenv made by `python -m
    venv`, `virtualenv`, `uv venv`, `uv sync`, `poetry install` or `pipenv install` with an
    in-project `.venv`; a `site-packages` tree; the user site `$HOME/.local`;
    `/usr/local/lib/pythonX.Y`) or of `node_modules`, and compares the stage it was built in
    with the stage it lands in, through what dlint knows of their base images. It reports a
    virtualenv copied to another path, a Python of another minor version, a Python in another
    place (`/usr/local` in the official `python` image, `/usr` in distribution images), another
    C library (glibc or musl), and for `node_modules` another C library or Node major version;
    for both, an environment installed in a `FROM --platform=$BUILDPLATFORM` stage (or for
    another fixed platform) and run on the target platform.
    Images dlint does not know, and stages that install their own interpreter, are not judged.

    ## Why is this bad?
    The build succeeds and the container fails at start. A virtualenv is not relocatable: its
    console scripts start with `#!/opt/venv/bin/python`, so after a move `uvicorn` ends with
    `bad interpreter` or `not found`. Its `bin/python` is a link to the builder's interpreter
    (`/usr/local/bin/python3.12`), which a 3.11 image or a distribution image does not have
    (`No such file or directory`), and its packages sit in `lib/python3.12`, which Python 3.11
    never reads (`ModuleNotFoundError`). Compiled extensions (pydantic-core, numpy, psycopg,
    uvloop; native Node addons) are linked against the builder's C library and fail with
    `Error loading shared library` on the other one; a pure-Python package set would work, but
    dlint cannot know that a set is pure Python.

    ## Example
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN python -m venv /opt/venv && /opt/venv/bin/pip install uvicorn fastapi

    FROM python:3.11-alpine
    COPY --from=builder /opt/venv /venv
    CMD ["/venv/bin/uvicorn", "app:app", "--host", "0.0.0.0"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN python -m venv /opt/venv && /opt/venv/bin/pip install uvicorn fastapi

    FROM python:3.12-slim
    COPY --from=builder /opt/venv /opt/venv
    CMD ["/opt/venv/bin/uvicorn", "app:app", "--host", "0.0.0.0"]
    ```
    Build both stages on the same image family and version (an `ARG PYTHON_VERSION` used in
    both `FROM` lines keeps them together), copy a virtualenv to the path it was made at, and
    build in the runtime image's family (an Alpine runtime needs an Alpine builder).
    """

    code = "DP010"
    name = "copied-environment-mismatch"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        findings = []
        for copy in ctx.copy_sources:
            consumer = ctx.stage(copy.instruction)
            if copy.stage is None or consumer is None:
                continue
            findings += self._copy(ctx, copy, copy.stage, consumer)
        return findings

    def _copy(
        self, ctx: Context, copy: CopySource, producer: Stage, consumer: Stage
    ) -> list[Finding]:
        instruction = copy.instruction
        values = [ctx.expand(instruction, argument.value) for argument in instruction.arguments]
        if len(values) < 2 or not values[-1].complete:
            return []
        destination = values[-1].value
        if not destination.startswith("/"):
            workdir = ctx.state(instruction).workdir or "/"
            destination = posixpath.join(workdir, destination)
        destination = posixpath.normpath(destination)
        findings = []
        for argument, value in zip(instruction.arguments[:-1], values[:-1], strict=True):
            if not value.complete or any(char in value.value for char in "*?["):
                continue
            source = posixpath.normpath("/" + value.value.lstrip("/"))
            problems = self._problems(ctx, copy, producer, consumer, source, destination)
            if problems:
                findings.append(self._report(copy, argument, source, producer, consumer, problems))
        return findings

    def _problems(
        self,
        ctx: Context,
        copy: CopySource,
        producer: Stage,
        consumer: Stage,
        source: str,
        destination: str,
    ) -> list[Problem]:
        problems: list[Problem] = []
        venvs = [v for v in virtualenvs(ctx, producer) if covers(source, v.path)]
        kinds = environment_kinds(ctx, producer, source)
        if "python" in kinds and runs_python(ctx, consumer):
            problems += _python_problems(ctx, producer, consumer, source, destination, venvs)
        node = "node" in kinds and runs_node(ctx, consumer)
        if node and not _rebuilds(ctx, consumer, copy):
            problems += _node_problems(ctx, producer, consumer)
        if ("python" in kinds and runs_python(ctx, consumer)) or node:
            problems += _platform_problems(producer, consumer)
        return problems

    def _report(
        self,
        copy: CopySource,
        argument: Argument,
        source: str,
        producer: Stage,
        consumer: Stage,
        problems: list[Problem],
    ) -> Finding:
        built = _image_name(producer)
        runs = _image_name(consumer)
        fixes = list(dict.fromkeys(fix for _, fix in problems))
        message = (
            f"COPY --from={copy.reference} {source}: built on {built}, copied into a stage on "
            f"{runs}; at runtime {'; '.join(text for text, _ in problems)}. Fix: "
            f"{'; '.join(fixes)}"
        )
        return self.finding(argument.span, message)


def _image_name(stage: Stage) -> str:
    image = stage_base(stage)
    return image.reference if image is not None else chain(stage)[0].image


def _moved(path: str, source: str, destination: str) -> str:
    """Where ``path``, inside the copied ``source``, lands."""
    return (
        posixpath.normpath(destination + path[len(source) :])
        if source != "/"
        else (posixpath.normpath(destination + path))
    )


def _python_problems(
    ctx: Context,
    producer: Stage,
    consumer: Stage,
    source: str,
    destination: str,
    venvs: list[Virtualenv],
) -> list[Problem]:
    problems: list[Problem] = []
    for venv in venvs:
        landing = _moved(venv.path, source, destination)
        if landing != venv.path and not venv.relocatable:
            problems.append(
                (
                    f"the virtualenv made at {venv.path} (line {venv.instruction.line}) lands at "
                    f"{landing}, and its console scripts' shebangs still name "
                    f"{venv.path}/bin/python (`bad interpreter`, `not found`)",
                    f"copy it to {venv.path}, the path it was made at",
                )
            )
    built = stage_python(ctx, producer)
    runs = stage_python(ctx, consumer)
    built_version = next((v.version for v in venvs if v.version), None)
    if built_version is None and built is not None:
        built_version = built.version
    if built_version is None and (named := _PATH_VERSION.search(source)):
        built_version = named[1]
    if runs is not None and built_version is not None and built_version != runs.version:
        problems.append(
            (
                f"it holds packages for Python {built_version} and this stage runs Python "
                f"{runs.version}: lib/python{built_version} is never read (`ModuleNotFoundError`)"
                + (
                    f" and the virtualenv's python links to a python{built_version} that is not "
                    "there (`No such file or directory`)"
                    if venvs
                    else ""
                ),
                "build both stages on the same Python version (one ARG in both FROM lines)",
            )
        )
    elif venvs and built is not None and runs is not None and built.bin_dir != runs.bin_dir:
        problems.append(
            (
                f"the virtualenv's python links to {built.bin_dir}/python3, and this stage's "
                f"Python is in {runs.bin_dir} (`No such file or directory`)",
                "build the virtualenv on the runtime stage's image family",
            )
        )
    built_libc, runs_libc = _libc(producer, built), _libc(consumer, runs)
    if built_libc and runs_libc and built_libc != runs_libc:
        problems.append(
            (
                f"compiled extensions (pydantic-core, numpy, psycopg…) built against {built_libc} "
                f"fail on {runs_libc} (`Error loading shared library`; a pure-Python set would "
                "work, but dlint cannot know the set is pure Python)",
                _same_libc(runs_libc),
            )
        )
    return problems


def _node_problems(ctx: Context, producer: Stage, consumer: Stage) -> list[Problem]:
    problems: list[Problem] = []
    built, runs = stage_node(ctx, producer), stage_node(ctx, consumer)
    if built is not None and runs is not None and built.version != runs.version:
        problems.append(
            (
                f"native addons in node_modules were built for Node {built.version} and this stage "
                f"runs Node {runs.version} (`was compiled against a different Node.js version`)",
                "build both stages on the same Node major (one ARG in both FROM lines)",
            )
        )
    built_libc, runs_libc = _libc(producer, built), _libc(consumer, runs)
    if built_libc and runs_libc and built_libc != runs_libc:
        problems.append(
            (
                f"native addons in node_modules built against {built_libc} fail on {runs_libc} "
                "(`Error loading shared library`; pure-JavaScript packages would work, but dlint "
                "cannot know that)",
                _same_libc(runs_libc),
            )
        )
    return problems


def _platform(stage: Stage) -> str:
    """The ``--platform`` of the FROM the stage's image comes from (``""`` when none), with
    ``${BUILDPLATFORM}`` written as ``$BUILDPLATFORM``."""
    flag = chain(stage)[0].from_instruction.flag("platform")
    value = flag.value if flag is not None and flag.value else ""
    return re.sub(r"\$\{(\w+)\}", r"$\1", value.strip().lower())


def _platform_problems(producer: Stage, consumer: Stage) -> list[Problem]:
    built, runs = _platform(producer), _platform(consumer)
    if built == runs:
        return []
    if built == "$buildplatform":
        return [
            (
                "compiled code in it was built for the build machine's CPU (FROM "
                "--platform=$BUILDPLATFORM) and this stage runs on the target platform: a "
                "cross-platform build (buildx --platform linux/arm64 on an amd64 machine) gets "
                "extensions for the wrong CPU (`Exec format error`, `wrong ELF class`)",
                "install the environment in a stage on the target platform (no "
                "--platform=$BUILDPLATFORM on it)",
            )
        ]
    if "$" not in built + runs and built and runs:
        return [
            (
                f"compiled code in it was built for {built} and this stage runs on {runs} "
                "(`Exec format error`)",
                "build both stages for the same platform",
            )
        ]
    return []


def _same_libc(libc: str) -> str:
    family = "an Alpine image" if libc == "musl" else "a glibc image (Debian, Ubuntu, slim)"
    return f"build in the runtime image's family: {family} in both stages"


def _libc(stage: Stage, interpreter: Interpreter | None) -> str | None:
    if interpreter is not None and interpreter.libc:
        return interpreter.libc
    image = stage_base(stage)
    if image is None:
        return None
    if image.libc is None and _DISTROLESS_GLIBC.match(image.reference.lower()):
        return "glibc"
    return image.libc


def _rebuilds(ctx: Context, consumer: Stage, copy: CopySource) -> bool:
    """Whether the consumer rebuilds native addons after the copy (``npm rebuild``)."""
    after = False
    for instruction in consumer.instructions:
        if instruction is copy.instruction:
            after = True
        elif after and instruction.keyword == "RUN":
            for command in ctx.run_commands(instruction, unwrapped=True):
                words = [word.value for word in command.words]
                if "rebuild" in words[1:2] or words[1:3] == ["install", "--force"]:
                    return True
    return False
