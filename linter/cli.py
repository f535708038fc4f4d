"""The ``dlint`` command: ``check`` lints Dockerfiles, ``parse`` shows the parsed model,
``rules`` and ``rule`` show the rule catalogue, ``smoke`` boots the image.

Exit codes: 0 no finding at or above the failure threshold; 1 at least one; 2 usage error
(bad option, missing path, invalid configuration) or nothing could be linted (every file
unreadable); 3 internal error (a rule failed; the other rules' findings are still reported).

Start-up time matters (``dlint check`` runs as a pre-commit hook), so subcommands other than
``check`` and ``parse`` live in their own modules, imported only when they run.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from .engine import FileResult
    from .files import Exclusions
    from .report import Report
    from .runner import Job
    from .selection import Selection
    from .shellcheck import ShellBody, ShellCheckError, ShellCheckRun

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json", "sarif", "github", "gitlab", "checkstyle")
THRESHOLDS = ("error", "warning", "info", "style", "none")
STDERR = "\0stderr"
STDOUT = "-"
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
    """A usage error found after option parsing (missing path, bad config)."""


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
            param.name for param in order if param.name in ("output_formats", "outputs")
        ]
        return super().parse_args(ctx, args)


def _file_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """``--max-file-size``: bytes from ``10MB``, ``512k``, ``1MiB`` or ``4096``."""
    if value is None:
        return None
    from .engine import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """``--as-of``: the day the date-dependent DB rules judge by."""
    if value is None:
        return None
    from .config import parse_date

    try:
        return parse_date(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


MAX_FILE_SIZE_OPTION = click.option(
    "--max-file-size",
    callback=_file_size,
    metavar="SIZE",
    help="Larger files are reported (DL1000), not read [config, else 10MB].",
)

SHELLCHECK_OPTION = click.option(
    "--shellcheck",
    type=click.Choice(("auto", "on", "off")),
    default="auto",
    show_default=True,
    help="Check RUN scripts with ShellCheck (auto: when a shellcheck binary is found).",
)
NO_SHELLCHECK = "--shellcheck on: no shellcheck found (install it, or dockerfile-dlint[shellcheck])"


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeatable options that also take comma-separated lists."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dlint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint Dockerfiles for what builds fine and breaks at deploy or boot."""


