"""Output formats for CI: SARIF against its schema, GitHub commands, GitLab Code Quality,
Checkstyle XML, and how repeated --format options pair with -o files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from dockerfile_dlint.api import Finding, Level
from dockerfile_dlint.checking import output_plan
from dockerfile_dlint.messages import UsageProblem
from dockerfile_dlint.registry import all_rules
from dockerfile_dlint.report import Report, render
from dockerfile_dlint.source import Span
from helpers import ROOT, lint

SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
SAMPLE = """\
FROM python
WORKDIR app
COPY --from=biuld /out /out
CMD python -m http.server $PORT
"""
SELECTED = ("DL3000", "DL3006", "DL3022", "DL3025")
# Characters a URI reference may hold (RFC 3986), and '%' for escapes.
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def dlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A repository root (it has .git) with a Dockerfile in a subdirectory and a clean one.

    The configuration selects the rules SAMPLE was written for, so that rules added later do
    not change the findings these tests expect.
    """
    (tmp_path / ".git").mkdir()
    (tmp_path / ".dlint.toml").write_text(f"select = {json.dumps(SELECTED)}\n")
    (tmp_path / "my service").mkdir()
    (tmp_path / "my service" / "Dockerfile").write_text(SAMPLE)
    (tmp_path / "clean.Dockerfile").write_text('FROM python:3.12\nCMD ["python"]\n')
    return tmp_path


def report_of(text: str) -> Report:
    result = lint(text, select=list(SELECTED))
    return Report(result.findings, [result], [r for r in all_rules() if r.code in SELECTED])


def sarif_of(repository: Path, *args: str) -> dict[str, Any]:
    result = dlint("check", "--format", "sarif", *args, ".", cwd=repository)
    assert result.returncode == 1, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_sarif_validates_against_the_schema(repository: Path) -> None:
    document = sarif_of(repository)
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)
    errors = list(validator(schema, format_checker=validator.FORMAT_CHECKER).iter_errors(document))
    assert errors == [], [error.message for error in errors[:5]]


def test_sarif_driver_describes_every_rule_that_ran(repository: Path) -> None:
    driver = sarif_of(repository)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "dlint" and driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == list(SELECTED)
    every = sarif_of(repository, "--no-config")["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in every] == sorted(
        rule.code for rule in all_rules() if rule.enabled_by_default
    )
    untagged = driver["rules"][ids.index("DL3006")]
    assert untagged["name"] == "untagged-image"
    assert untagged["shortDescription"]["text"] == "FROM names an image without a tag or digest."
    assert untagged["fullDescription"]["text"].startswith("Flags `FROM image`")
    assert "## Why is this bad?" in untagged["help"]["markdown"]
    assert untagged["help"]["text"]
    assert untagged["helpUri"].endswith("/DL3006.md")
    assert untagged["defaultConfiguration"] == {"level": "warning"}


def test_sarif_results_point_to_rules_and_exact_regions(repository: Path) -> None:
    run = sarif_of(repository)["runs"][0]
    expected = json.loads(dlint("check", "--format", "json", ".", cwd=repository).stdout)
    assert len(run["results"]) == len(expected)
    for result, finding in zip(run["results"], expected, strict=True):
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["ruleId"] == finding["code"]
        assert result["message"]["text"] == finding["message"]
        assert result["level"] == {"error": "error", "warning": "warning"}[finding["level"]]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "my%20service/Dockerfile", "uriBaseId": "%SRCROOT%"}
        assert URI_CHARACTERS.fullmatch(artifact["uri"])
        assert location["physicalLocation"]["region"] == {
            "startLine": finding["line"],
            "startColumn": finding["column"],
            "endLine": finding["end_line"],
            "endColumn": finding["end_column"],
        }
        assert set(result["partialFingerprints"]) == {"dlint/v1"}
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_uses_configured_levels(repository: Path) -> None:
    with (repository / ".dlint.toml").open("a") as config:
        config.write('[levels]\nDL3006 = "info"\n')
    run = sarif_of(repository)["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["DL3006"]["defaultConfiguration"] == {"level": "note"}
    assert [r["level"] for r in run["results"] if r["ruleId"] == "DL3006"] == ["note"]


def test_uri_is_relative_to_the_repository_not_the_current_directory(repository: Path) -> None:
    inside = repository / "my service"
    result = dlint("check", "--format", "sarif", "Dockerfile", cwd=inside)
    artifact = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]
    assert artifact["physicalLocation"]["artifactLocation"]["uri"] == "my%20service/Dockerfile"


