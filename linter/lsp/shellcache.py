"""ShellCheck for a server: each script is checked once, then its findings are remembered.

Typing changes one RUN at a time, and ShellCheck costs a process start and some milliseconds
per script; the other scripts of the file are the same text as at the last lint, perhaps a few
lines further down. So findings are kept per script, keyed by what ShellCheck gets (the text,
the dialect, the declared names) and by the script's layout in the file relative to its first
line; a script moved up or down gets its findings moved with it. Only the scripts not seen
before go to :class:`~dockerfile_dlint.shellcheck.ShellCheckRun`, started as soon as the
engine knows them (while the rules run), as ``dlint check`` does for one file.
"""

from __future__ import annotations

from collections import OrderedDict

from ..records import NamedTuple
from ..shellcheck import ShellBody, ShellCheckError, ShellCheckRun, ShellFinding, Skipped
from ..source import Span

# Scripts remembered (least recently used forgotten first): a few hundred files' worth.
MAX_SCRIPTS = 4096

Key = tuple[object, ...]


class Remembered(NamedTuple):
    """A script's findings, lines counted from the script's first line; or why ShellCheck
    did not check it (a script too long: it would not be checked next time either)."""

    findings: tuple[ShellFinding, ...]
    skipped: str | None


class ShellCheckCache:
    """Findings per script, for one shellcheck binary."""

    def __init__(self, binary: str, size: int = MAX_SCRIPTS) -> None:
        self.binary = binary
        self.size = size
        self._found: OrderedDict[Key, Remembered] = OrderedDict()

    def batch(self) -> Batch:
        """A lint's use of the cache: :meth:`Batch.start` with the file's scripts, then
        :meth:`Batch.finish`, and :meth:`Batch.close` in any case."""
        return Batch(self)

    def get(self, key: Key) -> Remembered | None:
        found = self._found.get(key)
        if found is not None:
            self._found.move_to_end(key)
        return found

    def put(self, key: Key, remembered: Remembered) -> None:
        self._found[key] = remembered
        self._found.move_to_end(key)
        while len(self._found) > self.size:
            self._found.popitem(last=False)


class Batch:
    """The scripts of one lint: the remembered ones, and a ShellCheck run on the others."""

    def __init__(self, cache: ShellCheckCache) -> None:
        self.cache = cache
        self.bodies: list[ShellBody] = []
        self.keys: list[Key] = []
        self.missing: list[int] = []
        self.run: ShellCheckRun | None = None
        self.error: ShellCheckError | None = None

    def start(self, bodies: list[ShellBody]) -> None:
        """The engine's hook (``on_shell_bodies``): start ShellCheck on the new scripts."""
        self.prepare(bodies)
        self.start_missing()

    def prepare(self, bodies: list[ShellBody]) -> None:
        """The engine's hook when ShellCheck is to start later: the scripts, and which of
        them are new (see :meth:`start_missing`)."""
        self.bodies = bodies
        self.keys = [_key(body) for body in bodies]
        self.missing = [i for i, key in enumerate(self.keys) if self.cache.get(key) is None]

    def start_missing(self) -> None:
        """Start ShellCheck on the scripts not remembered, if any (once)."""
        if not self.missing or self.run is not None or self.error is not None:
            return
        bodies = self.bodies
        try:
            self.run = ShellCheckRun([bodies[i] for i in self.missing], self.cache.binary)
        except ShellCheckError as error:  # said by finish
            self.error = error

    def finish(self, notes: list[str]) -> list[list[ShellFinding]]:
        """The findings per script; what could not be checked is added to ``notes``."""
        if self.run is not None:
            skipped: list[Skipped] = []
            try:
                found = self.run.finish(skipped)
            except ShellCheckError as error:
                self.error = error
            else:
                reasons = {self.missing[body]: reason for body, reason in skipped}
                for number, index in enumerate(self.missing):
                    base = _first_line(self.bodies[index])
                    moved = tuple(_moved(finding, -base) for finding in found[number])
                    self.cache.put(self.keys[index], Remembered(moved, reasons.get(index)))
        if self.error is not None:
            notes.append(f"ShellCheck skipped: {self.error}")
        return self._results(notes)

    @property
    def checking(self) -> bool:
        """Whether ShellCheck has scripts to check that it had not seen (see
        :meth:`remembered`)."""
        return bool(self.missing)

    def remembered(self) -> list[list[ShellFinding]]:
        """The findings per script known before ShellCheck is done: the remembered scripts'
        (the others have none yet)."""
        return self._results(None)

    def _results(self, notes: list[str] | None) -> list[list[ShellFinding]]:
        results: list[list[ShellFinding]] = []
        for body, key in zip(self.bodies, self.keys, strict=True):
            remembered = self.cache.get(key)
            if remembered is None:  # not checked yet, or ShellCheck could not run
                results.append([])
                continue
            if remembered.skipped and notes is not None:
                notes.append(
                    f"ShellCheck skipped the RUN at line {body.line}: {remembered.skipped}"
                )
            base = _first_line(body)
            results.append([_moved(finding, base) for finding in remembered.findings])
        return results

    def close(self) -> None:
        if self.run is not None:
            self.run.close()


def _first_line(body: ShellBody) -> int:
    pieces = body.text.pieces
    return pieces[0][1] if pieces else body.line


def _key(body: ShellBody) -> Key:
    """What ShellCheck's findings on a script depend on, its lines counted from its first."""
    base = _first_line(body)
    layout = tuple((offset, line - base, column) for offset, line, column in body.text.pieces)
    return (body.text.text, layout, body.dialect, body.variables)


def _moved(finding: ShellFinding, lines: int) -> ShellFinding:
    span = finding.span
    moved = Span(span.line + lines, span.column, span.end_line + lines, span.end_column)
    return finding._replace(span=moved)
