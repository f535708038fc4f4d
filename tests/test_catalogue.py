"""The rule catalogue as users see it: ``dlint rules``, ``dlint rule CODE``, docs/rules/, and
the lazily loaded subcommands."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
from click.testing import CliRunner
from dockerfile_dlint import cli as cli_module
from dockerfile_dlint.api import Level, Rule
from dockerfile_dlint.registry import DOC_SECTIONS, all_rules, summary
from dockerfile_dlint.ruledocs import UnknownRule, find_rule, rule_markdown
from helpers import ROOT, modules_loaded_by

GENERATOR = ROOT / "scripts" / "generate_docs.py"


def dlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dockerfile_dlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class AliasedRule(Rule):
    """A rule with a BuildKit alias.

    ## What it does
    Nothing.
    """

    code = "BK9999"
    name = "aliased-rule"
    level = Level.STYLE
    aliases = ("JSONArgsRecommendedForTests",)
    fixable = "safe"
    enabled_by_default = False


def test_rules_lists_every_rule_as_a_table(tmp_path: Path) -> None:
    result = dlint("rules", cwd=tmp_path)
    assert result.returncode == 0
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["CODE", "NAME", "LEVEL", "DEFAULT", "FIXABLE"]
    assert [row.split()[0] for row in rows] == [rule.code for rule in all_rules()]
    untagged = next(row.split() for row in rows if row.startswith("DL3006 "))
    assert untagged == ["DL3006", "untagged-image", "warning", "yes", "no"]


def test_rules_as_json_with_aliases(tmp_path: Path) -> None:
    result = dlint("rules", "--format", "json", cwd=tmp_path)
    records = json.loads(result.stdout)
    assert [record["code"] for record in records] == [rule.code for rule in all_rules()]
    for record, rule in zip(records, all_rules(), strict=True):
        assert record == {
            "code": rule.code,
            "name": rule.name,
            "level": rule.level.label,
            "enabled_by_default": rule.enabled_by_default,
            "fixable": rule.fixable,
            "aliases": list(rule.aliases),
            "summary": summary(rule),
            "url": record["url"],
        }
        assert record["url"].endswith(f"/docs/rules/{rule.code}.md")


@pytest.mark.parametrize("query", ["DL3006", "dl3006", "untagged-image"])
def test_rule_prints_its_documentation(query: str, tmp_path: Path) -> None:
    result = dlint("rule", query, cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# DL3006: untagged-image"
    assert lines[2] == "FROM names an image without a tag or digest."
    assert "- Level: warning" in lines
    assert all(section in lines for section in DOC_SECTIONS)
    assert "FROM python:3.12-slim" in lines


def test_unknown_rule_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    result = dlint("rule", "untaged-image", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "dlint: error: unknown rule 'untaged-image' (did you mean untagged-image?)\n"
    )


def test_find_rule_by_code_name_or_alias() -> None:
    rules = [*all_rules(), AliasedRule]
    assert find_rule("jsonargsrecommendedfortests", rules) is AliasedRule
    assert find_rule("aliased-rule", rules) is AliasedRule
    assert find_rule("bk9999", rules) is AliasedRule
    with pytest.raises(UnknownRule):
        find_rule("JSONArgs", rules)


def test_rule_page_shows_metadata() -> None:
    page = rule_markdown(AliasedRule)
    assert page == (
        "# BK9999: aliased-rule\n\n"
        "A rule with a BuildKit alias.\n\n"
        "- Level: style\n"
        "- Enabled by default: no\n"
        "- Fixable: yes (safe)\n"
        "- Aliases: `JSONArgsRecommendedForTests`\n\n"
        "## What it does\nNothing.\n"
    )


def test_generated_rule_docs_are_current() -> None:
    stale = load_generator().stale_pages()
    assert not stale, (
        f"docs/rules/ is out of date with the rules ({', '.join(stale)}): "
        "run `.venv/bin/python scripts/generate_docs.py` and commit docs/rules/"
    )


def test_generator_writes_pages_and_removes_leftovers(tmp_path: Path) -> None:
    generator = load_generator()
    (tmp_path / "XX0000.md").write_text("a rule that is gone\n")
    (tmp_path / "DL3006.md").write_text("edited by hand\n")
    changed = generator.write_pages(tmp_path)
    assert "XX0000.md" in changed and "DL3006.md" in changed
    assert not (tmp_path / "XX0000.md").exists()
    assert generator.stale_pages(tmp_path) == []
    assert {path.stem for path in tmp_path.glob("*.md")} == {
        "README",
        *(rule.code for rule in all_rules()),
    }
    index = (tmp_path / "README.md").read_text()
    assert all(f"[{rule.code}]({rule.code}.md)" in index for rule in all_rules())
    assert (
        (tmp_path / "DL3006.md")
        .read_text()
        .endswith(rule_markdown(find_rule("DL3006", all_rules())))
    )


def test_help_lists_lazy_commands_without_importing_them() -> None:
    output, modules = modules_loaded_by(["--help"])
    commands = output.split("Commands:")[1].split()
    assert {"check", "lsp", "parse", "rule", "rules"} <= set(commands)
    unwanted = {
        "dockerfile_dlint.catalogue",
        "dockerfile_dlint.smoke",
        "dockerfile_dlint.lsp",
        "pygls",
        "docker",
        "rich",
    }
    loaded = {".".join(name.split(".")[:depth]) for name in modules for depth in (1, 2)}
    assert loaded & unwanted == set()


@pytest.fixture
def lazy_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A lazy command in a module of its own, plus an entry whose module is not installed."""
    module = "dlint_test_lazy_hello"
    (tmp_path / f"{module}.py").write_text(
        "import click\n\n"
        "@click.command()\n"
        "def hello() -> int:\n"
        '    """Say hello."""\n'
        "    click.echo('hello')\n"
        "    return 0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(
        cli_module,
        "LAZY_COMMANDS",
        {
            "hello": (f"{module}:hello", "Say hello."),
            "gone": ("dockerfile_dlint.no_such_module:command", "Not installed."),
        },
    )
    return module