def fingerprints_of(text: str, format_name: str) -> dict[tuple[str, int], str]:
    report = report_of(text)
    if format_name == "sarif":
        results = json.loads(render("sarif", report))["runs"][0]["results"]
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r[
                "partialFingerprints"
            ]["dlint/v1"]
            for r in results
        }
    issues = json.loads(render("gitlab", report))
    return {(i["check_name"], i["location"]["lines"]["begin"]): i["fingerprint"] for i in issues}


@pytest.mark.parametrize("format_name", ["sarif", "gitlab"])
def test_fingerprints_survive_unrelated_edits(format_name: str) -> None:
    before = fingerprints_of(SAMPLE, format_name)
    edited = "# a comment added above\n\n" + SAMPLE.replace("WORKDIR app", "  WORKDIR   app")
    after = fingerprints_of(edited, format_name)
    assert {(code, line + 2): value for (code, line), value in before.items()} == after
    changed = fingerprints_of(SAMPLE.replace("biuld", "buidl"), format_name)
    assert changed[("DL3022", 3)] != before[("DL3022", 3)]
    assert changed[("DL3006", 1)] == before[("DL3006", 1)]


@pytest.mark.parametrize("format_name", ["sarif", "gitlab"])
def test_identical_findings_on_identical_lines_get_distinct_fingerprints(
    format_name: str,
) -> None:
    prints = fingerprints_of("FROM python\nFROM python\n", format_name)
    assert len(set(prints.values())) == len(prints) == 2


def test_github_workflow_commands(repository: Path) -> None:
    result = dlint("check", "--format", "github", ".", cwd=repository)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::warning file=my service/Dockerfile,line=1,col=6,endLine=1,endColumn=12,"
        "title=DL3006 untagged-image::image python has no tag: pin a version, "
        "such as python:<version>"
    )
    command = re.compile(
        r"::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
        r"title=[A-Z]+\d+ [a-z0-9-]+::.+"
    )
    assert all(command.fullmatch(line) for line in lines), lines
    assert [line.split(" ")[0] for line in lines] == [
        "::warning",
        "::error",
        "::warning",
        "::warning",
    ]


def test_github_commands_escape_what_would_break_them() -> None:
    finding = Finding(
        "DL3006", "untagged-image", Level.INFO, "50% done\nnext: a, b", Span(1, 1, 1, 2), "a,b:c"
    )
    text = render("github", Report([finding], []))
    assert text == (
        "::notice file=a%2Cb%3Ac,line=1,col=1,endLine=1,endColumn=2,"
        "title=DL3006 untagged-image::50%25 done%0Anext: a, b\n"
    )


def test_gitlab_code_quality_has_the_required_keys(repository: Path) -> None:
    result = dlint(
        "check", "--format", "gitlab", "-o", "gl-code-quality-report.json", ".", cwd=repository
    )
    assert (result.returncode, result.stdout) == (1, "")
    issues = json.loads((repository / "gl-code-quality-report.json").read_text())
    assert len(issues) == 4
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "my service/Dockerfile"
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["description"] and issue["check_name"] == issue["description"].split()[0]
    assert len({issue["fingerprint"] for issue in issues}) == 4
    assert [issue["severity"] for issue in issues] == ["major", "critical", "major", "major"]


