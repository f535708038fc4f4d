"""SARIF 2.1.0, the format GitHub code scanning (and many other tools) reads.

One run: ``tool.driver`` describes every rule that ran, with its documentation as help, and each
result points to its rule by id and index, at a repository-relative location with the exact
region (SARIF's end column is exclusive, like dlint's). Columns count Unicode code points,
which the run declares. Fingerprints let code scanning tell a new finding from one that moved.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..api import Finding, Level, Rule
from ..registry import all_rules, summary
from ..ruledocs import DOCS_URL, PROJECT_URL, rule_markdown, section
from . import Report
from .fingerprints import fingerprints
from .locations import repository_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "dlint/v1"
SARIF_LEVELS = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "note",
    Level.STYLE: "note",
}


def render(report: Report) -> str:
    text = io.StringIO()
    write(report, text)
    return text.getvalue()


def write(report: Report, stream: TextIO) -> None:
    """Write the document, its results one by one: ``json.dumps`` with ``indent`` encodes in
    pure Python, and a monorepo's 60,000 results in one call held 300 MB of small strings."""
    descriptors = [_descriptor(rule, report) for rule in _described_rules(report)]
    descriptors += _outside_descriptors(report, {d["id"] for d in descriptors})
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": _RESULTS_MARK,
        "invocations": [
            {
                "executionSuccessful": not report.internal_errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": crash}}
                    for crash in report.internal_errors
                ],
            }
        ],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    # Inside a JSON string a quote is escaped, so the mark can only be the results' value.
    head, tail = text.split(f'"results": "{_RESULTS_MARK}"', 1)
    stream.write(head + '"results": [')
    pairs = zip(report.findings, fingerprints(report), strict=True)
    for position, (finding, fingerprint) in enumerate(pairs):
        result = json.dumps(_result(finding, index, fingerprint), indent=2, ensure_ascii=False)
        stream.write(("\n" if position == 0 else ",\n") + _RESULT_INDENT)
        stream.write(result.replace("\n", "\n" + _RESULT_INDENT))
    stream.write(("\n" + _RESULT_INDENT[:-2] if report.findings else "") + "]" + tail)


_RESULTS_MARK = "dlint:results"
_RESULT_INDENT = " " * 8  # document > runs > run > results > each result


def _described_rules(report: Report) -> list[type[Rule]]:
    """The rules that ran, and any other rule a finding names, by code."""
    by_code = {rule.code: rule for rule in report.rules}
    missing = {finding.code for finding in report.findings} - set(by_code)
    if missing:
        by_code.update((rule.code, rule) for rule in all_rules() if rule.code in missing)
    return [by_code[code] for code in sorted(by_code)]


def _outside_descriptors(report: Report, described: set[str]) -> list[dict[str, Any]]:
    """Descriptors for codes of tools dlint runs (ShellCheck's ``SC2086``): no rule class,
    so the tool's own documentation page is the help."""
    first: dict[str, Finding] = {}
    for finding in report.findings:
        if finding.code not in described:
            first.setdefault(finding.code, finding)
    descriptors = []
    for code, finding in sorted(first.items()):
        uri = f"https://www.shellcheck.net/wiki/{code}"
        descriptors.append(
            {
                "id": code,
                "name": finding.name,
                "shortDescription": {"text": f"ShellCheck {code}"},
                "helpUri": uri,
                "help": {"text": uri, "markdown": f"See [{code}]({uri})."},
                "defaultConfiguration": {"level": SARIF_LEVELS[finding.level]},
            }
        )
    return descriptors


def _descriptor(rule: type[Rule], report: Report) -> dict[str, Any]:
    documentation = rule_markdown(rule)
    level = report.levels.get(rule.code, rule.level)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary(rule)},
        "fullDescription": {"text": section(rule, "What it does") or summary(rule)},
        "help": {"text": documentation, "markdown": documentation},
        "helpUri": f"{DOCS_URL}/{rule.code}.md",
        "defaultConfiguration": {"level": SARIF_LEVELS[level]},
    }


def _result(finding: Finding, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    span = finding.span
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result.update(
        {
            "level": SARIF_LEVELS[finding.level],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.path),
                        "region": {
                            "startLine": span.line,
                            "startColumn": span.column,
                            "endLine": span.end_line,
                            "endColumn": span.end_column,
                        },
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
    )
    return result


def _artifact(display: str) -> dict[str, str]:
    """A repository-relative URI reference, or a file URI for a file outside the repository."""
    path = repository_path(display)
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}
