"""Lint one file: decode, lex, model, run the selected rules, then apply pragmas and levels.

The engine never names a rule. Problems found while reading the file (undecodable bytes, an
unknown instruction, an unterminated heredoc) travel on the parsed Dockerfile and are reported
by the parse-error rule like any other finding, so selection, pragmas and levels apply to them.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import Context, Finding, Level, Rule
from .buildcontext import BuildContext
from .check_directive import read_check_directive
from .lexer import lex
from .model import build_model
from .patterns import lazy
from .pragmas import Pragmas, read_pragmas
from .records import Record
from .selection import Selection, names_exactly
from .source import Problem, Source, Span, decode
from .syntax import Instruction

if TYPE_CHECKING:
    from .reuse import Reuse
    from .shellcheck import ShellBody, ShellFinding

# Called with a file's shell scripts as soon as they are known (see lint_source).
ShellBodiesHook = Callable[[list["ShellBody"]], None]


class FileResult(Record):
    """The findings for one file, the decoded source for showing them, and rule crashes.

    ``shell_bodies`` are the file's scripts for ShellCheck, checked later together with every
    other file's (see :func:`add_shellcheck`); ``pragmas`` are kept to filter those findings.
    ``read_error`` says why the file could not be read at all (its DL1000 finding says so
    too): a run in which no file could be read has linted nothing, and exits 2.
    """

    _fields = (
        *("path", "source", "findings", "internal_errors", "shell_bodies", "pragmas"),
        "read_error",
    )
    __slots__ = _fields

    def __init__(
        self,
        path: str,
        source: Source,
        findings: list[Finding],
        internal_errors: list[str] | None = None,
        shell_bodies: list[ShellBody] | None = None,
        pragmas: Pragmas | None = None,
        read_error: str | None = None,
    ) -> None:
        self.path = path
        self.source = source
        self.findings = findings
        self.internal_errors: list[str] = [] if internal_errors is None else internal_errors
        self.shell_bodies: list[ShellBody] = [] if shell_bodies is None else shell_bodies
        self.pragmas = pragmas
        self.read_error = read_error

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileResult):
            return NotImplemented
        return self.field_values() == other.field_values()

    __hash__ = None  # type: ignore[assignment]  # it changes: findings are added later


# The largest file read, unless ``--max-file-size`` or the ``max-file-size`` key says
# otherwise: real Dockerfiles are a few kilobytes, and a larger file is generated or hostile
# data whose linting would only cost time and memory.
DEFAULT_MAX_FILE_SIZE = 10_000_000
# The key of the limit in the configuration and in ``Selection.options``.
MAX_FILE_SIZE = "max-file-size"
_SIZE = lazy(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(i)?)?b?\s*", re.IGNORECASE)
_NONBLOCKING = getattr(os, "O_NONBLOCK", 0)


class FileTooLarge(Exception):
    """A file over the size limit; ``size`` is None when it is only known to be larger."""

    def __init__(self, size: int | None, limit: int) -> None:
        shown = f"file is {size:,} bytes," if size is not None else "file is"
        super().__init__(f"{shown} larger than the {format_size(limit)} limit")
        self.size = size
        self.limit = limit


def parse_size(value: str | int) -> int:
    """Bytes in ``10MB``, ``512k``, ``1.5 MiB`` or ``4096`` (SI units; ``Ki``/``Mi``/``Gi``
    are powers of 1024). Raises ValueError for anything else, or a size under one byte."""
    if isinstance(value, bool):
        raise ValueError(f"invalid size: {value!r}")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.fullmatch(value)
        if match is None:
            raise ValueError(f"invalid size {value!r}: expected a number such as 10MB or 512k")
        number, prefix, binary = match.groups()
        power = " kmg".index(prefix.lower()) if prefix else 0
        size = int(float(number) * (1024 if binary else 1000) ** power)
    if size < 1:
        raise ValueError(f"invalid size {value!r}: it must be at least one byte")
    return size


def format_size(size: int) -> str:
    """A size for messages: ``10 MB``, ``52.4 MB``, ``3 bytes``."""
    for factor, unit in ((10**9, "GB"), (10**6, "MB"), (10**3, "kB")):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte" + ("" if size == 1 else "s")


def file_size_limit(options: Mapping[str, Any]) -> int:
    """The size limit of a run: ``max-file-size`` from the options, else the default."""
    value = options.get(MAX_FILE_SIZE, DEFAULT_MAX_FILE_SIZE)
    return parse_size(value) if isinstance(value, (str, int)) else DEFAULT_MAX_FILE_SIZE


def read_file(path: Path | str, limit: int) -> bytes:
    """A file's bytes, never more than ``limit`` of them.

    Raises :class:`FileTooLarge` over the limit, without reading a regular file whose size
    says so, and OSError when the file cannot be read. The open does not block (a named pipe
    nobody writes to reads as empty), and the read stops after ``limit + 1`` bytes whatever the
    file claims, so a device such as ``/dev/zero`` or a file that grows cannot exhaust memory.
    """
    descriptor = os.open(path, os.O_RDONLY | _NONBLOCKING | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        if _NONBLOCKING:
            os.set_blocking(descriptor, True)
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileTooLarge(None, limit)
    return data


def lint_file(
    path: Path,
    display: str,
    selection: Selection,
    context: Path | None,
    on_shell_bodies: ShellBodiesHook | None = None,
) -> FileResult:
    """Read and lint a file; a file that cannot be read, or is over the size limit, is a parse
    problem (DL1000), not a crash. Every path to a file's bytes comes through here, so the
    limit holds whoever asks (a tree walk, a named file, a worker process)."""
    try:
        data = read_file(path, file_size_limit(selection.options))
    except FileTooLarge as error:
        return _not_read(display, _too_large(error), selection, context)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        result = _not_read(display, f"cannot read file: {reason}", selection, context)
        return result.replace(read_error=reason)
    return lint_bytes(data, display, selection, context, on_shell_bodies)


def lint_bytes(
    data: bytes,
    display: str,
    selection: Selection,
    context: Path | None,
    on_shell_bodies: ShellBodiesHook | None = None,
    reuse: Reuse | None = None,
) -> FileResult:
    """Lint a file's bytes (standard input, a fixed text); over the size limit, only say so.
    ``reuse`` holds what earlier lints read (see reuse.py)."""
    limit = file_size_limit(selection.options)
    if len(data) > limit:
        return _not_read(display, _too_large(FileTooLarge(None, limit)), selection, context)
    return lint_source(decode(data, display), selection, context, on_shell_bodies, reuse)


def _too_large(error: FileTooLarge) -> str:
    return f"{error}: not read (raise the limit with --max-file-size)"


def _not_read(display: str, message: str, selection: Selection, context: Path | None) -> FileResult:
    problem = Problem(Span(1, 1, 1, 1), message, fatal=True)
    return lint_source(Source(display, (), (problem,), binary=True), selection, context)


def lint_source(
    source: Source,
    selection: Selection,
    context: Path | None,
    on_shell_bodies: ShellBodiesHook | None = None,
    reuse: Reuse | None = None,
) -> FileResult:
    """Lint a decoded file. A failure of the parser or the model on it is reported as an
    internal error of this file (exit 3), like a rule's: the other files of the run are
    still linted and reported, where an exception would lose them all.

    With ShellCheck wanted, ``on_shell_bodies`` gets the file's scripts as soon as they are
    known, before the rules run (to start ShellCheck on them meanwhile); it must not raise.
    """
    try:
        return _lint_source(source, selection, context, on_shell_bodies, reuse)
    except Exception as error:
        crash = f"dlint failed on {source.path}: {type(error).__name__}: {error}"
        return FileResult(source.path, source, [], [crash])


def _lint_source(
    source: Source,
    selection: Selection,
    context: Path | None,
    on_shell_bodies: ShellBodiesHook | None,
    reuse: Reuse | None,
) -> FileResult:
    dockerfile = lex(source, reuse)
    check = read_check_directive(dockerfile)
    if check.problems:
        problems = (*dockerfile.problems, *check.problems)
        dockerfile = dockerfile._replace(problems=problems)
    build_context = BuildContext(context) if context else None
    ctx = Context(dockerfile, build_model(dockerfile), build_context, selection.options, reuse)
    bodies: list[ShellBody] = []
    if selection.shellcheck:
        from .shellcheck import shellcheck_bodies

        bodies = shellcheck_bodies(ctx)
        if on_shell_bodies is not None:
            on_shell_bodies(bodies)
    chosen: Sequence[type[Rule]] = selection.rules
    if not check.changes_nothing:
        chosen = [rule for rule in selection.rules if not check.skips(rule)]
        chosen += [rule for rule in selection.experimental if check.enables(rule)]
    rules = [rule_class() for rule_class in chosen]
    raw, errors = _run_rules(rules, ctx)
    pragmas = read_pragmas(dockerfile)
    off = selection.ignored_codes(source.path)
    by_code = {rule.code: type(rule) for rule in rules}
    findings = []
    for finding in raw:
        rule_class = by_code[finding.code]
        if finding.code in off:
            continue
        silenced = pragmas.silenced(finding.span.line) if selection.honour_pragmas else ()
        if any(names_exactly(selector, rule_class) for selector in silenced):
            continue
        configured = finding.code in selection.configured
        level = selection.levels[finding.code] if configured else finding.level
        if check.raises(rule_class):
            level = Level.ERROR
        findings.append(finding._replace(level=level, path=source.path))
    findings.sort(key=Finding.sort_key)
    return FileResult(source.path, source, findings, errors, bodies, pragmas)


def add_shellcheck(
    result: FileResult, found: list[list[ShellFinding]], selection: Selection
) -> None:
    """Add ShellCheck's findings for ``result``'s bodies, with selection, per-file ignores,
    pragmas and levels applied as to any rule's (matched by code: ``SC2086``, ``SC``)."""
    for shell_finding in (finding for body in found for finding in body):
        code = shell_finding.code
        if not selection.wants_code(code) or selection.ignored_in(result.path, code):
            continue
        pragmas = result.pragmas
        if pragmas is not None and selection.honour_pragmas:
            silenced = pragmas.silenced(shell_finding.span.line)
            if any(selector.upper() == code for selector in silenced):
                continue
        level = selection.code_level(code, shell_finding.level)
        if level is None:
            continue
        finding = Finding(
            code, "shellcheck", level, shell_finding.message, shell_finding.span, result.path
        )
        result.findings.append(finding)
    result.findings.sort(key=Finding.sort_key)


