"""The ``dlint`` command: ``check`` lints Dockerfiles, ``parse`` shows the parsed model,
``rules`` and ``rule`` show the rule catalogue, ``smoke`` boots the image.

Exit codes: 0 no finding at or above the failure threshold; 1 at least one; 2 usage error
(bad option, missing path, invalid configuration) or nothing could be linted (every file
unreadable); 3 internal error (a rule failed; the other rules' findings are still reported).

Start-up time matters (``dlint check`` runs as a pre-commit hook), so subcommands other than
``check`` and ``parse`` live in their own modules, imported only when they run, and the
``dlint`` command runs the common ``check`` command lines without importing this module
(``fast_check.py``). ``check``'s options are data (``check_options.py``) that both read;
its work is done in ``checking.py``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from . import __version__, messages
from .check_options import (
    CHECK_OPTIONS,
    FORMAT_DEST,
    OPTIONS_BY_DEST,
    OUTPUT_DEST,
    AtLeast,
    CheckOption,
    CheckRequest,
    Choice,
    Parsed,
    PathName,
)
from .checking import EXIT_CLEAN, EXIT_USAGE, run_check
from .checking import NO_SHELLCHECK as NO_SHELLCHECK  # lsp.command takes it from here

# Subcommands imported on demand: name -> ("module:attribute", help for ``dlint --help``).
# An entry whose module is not installed is left out.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "rules": ("dockerfile_dlint.catalogue:rules_command", "List every rule."),
    "rule": ("dockerfile_dlint.catalogue:rule_command", "Print a rule's documentation."),
    "lsp": (
        "dockerfile_dlint.lsp.command:lsp",
        "Run the language server for editors (stdio).",
    ),
    "smoke": (
        "dockerfile_dlint.smoke.command:smoke",
        "Build the image, boot it, and check it listens and answers.",
    ),
}
# Where CheckCommand keeps the command-line order of --format and -o.
OUTPUT_ORDER = "dlint.output_order"


class UsageProblem(click.UsageError):
    """A usage error found after option parsing (missing path, bad config): the click form of
    :class:`dockerfile_dlint.messages.UsageProblem`, for commands other than ``check``."""


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name, (target, _) in LAZY_COMMANDS.items() if _module_exists(target)]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in LAZY_COMMANDS:
            command = _load_command(LAZY_COMMANDS[cmd_name][0])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, with lazy commands' help from the table: nothing is imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None:
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, LAZY_COMMANDS[name][1]))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _module_exists(target: str) -> bool:
    """Whether the module of ``module:attribute`` is installed, without importing it."""
    module = target.partition(":")[0]
    parent, _, leaf = module.rpartition(".")
    try:
        spec = importlib.util.find_spec(parent) if parent else None
    except ModuleNotFoundError:
        return False
    if parent and (spec is None or spec.submodule_search_locations is None):
        return False
    locations = list(spec.submodule_search_locations or ()) if spec else None
    return importlib.machinery.PathFinder.find_spec(leaf, locations) is not None


def _load_command(target: str) -> click.Command | None:
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if module_name == missing or module_name.startswith(missing + "."):
            return None
        raise
    command: click.Command = getattr(module, attribute)
    return command


class CheckCommand(click.Command):
    """Remembers the order of ``--format`` and ``-o`` on the command line.

    ``-o FILE`` belongs to the ``--format`` just before it, and click keeps each repeatable
    option's values apart; a first parse here records how they were interleaved.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _, _, order = self.make_parser(ctx).parse_args(args=list(args))
        ctx.meta[OUTPUT_ORDER] = [
            param.name for param in order if param.name in (FORMAT_DEST, OUTPUT_DEST)
        ]
        return super().parse_args(ctx, args)


def click_option(option: CheckOption) -> click.Option:
    """The click option for an entry of ``check``'s option table."""
    declarations, settings = _click_settings(option)
    return click.Option(declarations, **settings)


def option_decorator(dest: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@click.option`` for the entry of ``check``'s option table with this destination
    (other commands that take the same option)."""
    declarations, settings = _click_settings(OPTIONS_BY_DEST[dest])
    return click.option(*declarations, **settings)


def _click_settings(option: CheckOption) -> tuple[list[str], dict[str, Any]]:
    settings: dict[str, Any] = {"help": option.help}
    if option.kind == "flag":
        settings["is_flag"] = True
    if option.kind == "repeated":
        settings["multiple"] = True
    if option.metavar is not None:
        settings["metavar"] = option.metavar
    if option.default is not None:
        settings["default"] = option.default
    if option.show_default:
        settings["show_default"] = True
    value = option.value
    if isinstance(value, Choice):
        settings["type"] = click.Choice(value.choices, case_sensitive=value.case_sensitive)
    elif isinstance(value, AtLeast):
        settings["type"] = click.IntRange(min=value.minimum)
    elif isinstance(value, PathName):
        settings["type"] = click.Path(file_okay=value.file_okay, dir_okay=value.dir_okay)
    elif isinstance(value, Parsed):
        settings["callback"] = _parsed_by(value.parse)
    return [*option.names, option.dest], settings


def _parsed_by(parse: Callable[[str], object]) -> Callable[..., object]:
    """A click callback that converts a given value with ``parse`` (its ValueError message
    becomes click's "Invalid value" error)."""

    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return convert


MAX_FILE_SIZE_OPTION = option_decorator("max_file_size")
SHELLCHECK_OPTION = option_decorator("shellcheck")
STDIN_FILENAME_OPTION = option_decorator("stdin_filename")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dlint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint Dockerfiles for what builds fine and breaks at deploy or boot."""


@cli.command(
    cls=CheckCommand,
    params=[click.Argument(["paths"], nargs=-1), *map(click_option, CHECK_OPTIONS)],
)
@click.pass_context
def check(ctx: click.Context, /, **values: Any) -> int:
    """Lint Dockerfiles (default ./Dockerfile; directories are searched; '-' reads stdin)."""
    request = CheckRequest(output_order=tuple(ctx.meta.get(OUTPUT_ORDER, ())), **values)
    try:
        return run_check(request)
    except messages.UsageProblem as problem:
        raise UsageProblem(str(problem)) from None


@cli.command()
@click.argument("path")
@MAX_FILE_SIZE_OPTION
@STDIN_FILENAME_OPTION
def parse(path: str, max_file_size: int | None, stdin_filename: str | None) -> int:
    """Print the parsed Dockerfile (instructions, stages, problems) as JSON."""
    import json

    from .dump import dump
    from .engine import DEFAULT_MAX_FILE_SIZE, FileTooLarge, read_file
    from .lexer import lex
    from .model import build_model
    from .source import decode

    limit = max_file_size or DEFAULT_MAX_FILE_SIZE
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
            if len(data) > limit:
                raise FileTooLarge(None, limit)
        else:
            data = read_file(path, limit)
    except FileTooLarge as error:
        raise UsageProblem(f"{path}: {error} (--max-file-size)") from None
    except OSError as error:
        raise UsageProblem(f"cannot read {path}: {error.strerror}") from None
    display = (stdin_filename or "-") if path == "-" else path
    dockerfile = lex(decode(data, display))
    sys.stdout.write(json.dumps(dump(dockerfile, build_model(dockerfile)), indent=2) + "\n")
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line on stderr for usage errors, never a traceback. (The ``dlint``
    command tries :func:`dockerfile_dlint.fast_check.run_fast` first.)"""
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
