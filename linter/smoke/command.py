"""The ``dlint smoke`` command: options in, report out, exit code.

Exit codes: 0 the container met the contract; 1 it did not (build, artifacts, boot, budget,
health, logs); 2 dlint could not do its job (no engine, bad options, missing Dockerfile);
130 after Ctrl-C and 143 after SIGTERM, once what the run created has been removed.

This module is imported whenever ``dlint`` starts, so it imports only click here; docker, rich
and the rest of the package are imported inside the command, when it runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .redact import Redactor
    from .report import SmokeReport
    from .settings import CommandLine

EXIT_OK, EXIT_FAILED, EXIT_CANNOT_RUN = 0, 1, 2
EXIT_SIGINT, EXIT_SIGTERM = 130, 143


class CannotRun(click.ClickException):
    """dlint could not do its job (no engine, engine refused a request): exit code 2."""

    exit_code = EXIT_CANNOT_RUN


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("context", required=False)
@click.option("-f", "--file", "dockerfile", metavar="DOCKERFILE", help="[CONTEXT/Dockerfile]")
@click.option("--target", metavar="STAGE", help="Build up to this stage.")
@click.option("--build-arg", "build_args", multiple=True, metavar="K=V", help="Repeatable.")
@click.option("--port", type=int, help="$PORT given to the container [8080].")
@click.option("-e", "--env", multiple=True, metavar="K=V", help="Repeatable; values never shown.")
@click.option("--env-file", metavar="FILE", help="NAME=value lines, as for docker run.")
@click.option("--network", metavar="NAME", help="Join this existing Docker network.")
@click.option("--health", metavar="PATH", help="Health path [/health].")
@click.option("--startup-budget", metavar="DURATION", help="Time to listen and be healthy [10s].")
@click.option("--timeout", metavar="DURATION", help="Limit for the build [300s].")
@click.option("--fail-on-log", multiple=True, metavar="REGEX", help="Log lines that fail the run.")
@click.option("--expect-log", multiple=True, metavar="REGEX", help="Log lines that must appear.")
@click.option("--keep/--no-keep", default=None, help="Keep the image (tagged dlint-smoke:ID).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), help="Output [text]."
)
@click.option(
    "--probe",
    type=click.Choice(["auto", "direct", "published"]),
    help="Probe the container's address, or PORT published on 127.0.0.1 (Docker Desktop) [auto].",
)
@click.option("--config", "config_file", metavar="FILE", help="Configuration file to use.")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal.")
@click.pass_context
def smoke(ctx: click.Context, /, **values: Any) -> None:
    """Build the image, boot it, and measure when it really serves on $PORT."""
    from .settings import CommandLine

    config_file, no_config = values.pop("config_file"), values.pop("no_config")
    no_color = values.pop("no_color")
    cli = CommandLine(**values)
    ctx.exit(_run(cli, config_file, no_config, no_color))


def _run(cli: CommandLine, config_file: str | None, no_config: bool, no_color: bool) -> int:
    from .cleanup import Terminated
    from .engine import EngineUnreachable, connect
    from .progress import build_progress
    from .redact import Redactor
    from .run import check_network, run_smoke
    from .settings import SmokeUsageError, resolve_options

    try:
        options = resolve_options(cli, *_smoke_table(config_file, no_config))
    except SmokeUsageError as error:
        raise click.UsageError(str(error)) from None
    redact = Redactor.for_values(options.env.values())
    try:
        engine = connect()
        check_network(engine, options.network)
    except EngineUnreachable as error:
        raise CannotRun(str(error)) from None
    except SmokeUsageError as error:
        raise click.UsageError(str(error)) from None
    color = not no_color and "NO_COLOR" not in os.environ
    try:
        report = run_smoke(options, engine, redact, build_progress(redact, color))
    except KeyboardInterrupt:
        click.echo("dlint smoke: interrupted; removed what the run created", err=True)
        return EXIT_SIGINT
    except Terminated:
        click.echo("dlint smoke: terminated; removed what the run created", err=True)
        return EXIT_SIGTERM
    except Exception as error:
        from docker.errors import DockerException

        if isinstance(error, DockerException):
            raise CannotRun(redact(f"the Docker engine refused: {error}")) from None
        raise
    _write(report, options.output_format, redact, color and sys.stdout.isatty())
    return EXIT_OK if report.ok else EXIT_FAILED


def _smoke_table(config_file: str | None, no_config: bool) -> tuple[Any, Path | None, str]:
    """The ``[tool.dlint.smoke]`` table, the directory its paths are relative to, its name."""
    from ..config import ConfigError, find_config, load_settings

    if no_config:
        return {}, None, "smoke"
    try:
        found = Path(config_file) if config_file else find_config(Path.cwd())
        if found is None:
            return {}, None, "smoke"
        settings = load_settings(found)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    prefix = "tool.dlint.smoke" if found.name == "pyproject.toml" else "smoke"
    return settings.smoke, found.parent, f"{found}: {prefix}"


def _write(report: SmokeReport, output_format: str, redact: Redactor, color: bool) -> None:
    if output_format == "json":
        import json

        data = redact.data(report.to_json())
        sys.stdout.write(redact(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
        return
    from .render import render_text

    render_text(report, redact, sys.stdout, color)
