"""The options of ``dlint check`` as plain data, read by two parsers: ``cli.py`` builds the
click command from it (help, errors and every odd case are click's), and ``fast_check.py``
parses the common command lines with it without importing click (start-up time of the
pre-commit hook).

Each value type says how click checks a value (``cli.click_option`` maps it onto a click
type or callback) and converts it the same way in :meth:`convert`, which raises ValueError
wherever click would report an error: the fast parser then leaves the command line to click.
The records are named tuples, their annotations evaluated (no ``from __future__ import
annotations``): this module is on the start-up path, and a dataclass costs four times as
long to define, a string annotation a compile.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import date
from typing import Literal

from .records import NamedTuple

FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle")
THRESHOLDS = ("error", "warning", "info", "style", "none")
# Destinations of the two options whose command-line order pairs outputs with formats.
FORMAT_DEST, OUTPUT_DEST = "output_formats", "outputs"


class Text(NamedTuple):
    """Any string, as given."""

    def convert(self, value: str) -> object:
        return value


class Choice(NamedTuple):
    """One of ``choices``; without case sensitivity, compared casefolded, and given back as
    the choice is spelt (click's ``Choice``)."""

    choices: tuple[str, ...]
    case_sensitive: bool = True

    def convert(self, value: str) -> object:
        fold = (lambda text: text) if self.case_sensitive else str.casefold
        for choice in self.choices:
            if fold(choice) == fold(value):
                return choice
        raise ValueError(value)


class AtLeast(NamedTuple):
    """An integer no smaller than ``minimum`` (click's ``IntRange(min=...)``)."""

    minimum: int

    def convert(self, value: str) -> object:
        number = int(value)
        if number < self.minimum:
            raise ValueError(value)
        return number


class PathName(NamedTuple):
    """A path that need not exist; if it does, it is of an allowed kind and readable
    (click's ``Path(file_okay=..., dir_okay=...)``)."""

    file_okay: bool = True
    dir_okay: bool = True

    def convert(self, value: str) -> object:
        try:
            mode = os.stat(value).st_mode
        except OSError:
            return value
        wrong_file = not self.file_okay and stat.S_ISREG(mode)
        wrong_dir = not self.dir_okay and stat.S_ISDIR(mode)
        if wrong_file or wrong_dir or not os.access(value, os.R_OK):
            raise ValueError(value)
        return value


def _size(value: str) -> int:
    from .engine import parse_size

    return parse_size(value)


def _date(value: str) -> date:
    from .config import parse_date

    return parse_date(value)


class Parsed(NamedTuple):
    """A string turned into a value by ``parse``, whose ValueError message click reports."""

    parse: Callable[[str], object]

    def convert(self, value: str) -> object:
        return self.parse(value)


ValueType = Text | Choice | AtLeast | PathName | Parsed
# A flag takes no value; a repeated option may be given again, each value kept in order;
# any other option given twice keeps the last value.
Kind = Literal["flag", "value", "repeated"]


class CheckOption(NamedTuple):
    """One option: its names on the command line, where its value goes, and its help."""

    names: tuple[str, ...]
    dest: str
    help: str
    kind: Kind = "value"
    value: ValueType = Text()
    metavar: str | None = None
    default: str | None = None
    show_default: bool = False

    @property
    def initial(self) -> object:
        """The value when the option is not given."""
        if self.kind == "flag":
            return False
        return () if self.kind == "repeated" else self.default


CHECK_OPTIONS = (
    CheckOption(
        ("--format",),
        FORMAT_DEST,
        "Output format [text]. Repeatable: each --format may be followed by -o FILE.",
        kind="repeated",
        value=Choice(FORMATS),
    ),
    CheckOption(
        ("-o", "--output"),
        OUTPUT_DEST,
        "Write the output of the --format just before it to FILE ('-': standard output).",
        kind="repeated",
        metavar="FILE",
    ),
    CheckOption(
        ("--failure-threshold",),
        "failure_threshold",
        "Exit 1 when a finding is at least this level [config, else info].",
        value=Choice(THRESHOLDS, case_sensitive=False),
    ),
    CheckOption(
        ("--ignore",),
        "ignore",
        "Rule code, prefix or name to skip (repeatable, or comma-separated).",
        kind="repeated",
        metavar="CODE",
    ),
    CheckOption(
        ("--select",),
        "select",
        "Run only these rules (replaces the configuration's select).",
        kind="repeated",
        metavar="CODE",
    ),
    CheckOption(
        ("--exclude",),
        "exclude",
        "Paths not to lint (repeatable; adds to the configuration's exclude).",
        kind="repeated",
        metavar="GLOB",
    ),
    CheckOption(
        ("-j", "--jobs"),
        "jobs",
        "Lint in up to N processes [the CPUs, one per 100 files].",
        value=AtLeast(1),
        metavar="N",
    ),
    CheckOption(
        ("--context",),
        "context_dir",
        "Build context directory [the Dockerfile's directory].",
        value=PathName(file_okay=False),
    ),
    CheckOption(
        ("--config",),
        "config_file",
        "Configuration file (.dlint.toml or pyproject.toml).",
        value=PathName(dir_okay=False),
    ),
    CheckOption(("--no-config",), "no_config", "Ignore configuration files.", kind="flag"),
    CheckOption(
        ("--shellcheck",),
        "shellcheck",
        "Check RUN scripts with ShellCheck (auto: when a shellcheck binary is found).",
        value=Choice(("auto", "on", "off")),
        default="auto",
        show_default=True,
    ),
    CheckOption(
        ("--fix",), "fix", "Apply safe fixes to the files ('-': print to stdout).", kind="flag"
    ),
    CheckOption(
        ("--diff",), "diff", "Print the fixes as a unified diff; change nothing.", kind="flag"
    ),
    CheckOption(
        ("--unsafe-fixes",),
        "unsafe_fixes",
        "Also apply fixes that may change behaviour.",
        kind="flag",
    ),
    CheckOption(
        ("--fix-only",),
        "fix_only",
        "Apply only these rules' fixes (repeatable, or comma-separated).",
        kind="repeated",
        metavar="CODE",
    ),
    CheckOption(
        ("--max-file-size",),
        "max_file_size",
        "Larger files are reported (DL1000), not read [config, else 10MB].",
        value=Parsed(_size),
        metavar="SIZE",
    ),
    CheckOption(
        ("--as-of",),
        "as_of",
        "Judge dated facts (end of life, archived releases) as on this day [config, else today].",
        value=Parsed(_date),
        metavar="DATE",
    ),
    CheckOption(("--no-color",), "no_color", "No colour, even on a terminal.", kind="flag"),
    CheckOption(
        ("--stdin-filename",),
        "stdin_filename",
        "File name to report for '-' (stdin).",
        metavar="NAME",
    ),
)
OPTIONS_BY_DEST = {option.dest: option for option in CHECK_OPTIONS}


class CheckRequest(NamedTuple):
    """A parsed ``dlint check`` command line: one field per option's destination, the paths,
    and the command-line order of ``--format`` and ``-o`` (their destinations)."""

    paths: tuple[str, ...] = ()
    output_formats: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    failure_threshold: str | None = None
    ignore: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    context_dir: str | None = None
    config_file: str | None = None
    no_config: bool = False
    shellcheck: str = "auto"
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False
    fix_only: tuple[str, ...] = ()
    max_file_size: int | None = None
    as_of: date | None = None
    no_color: bool = False
    stdin_filename: str | None = None
    output_order: tuple[str, ...] = ()
