"""Lint an editor's text the way ``dlint check`` lints the file, with its configuration.

No pygls here: these are the engine's own functions (config search, selection, ``lint_bytes``,
ShellCheck, ``fix_bytes``) put together for one document, so the editor and the command line
always agree. A file's configuration is the one ``dlint check`` would find in the file's
folder (``.dlint.toml``, ``pyproject.toml`` with ``[tool.dlint]``, ``.hadolint.yaml``,
searched upward), its build context the folder itself (``check``'s default), its path the
absolute path (``per-file-ignores`` and ``exclude`` are matched against it as ``check``
matches the paths it is given).

A server lints on every pause in typing, for hours, so what ``check`` reads once is kept:
the settings of a folder are reused until a configuration file on the way up changes (every
lint compares the files' sizes and modification times, a few ``stat`` calls), and ShellCheck's
findings are kept per script (see :mod:`.shellcache`).
"""

from __future__ import annotations

import logging
import os
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..api import Finding
from ..config import HADOLINT_NAMES, ConfigError, Settings, find_config, load_settings
from ..engine import MAX_FILE_SIZE, FileResult, add_shellcheck, lint_bytes
from ..files import Exclusions
from ..records import NamedTuple
from ..registry import all_rules
from ..reuse import Reuse
from ..selection import Selection, build_selection
from .shellcache import ShellCheckCache

logger = logging.getLogger("dlint.lsp")

# The files find_config looks at in each folder on the way up (what can change the settings).
CONFIG_NAMES = (".dlint.toml", "pyproject.toml", *HADOLINT_NAMES)
# A file's name when the document has none on disk (an unsaved buffer).
UNSAVED_NAME = "Dockerfile"


@dataclass(frozen=True)
class LintOptions:
    """The command line of ``dlint lsp``: ShellCheck mode and the file size limit (None:
    the configuration's, else the default)."""

    shellcheck: str = "auto"
    max_file_size: int | None = None

    def shellcheck_binary(self) -> str | None:
        if self.shellcheck == "off":
            return None
        from ..shellcheck import find_shellcheck

        return find_shellcheck()


class FileSettings(NamedTuple):
    """What ``dlint check`` run in a folder would use: the selection (levels, options,
    ShellCheck or not), the paths it would not lint, and the warnings about the file."""

    selection: Selection
    exclusions: Exclusions
    warnings: tuple[str, ...]


class Target(NamedTuple):
    """A document as the engine sees it: the path reported, its build context, the rules."""

    display: str
    context: Path | None
    selection: Selection


class Linted(NamedTuple):
    """One lint of one text of a document.

    ``problem`` is what the user must hear about beyond the findings, as one diagnostic at the
    top of the file: an invalid configuration (nothing else is linted, as ``check`` exits 2),
    or a crash of the engine or of a rule (the other rules' findings are kept, as in ``check``).
    ``notes`` go to the server's log (configuration warnings, a ShellCheck that could not
    run). ``starts`` and ``ends`` are the instructions' first and last lines, where a quick fix
    puts an ignore pragma; ``target`` is None when nothing was linted (excluded, or bad
    configuration).
    """

    text: str
    findings: tuple[Finding, ...]
    problem: str | None = None
    notes: tuple[str, ...] = ()
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()
    target: Target | None = None

    @property
    def honour_pragmas(self) -> bool:
        return self.target is not None and self.target.selection.honour_pragmas

    def instruction_start(self, line: int) -> int | None:
        """The first line of the instruction ``line`` belongs to (None: outside any)."""
        index = bisect_right(self.starts, line) - 1
        if index < 0 or line > self.ends[index]:
            return None
        return self.starts[index]


