"""The ``dlint`` command: ``check`` lints Dockerfiles, ``parse`` shows the parsed model.

Exit codes: 0 no finding at or above the failure threshold; 1 at least one; 2 usage error
(bad option, missing path, invalid configuration); 3 internal error (a rule failed; the other
rules' findings are still reported).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from .api import Finding
    from .engine import FileResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json")
THRESHOLDS = ("error", "warning", "info", "style", "none")


class UsageProblem(click.UsageError):
    """A usage error found after option parsing (missing path, bad config)."""


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeatable options that also take comma-separated lists."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dlint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint Dockerfiles for what builds fine and breaks at deploy or boot."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--failure-threshold",
    type=click.Choice(THRESHOLDS, case_sensitive=False),
    help="Exit 1 when a finding is at least this level [config, else info].",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODE",
    help="Rule code, prefix or name to skip (repeatable, or comma-separated).",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODE",
    help="Run only these rules (replaces the configuration's select).",
)
@click.option(
    "--context",
    "context_dir",
    type=click.Path(file_okay=False),
    help="Build context directory [the Dockerfile's directory].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Configuration file (.dlint.toml or pyproject.toml).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal.")
@click.option("--stdin-filename", metavar="NAME", help="File name to report for '-' (stdin).")
def check(
    paths: tuple[str, ...],
    output_format: str,
    failure_threshold: str | None,
    ignore: tuple[str, ...],
    select: tuple[str, ...],
    context_dir: str | None,
    config_file: str | None,
    no_config: bool,
    no_color: bool,
    stdin_filename: str | None,
) -> int:
    """Lint Dockerfiles (default ./Dockerfile; directories are searched; '-' reads stdin)."""
    from .config import ConfigError, Settings, find_config, load_settings
    from .engine import lint_bytes, lint_file
    from .files import MissingPath
    from .registry import all_rules
    from .selection import build_selection

    try:
        if no_config:
            settings = Settings()
        else:
            found = Path(config_file) if config_file else find_config(Path.cwd())
            settings = load_settings(found) if found else Settings()
        selection = build_selection(
            settings, all_rules(), _split(select), _split(ignore), failure_threshold
        )
    except ConfigError as error:
        raise UsageProblem(str(error)) from None
    if context_dir is not None and not Path(context_dir).is_dir():
        raise UsageProblem(f"--context: no such directory: {context_dir}")
    targets = list(paths) or ["Dockerfile"]
    try:
        files = _expand_targets(targets)
    except MissingPath as error:
        raise UsageProblem(f"no such file or directory: {error}") from None
    results = []
    for target in files:
        if target == "-":
            display = stdin_filename or "-"
            context = Path(context_dir or (Path(display).parent if stdin_filename else "."))
            results.append(lint_bytes(sys.stdin.buffer.read(), display, selection, context))
        else:
            context = Path(context_dir) if context_dir else Path(target).parent
            results.append(lint_file(Path(target), target, selection, context))
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key(),
    )
    _write(output_format, findings, results, no_color)
    crashes = [crash for result in results for crash in result.internal_errors]
    for crash in crashes:
        click.echo(f"dlint: internal error: {crash}", err=True)
    if not files:
        click.echo("dlint: no Dockerfiles found", err=True)
    if crashes:
        return EXIT_INTERNAL
    return EXIT_FINDINGS if selection.fails(f.level for f in findings) else EXIT_CLEAN


def _expand_targets(targets: list[str]) -> list[str]:
    """Paths to lint; '-' (stdin) is kept as it is."""
    from .files import find_dockerfiles

    expanded: list[str] = []
    for target in targets:
        if target == "-":
            expanded.append(target)
        else:
            expanded.extend(find_dockerfiles([target]))
    return expanded


def _write(
    output_format: str, findings: list[Finding], results: list[FileResult], no_color: bool
) -> None:
    if output_format == "json":
        from .report.json_format import render_json

        sys.stdout.write(render_json(findings))
        return
    from .report.text import render_text

    color = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()
    sources = {result.path: result.source for result in results}
    sys.stdout.write(render_text(findings, sources, color))


@cli.command()
@click.argument("path")
@click.option("--stdin-filename", metavar="NAME", help="File name to report for '-' (stdin).")
def parse(path: str, stdin_filename: str | None) -> int:
    """Print the parsed Dockerfile (instructions, stages, problems) as JSON."""
    import json

    from .dump import dump
    from .lexer import lex
    from .model import build_model
    from .source import decode

    if path == "-":
        data = sys.stdin.buffer.read()
        display = stdin_filename or "-"
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise UsageProblem(f"cannot read {path}: {error.strerror}") from None
        display = path
    dockerfile = lex(decode(data, display))
    sys.stdout.write(json.dumps(dump(dockerfile, build_model(dockerfile)), indent=2) + "\n")
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line on stderr for usage errors, never a traceback."""
    try:
        code = cli.main(args=argv, prog_name="dlint", standalone_mode=False)
    except click.UsageError as error:
        click.echo(f"dlint: error: {error.format_message()}", err=True)
        code = EXIT_USAGE
    except click.ClickException as error:
        click.echo(f"dlint: error: {error.format_message()}", err=True)
        code = error.exit_code
    except click.Abort:
        code = 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_CLEAN
    except KeyboardInterrupt:
        code = 130
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