@cli.command(cls=CheckCommand)
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "output_formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Output format [text]. Repeatable: each --format may be followed by -o FILE.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FILE",
    help="Write the output of the --format just before it to FILE ('-': standard output).",
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
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Paths not to lint (repeatable; adds to the configuration's exclude).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Lint in up to N processes [the CPUs, one per 100 files].",
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
@SHELLCHECK_OPTION
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files ('-': print to stdout).")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change behaviour.")
@click.option(
    "--fix-only",
    multiple=True,
    metavar="CODE",
    help="Apply only these rules' fixes (repeatable, or comma-separated).",
)
@MAX_FILE_SIZE_OPTION
@click.option(
    "--as-of",
    callback=_as_of,
    metavar="DATE",
    help="Judge dated facts (end of life, archived releases) as on this day [config, else today].",
)
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal.")
@click.option("--stdin-filename", metavar="NAME", help="File name to report for '-' (stdin).")
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    output_formats: tuple[str, ...],
    outputs: tuple[str, ...],
    failure_threshold: str | None,
    ignore: tuple[str, ...],
    select: tuple[str, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    context_dir: str | None,
    config_file: str | None,
    no_config: bool,
    shellcheck: str,
    fix: bool,
    diff: bool,
    unsafe_fixes: bool,
    fix_only: tuple[str, ...],
    max_file_size: int | None,
    as_of: date | None,
    no_color: bool,
    stdin_filename: str | None,
) -> int:
    """Lint Dockerfiles (default ./Dockerfile; directories are searched; '-' reads stdin)."""
    from .config import ConfigError, Settings, find_config, load_settings
    from .engine import MAX_FILE_SIZE, file_size_limit
    from .files import Exclusions, MissingPath
    from .registry import all_rules
    from .report import Report
    from .runner import automatic_workers, lint_jobs
    from .selection import build_selection

    plan = output_plan(ctx.meta.get(OUTPUT_ORDER, []), output_formats, outputs)
    try:
        if no_config:
            settings = Settings()
        else:
            found = Path(config_file) if config_file else find_config(Path.cwd())
            settings = load_settings(found) if found else Settings()
        for warning in settings.warnings:
            click.echo(f"dlint: warning: {warning}", err=True)
        selection = build_selection(
            settings, all_rules(), _split(select), _split(ignore), failure_threshold
        )
        if max_file_size is not None:
            options = {**selection.options, MAX_FILE_SIZE: max_file_size}
            selection = selection.replace(options=options)
        if as_of is not None:
            options = {**selection.options, "as-of": as_of}
            selection = selection.replace(options=options)
        limit = file_size_limit(selection.options)
    except ConfigError as error:
        raise UsageProblem(str(error)) from None
    except ValueError as error:
        raise UsageProblem(f"max-file-size: {error}") from None
    binary = _shellcheck_binary(shellcheck, selection)
    selection = selection.replace(shellcheck=binary is not None)
    if context_dir is not None and not Path(context_dir).is_dir():
        raise UsageProblem(f"--context: no such directory: {context_dir}")
    exclusions = Exclusions.of(
        [(settings.exclude, settings.root or Path.cwd()), (exclude, Path.cwd())]
    )
    unlisted: list[str] = []
    try:
        files = _expand_targets(list(paths) or ["Dockerfile"], exclusions, unlisted.append)
    except MissingPath as error:
        raise UsageProblem(f"no such file or directory: {error}") from None
    for problem in unlisted:
        click.echo(f"dlint: warning: {problem}", err=True)
    if fix and diff:
        raise UsageProblem("--fix and --diff: choose one (--diff changes nothing)")
    job_list = [_job(target, context_dir, stdin_filename, limit) for target in files]
    if fix or diff:
        job_list = _fix(job_list, selection, fix, unsafe_fixes, _split(fix_only), limit)
        if diff or any(job.data is not None for job in job_list):
            plan = [(name, STDERR if target == STDOUT else target) for name, target in plan]
    early = _EarlyShellCheck(binary) if binary is not None and len(job_list) == 1 else None
    try:
        workers = jobs or automatic_workers(len(job_list))
        results = lint_jobs(job_list, selection, workers, early.start if early else None)
        if binary is not None:
            started = early.run if early else None
            _add_shellcheck(results, selection, binary, shellcheck == "on", started)
    finally:
        if early is not None:
            early.close()
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key(),
    )
    crashes = [crash for result in results for crash in result.internal_errors]
    report = Report(findings, results, selection.rules, selection.levels, crashes)
    _write_outputs(plan, report, no_color)
    for crash in crashes:
        click.echo(f"dlint: internal error: {crash}", err=True)
    unread = sum(1 for result in results if result.read_error is not None)
    if not files and not unlisted:
        click.echo("dlint: no Dockerfiles found", err=True)
    elif unread == len(results):
        reasons = [f"{unread} file{'s' if unread != 1 else ''} could not be read"] if unread else []
        reasons += ["see the warnings above"] if unlisted else []
        click.echo(f"dlint: error: nothing could be linted: {'; '.join(reasons)}", err=True)
        return EXIT_USAGE
    if crashes:
        return EXIT_INTERNAL
    return EXIT_FINDINGS if selection.fails(f.level for f in findings) else EXIT_CLEAN


def output_plan(
    order: Sequence[str], formats: Sequence[str], outputs: Sequence[str]
) -> list[tuple[str, str]]:
    """Pair each ``--format`` with its ``-o FILE`` (standard output without one).

    ``-o`` belongs to the ``--format`` just before it; with no ``--format`` at all it takes
    the text output. One format at most may write to standard output, and a file takes one.
    """
    plan: list[tuple[str, str | None]] = []
    format_values, output_values = iter(formats), iter(outputs)
    for name in order:
        if name == "output_formats":
            plan.append((next(format_values), None))
            continue
        target = next(output_values)
        if not plan:
            if formats:
                raise UsageProblem(f"-o {target}: put it after the --format it writes")
            plan.append(("text", None))
        chosen, previous = plan[-1]
        if previous is not None:
            raise UsageProblem(f"--format {chosen} has two outputs: {previous} and {target}")
        plan[-1] = (chosen, target)
    resolved = [(chosen, target or STDOUT) for chosen, target in plan] or [("text", STDOUT)]
    on_stdout = [chosen for chosen, target in resolved if target == STDOUT]
    if len(on_stdout) > 1:
        raise UsageProblem(
            f"--format {' and '.join(on_stdout)} would all write to standard output: "
            "give all but one of them -o FILE"
        )
    files = [target for _, target in resolved if target != STDOUT]
    for target in files:
        if files.count(target) > 1:
            raise UsageProblem(f"-o {target} is given for two formats")
    return resolved