class Linter:
    """Lints documents; one per server. Thread-safe for one thread at a time (the server
    lints in one worker thread)."""

    def __init__(self, options: LintOptions) -> None:
        self.options = options
        binary = options.shellcheck_binary()
        self.shellcheck = ShellCheckCache(binary) if binary else None
        self.reuse = Reuse()
        self._settings: dict[Path, tuple[tuple[object, ...], FileSettings | str]] = {}

    def lint(
        self, path: Path | None, text: str, early: Callable[[Linted], None] | None = None
    ) -> Linted:
        """Lint ``text``, the content of the file at ``path`` (None: not saved anywhere).
        Never raises: a failure is the lint's ``problem``, and is logged.

        With ``early``: when ShellCheck has scripts to check that it has not seen before (a
        RUN just typed in), ``early`` first gets the lint without their ShellCheck findings,
        everything else complete, so that dlint's own findings need not wait for the
        ShellCheck process; the lint returned has them all. ShellCheck then starts when
        ``early`` returns (once those findings are sent): its process start and its work
        do not slow dlint's lint down on a machine of few CPUs."""
        try:
            return self._lint(path, text, early)
        except Exception as error:
            logger.exception("dlint failed on %s", path or UNSAVED_NAME)
            return Linted(text, (), f"dlint failed on this file: {type(error).__name__}: {error}")

    def _lint(
        self, path: Path | None, text: str, early: Callable[[Linted], None] | None = None
    ) -> Linted:
        folder = path.parent if path is not None else Path.cwd()
        settings = self.settings_for(folder)
        if isinstance(settings, str):
            return Linted(text, (), settings)
        if path is not None and settings.exclusions.excludes(str(path)):
            return Linted(text, (), notes=settings.warnings)
        target = Target(
            str(path) if path is not None else UNSAVED_NAME,
            folder if path is not None else None,
            settings.selection,
        )
        notes = list(settings.warnings)
        first = None
        if early is not None:

            def first(result: FileResult) -> None:
                early(_linted(text, target, result, list(notes)))

        result = self._lint_bytes(text.encode("utf-8", errors="replace"), target, notes, first)
        return _linted(text, target, result, notes)

    def _lint_bytes(
        self,
        data: bytes,
        target: Target,
        notes: list[str],
        early: Callable[[FileResult], None] | None = None,
    ) -> FileResult:
        """The engine's lint, with ShellCheck's findings added as ``check`` adds them (and
        first without those ShellCheck is still looking for, to ``early``)."""
        display, context, selection = target
        if self.shellcheck is None or not selection.shellcheck:
            return lint_bytes(data, display, selection, context, reuse=self.reuse)
        batch = self.shellcheck.batch()
        try:
            hook = batch.start if early is None else batch.prepare
            result = lint_bytes(data, display, selection, context, hook, self.reuse)
            if early is not None and batch.checking:
                known = result.replace(findings=list(result.findings))
                add_shellcheck(known, batch.remembered(), selection)
                early(known)
                batch.start_missing()
            found = batch.finish(notes)
        finally:
            batch.close()
        add_shellcheck(result, found, selection)
        return result

    def fix_all(self, linted: Linted) -> str | None:
        """The text with every safe fix applied (as ``dlint check --fix``), or None when
        nothing changes."""
        from ..fixing import fix_bytes, wanted_fixes

        if linted.target is None:
            return None
        display, context, selection = linted.target
        wanted = wanted_fixes(False, (), selection)
        data = linted.text.encode("utf-8", errors="replace")
        outcome = fix_bytes(data, display, selection, context, wanted)
        return None if outcome.data is None else outcome.data.decode("utf-8")

    def settings_for(self, folder: Path) -> FileSettings | str:
        """The settings ``dlint check`` would use in ``folder``, or why there are none (an
        invalid configuration, said as ``check`` says it)."""
        signature = _signature(folder)
        cached = self._settings.get(folder)
        if cached is not None and cached[0] == signature:
            return cached[1]
        found = self._load(folder)
        self._settings[folder] = (signature, found)
        return found

    def forget_settings(self) -> None:
        """Read every configuration again at the next lint (a configuration file changed)."""
        self._settings.clear()

    def _load(self, folder: Path) -> FileSettings | str:
        try:
            config = find_config(folder)
            settings = load_settings(config) if config else Settings()
            selection = build_selection(settings, all_rules())
        except ConfigError as error:
            return f"invalid configuration: {error}"
        if self.options.max_file_size is not None:
            options = {**selection.options, MAX_FILE_SIZE: self.options.max_file_size}
            selection = selection.replace(options=options)
        wants_shellcheck = self.shellcheck is not None and selection.may_want("SC")
        selection = selection.replace(shellcheck=wants_shellcheck)
        exclusions = Exclusions.of([(settings.exclude, settings.root or folder)])
        return FileSettings(selection, exclusions, settings.warnings)


def _linted(text: str, target: Target, result: FileResult, notes: list[str]) -> Linted:
    """The engine's result for a document, with what the user must hear of beyond it."""
    notes = notes + result.internal_errors
    problem = None
    if result.internal_errors:
        more = len(result.internal_errors) - 1
        problem = f"dlint failed on this file: {result.internal_errors[0]}"
        problem += f" (and {more} more: see the server's log)" if more else ""
    pragmas = result.pragmas
    return Linted(
        text,
        tuple(result.findings),
        problem,
        tuple(notes),
        pragmas.starts if pragmas else (),
        pragmas.ends if pragmas else (),
        target,
    )


def _signature(folder: Path) -> tuple[object, ...]:
    """Sizes, times and inodes of every file the configuration search would look at."""
    found: list[object] = []
    for directory in map(str, (folder, *folder.parents)):
        for name in CONFIG_NAMES:
            try:
                info = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            found.append((directory, name, info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(found)
