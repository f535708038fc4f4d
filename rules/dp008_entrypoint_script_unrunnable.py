from __future__ import annotations

import posixpath
import re
import sys
from fnmatch import fnmatchcase

from dockerfile_dlint.api import (
    Argument,
    Context,
    Edit,
    Finding,
    Fix,
    ImageFile,
    Instruction,
    LazyPattern,
    Level,
    NamedTuple,
    Rule,
    Span,
    Stage,
    lazy,
)

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
# Init and privilege wrappers that exec the command after their own arguments:
# name -> (options that take a value, positional arguments before the command).
WRAPPERS = {
    "tini": (frozenset({"-p", "-e"}), 0), "dumb-init": (frozenset(), 0),
    "catatonit": (frozenset(), 0), "gosu": (frozenset(), 1), "su-exec": (frozenset(), 1),
    "chpst": (frozenset({"-u", "-U", "-e", "-n", "-l", "-L"}), 0), "env": (frozenset(), 0),
    "setpriv": (frozenset({"--reuid", "--regid", "--groups"}), 0), "nohup": (frozenset(), 0),
    "s6-setuidgid": (frozenset(), 1),
}  # fmt: skip
# Wrappers that exec with execve, as Docker does: a file without #! fails the same way through
# them. The others use execvp, which hands such a file to /bin/sh.
EXECVE_WRAPPERS = frozenset({"gosu"})
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_PASSES_ARGUMENTS = lazy(r"\bexec\s+\"?\$[@*]")
_CR_FIXES = lazy(r"dos2unix|fromdos|\\r|\\015|\\x0d", re.IGNORECASE)


class _Run(NamedTuple):
    """A script the container runs: where it is named, its path in the image, and how it is
    started (``exec``: by Docker or an exec; ``shell``: as ``sh script``)."""

    span: Span
    path: str
    how: str
    direct: bool  # run by Docker itself, or through a wrapper that uses execve
    via_shell: bool = False  # exec'd by a shell (shell form, or an entrypoint's exec "$@")


class EntrypointScriptUnrunnable(Rule):
    """The script that CMD or ENTRYPOINT runs cannot be executed.

    ## What it does
    Follows the program of `CMD` and `ENTRYPOINT` to the file the Dockerfile copies there from
    the build context (an absolute path, a path relative to `WORKDIR`, or a name found on
    `PATH`; `tini --` and similar wrappers are looked through), and flags a script that:
    has Windows (CRLF) line endings; has no `#!` line while Docker executes it directly; or
    is not executable: no execute bit on the build-context file (or a `COPY <<EOF` heredoc,
    which is created without one), no `COPY --chmod` that sets it, and no `RUN chmod +x` for
    it; or the user the container runs as (`USER`, see DP009) may not execute it, as with
    `COPY --chmod=700` and `USER app`. A script run as `["sh", "start.sh"]` needs neither
    `#!` nor the execute bit, but still breaks on CRLF line endings. Files the rule cannot
    read are not judged.

    ## Why is this bad?
    The image builds, and every container exits at once:
    `exec /app/start.sh: no such file or directory` (CRLF: the kernel looks for the
    interpreter `/bin/sh\\r`), `exec /app/start.sh: exec format error` (no `#!` line), or
    `exec: "/app/start.sh": permission denied` (no execute bit). Scripts edited on Windows or
    checked out with `core.autocrlf`, and files whose mode git never recorded, are the usual
    cause; the build machine's checkout decides, so it works on one machine and not in CI.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY start.sh .
    CMD ["./start.sh"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY --chmod=755 start.sh .
    CMD ["./start.sh"]
    ```
    with `#!/bin/sh` as the first line of `start.sh`, LF line endings (`*.sh text eol=lf` in
    `.gitattributes`), or run it as `CMD ["sh", "./start.sh"]`.

    ## Fix
    A script without the execute bit gets `--chmod=755` on the `COPY` or `ADD` that brings it
    (or an octal `--chmod` that leaves out the execute bit gets it where it allows reading),
    when that instruction copies only the script, from the build context or a heredoc: a
    directory or several files would all become executable. `--chmod` needs BuildKit, the
    default builder since Docker 23. Line endings and a missing `#!` line are in the script
    itself, which dlint does not rewrite: the message gives the command that fixes the file.
    """

    code = "DP008"
    name = "entrypoint-script-unrunnable"
    level = Level.ERROR
    fixable = "safe"

    def finish(self, ctx: Context) -> list[Finding]:
        findings: list[Finding] = []
        seen: set[tuple[Span, str]] = set()
        for stage in _judged_stages(ctx):
            for run in _scripts_run(stage, ctx):
                judged = _problems(run, stage, ctx)
                if judged is not None and (run.span, run.path) not in seen:
                    seen.add((run.span, run.path))
                    findings.append(self.finding(run.span, *judged))
        return findings