def _run_rules(rules: list[Rule], ctx: Context) -> tuple[list[Finding], list[str]]:
    direct: dict[str, list[Rule]] = defaultdict(list)
    triggered: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        for keyword in rule.instructions:
            direct[keyword].append(rule)
            if rule.onbuild:
                triggered[keyword].append(rule)
    findings: list[Finding] = []
    errors: list[str] = []
    for instruction in ctx.instructions:
        for rule in direct.get(instruction.keyword, ()):
            _call(rule, instruction, ctx, findings, errors)
        trigger = instruction.trigger
        if trigger is not None:
            for rule in triggered.get(trigger.keyword, ()):
                _call(rule, trigger, ctx, findings, errors)
    for rule in rules:
        if type(rule).finish is not Rule.finish:  # the base class's finds nothing
            _call(rule, None, ctx, findings, errors)
    return findings, errors


def _call(
    rule: Rule,
    instruction: Instruction | None,
    ctx: Context,
    findings: list[Finding],
    errors: list[str],
) -> None:
    """Run one hook of a rule; a crashing rule is reported and the others still run."""
    try:
        if instruction is None:
            findings.extend(rule.finish(ctx))
        else:
            findings.extend(rule.check(instruction, ctx))
    except Exception as error:
        where = f"{ctx.path}:{instruction.line}" if instruction else ctx.path
        errors.append(f"rule {rule.code} failed on {where}: {type(error).__name__}: {error}")
