"""``dlint check`` without importing click, for the command lines a pre-commit hook runs.

click and what it imports (inspect, uuid, platform, gettext...) cost 25 to 45 ms of a
``dlint check`` on one file. :func:`parse_check` reads a ``check`` command line with the
option table click's command is built from (``check_options.py``), the way click's parser
reads it: long options exactly (click matches no abbreviation), ``--opt=value``, short
options with their value attached (``-j4``, ``-oFILE``), paths between options, ``--``
before paths. Whatever it does not fully understand (help, an unknown option, a missing or
invalid value, shell completion) it leaves to click, which reports it: so every error
message about the command line is click's.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .check_options import CHECK_OPTIONS, FORMAT_DEST, OUTPUT_DEST, CheckOption, CheckRequest
from .checking import EXIT_USAGE, run_check
from .messages import UsageProblem, echo_stderr

# Set by the shell when it asks click to complete a word (click's ``_{PROG}_COMPLETE``).
COMPLETION_VARIABLE = "_DLINT_COMPLETE"
INTERRUPTED = 130
READER_LEFT = 1
_BY_NAME = {name: option for option in CHECK_OPTIONS for name in option.names}


def run_fast(argv: list[str]) -> int | None:
    """Run ``dlint ARGV`` and give its exit code, or None when click has to run it.

    Errors end as they end under click: one line on stderr and exit code 2 for a usage
    problem, 130 on an interrupt, 1 when the reader of the output left (click's own
    handling of a closed pipe, which comes before :func:`dockerfile_dlint.cli.main`'s).
    """
    request = parse_check(argv)
    if request is None:
        return None
    try:
        return run_check(request)
    except UsageProblem as problem:
        echo_stderr(f"dlint: error: {problem}")
        return EXIT_USAGE
    except (EOFError, KeyboardInterrupt):
        echo_stderr("")  # click ends the terminal's ``^C`` line so
        return INTERRUPTED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is left to flush goes nowhere
        return READER_LEFT


def parse_check(argv: list[str]) -> CheckRequest | None:
    """The request of ``check ARGS``, or None for any other command line, or one click
    would read otherwise, reject, or answer with help."""
    if not argv or argv[0] != "check" or os.environ.get(COMPLETION_VARIABLE):
        return None
    values: dict[str, Any] = {option.dest: option.initial for option in CHECK_OPTIONS}
    order: list[str] = []
    paths: list[str] = []
    pending = argv[1:]
    while pending:
        argument = pending.pop(0)
        if argument == "--":
            paths.extend(pending)
            break
        if not argument.startswith("-") or argument == "-":
            paths.append(argument)
            continue
        name, value = _split_option(argument)
        option = _BY_NAME.get(name)
        if option is None:
            return None
        if option.kind == "flag":
            if value is not None:
                return None
            values[option.dest] = True
            continue
        if value is None:
            if not pending:
                return None
            value = pending.pop(0)
        try:
            converted = option.value.convert(value)
        except ValueError:
            return None
        _store(values, option, converted)
        if option.dest in (FORMAT_DEST, OUTPUT_DEST):
            order.append(option.dest)
    return CheckRequest(paths=tuple(paths), output_order=tuple(order), **values)


def _split_option(argument: str) -> tuple[str, str | None]:
    """The option an argument names and the value attached to it, if any: ``--opt=value``
    for a long option, ``-oVALUE`` for a short one (click reads ``-o=x`` as the value
    ``=x``). dlint has no short flag, so ``-xVALUE`` never is a cluster of flags."""
    if argument.startswith("--"):
        name, equals, value = argument.partition("=")
        return name, value if equals else None
    return argument[:2], argument[2:] or None


def _store(values: dict[str, Any], option: CheckOption, value: object) -> None:
    if option.kind == "repeated":
        values[option.dest] = (*values[option.dest], value)
    else:
        values[option.dest] = value