def test_checkstyle_is_well_formed_with_every_file(repository: Path) -> None:
    result = dlint("check", "--format", "checkstyle", ".", cwd=repository)
    root = ElementTree.fromstring(result.stdout)
    assert root.tag == "checkstyle"
    files = {element.get("name"): element for element in root}
    assert set(files) == {"./clean.Dockerfile", "./my service/Dockerfile"}
    assert all(element.tag == "file" for element in root)
    assert list(files["./clean.Dockerfile"]) == []
    errors = list(files["./my service/Dockerfile"])
    assert [error.tag for error in errors] == ["error"] * 4
    first = errors[0].attrib
    assert first == {
        "line": "1",
        "column": "6",
        "severity": "warning",
        "message": "image python has no tag: pin a version, such as python:<version>",
        "source": "DL3006",
    }
    assert {error.get("severity") for error in errors} <= {"error", "warning", "info"}


def test_checkstyle_survives_characters_xml_cannot_hold() -> None:
    finding = Finding(
        "DL1000", "parse-error", Level.ERROR, 'bad \x01 "<byte>" & \n', Span(1, 1, 1, 2), "x&y"
    )
    root = ElementTree.fromstring(render("checkstyle", Report([finding], [])))
    error = root.find("file/error")
    assert error is not None and root[0].get("name") == "x&y"
    assert error.get("message") == 'bad \ufffd "<byte>" & \n'


def test_text_then_sarif_to_a_file(repository: Path) -> None:
    result = dlint(
        "check", "--format", "text", "--format", "sarif", "-o", "dlint.sarif", ".", cwd=repository
    )
    assert result.returncode == 1
    assert result.stdout.startswith("./my service/Dockerfile:1:6: DL3006 warning:")
    sarif = json.loads((repository / "dlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 4


def test_every_format_to_its_own_file(repository: Path) -> None:
    args = []
    for name in ("text", "json", "sarif", "github", "gitlab", "checkstyle"):
        args += ["--format", name, "--output", f"out.{name}"]
    result = dlint("check", *args, ".", cwd=repository)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")
    assert (repository / "out.text").read_text().startswith("./my service/Dockerfile:1:6:")
    assert len(json.loads((repository / "out.json").read_text())) == 4
    assert "\033[" not in (repository / "out.text").read_text()


def test_output_without_format_writes_text(repository: Path) -> None:
    result = dlint("check", "-o", "report.txt", ".", cwd=repository)
    assert (result.returncode, result.stdout) == (1, "")
    assert "DL3006 warning" in (repository / "report.txt").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "json", "--format", "sarif"], "json and sarif would all write"),
        (["-o", "a.sarif", "--format", "sarif"], "put it after the --format it writes"),
        (["--format", "sarif", "-o", "a", "-o", "b"], "--format sarif has two outputs"),
        (["--format", "json", "-o", "x", "--format", "sarif", "-o", "x"], "-o x is given"),
    ],
)
def test_format_output_pairing_mistakes_are_usage_errors(
    repository: Path, args: list[str], message: str
) -> None:
    result = dlint("check", *args, ".", cwd=repository)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_output_plan_pairs_each_output_with_the_format_before_it() -> None:
    order = ["output_formats", "output_formats", "outputs", "output_formats", "outputs"]
    plan = output_plan(order, ["text", "sarif", "gitlab"], ["a.sarif", "gl.json"])
    assert plan == [("text", "-"), ("sarif", "a.sarif"), ("gitlab", "gl.json")]
    assert output_plan([], [], []) == [("text", "-")]
    assert output_plan(["output_formats", "outputs"], ["json"], ["-"]) == [("json", "-")]
    with pytest.raises(UsageProblem):
        output_plan(["output_formats", "outputs", "output_formats"], ["json", "text"], ["-"])


def test_unwritable_output_is_a_usage_error(repository: Path) -> None:
    result = dlint("check", "--format", "sarif", "-o", "no/such/dir/x.sarif", ".", cwd=repository)
    assert result.returncode == 2
    assert result.stderr.startswith("dlint: error: cannot write no/such/dir/x.sarif")
