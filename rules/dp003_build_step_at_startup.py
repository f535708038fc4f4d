import posixpath
from fnmatch import fnmatchcase

from dockerfile_dlint.api import Context, Finding, Level, Rule, Span, Stage, StartupCommand, lazy
from dockerfile_dlint.knowledge.build_steps import (
    ADVICE,
    ARTIFACT_SUFFIXES,
    BUILD_STEPS,
    DLX_RUNNERS,
    DOWNLOAD,
    DOWNLOADERS,
    INSTALL,
    NO_BUILD_OPTIONS,
    PACKAGE_BINARIES,
    PYTHON,
    RUN_GOALS,
    RUNNER_VALUE_OPTIONS,
    RUNNERS,
    BuildStep,
)

# Commands that do not serve anything: a build step followed only by these is the whole job of
# the container (a tool image such as `CMD ["npm", "run", "build"]`), not a delay before a
# server starts.
NOT_A_SERVICE = frozenset(
    {
        "echo", "printf", "set", "export", "cd", "true", "false", ":", "test", "[", "[[",
        "sleep", "mkdir", "chmod", "chown", "ls", "cat", "env", "printenv", "exit", "wait",
        "trap", "source", ".", "unset", "shift", "local", "readonly", "umask", "ulimit", "date",
        "whoami", "id", "touch", "rm", "cp", "mv", "ln", "tee", "grep", "sed", "awk", "cut",
        "tr", "find", "xargs", "head", "tail", "wc", "sort", "uniq", "basename", "dirname",
        "pwd", "read", "return", "let", "declare", "typeset", "hash", "type", "command",
        "tar", "unzip", "gunzip", "rsync",
    }
)  # fmt: skip
WRAPPERS = frozenset({"sudo", "exec", "nohup", "time", "command", "doas", "nice"})
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "fish"})
DEVELOPMENT_STAGE = lazy(
    r"(^|[-_.])(dev|devel|develop|development|dev-?envs?|debug|test|tests|testing|local)([-_.]|$)"
)
_VERSION = lazy(r"(?<=[A-Za-z])[0-9][0-9.]*$")
_ONLY_VARIABLE = lazy(r"\$\{?\w+(?:[:?+=#%/-][^}]*)?\}?")


class BuildStepAtStartup(Rule):
    """The container does build work every time it starts.

    ## What it does
    Follows what each image runs at start (`CMD` and `ENTRYPOINT`, through `sh -c`, init
    wrappers and the scripts they run from the build context) and flags commands that belong
    in the build: package installs (`pip install`, `npm ci`, `yarn`, `poetry install`,
    `apt-get install`, `apk add` …), code generation (`prisma generate`, also through `npx`),
    downloads (`playwright install`, `prisma py fetch`, `curl`/`wget` of archives) and builds
    (`npm run build`, `collectstatic`, `go build`, `mvn package`, and commands that compile
    and then run, such as `go run` or `mvn spring-boot:run`). A finding in a script is
    reported at the `CMD` or `ENTRYPOINT` argument that runs it, naming the script's file and
    line. Only build work that runs before something else is flagged: a container whose whole
    job is the build (`CMD ["npm", "run", "build"]`) is a tool, not a slow server. Database
    migrations are not flagged: they need the live database, so start-up is their place.
    Stages named for development (`AS dev`, `AS dev-envs`, `AS test`) are not judged.

    ## Why is this bad?
    The server only starts listening after the build work is done, on every start, on every
    instance and every scale-up. Platforms give a new container a few seconds to listen on
    `$PORT`; Cloud Run reports `The user-provided container failed to start and listen on the
    port defined provided by the PORT=8080 environment variable within the allocated timeout`,
    Kubernetes restarts it after its startup probe fails. The work also needs the network at
    start, so a registry outage becomes an outage of your service, and each instance may end
    up with different package versions.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    CMD ["sh", "-c", "npm ci && npx prisma generate && exec node server.js"]
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY package*.json ./
    RUN npm ci
    COPY . .
    RUN npx prisma generate
    CMD ["node", "server.js"]
    ```
    """

    code = "DP003"
    name = "build-step-at-startup"
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        seen: set[tuple[Span, str]] = set()
        for stage in _judged_stages(ctx):
            commands = ctx.startup_commands(stage)
            for index, command in enumerate(commands):
                found = _build_step(command)
                if found is None:
                    continue
                serves = found[2] or _also_runs(command)
                if not serves and not _serves_after(commands[index + 1 :]):
                    continue
                span, message = _report(command, found[0], found[1])
                if (span, message) not in seen:
                    seen.add((span, message))
                    findings.append(self.finding(span, message))
        return findings


def _judged_stages(ctx: Context) -> list[Stage]:
    """Stages with their own CMD or ENTRYPOINT, and the last stage (the image built by
    default), so that an inherited start command is judged once, where it is written.
    Development stages (``AS dev``, ``AS dev-envs``) are left out: installing and compiling
    at start, against a bind-mounted source tree, is what they are for."""
    stages = [
        stage
        for stage in ctx.stages
        if any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions)
    ]
    if ctx.stages and ctx.stages[-1] not in stages:
        stages.append(ctx.stages[-1])
    return [stage for stage in stages if not DEVELOPMENT_STAGE.search(stage.name or "")]


