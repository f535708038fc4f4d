"""What the editor shows of a lint: diagnostics, code actions and hovers.

Pure functions of a :class:`~.linting.Linted` and the positions of its text, so that what
the server answers depends on nothing but the lint of the text the editor has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from lsprotocol import types

from ..api import Finding, Level, Rule
from ..edits import Fix
from ..registry import all_rules
from ..ruledocs import DOCS_URL, rule_markdown
from .linting import Linted
from .positions import LineIndex, contains, overlaps

SOURCE = "dlint"
FIX_ALL_KIND = "source.fixAll.dlint"
SEVERITIES = {
    Level.ERROR: types.DiagnosticSeverity.Error,
    Level.WARNING: types.DiagnosticSeverity.Warning,
    Level.INFO: types.DiagnosticSeverity.Information,
    Level.STYLE: types.DiagnosticSeverity.Hint,
}
# ShellCheck's page for each of its codes (the URL scheme of the ShellCheck wiki, as
# shellcheck.net links its findings: https://www.shellcheck.net/wiki/SC2086).
SHELLCHECK_WIKI = "https://www.shellcheck.net/wiki"
# More diagnostics than this in one file help nobody and slow an editor down: the rest are
# counted in one last diagnostic (``dlint check`` lists them all).
MAX_DIAGNOSTICS = 1000


@cache
def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def doc_url(code: str) -> str | None:
    if code.startswith("SC"):
        return f"{SHELLCHECK_WIKI}/{code}"
    return f"{DOCS_URL}/{code}.md" if code in rules_by_code() else None


class Placed:
    """A lint with its findings' ranges in the client's units: what was published."""

    def __init__(self, linted: Linted, encoding: str) -> None:
        self.linted = linted
        self.index = LineIndex(linted.text, encoding)
        self.ranges = [self.index.range(finding.span) for finding in linted.findings]
        self.newline = "\r\n" if "\r\n" in linted.text else "\n"

    def diagnostics(self) -> list[types.Diagnostic]:
        linted = self.linted
        shown = list(zip(linted.findings, self.ranges, strict=True))[:MAX_DIAGNOSTICS]
        diagnostics = [_diagnostic(finding, where) for finding, where in shown]
        hidden = len(linted.findings) - len(shown)
        top = types.Range(types.Position(0, 0), types.Position(0, 0))
        if hidden:
            diagnostics.append(
                types.Diagnostic(
                    top,
                    f"{hidden} more findings not shown: run dlint check on this file",
                    severity=types.DiagnosticSeverity.Information,
                    source=SOURCE,
                )
            )
        if linted.problem:
            error = types.DiagnosticSeverity.Error
            diagnostics.insert(0, types.Diagnostic(top, linted.problem, error, source=SOURCE))
        return diagnostics

    def at(self, position: types.Position) -> list[Finding]:
        return [
            finding
            for finding, where in zip(self.linted.findings, self.ranges, strict=True)
            if contains(where, position)
        ]

    def in_range(self, wanted: types.Range) -> list[tuple[Finding, types.Range]]:
        """Findings that touch ``wanted``; a bare cursor stands for its whole line (the
        quick fixes of a line are at hand wherever the cursor is on it)."""
        if wanted.start == wanted.end:
            line = wanted.start.line
            wanted = types.Range(types.Position(line, 0), types.Position(line, 1 << 31 - 1))
        return [
            (finding, where)
            for finding, where in zip(self.linted.findings, self.ranges, strict=True)
            if overlaps(where, wanted)
        ]

    def quick_fixes(self, uri: str, wanted: types.Range) -> list[types.CodeAction]:
        """For each finding in ``wanted``: its fix (preferred when safe), and an ignore pragma
        for its code above its instruction."""
        actions: list[types.CodeAction] = []
        ignored: set[tuple[str, int]] = set()
        for finding, where in self.in_range(wanted):
            diagnostic = _diagnostic(finding, where)
            if finding.fix is not None:
                actions.append(self._fix_action(uri, finding, finding.fix, diagnostic))
            start = self.linted.instruction_start(finding.span.line)
            if start is None or not self.linted.honour_pragmas:
                continue
            if (finding.code, start) in ignored:
                continue
            ignored.add((finding.code, start))
            actions.append(self._ignore_action(uri, finding.code, start, diagnostic))
        return actions

    def _fix_action(
        self, uri: str, finding: Finding, fix: Fix, diagnostic: types.Diagnostic
    ) -> types.CodeAction:
        title = fix.title or f"Fix {finding.code}"
        if not fix.safe:
            title += " (unsafe: may change what the image does)"
        edits = [
            types.TextEdit(self.index.range(edit.span), edit.text.replace("\n", self.newline))
            for edit in fix.edits
        ]
        return types.CodeAction(
            f"{finding.code}: {title}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=fix.safe,
            edit=types.WorkspaceEdit(changes={uri: edits}),
        )

    def _ignore_action(
        self, uri: str, code: str, line: int, diagnostic: types.Diagnostic
    ) -> types.CodeAction:
        text = self.index.lines[line - 1]
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        here = types.Position(line - 1, self.index.bom if line == 1 else 0)
        pragma = f"{indent}# dlint ignore={code}{self.newline}"
        return types.CodeAction(
            f"Ignore {code} for this instruction (# dlint ignore={code})",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(
                changes={uri: [types.TextEdit(types.Range(here, here), pragma)]}
            ),
        )

    def has_safe_fixes(self) -> bool:
        return any(f.fix is not None and f.fix.safe for f in self.linted.findings)

    def fix_all_action(self, uri: str, fixed: str) -> types.CodeAction:
        """Every safe fix at once: one edit over the lines that differ."""
        return types.CodeAction(
            "dlint: fix all safely fixable findings",
            kind=FIX_ALL_KIND,
            edit=types.WorkspaceEdit(changes={uri: [self.replacement(fixed)]}),
        )

    def replacement(self, new: str) -> types.TextEdit:
        """One edit that turns the text into ``new``, replacing only the lines between the
        first and the last that differ (the editor keeps its cursor and folds elsewhere).

        Lines are compared with their line break (the last line has none), so a text that
        only gains or loses its final line break is one small edit too.
        """
        old, fixed = _tokens(self.linted.text), _tokens(new)
        same_start = 0
        limit = min(len(old), len(fixed))
        while same_start < limit and old[same_start] == fixed[same_start]:
            same_start += 1
        same_start = min(same_start, len(old) - 1)  # equal texts: the edit keeps the last line
        same_end = 0
        while same_end < limit - same_start and old[-1 - same_end] == fixed[-1 - same_end]:
            same_end += 1
        start = types.Position(same_start, 0)
        if same_end:
            end = types.Position(len(old) - same_end, 0)
        else:
            end = types.Position(len(old) - 1, self.index.units(old[-1]))
        text = "".join(fixed[same_start : len(fixed) - same_end])
        return types.TextEdit(types.Range(start, end), text)

    def hover(self, position: types.Position) -> types.Hover | None:
        """The findings under the cursor, then each one's rule documentation."""
        found = self.at(position)
        if not found:
            return None
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, hover_markdown(found)))