def _judged_stages(ctx: Context) -> list[Stage]:
    """Stages with their own CMD or ENTRYPOINT, and the last stage (built by default)."""
    stages = [
        stage
        for stage in ctx.stages
        if any(i.keyword in ("CMD", "ENTRYPOINT") for i in stage.instructions)
    ]
    if ctx.stages and ctx.stages[-1] not in stages:
        stages.append(ctx.stages[-1])
    return stages


def _scripts_run(stage: Stage, ctx: Context) -> list[_Run]:
    entrypoint, cmd = ctx.entrypoint_and_cmd(stage)
    starter = entrypoint or cmd
    if starter is None:
        return []
    if not starter.json:
        return _shell_form(starter, stage, ctx)
    runs = _exec_form(list(starter.arguments), stage, ctx)
    if entrypoint is not None and cmd is not None and cmd.json and runs:
        text = _read(runs[0].path, stage, ctx)
        if text is not None and _PASSES_ARGUMENTS.search(text):
            # The entrypoint script ends with exec "$@": the shell execs CMD's program.
            runs += [
                _Run(run.span, run.path, "exec", False, True)
                for run in _exec_form(list(cmd.arguments), stage, ctx)
                if run.how == "exec"
            ]
    return runs


def _exec_form(arguments: list[Argument], stage: Stage, ctx: Context) -> list[_Run]:
    index = 0
    direct = True
    while index < len(arguments):
        name = posixpath.basename(arguments[index].value)
        if name not in WRAPPERS:
            break
        direct = name in EXECVE_WRAPPERS
        takes_value, positionals = WRAPPERS[name]
        index += 1
        while index < len(arguments):
            value = arguments[index].value
            if value == "--":
                index += 1
                break
            if name == "env" and "=" in value and not value.startswith("-"):
                index += 1
            elif value.startswith("-") and len(value) > 1:
                index += 2 if value in takes_value else 1
            else:
                break
        index += positionals
    if index >= len(arguments):
        return []
    program = arguments[index]
    if posixpath.basename(program.value) in SHELLS:
        for argument in arguments[index + 1 :]:
            if argument.value.startswith("-"):
                if "c" in argument.value.lstrip("-") and not argument.value.startswith("--"):
                    return []  # sh -c "…": a command line, not a file
                continue
            path = _locate(argument.value, stage, ctx, search_path=False)
            return [_Run(argument.span, path, "shell", False)] if path else []
        return []
    path = _locate(program.value, stage, ctx)
    return [_Run(program.span, path, "exec", direct)] if path else []


