"""``dlint rules`` lists the rule catalogue; ``dlint rule CODE`` prints one rule's documentation.

Both read the same registry and docstrings as the linter, so what they show is what runs.
"""

from __future__ import annotations

import difflib
import json
import sys
from collections.abc import Sequence

import click

from .api import Rule
from .registry import all_rules, summary
from .ruledocs import DOCS_URL, UnknownRule, find_rule, rule_markdown

TABLE_HEADINGS = ("CODE", "NAME", "LEVEL", "DEFAULT", "FIXABLE")


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="A table, or JSON with aliases and summaries.",
)
def rules_command(output_format: str) -> int:
    """List every rule: code, name, default level, on by default, fixable."""
    rules = all_rules()
    if output_format == "json":
        records = [_record(rule) for rule in rules]
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
    else:
        sys.stdout.write(_table(rules))
    return 0


@click.command("rule")
@click.argument("query", metavar="CODE")
def rule_command(query: str) -> int:
    """Print a rule's documentation (CODE may also be a rule name or an alias)."""
    rules = all_rules()
    try:
        rule = find_rule(query, rules)
    except UnknownRule:
        raise click.UsageError(_unknown(query, rules)) from None
    sys.stdout.write(rule_markdown(rule))
    return 0


def _record(rule: type[Rule]) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "level": rule.level.label,
        "enabled_by_default": rule.enabled_by_default,
        "fixable": rule.fixable,
        "aliases": list(rule.aliases),
        "summary": summary(rule),
        "url": f"{DOCS_URL}/{rule.code}.md",
    }


def _table(rules: Sequence[type[Rule]]) -> str:
    rows = [TABLE_HEADINGS] + [
        (
            rule.code,
            rule.name,
            rule.level.label,
            "yes" if rule.enabled_by_default else "no",
            rule.fixable or "no",
        )
        for rule in rules
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(TABLE_HEADINGS))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def _unknown(query: str, rules: Sequence[type[Rule]]) -> str:
    known = [rule.code for rule in rules] + [rule.name for rule in rules]
    close = difflib.get_close_matches(query, known, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else " (see dlint rules)"
    return f"unknown rule {query!r}{hint}"