def hover_markdown(findings: Sequence[Finding]) -> str:
    parts = [f"**{f.code}** {f.level.label}: {f.message}" for f in findings]
    for code in dict.fromkeys(finding.code for finding in findings):
        parts.append("---")
        rule = rules_by_code().get(code)
        if rule is not None:
            parts.append(rule_markdown(rule).strip())
        elif code.startswith("SC"):
            parts.append(f"ShellCheck {code}: {SHELLCHECK_WIKI}/{code}")
    return "\n\n".join(parts)


def _tokens(text: str) -> list[str]:
    """The lines of ``text``, each with its ``\\n`` (the last without)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def _diagnostic(finding: Finding, where: types.Range) -> types.Diagnostic:
    url = doc_url(finding.code)
    return types.Diagnostic(
        where,
        finding.message,
        severity=SEVERITIES[finding.level],
        code=finding.code,
        code_description=types.CodeDescription(url) if url else None,
        source=SOURCE,
    )


def wants(only: Iterable[str] | None, kind: str) -> bool:
    """Whether a code action of ``kind`` answers a request for the kinds ``only`` (a kind
    matches itself and the kinds under it: ``source`` asks for ``source.fixAll.dlint``)."""
    if only is None:
        return True
    return any(kind == asked or kind.startswith(asked + ".") for asked in only)