def _shell_form(instruction: Instruction, stage: Stage, ctx: Context) -> list[_Run]:
    """``CMD ./start.sh``: the shell execs the file (a file without #! it runs itself)."""
    script = ctx.shell(instruction)
    if script is None:
        return []
    runs = []
    for command in script.commands:
        words = list(command.words)
        if command.nested_in is not None or not words:
            continue
        if words[0].value == "exec" and len(words) > 1:
            words = words[1:]
        name = words[0].value
        if posixpath.basename(name) in SHELLS and len(words) > 1:
            target = words[1]
            if not target.value.startswith("-"):
                path = _locate(target.value, stage, ctx, search_path=False)
                if path:
                    runs.append(_Run(target.span, path, "shell", False))
        elif "/" in name:
            path = _locate(name, stage, ctx)
            if path:
                runs.append(_Run(words[0].span, path, "exec", False, True))
    return runs


def _locate(name: str, stage: Stage, ctx: Context, search_path: bool = True) -> str | None:
    """The path in the image of a file this Dockerfile copies there, that ``name`` runs."""
    if not name or "$" in name:
        return None
    state = ctx.final_state(stage)
    if name.startswith("/"):
        candidates = [name]
    elif "/" in name or not search_path:
        candidates = [posixpath.join(state.workdir or "/", name)]
    else:
        path = state.env.get("PATH") or DEFAULT_PATH
        candidates = [posixpath.join(d, name) for d in path.split(":") if d.startswith("/")]
    for candidate in candidates:
        candidate = posixpath.normpath(candidate)
        if _image_file(candidate, stage, ctx) is not None:
            return candidate
    return None


_Found = tuple[ImageFile | None, Instruction, str | None]


def _image_file(path: str, stage: Stage, ctx: Context) -> _Found | None:
    """(the image file, the COPY that made it, its text) for ``path``."""
    found = ctx.image_file(stage, path)
    if found is not None:
        return found, found.instruction, found.read(ctx.build_context)
    heredoc = _heredoc_file(path, stage, ctx)
    if heredoc is not None:
        return None, heredoc[0], heredoc[1]
    return None


def _heredoc_file(path: str, stage: Stage, ctx: Context) -> tuple[Instruction, str] | None:
    """``COPY <<EOF /start.sh``: one heredoc copied to a file path."""
    current: Stage | None = stage
    while current is not None:
        for instruction in reversed(current.instructions):
            if instruction.keyword not in ("COPY", "ADD") or len(instruction.heredocs) != 1:
                continue
            if instruction.flag("from") is not None or len(instruction.arguments) != 2:
                continue
            destination = instruction.arguments[-1].value
            if destination.endswith("/") or "$" in destination:
                continue
            workdir = ctx.state(instruction).workdir or "/"
            if posixpath.normpath(posixpath.join(workdir, destination)) == path:
                return instruction, instruction.heredocs[0].body.text
        current = current.parent
    return None


def _read(path: str, stage: Stage, ctx: Context) -> str | None:
    found = _image_file(path, stage, ctx)
    return found[2] if found is not None else None


