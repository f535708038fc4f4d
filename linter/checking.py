"""``dlint check``: lint the files a command line names, write the reports it asks for,
and give the exit code (see ``cli.py``). Click-free: ``cli.py`` runs it for click's command,
``fast_check.py`` without click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .check_options import FORMAT_DEST, CheckRequest
from .messages import UsageProblem, echo_stderr

if TYPE_CHECKING:
    from .config import Settings
    from .engine import FileResult
    from .files import Exclusions
    from .report import Report
    from .runner import Job
    from .selection import Selection
    from .shellcheck import ShellBody, ShellCheckError, ShellCheckRun

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
STDERR = "\0stderr"
STDOUT = "-"
NO_SHELLCHECK = "--shellcheck on: no shellcheck found (install it, or dockerfile-dlint[shellcheck])"


def run_check(request: CheckRequest) -> int:
    """Lint what ``request`` names and give the exit code; UsageProblem for a usage error."""
    from .engine import file_size_limit
    from .files import Exclusions, MissingPath
    from .fix_files import fix_files
    from .report import Report
    from .runner import automatic_workers, lint_jobs

    plan = output_plan(request.output_order, request.output_formats, request.outputs)
    try:
        settings, selection = _configured(request)
        limit = file_size_limit(selection.options)
    except ValueError as error:
        raise UsageProblem(f"max-file-size: {error}") from None
    binary = _shellcheck_binary(request.shellcheck, selection)
    selection = selection.replace(shellcheck=binary is not None)
    if request.context_dir is not None and not Path(request.context_dir).is_dir():
        raise UsageProblem(f"--context: no such directory: {request.context_dir}")
    exclusions = Exclusions.of(
        [(settings.exclude, settings.root or Path.cwd()), (request.exclude, Path.cwd())]
    )
    unlisted: list[str] = []
    try:
        files = _expand_targets(list(request.paths) or ["Dockerfile"], exclusions, unlisted.append)
    except MissingPath as error:
        raise UsageProblem(f"no such file or directory: {error}") from None
    for problem in unlisted:
        echo_stderr(f"dlint: warning: {problem}")
    if request.fix and request.diff:
        raise UsageProblem("--fix and --diff: choose one (--diff changes nothing)")
    job_list = [
        _job(target, request.context_dir, request.stdin_filename, limit) for target in files
    ]
    if request.fix or request.diff:
        job_list = fix_files(
            job_list, selection, request.fix, request.unsafe_fixes, _split(request.fix_only), limit
        )
        if request.diff or any(job.data is not None for job in job_list):
            plan = [(name, STDERR if target == STDOUT else target) for name, target in plan]
    early = _EarlyShellCheck(binary) if binary is not None and len(job_list) == 1 else None
    try:
        workers = request.jobs or automatic_workers(len(job_list))
        results = lint_jobs(job_list, selection, workers, early.start if early else None)
        if binary is not None:
            started = early.run if early else None
            _add_shellcheck(results, selection, binary, request.shellcheck == "on", started)
    finally:
        if early is not None:
            early.close()
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key(),
    )
    crashes = [crash for result in results for crash in result.internal_errors]
    report = Report(findings, results, selection.rules, selection.levels, crashes)
    _write_outputs(plan, report, request.no_color)
    for crash in crashes:
        echo_stderr(f"dlint: internal error: {crash}")
    unread = sum(1 for result in results if result.read_error is not None)
    if not files and not unlisted:
        echo_stderr("dlint: no Dockerfiles found")
    elif unread == len(results):
        reasons = [f"{unread} file{'s' if unread != 1 else ''} could not be read"] if unread else []
        reasons += ["see the warnings above"] if unlisted else []
        echo_stderr(f"dlint: error: nothing could be linted: {'; '.join(reasons)}")
        return EXIT_USAGE
    if crashes:
        return EXIT_INTERNAL
    return EXIT_FINDINGS if selection.fails(f.level for f in findings) else EXIT_CLEAN


def _configured(request: CheckRequest) -> tuple[Settings, Selection]:
    """The configuration (warnings said) and the rules it and the command line select."""
    from .config import ConfigError, Settings, find_config, load_settings
    from .engine import MAX_FILE_SIZE
    from .registry import all_rules
    from .selection import build_selection

    try:
        if request.no_config:
            settings = Settings()
        else:
            found = Path(request.config_file) if request.config_file else find_config(Path.cwd())
            settings = load_settings(found) if found else Settings()
        for warning in settings.warnings:
            echo_stderr(f"dlint: warning: {warning}")
        selection = build_selection(
            settings,
            all_rules(),
            _split(request.select),
            _split(request.ignore),
            request.failure_threshold,
        )
    except ConfigError as error:
        raise UsageProblem(str(error)) from None
    if request.max_file_size is not None:
        options = {**selection.options, MAX_FILE_SIZE: request.max_file_size}
        selection = selection.replace(options=options)
    if request.as_of is not None:
        options = {**selection.options, "as-of": request.as_of}
        selection = selection.replace(options=options)
    return settings, selection


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
        if name == FORMAT_DEST:
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
        echo_stderr(f"dlint: warning: ShellCheck skipped: {error}")
        return
    for body, reason in skipped:
        where = f"{paths[body]}:{bodies[body].line}"
        echo_stderr(f"dlint: warning: ShellCheck skipped the RUN at {where}: {reason}")
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


def _split(values: tuple[str, ...]) -> list[str]:
    """Repeatable options that also take comma-separated lists."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]