def _values(command: StartupCommand) -> list[str]:
    words = [word.value for word in command.command.words]
    while words and posixpath.basename(words[0]) in WRAPPERS:
        words = words[1:]
        while words and words[0].startswith("-"):
            words = words[1:]
    return words


def _program(word: str) -> str:
    return _VERSION.sub("", posixpath.basename(word))


def _build_step(command: StartupCommand) -> tuple[list[str], str, bool] | None:
    """(the words shown, the kind of build work, whether the command then serves) when the
    command is build work."""
    words = _values(command)
    if not words:
        return None
    tool = _tool(words)
    if not tool:
        return None
    program = _program(tool[0])
    if program in DOWNLOADERS:
        return (words[:1], DOWNLOAD, False) if _fetches_artifact(tool) else None
    positionals = [word for word in tool[1:] if not word.startswith("-")]
    for step in BUILD_STEPS:
        if step.program == program and _matches(step, positionals):
            if step.kind == INSTALL and _configurable(positionals[len(step.words) :]):
                return None
            if step.serves and NO_BUILD_OPTIONS.intersection(tool):
                return None
            shown = words[: len(words) - len(tool) + 1 + min(len(tool) - 1, 3)]
            return shown, step.kind, step.serves
    return None


def _tool(words: list[str]) -> list[str]:
    """The tool's argv once runners are taken off: ``npx prisma generate`` gives
    ``prisma generate``, ``python -m pip install`` gives ``pip install``."""
    for _ in range(4):
        if not words:
            return words
        program = _program(words[0])
        rest = words[1:]
        if program in PYTHON:
            replaced = _python(rest)
            if replaced is None:
                return words
            words = replaced
        elif program in DLX_RUNNERS and rest[:1] == [DLX_RUNNERS[program]]:
            words = _skip_options(rest[1:])
        elif program in RUNNERS and not RUNNERS[program]:
            words = _skip_options(rest)
        elif program in RUNNERS and rest[: len(RUNNERS[program])] == list(RUNNERS[program]):
            words = _skip_options(rest[len(RUNNERS[program]) :])
        elif program in ("yarn", "pnpm", "bun") and rest[:1] and rest[0] in PACKAGE_BINARIES:
            words = rest
        else:
            return words
    return words


def _python(rest: list[str]) -> list[str] | None:
    """What ``python …`` runs as a tool: ``-m module`` or ``manage.py``/``setup.py``."""
    for index, word in enumerate(rest):
        if word == "-m" and index + 1 < len(rest):
            return rest[index + 1 :]
        if word.startswith("-m") and len(word) > 2:
            return [word[2:], *rest[index + 1 :]]
        if not word.startswith("-"):
            name = posixpath.basename(word)
            return [name, *rest[index + 1 :]] if name in ("manage.py", "setup.py") else None
    return None


def _skip_options(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-"):
        if words[index] == "--":
            return words[index + 1 :]
        index += 2 if words[index] in RUNNER_VALUE_OPTIONS else 1
    return words[index:]


def _matches(step: BuildStep, positionals: list[str]) -> bool:
    if step.alone:
        return not positionals
    if step.anywhere:
        return any(fnmatchcase(word, step.words[0]) for word in positionals)
    if len(positionals) < len(step.words):
        return False
    return all(
        fnmatchcase(word, pattern)
        for word, pattern in zip(positionals[: len(step.words)], step.words, strict=True)
    )


def _configurable(operands: list[str]) -> bool:
    """``pip install $EXTRA_PACKAGES``: a hook that installs only what the operator asks for."""
    return bool(operands) and all(_ONLY_VARIABLE.fullmatch(word) for word in operands)


def _fetches_artifact(words: list[str]) -> bool:
    for word in words[1:]:
        if not word.startswith("-"):
            path = word.split("?", 1)[0].split("#", 1)[0].lower()
            if path.endswith(tuple(suffix.lower() for suffix in ARTIFACT_SUFFIXES)):
                return True
    return False


def _also_runs(command: StartupCommand) -> bool:
    """``mvn package exec:java``: the build tool goes on to run the application."""
    words = _values(command)
    return _program(words[0]) in ("mvn", "mvnw", "gradle", "gradlew") and any(
        word in RUN_GOALS for word in words[1:]
    )


def _interactive_shell(words: list[str]) -> bool:
    """``bash`` or ``sh -l`` with no script: a shell for a person, not a service."""
    return _program(words[0]) in SHELLS and all(word.startswith("-") for word in words[1:])


def _serves_after(later: list[StartupCommand]) -> bool:
    """Whether something other than more build work and shell chores runs afterwards."""
    for command in later:
        words = _values(command)
        if not words:
            continue
        if posixpath.basename(words[0]) in NOT_A_SERVICE or _interactive_shell(words):
            continue
        found = _build_step(command)
        if found is not None and not found[2]:
            continue
        return True
    return False


def _report(command: StartupCommand, shown: list[str], kind: str) -> tuple[Span, str]:
    if command.script is not None:
        span = command.anchor
    else:
        words = command.command.words
        first, last = words[0].span, words[-1].span
        span = Span(first.line, first.column, last.end_line, last.end_column)
    message = (
        f"`{' '.join(shown)}` {kind} at every container start{command.where}: the server "
        "only listens on $PORT after it, and platforms that give a new container a few seconds "
        f"to listen (Cloud Run, Kubernetes probes) kill it; {ADVICE[kind]}"
    )
    return span, message