def _problems(run: _Run, stage: Stage, ctx: Context) -> tuple[str, Fix | None] | None:
    """The message for what keeps the script from running, and the fix for its mode."""
    found = _image_file(run.path, stage, ctx)
    if found is None:
        return None
    image_file, instruction, text = found
    if text is None or "\x00" in text[:1024] or text.startswith("\x7fELF"):
        return None
    problems = []
    errors = []
    fixes = []
    fix = None
    shown = image_file.context_path if image_file and image_file.context_path else run.path
    first_line = text.split("\n", 1)[0]
    if "\r\n" in text and not _fixed_by_run(run.path, _CR_FIXES, ctx):
        problems.append("it has Windows (CRLF) line endings")
        if run.how == "exec" and first_line.startswith("#!") and not run.via_shell:
            interpreter = first_line[2:].strip().split()[0] if first_line[2:].strip() else "sh"
            errors.append(
                f"`exec {run.path}: no such file or directory` (the kernel looks for "
                f"`{interpreter}\\r`)"
            )
        else:
            errors.append("`$'\\r': command not found` errors")
        fixes.append(
            f"convert it to LF line endings with `sed -i 's/\\r$//' {shown}` (and "
            "`*.sh text eol=lf` in .gitattributes, so that checkouts keep them)"
        )
    if run.how == "exec" and run.direct and not first_line.startswith("#!"):
        if first_line.startswith("\ufeff#!"):
            problems.append("a byte-order mark comes before its #! line")
            fixes.append("save it as UTF-8 without a byte-order mark")
        else:
            problems.append("it has no #! line")
            fixes.append(f"add `#!/bin/sh` as the first line of {shown}")
        errors.append(f"`exec {run.path}: exec format error`")
    if run.how == "exec" and not _executable(image_file, instruction, run.path, ctx):
        source = "heredoc" if image_file is None or image_file.heredoc is not None else "file"
        where = (
            "a COPY heredoc is created without the execute bit"
            if source == "heredoc"
            else "the build-context file has no execute bit"
        )
        problems.append(
            f"it is not executable ({where}, and no COPY --chmod or RUN chmod +x sets it)"
        )
        errors.append(
            f"`{run.path}: Permission denied`"
            if run.via_shell
            else f'`exec: "{run.path}": permission denied`'
        )
        fixes.append(f"copy it with `COPY --chmod=755`, or `RUN chmod +x {run.path}`")
        fix = _chmod_fix(image_file, instruction, ctx)
    else:
        problems += _runtime_user_problems(run, stage, ctx, errors, fixes)
    if not problems:
        return None
    message = (
        f"{run.path} cannot run: {'; '.join(problems)}. The container exits at start with "
        f"{' or '.join(errors)}; {'; '.join(fixes)}"
    )
    return message, fix


def _runtime_user_problems(
    run: _Run, stage: Stage, ctx: Context, errors: list[str], fixes: list[str]
) -> list[str]:
    """What keeps the user the container runs as from running the script, by the owners and
    modes dlint knows (``COPY --chmod=700`` with a non-root ``USER``)."""
    user = ctx.runtime_user(stage)
    denied = ctx.denial(stage, run.path, user, execute=run.how == "exec")
    if denied is None:
        return []
    need = {"search": "reach", "read": "read", "execute": "execute"}[denied.needs]
    if run.how == "exec":
        errors.append(f'`exec: "{run.path}": permission denied`')
    else:
        errors.append(f"`can't open '{run.path}': Permission denied`")
    owner = user.name or str(user.uid)
    fixes.append(f"copy it with `COPY --chmod=755` (or `--chown={owner}`)")
    return [f"the container runs as {user.shown}, who cannot {need} it: {denied.explain()}"]


def _chmod_fix(image_file: ImageFile | None, copy: Instruction, ctx: Context) -> Fix | None:
    """``--chmod=755`` on the COPY/ADD that brings only this script (an octal --chmod
    without the execute bit gets it where it lets read)."""
    if copy.keyword not in ("COPY", "ADD"):
        return None
    chmod = copy.flag("chmod")
    if chmod is not None:
        if chmod.value is None or not re.fullmatch(r"[0-7]{3,4}", chmod.value):
            return None
        mode = chmod.value[:-3] + "".join(
            str(int(digit) | 1 if int(digit) & 4 else int(digit)) for digit in chmod.value[-3:]
        )
        return Fix((Edit(chmod.span, f"--chmod={mode}"),), title="make the script executable")
    if image_file is None or image_file.heredoc is not None:
        only = len(copy.heredocs) == 1 and len(copy.arguments) == 2
    else:
        only = len(copy.arguments) == 2 and _same_path(copy, image_file, ctx)
    if not only:
        return None
    keyword = copy.keyword_span
    edit = Edit.insert(keyword.end_line, keyword.end_column, " --chmod=755")
    return Fix((edit,), title="make the script executable")


def _same_path(copy: Instruction, image_file: ImageFile, ctx: Context) -> bool:
    """Whether the COPY's one source is the script itself (not a directory or a glob)."""
    source = ctx.expand(copy, copy.arguments[0].value)
    if not source.complete or image_file.context_path is None:
        return False
    return _context_path(source.value) == _context_path(image_file.context_path)


