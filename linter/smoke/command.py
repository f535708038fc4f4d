"""The ``dlint smoke`` command: options in, report out, exit code.

Exit codes: 0 the container met the contract; 1 it did not (build, artifacts, boot, budget,
health, observation, logs); 2 dlint could not do its job (no engine, bad options, missing or
unreadable Dockerfile or context, the engine went away during the run, a Dockerfile that needs
BuildKit where none is found or ``--builder classic`` is forced); 130 after Ctrl-C and
143 after SIGTERM, once what the run created has been removed (or, with the engine away,
recorded for the next run to remove).

This module is imported whenever ``dlint`` starts, so it imports only click here; docker, rich
and the rest of the package are imported inside the command, when it runs.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from .redact import Redactor
    from .report import SmokeReport
    from .run import CleanupResult
    from .settings import CommandLine, SmokeOptions

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
@click.option("-e", "--env", multiple=True, metavar="K=V", help="Repeatable; see --secret-env.")
@click.option("--env-file", metavar="FILE", help="NAME=value lines, as for docker run.")
@click.option(
    "--secret-env",
    multiple=True,
    metavar="NAME",
    help="Mask this env or build-arg value in all output (names like API_KEY always are).",
)
@click.option("--memory", metavar="SIZE", help="Memory limit of the container (e.g. 512m).")
@click.option("--network", metavar="NAME", help="Join this existing Docker network.")
@click.option("--health", metavar="PATH", help="Health path [/health].")
@click.option("--startup-budget", metavar="DURATION", help="Time to listen and be healthy [10s].")
@click.option("--observe", metavar="DURATION", help="Keep watching once healthy [2s]; 0 skips.")
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
@click.option(
    "--builder",
    type=click.Choice(["auto", "buildkit", "classic"]),
    help="BuildKit through the docker CLI, or the engine's classic builder [auto: BuildKit "
    "when a capable docker CLI is found].",
)
@click.option(
    "--secret",
    multiple=True,
    metavar="id=NAME[,src=FILE|,env=VAR]",
    help="Build secret for RUN --mount=type=secret (BuildKit); never shown. Repeatable.",
)
@click.option("--platform", metavar="OS/ARCH", help="Build for this platform (BuildKit).")
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
    from .builder import BuilderUnavailable, choose_builder
    from .dockercli import find_buildkit_cli
    from .engine import EngineUnreachable, connect
    from .progress import build_progress
    from .run import check_network, run_smoke
    from .settings import SmokeUsageError, resolve_options

    try:
        options = resolve_options(cli, *_smoke_table(config_file, no_config))
    except SmokeUsageError as error:
        raise click.UsageError(str(error)) from None
    redact, notes, secret_args = _redactor(options)
    try:
        engine = connect()
        check_network(engine, options.network)
        builder = choose_builder(options.builder, options.dockerfile, find_buildkit_cli)
    except (EngineUnreachable, BuilderUnavailable) as error:
        raise CannotRun(str(error)) from None
    except SmokeUsageError as error:
        raise click.UsageError(str(error)) from None
    color = not no_color and "NO_COLOR" not in os.environ

    def notify(text: str) -> None:
        click.echo(f"dlint smoke: {redact(text)}", err=True)

    if builder.cli is None and options.secrets:
        notes.append("--secret is for BuildKit builds; the classic builder does not use it")
    progress = build_progress(redact, color)
    outcome = run_smoke(options, engine, redact, progress, notify, builder)
    if outcome.signal is not None:
        stopped = "interrupted" if outcome.signal == signal.SIGINT else "terminated"
        if outcome.failure is not None:  # the signal ended the wait for a lost engine
            stopped = f"{outcome.failure}; {stopped} while waiting for it"
        else:
            stopped = f"{stopped} during the {outcome.phase}"
        notify(f"{stopped}; {_cleanup_text(outcome.cleanup)}")
        return EXIT_SIGINT if outcome.signal == signal.SIGINT else EXIT_SIGTERM
    if outcome.failure is not None:
        raise CannotRun(redact(f"{outcome.failure}; {_cleanup_text(outcome.cleanup)}"))
    report = outcome.report
    report.notes.extend(notes)
    if report.kept_image and secret_args:
        report.notes.append(
            f"the kept image {report.kept_image} holds the values of {', '.join(secret_args)} "
            "in its history (docker history shows build arguments): do not push it"
        )
    _write(report, options.output_format, redact, color and sys.stdout.isatty())
    return EXIT_OK if report.ok else EXIT_FAILED


def _redactor(options: SmokeOptions) -> tuple[Redactor, list[str], list[str]]:
    """The redactor for this run's secrets, notes on secrets too short to be masked, and the
    build arguments that hold secrets (the classic builder writes them into the image)."""
    from .redact import Redactor
    from .secretpolicy import build_secret_values, secret_values, unmasked_names

    found = secret_values(options.env, options.build_args, options.secret_names)
    found += build_secret_values(options.secrets)
    notes = [
        f"the value of {name} is too short to be masked in output" for name in unmasked_names(found)
    ]
    secret_args = sorted({s.name for s in found if s.name in options.build_args})
    return Redactor.for_values(secret.value for secret in found), notes, secret_args


def _cleanup_text(cleanup: CleanupResult) -> str:
    """What became of the objects the run created, for the last line of a stopped run."""
    if cleanup.recorded is not None:
        return (
            f"what the run created is recorded in {cleanup.recorded}; the next dlint smoke "
            "on this engine removes it"
        )
    if cleanup.manual is not None:
        return f"remove what the run created with: {cleanup.manual}"
    done = "removed what the run created"
    if cleanup.engine_back:
        done = f"the engine came back; {done}"
    if cleanup.problems:
        done += f" except: {', '.join(cleanup.problems)}"
    return done


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