def test_lazy_command_is_imported_only_when_run(lazy_table: str) -> None:
    runner = CliRunner()
    listing = runner.invoke(cli_module.cli, ["--help"])
    assert "hello" in listing.output and "Say hello." in listing.output
    assert "gone" not in listing.output
    assert lazy_table not in sys.modules
    result = runner.invoke(cli_module.cli, ["hello"])
    assert (result.exit_code, result.output) == (0, "hello\n")
    assert lazy_table in sys.modules


def test_missing_lazy_module_is_an_unknown_command(lazy_table: str) -> None:
    result = CliRunner().invoke(cli_module.cli, ["gone"])
    assert result.exit_code == 2 and "No such command 'gone'" in result.output


def test_broken_lazy_module_is_not_hidden(lazy_table: str, tmp_path: Path) -> None:
    (tmp_path / "dlint_test_lazy_broken.py").write_text("import dlint_no_such_dependency\n")
    cli_module.LAZY_COMMANDS["broken"] = ("dlint_test_lazy_broken:command", "Broken.")
    with pytest.raises(ModuleNotFoundError, match="dlint_no_such_dependency"):
        CliRunner().invoke(cli_module.cli, ["broken"], catch_exceptions=False)


def test_catalogue_commands_are_click_commands() -> None:
    for name in ("rules", "rule"):
        command = cli_module.cli.get_command(click.Context(cli_module.cli), name)
        assert isinstance(command, click.Command) and command.name == name


def test_rule_by_alias_prints_the_same_page(tmp_path: Path) -> None:
    aliased = [rule for rule in all_rules() if rule.aliases]
    if not aliased:
        pytest.skip("no rule has an alias yet")
    rule = aliased[0]
    by_alias = dlint("rule", rule.aliases[0], cwd=tmp_path)
    assert by_alias.returncode == 0
    assert by_alias.stdout == dlint("rule", rule.code, cwd=tmp_path).stdout == rule_markdown(rule)