def _context_path(path: str) -> str:
    return posixpath.normpath("/" + path).lstrip("/")


def _executable(
    image_file: ImageFile | None, instruction: Instruction, path: str, ctx: Context
) -> bool:
    chmod = instruction.flag("chmod")
    if chmod is not None and chmod.value is not None:
        return _grants_execute(chmod.value)
    if image_file is not None and image_file.heredoc is None:
        context = ctx.build_context
        if context is None or image_file.context_path is None or sys.platform == "win32":
            return True  # not knowable: Docker on Windows marks every file executable
        if context.is_executable(image_file.context_path):
            return True
    return _chmod_in_run(path, ctx)


def _grants_execute(mode: str) -> bool:
    if re.fullmatch(r"[0-7]{3,4}", mode):
        return any(int(digit) & 1 for digit in mode[-3:])
    return "+x" in mode or "=rwx" in mode or bool(re.search(r"[+=][rwX]*x", mode))


def _chmod_in_run(path: str, ctx: Context) -> bool:
    """Whether a RUN makes ``path`` executable: ``chmod +x``/``chmod 755`` on it, on a glob
    or a directory (recursively) that covers it, or on a path the rule cannot resolve."""
    name = posixpath.basename(path)
    for instruction in ctx.instructions:
        effective = instruction.effective
        if effective.keyword != "RUN":
            continue
        text = effective.text.text + "".join(h.body.text for h in effective.heredocs)
        if "chmod" not in text and "install" not in text:
            continue
        script = ctx.shell(effective)
        if script is None:
            continue
        workdir = ctx.state(effective).workdir or "/"
        for command in script.commands:
            values = [word.value for word in command.words]
            if values and _makes_executable(values, path, name, workdir):
                return True
    return False


def _makes_executable(values: list[str], path: str, name: str, workdir: str) -> bool:
    program = posixpath.basename(values[0])
    if program in ("find", "xargs") and "chmod" in values:
        # find … -exec chmod +x {} \; and … | xargs chmod +x: the files are not spelled out
        return any(_grants_execute(v) for v in values[values.index("chmod") + 1 :])
    if program == "chmod":
        operands = [v for v in values[1:] if not v.startswith("-") or _is_mode(v)]
        if len(operands) < 2 or not _grants_execute(operands[0]):
            return False
        recursive = any(v in ("-R", "--recursive") for v in values[1:])
        return any(_covers(o, path, name, workdir, recursive) for o in operands[1:])
    if program == "install" and any(v.startswith("-m") or v == "--mode" for v in values):
        return any(_covers(v, path, name, workdir, False) for v in values[1:])
    return False


def _is_mode(value: str) -> bool:
    return bool(re.fullmatch(r"[-+=][rwxXst]+", value))


def _covers(operand: str, path: str, name: str, workdir: str, recursive: bool) -> bool:
    if "$" in operand or "`" in operand:
        return True
    full = posixpath.normpath(posixpath.join(workdir, operand))
    if full == path or posixpath.basename(operand) == name:
        return True
    if any(c in operand for c in "*?["):
        return fnmatchcase(path, full) or fnmatchcase(name, posixpath.basename(operand))
    return recursive and path.startswith(full.rstrip("/") + "/")


def _fixed_by_run(path: str, pattern: LazyPattern, ctx: Context) -> bool:
    """Whether a RUN rewrites line endings (dos2unix, ``sed 's/\\r$//'``) of this script."""
    name = posixpath.basename(path)
    for instruction in ctx.instructions:
        effective = instruction.effective
        if effective.keyword != "RUN":
            continue
        text = effective.text.text + "".join(h.body.text for h in effective.heredocs)
        if pattern.search(text) and (name in text or "*" in text or "find " in text):
            return True
    return False
