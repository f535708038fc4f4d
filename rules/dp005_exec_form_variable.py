from __future__ import annotations

import itertools
import json
import posixpath
import re
import shlex

from dockerfile_dlint.api import (
    Argument,
    Context,
    Edit,
    Finding,
    Fix,
    Instruction,
    Level,
    NamedTuple,
    Rule,
    Stage,
    lazy,
    windows_base,
)

VARIABLE = lazy(
    r"(?<![\\$])\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?+=#%/^,-][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "yash"})
# Programs whose arguments are programs or templates with `$` of their own (`awk '{print $NF}'`,
# `sed '$d'`), that run their arguments through a shell (abiosoft's `parent` echoes each one
# through /bin/sh), or that are not POSIX shells at all.
EXPANDS_ITSELF = frozenset(
    {
        "awk", "gawk", "mawk", "nawk", "sed", "perl", "jq", "yq", "envsubst", "parent",
        "make", "gmake", "powershell", "powershell.exe", "pwsh", "cmd", "cmd.exe", "watch",
        "execlineb", "logstash", "xargs", "parallel", "nodemon", "concurrently", "su",
        "runuser", "script", "flock",
    }
)  # fmt: skip
# Options whose value is program text for an interpreter (`python -c`, `node -e`).
CODE_OPTIONS = {
    "python": ("-c",), "node": ("-e", "--eval", "-p", "--print"), "nodejs": ("-e", "--eval"),
    "deno": ("eval",), "bun": ("-e", "--eval"), "ruby": ("-e",), "php": ("-r",),
    "psql": ("-c", "--command"), "mysql": ("-e", "--execute"), "Rscript": ("-e",),
    "lua": ("-e",), "R": ("-e",), "julia": ("-e",), "sqlite3": (),
}  # fmt: skip
# Programs that resolve `${NAME}` placeholders in their own options (Spring Boot's
# `--server.port=${PORT}`, Maven and Gradle properties).
PLACEHOLDER_PROGRAMS = frozenset({"java", "mvn", "mvnw", "gradle", "gradlew"})
# Init and privilege wrappers: (options that take a value, positional arguments before the
# command).
WRAPPERS = {
    "tini": (frozenset({"-p", "-e"}), 0), "dumb-init": (frozenset(), 0),
    "catatonit": (frozenset(), 0), "gosu": (frozenset(), 1), "su-exec": (frozenset(), 1),
    "chpst": (frozenset({"-u", "-U", "-e", "-n", "-l", "-L"}), 0), "env": (frozenset(), 0),
    "setpriv": (frozenset({"--reuid", "--regid", "--groups"}), 0), "nohup": (frozenset(), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "nice": (frozenset({"-n"}), 0), "s6-setuidgid": (frozenset(), 1),
    "chroot": (frozenset(), 1), "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
}  # fmt: skip
# Text in an entrypoint script that expands its arguments again.
REEXPANDS = lazy(r"\beval\b|\benvsubst\b|-c\s+\"?\$[@*]")
# Text in an entrypoint script that runs its arguments as a command (``exec "$@"``).
PASSES_ARGUMENTS = lazy(r"\bexec\s+\"?\$[@*]")
# A reference every POSIX sh expands the same way: ``$NAME``, ``${NAME}``, or a POSIX
# operator (``:-``, ``=``, ``?``, ``+``, ``#``, ``%`` …) with a plain word. Bash-only forms
# (``${NAME/a/b}``, ``${NAME^^}``) and nested expansions are left to the author.
POSIX_REFERENCE = lazy(r"\$[A-Za-z_]\w*|\$\{[A-Za-z_]\w*(?:(?::?[-=?+]|##?|%%?)[^\"'`$\\{}]*)?\}")
# Shell builtins and keywords: as the first word of a shell form they would not run the
# program exec form runs (``echo``, ``test`` …).
SHELL_BUILTINS = frozenset(
    {
        ".", ":", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval",
        "exec", "exit", "export", "false", "fg", "getopts", "hash", "jobs", "kill", "local",
        "printf", "pwd", "read", "readonly", "return", "set", "shift", "source", "test",
        "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
        "esac", "!", "{", "}", "function", "select", "time",
    }
)  # fmt: skip
# Base images without /bin/sh, where `sh -c` cannot run.
NO_SHELL_IMAGE = lazy(r"distroless|chainguard/static", re.IGNORECASE)


class _Word(NamedTuple):
    """One element of the argv Docker runs, and the instruction argument it comes from."""

    value: str
    argument: Argument
    own: bool  # written in the instruction being checked


class ExecFormVariable(Rule):
    """An exec-form (JSON) instruction uses `$VARIABLE`, which nothing expands.

    ## What it does
    Flags an argument of a JSON-form `CMD`, `ENTRYPOINT`, `RUN` or `HEALTHCHECK` that
    contains `$NAME` or `${NAME}`. In exec form Docker runs the program directly: no shell
    sees the text, so the program receives the characters `$PORT` instead of the port.
    Not flagged: the script of `["sh", "-c", "…"]` (a shell does expand it), programs whose
    arguments carry `$` on purpose (`awk`, `sed`, `jq`, `envsubst`, code after `python -c`
    or `node -e`, Spring's `--server.port=${PORT}` placeholders for `java`), arguments passed
    to an entrypoint script that may expand them itself, and `$` that starts no variable name
    (`"$"`, `"5$"`, `"$$"`, `"\\$HOME"`).

    ## Why is this bad?
    The container starts, then fails on the literal text. `uvicorn --port $PORT` exits with
    `Error: Invalid value for '--port': '$PORT' is not a valid integer.`, and
    `gunicorn -b 0.0.0.0:$PORT` with `Error: '0.0.0.0:$PORT' is not a valid port number.`;
    on Cloud Run the revision never listens on `$PORT` and the deploy fails its health check.
    Defining the variable with `ENV` does not help: Docker does not substitute variables in
    exec-form commands either.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "$PORT"]
    ```

    ## Use instead
    Run the command through a shell, and `exec` it so the server stays process 1 and gets
    the stop signal:
    ```dockerfile
    FROM python:3.12-slim
    CMD ["sh", "-c", "exec uvicorn main:app --host 0.0.0.0 --port ${PORT:-8080}"]
    ```

    ## Fix
    `CMD` becomes `["sh", "-c", "exec …"]` and `ENTRYPOINT` becomes
    `["sh", "-c", "exec … \\"$@\\"", "sh"]` (so that CMD and `docker run` arguments still
    reach the program); `RUN` and `HEALTHCHECK CMD` take the shell form. Every argument is
    quoted for the shell so that it sees the same words: an argument with spaces or shell
    characters in single quotes, one with a variable in double quotes so the variable still
    expands (`"$PORT"`), other `$` escaped. Comment lines inside a continued JSON array move
    above the instruction. No fix is offered when the shell would not run the same thing: a
    base image without `/bin/sh` (scratch, distroless), a `SHELL` that is not a POSIX shell,
    a program that is a shell builtin, bash-only or nested `${…}` forms, an argv that already
    runs a shell, or CMD arguments for an `ENTRYPOINT` program that must move into it.
    """

    code = "DP005"
    name = "exec-form-variable"
    level = Level.ERROR
    instructions = frozenset({"CMD", "ENTRYPOINT", "RUN", "HEALTHCHECK"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if not instruction.json or not any("$" in a.value for a in instruction.arguments):
            return []
        argv = _argv(instruction, ctx)
        if argv is None:
            return []
        findings = []
        advice: tuple[str, Fix | None] | None = None
        for word in _literal_words(argv, instruction, ctx):
            names = [m.group(1) or m.group(2) for m in VARIABLE.finditer(word.value)]
            if not names:
                continue
            advice = advice or _advice(argv, instruction, ctx)
            shown = ", ".join(f"${name}" for name in dict.fromkeys(names))
            message = (
                f"{instruction.keyword} in exec form passes {json.dumps(word.value)} literally: "
                f"no shell runs, so {shown} is never expanded; {advice[0]}"
            )
            findings.append(self.finding(word.argument.span, message, advice[1]))
        return findings


def _argv(instruction: Instruction, ctx: Context) -> list[_Word] | None:
    """The argv Docker runs for this instruction (an exec-form ENTRYPOINT in front of CMD)."""
    arguments = list(instruction.arguments)
    if instruction.keyword == "HEALTHCHECK":
        if not arguments or arguments[0].value.upper() != "CMD":
            return None
        arguments = arguments[1:]
    own = [_Word(a.value, a, True) for a in arguments]
    if instruction.keyword != "CMD" or not own:
        return own
    stage = ctx.stage(instruction)
    entrypoint = _entrypoint(stage) if stage is not None and instruction.trigger is None else None
    if entrypoint is not None:
        if not entrypoint.json:
            return None  # a shell-form ENTRYPOINT ignores CMD
        return [_Word(a.value, a, False) for a in entrypoint.arguments] + own
    root = stage
    while root is not None and root.parent is not None:
        root = root.parent
    external = root is None or not root.base_is_scratch
    if external and own[0].value.startswith("-"):
        return None  # options for the base image's ENTRYPOINT, which is not known here
    return own


def _entrypoint(stage: Stage) -> Instruction | None:
    return _last(stage, "ENTRYPOINT")


def _cmd(stage: Stage) -> Instruction | None:
    return _last(stage, "CMD")


def _last(stage: Stage, keyword: str) -> Instruction | None:
    """The last ``keyword`` instruction of the stage or the stages it is built on."""
    current: Stage | None = stage
    while current is not None:
        for instruction in reversed(current.instructions):
            if instruction.keyword == keyword:
                return instruction
        current = current.parent
    return None


def _literal_words(argv: list[_Word], instruction: Instruction, ctx: Context) -> list[_Word]:
    """The words of this instruction that reach a program as they are written."""
    literal: list[_Word] = []
    index = 0
    while index < len(argv):  # init and privilege wrappers: their own arguments are literal
        name = posixpath.basename(argv[index].value)
        if name not in WRAPPERS:
            break
        takes_value, positionals = WRAPPERS[name]
        literal.append(argv[index])
        index += 1
        while index < len(argv):
            value = argv[index].value
            if value == "--":
                index += 1
                break
            if name == "env" and "=" in value and not value.startswith("-"):
                literal.append(argv[index])
                index += 1
            elif value.startswith("-") and len(value) > 1:
                literal.append(argv[index])
                index += 2 if value in takes_value else 1
                if value in takes_value and index - 1 < len(argv):
                    literal.append(argv[index - 1])
            else:
                break
        for _ in range(positionals):
            if index < len(argv):
                literal.append(argv[index])
                index += 1
    if index >= len(argv):
        return [word for word in literal if word.own]
    literal.extend(_program_words(argv[index:], instruction, ctx))
    return [word for word in literal if word.own]


def _program_words(argv: list[_Word], instruction: Instruction, ctx: Context) -> list[_Word]:
    program = posixpath.basename(argv[0].value)
    if program == "busybox" and len(argv) > 1:
        return [argv[0], *_program_words(argv[1:], instruction, ctx)]
    base = re.sub(r"[0-9.]+$", "", program)  # python3.12 -> python
    if program in SHELLS or base in SHELLS:
        return _shell_words(argv)
    if program in EXPANDS_ITSELF or base in EXPANDS_ITSELF:
        return []
    if _may_reexpand(argv[0].value, instruction, ctx):
        return [argv[0]]
    if len(argv) > 1 and PASSES_ARGUMENTS.search(
        _image_file(argv[0].value, instruction, ctx) or ""
    ):
        return [argv[0], *_program_words(argv[1:], instruction, ctx)]  # the script execs them
    words = [argv[0]]
    code_options = CODE_OPTIONS.get(base, CODE_OPTIONS.get(program))
    if code_options is not None and not code_options:
        return words
    skip = False
    for word in argv[1:]:
        if skip:
            skip = False
            continue
        if code_options and word.value in code_options:
            skip = True
            continue
        if base in PLACEHOLDER_PROGRAMS and "${" in word.value and word.value.startswith("-"):
            continue
        words.append(word)
    return words


def _shell_words(argv: list[_Word]) -> list[_Word]:
    """``sh -c SCRIPT name args…``: the script is expanded, the rest is not."""
    for index, word in enumerate(argv[1:], 1):
        value = word.value
        if value.startswith("-") and not value.startswith("--") and "c" in value[1:]:
            if index + 1 < len(argv):
                return argv[: index + 1] + argv[index + 2 :]
            return argv[: index + 1]
        if not value.startswith(("-", "+")):
            return []  # `sh script.sh args`: the script may expand its arguments
    return argv


def _may_reexpand(program: str, instruction: Instruction, ctx: Context) -> bool:
    """Whether ``program`` is a script that may expand its arguments again (``eval "$@"``).

    A file this Dockerfile copies in is judged by its text, and counts as such a script when
    the text cannot be read; a program not copied in counts when it looks like an entrypoint
    script.
    """
    text = _image_file(program, instruction, ctx)
    if text is None:
        name = posixpath.basename(program).lower()
        return name.endswith(".sh") or "entrypoint" in name
    return not text or REEXPANDS.search(text) is not None


def _image_file(program: str, instruction: Instruction, ctx: Context) -> str | None:
    """The text of a file the Dockerfile copies to ``program``'s path; '' when copied but
    unreadable, None when not copied by this Dockerfile."""
    stage = ctx.stage(instruction)
    if stage is None or "$" in program:
        return None
    state = ctx.state(instruction)
    if program.startswith("/"):
        candidates = [program]
    elif "/" in program:
        candidates = [posixpath.join(state.workdir, program)] if state.workdir else []
    else:
        path = state.env.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        candidates = [posixpath.join(d, program) for d in path.split(":") if d.startswith("/")]
    for candidate in candidates:
        found = ctx.image_file(stage, candidate)
        if found is not None:
            text = found.read(ctx.build_context)
            return text if text is not None else ""
    return None


def _advice(argv: list[_Word], instruction: Instruction, ctx: Context) -> tuple[str, Fix | None]:
    """What to write instead, every argument quoted for the shell, and the fix that writes
    it when the shell runs the same program with the same words."""
    keyword = instruction.keyword
    words = [word for word in argv if word.own]
    inherited = [word.value for word in argv if not word.own]
    wrapped = all(
        posixpath.basename(value) in WRAPPERS or value.startswith("-") for value in inherited
    ) or (bool(inherited) and _image_file(inherited[0], instruction, ctx) is not None)
    if keyword == "CMD" and inherited and not wrapped:
        whole = json.dumps(["sh", "-c", f"exec {_command_line(argv)}"])
        return f"run the whole command through a shell: ENTRYPOINT {whole}, without this CMD", None
    command = _command_line(words, shell_form=keyword in ("RUN", "HEALTHCHECK"))
    runnable = _same_in_a_shell(words, instruction, ctx)
    if keyword in ("RUN", "HEALTHCHECK"):
        shown = "RUN" if keyword == "RUN" else "HEALTHCHECK CMD"
        fix = _replace_array(instruction, command, ctx) if runnable else None
        return f"use the shell form: {shown} {command}", fix
    if keyword == "ENTRYPOINT":
        fixed = json.dumps(["sh", "-c", f'exec {command} "$@"', "sh"])  # CMD arrives as "$@"
    else:
        fixed = json.dumps(["sh", "-c", f"exec {command}"])
    fix = _replace_array(instruction, fixed, ctx) if runnable else None
    return f"run it through a shell: {keyword} {fixed}", fix


def _command_line(words: list[_Word], shell_form: bool = False) -> str:
    """The argv as one shell command line; in a shell form (no ``exec`` in front) a first
    word with ``=`` is quoted, so that the shell does not take it for an assignment."""
    quoted = [_shell_quote(word.value) for word in words]
    if shell_form and quoted and "=" in quoted[0] and quoted[0] == words[0].value:
        quoted[0] = "'" + quoted[0] + "'"
    return " ".join(quoted)


def _same_in_a_shell(words: list[_Word], instruction: Instruction, ctx: Context) -> bool:
    """Whether a POSIX shell would run these words as exec form runs them."""
    if not words or _runs_a_shell([word.value for word in words]):
        return False  # rewriting it would nest shells: the script is the place to fix
    for word in words:
        for match in VARIABLE.finditer(word.value):
            if not POSIX_REFERENCE.fullmatch(match.group(0)):
                return False
    stage = ctx.stage(instruction)
    if stage is None or not _has_posix_shell(stage, ctx):
        return False
    keyword = instruction.keyword
    if keyword in ("RUN", "HEALTHCHECK"):
        if words[0].value in SHELL_BUILTINS:
            return False
        state = ctx.state(instruction) if keyword == "RUN" else ctx.final_state(stage)
        shell = state.shell
        if posixpath.basename(shell[0]) not in SHELLS or shell[-1] != "-c":
            return False
    return True


def _runs_a_shell(values: list[str]) -> bool:
    """``sh …`` as the program, or ``sh -c`` behind a wrapper."""
    if posixpath.basename(values[0]) in SHELLS:
        return True
    return any(
        posixpath.basename(value) in SHELLS and re.fullmatch(r"-[a-z]*c[a-z]*", following)
        for value, following in itertools.pairwise(values)
    )


def _has_posix_shell(stage: Stage, ctx: Context) -> bool:
    """Whether the image has ``/bin/sh``: not on Windows, and on scratch or distroless
    only when this Dockerfile copies one in."""
    if windows_base(stage):
        return False
    root = stage
    while root.parent is not None:
        root = root.parent
    image = root.image_resolved or root.image
    if root.base_is_scratch or (NO_SHELL_IMAGE.search(image) and "debug" not in image):
        return ctx.image_file(stage, "/bin/sh") is not None
    return True


def _replace_array(instruction: Instruction, replacement: str, ctx: Context) -> Fix | None:
    """Replace the instruction's JSON array with ``replacement``; comment lines inside a
    continued array move above the instruction, since Docker ignores them either way."""
    text = instruction.text
    start = text.text.find("[")
    end = len(text.text.rstrip())
    if start < 0 or not text.text[:end].endswith("]"):
        return None
    span = text.span(start, end)
    edits = [Edit(span, replacement)]
    source = ctx.dockerfile.source
    inside = [
        source.line_text(comment.span.line).strip()
        for comment in ctx.dockerfile.comments
        if span.line < comment.span.line < span.end_line
    ]
    if inside:
        first = source.line_text(instruction.span.line)
        indent = first[: len(first) - len(first.lstrip())]
        lines = "\n".join(indent + comment for comment in inside)
        edits.insert(0, Edit.insert_line_before(instruction.span.line, lines))
    return Fix(tuple(edits), title="run it through a shell")


def _shell_quote(value: str) -> str:
    """Quote for sh so that it sees this one word: variable references stay expandable in
    double quotes, every other ``$``, quote, backslash and backquote is escaped."""
    if not VARIABLE.search(value):
        return shlex.quote(value)
    parts = []
    last = 0
    for match in VARIABLE.finditer(value):
        parts.append(_escape_double_quoted(value[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_escape_double_quoted(value[last:]))
    return '"' + "".join(parts) + '"'


def _escape_double_quoted(text: str) -> str:
    return re.sub(r'(["\\`$])', r"\\\1", text)
