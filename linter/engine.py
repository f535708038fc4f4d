"""Lint one file: decode, lex, model, run the selected rules, then apply pragmas and levels.

The engine never names a rule. Problems found while reading the file (undecodable bytes, an
unknown instruction, an unterminated heredoc) travel on the parsed Dockerfile and are reported
by the parse-error rule like any other finding, so selection, pragmas and levels apply to them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .api import Context, Finding, Level, Rule
from .buildcontext import BuildContext
from .check_directive import read_check_directive
from .lexer import lex
from .model import build_model
from .pragmas import Pragmas, read_pragmas
from .selection import Selection, names_exactly
from .source import Problem, Source, Span, decode
from .syntax import Instruction

if TYPE_CHECKING:
    from .shellcheck import ShellBody, ShellFinding


@dataclass
class FileResult:
    """The findings for one file, the decoded source for showing them, and rule crashes.

    ``shell_bodies`` are the file's scripts for ShellCheck, checked later together with every
    other file's (see :func:`add_shellcheck`); ``pragmas`` are kept to filter those findings.
    """

    path: str
    source: Source
    findings: list[Finding]
    internal_errors: list[str] = field(default_factory=list)
    shell_bodies: list[ShellBody] = field(default_factory=list)
    pragmas: Pragmas | None = None


def lint_file(path: Path, display: str, selection: Selection, context: Path | None) -> FileResult:
    """Read and lint a file; a file that cannot be read is a parse problem, not a crash."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problem = Problem(Span(1, 1, 1, 1), f"cannot read file: {error.strerror}", fatal=True)
        return lint_source(Source(display, (), (problem,), binary=True), selection, context)
    return lint_bytes(data, display, selection, context)


def lint_bytes(data: bytes, display: str, selection: Selection, context: Path | None) -> FileResult:
    return lint_source(decode(data, display), selection, context)


def lint_source(source: Source, selection: Selection, context: Path | None) -> FileResult:
    dockerfile = lex(source)
    check = read_check_directive(dockerfile)
    if check.problems:
        problems = (*dockerfile.problems, *check.problems)
        dockerfile = dataclasses.replace(dockerfile, problems=problems)
    build_context = BuildContext(context) if context else None
    ctx = Context(dockerfile, build_model(dockerfile), build_context, selection.options)
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
        level = selection.levels.get(finding.code, finding.level)
        if check.raises(rule_class):
            level = Level.ERROR
        findings.append(dataclasses.replace(finding, level=level, path=source.path))
    findings.sort(key=Finding.sort_key)
    bodies: list[ShellBody] = []
    if selection.shellcheck:
        from .shellcheck import shellcheck_bodies

        bodies = shellcheck_bodies(ctx)
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