def _shellcheck_binary(mode: str, selection: Selection) -> str | None:
    """The shellcheck to run: None when off, not wanted by the selection, or (auto) absent."""
    if mode == "off" or not selection.may_want("SC"):
        return None
    from .shellcheck import find_shellcheck

    binary = find_shellcheck()
    if binary is None and mode == "on":
        raise UsageProblem(NO_SHELLCHECK)
    return binary


class _EarlyShellCheck:
    """ShellCheck started on a single file's scripts before its rules run (the pre-commit
    case: the shellcheck process and the rules then take their time side by side)."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.run: ShellCheckRun | ShellCheckError | None = None

    def start(self, bodies: list[ShellBody]) -> None:
        from .shellcheck import ShellCheckError, ShellCheckRun

        try:
            self.run = ShellCheckRun(bodies, self.binary)
        except ShellCheckError as error:  # reported where the findings are added
            self.run = error

    def close(self) -> None:
        from .shellcheck import ShellCheckRun

        if isinstance(self.run, ShellCheckRun):
            self.run.close()


def _add_shellcheck(
    results: list[FileResult],
    selection: Selection,
    binary: str,
    required: bool,
    started: ShellCheckRun | ShellCheckError | None = None,
) -> None:
    """Check every file's shell scripts in one ShellCheck run (or finish the one ``started``
    on them) and add the findings."""
    from .engine import add_shellcheck
    from .shellcheck import ShellCheckError, Skipped, run_shellcheck

    bodies = [body for result in results for body in result.shell_bodies]
    paths = [result.path for result in results for _ in result.shell_bodies]
    skipped: list[Skipped] = []
    try:
        if isinstance(started, ShellCheckError):
            raise started
        if started is not None:
            found = started.finish(skipped)
        else:
            found = run_shellcheck(bodies, binary, skipped)
    except ShellCheckError as error:
        if required:
            raise UsageProblem(f"--shellcheck on: {error}") from None
        click.echo(f"dlint: warning: ShellCheck skipped: {error}", err=True)
        return
    for body, reason in skipped:
        where = f"{paths[body]}:{bodies[body].line}"
        click.echo(f"dlint: warning: ShellCheck skipped the RUN at {where}: {reason}", err=True)
    start = 0
    for result in results:
        count = len(result.shell_bodies)
        add_shellcheck(result, found[start : start + count], selection)
        start += count


def _expand_targets(
    targets: list[str], exclusions: Exclusions, on_problem: Callable[[str], None]
) -> list[str]:
    """Paths to lint; '-' (stdin) is kept as it is. ``on_problem`` hears of what a directory
    search could not list or would not read."""
    from .files import find_dockerfiles

    expanded: list[str] = []
    for target in targets:
        if target == "-":
            expanded.append(target)
        else:
            expanded.extend(find_dockerfiles([target], exclusions, on_problem))
    return expanded


def _fix(
    jobs: list[Job],
    selection: Selection,
    write: bool,
    unsafe: bool,
    only: list[str],
    limit: int,
) -> list[Job]:
    """Fix each file (--fix) or print what would change (--diff); fixed stdin goes to stdout.

    Files are rewritten atomically (see :func:`_write_atomically`); a file that cannot be
    written is left as it was, and said so. A file over the size limit is not fixed, and
    standard input over it goes through to standard output unchanged: ``--fix -`` in a pipe
    must never lose input. Returns the jobs to lint afterwards: stdin's with the fixed text.
    """
    from .fixing import FixOutcome, fix_bytes, wanted_fixes

    wanted = wanted_fixes(unsafe, only, selection)
    fixed_findings = fixed_files = 0
    updated = []
    for job in jobs:
        data, skipped = (job.data, None) if job.data is not None else _read(job.path, limit)
        if data is not None and len(data) > limit:
            skipped = TOO_LARGE_TO_FIX
        outcome = FixOutcome(None, 0, skipped)
        if data and not skipped:
            outcome = fix_bytes(data, job.display, selection, job.context, wanted)
        if outcome.skipped:
            click.echo(f"dlint: {job.display}: {outcome.skipped}", err=True)
        if outcome.data is None:
            if job.data is not None and write:
                sys.stdout.buffer.write(job.data)
                if len(job.data) > limit:
                    _pass_through_stdin()
            updated.append(job)
            continue
        if not write:
            assert data is not None
            sys.stdout.write(_unified_diff(job.display, data, outcome.data))
        elif job.data is not None:
            sys.stdout.buffer.write(outcome.data)
            job = job.replace(data=outcome.data)
        else:
            try:
                _write_atomically(Path(job.path), outcome.data)
            except OSError as error:
                reason = error.strerror or type(error).__name__
                click.echo(f"dlint: {job.display}: fixes not written: {reason}", err=True)
                updated.append(job)
                continue
        fixed_findings += outcome.fixed
        fixed_files += 1
        updated.append(job)
    verb = "fixed" if write else "would fix"
    findings = "finding" if fixed_findings == 1 else "findings"
    files = "file" if fixed_files == 1 else "files"
    click.echo(f"dlint: {verb} {fixed_findings} {findings} in {fixed_files} {files}", err=True)
    return updated


TOO_LARGE_TO_FIX = "over the size limit (--max-file-size): not fixed"


def _read(path: str, limit: int) -> tuple[bytes | None, str | None]:
    """The file's bytes for fixing, or None and why it is not fixed (nothing to say when it
    cannot be read: the lint that follows reports that)."""
    from .engine import FileTooLarge, read_file

    try:
        return read_file(path, limit), None
    except FileTooLarge:
        return None, TOO_LARGE_TO_FIX
    except OSError:
        return None, None


def _pass_through_stdin() -> None:
    """Copy the rest of standard input to standard output a chunk at a time: input over the
    size limit goes back whole without being held in memory."""
    import shutil

    sys.stdout.buffer.flush()
    shutil.copyfileobj(sys.stdin.buffer, sys.stdout.buffer)


def _unified_diff(display: str, before: bytes, after: bytes) -> str:
    import difflib

    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, display, display))


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path``'s content by ``data`` in one rename, so that a reader, a crash or an
    interruption sees the old file or the new one, never a part, and no temporary file stays.

    The temporary file is written in the directory of the file the path resolves to (a
    symlinked Dockerfile keeps its link, and its target gets the fixes), flushed to disk
    before the rename, and given the file's mode, and its owner when this process may.
    """
    import tempfile

    target = Path(os.path.realpath(path))
    info = target.stat()
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, info.st_mode & 0o7777)
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
            with contextlib.suppress(OSError):
                os.chown(temporary, info.st_uid, info.st_gid)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _owner(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_uid, info.st_gid


def _job(target: str, context_dir: str | None, stdin_filename: str | None, limit: int) -> Job:
    """A file to lint; standard input is read here, at most one byte over the size limit
    (the linter then reports it as too large, and reads no more of it)."""
    from .runner import Job

    if target == "-":
        display = stdin_filename or "-"
        context = Path(context_dir or (Path(display).parent if stdin_filename else "."))
        return Job(target, display, context, sys.stdin.buffer.read(limit + 1))
    return Job(target, target, Path(context_dir) if context_dir else Path(target).parent)


def _write_outputs(plan: list[tuple[str, str]], report: Report, no_color: bool) -> None:
    from .report import write

    for output_format, target in plan:
        if target in (STDOUT, STDERR):
            stream = sys.stdout if target == STDOUT else sys.stderr
            terminal = not no_color and "NO_COLOR" not in os.environ and stream.isatty()
            write(output_format, report.replace(color=terminal), stream)
            continue
        try:
            with open(target, "w", encoding="utf-8") as output:
                write(output_format, report, output)
        except OSError as error:
            raise UsageProblem(f"cannot write {target}: {error.strerror}") from None


@cli.command()
@click.argument("path")
@MAX_FILE_SIZE_OPTION
@click.option("--stdin-filename", metavar="NAME", help="File name to report for '-' (stdin).")
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
