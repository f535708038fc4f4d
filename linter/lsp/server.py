"""The language server (pygls): documents in, diagnostics, code actions and hovers out.

Lints are scheduled per document, latest text wins: a change cancels the document's lint that
has not started yet and schedules a new one after ``debounce`` seconds of quiet (at once when
the document opens or is saved); a lint of text that changed while it ran is discarded, not
published. Lints run in one worker thread (see :mod:`.worker`), so a slow lint never keeps the
server from reading what the editor sends. A hover or a code action waits for the lint of the
text the editor has, so that ranges and fixes always match the text.

dlint's own findings do not wait for ShellCheck: when a lint gives ShellCheck scripts it has
not seen (a process of its own, some milliseconds even for one line), the findings known so
far are published at once (ShellCheck's for unchanged scripts included); ShellCheck starts
once they are sent, and all the findings are published again when it is done, both times for
the same version.

Failures are contained: the engine's crash on a file is that file's one diagnostic and a line
in the log (see :meth:`.linting.Linter.lint`); a bad message from the editor is logged by pygls
and the server reads on.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from threading import Event
from typing import BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from .. import __version__
from ..files import is_dockerfile_name
from .features import FIX_ALL_KIND, Placed, wants
from .linting import CONFIG_NAMES, Linted, Linter, LintOptions
from .stdio import serve_stdio
from .worker import LintThread

logger = logging.getLogger("dlint.lsp")

LANGUAGE_IDS = frozenset({"dockerfile", "containerfile"})
# How long the lint thread waits for dlint's findings to be sent before starting ShellCheck
# (the event loop sends them at once; this only bounds a loop that is stuck or gone).
EARLY_WAIT_SECONDS = 1.0
# Lints that a hover or code action waits through before answering from the latest one (the
# text keeps changing under it: answer rather than wait for the typing to stop).
MAX_WAITS = 3


def serve(options: LintOptions, debounce: float) -> int:
    """Serve on standard input and output until the editor says exit (or goes away); the
    exit code is 0 after a shutdown request, 1 without one (as the protocol says)."""
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="dlint lsp: %(levelname)s: %(message)s"
    )
    logging.getLogger("pygls").setLevel(logging.WARNING)
    server = DlintServer(Linter(options), debounce)
    server.start_io()
    return 0 if server.shut_down else 1


def file_path(uri: str) -> Path | None:
    """The local path of a ``file:`` URI (None for an unsaved buffer, ``untitled:…``)."""
    path = to_fs_path(uri)
    return Path(path) if path is not None else None


def lint_and_place(
    linter: Linter,
    path: Path | None,
    text: str,
    encoding: str,
    early: Callable[[Placed], None] | None = None,
) -> Placed:
    """The worker's job: lint, and the findings' ranges in the client's units; ``early``
    gets the findings known before ShellCheck is done (see :meth:`Linter.lint`)."""

    def place(linted: Linted) -> Placed:
        try:
            return Placed(linted, encoding)
        except Exception as error:
            logger.exception("dlint failed to place the findings on %s", path)
            return Placed(Linted(text, (), f"dlint failed on this file: {error}"), encoding)

    first = None
    if early is not None:

        def first(linted: Linted) -> None:
            early(place(linted))

    return place(linter.lint(path, text, first))


class DlintServer(LanguageServer):
    """pygls's server with dlint's documents: what is linted, pending and published."""

    def __init__(self, linter: Linter, debounce: float) -> None:
        super().__init__("dlint", __version__, types.TextDocumentSyncKind.Incremental)
        self.linter = linter
        self.debounce = debounce
        self.worker = LintThread()
        self.tracked: set[str] = set()
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.waiting: set[str] = set()  # pending lints still in their quiet time
        self.published: dict[str, tuple[int | None, Placed]] = {}
        self.fixed: dict[str, tuple[int | None, str | None]] = {}
        self.notes: dict[str, tuple[str, ...]] = {}
        self.shut_down = False
        _register(self)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's ``start_io`` on standard input and output, read by the event loop (see
        :mod:`.stdio`)."""
        self._stop_event = stop = Event()  # what pygls's shutdown sets
        try:
            pool, on_error = self.thread_pool, self.report_server_error
            serve_stdio(stop, self.protocol, pool, on_error, stdin, stdout)
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]  # pygls's, as its start_io ends

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def document(self, uri: str) -> TextDocument:
        return self.workspace.get_text_document(uri)

    def schedule(self, uri: str, delay: float) -> asyncio.Task[None]:
        """Lint ``uri`` after ``delay`` seconds, replacing a lint not started yet."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.ensure_future(self._lint_later(uri, delay))
        self.pending[uri] = task
        self.waiting.add(uri)

        def forget(done: asyncio.Task[None]) -> None:
            if self.pending.get(uri) is done:
                del self.pending[uri]
                self.waiting.discard(uri)

        task.add_done_callback(forget)
        return task

    async def _lint_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        self.waiting.discard(uri)
        document = self.document(uri)
        version, text = document.version, document.source
        loop = asyncio.get_running_loop()
        this = asyncio.current_task()

        def early(placed: Placed) -> None:  # in the lint thread: back once they are sent
            sent = Event()
            try:
                loop.call_soon_threadsafe(self._publish_early, uri, version, this, placed, sent)
            except RuntimeError:  # the loop is closed: the server is going away
                return
            sent.wait(EARLY_WAIT_SECONDS)

        path = file_path(uri)
        job = self.worker.submit(lint_and_place, self.linter, path, text, self.encoding, early)
        placed = await asyncio.wrap_future(job)
        if uri not in self.tracked:
            return
        self.published[uri] = (version, placed)
        self._log_notes(uri, placed.linted)
        self._publish(uri, version, placed)

    def _publish_early(
        self,
        uri: str,
        version: int | None,
        task: asyncio.Task[None] | None,
        placed: Placed,
        sent: Event,
    ) -> None:
        """dlint's findings before ShellCheck checks new scripts: published unless newer
        text came meanwhile (its lint replaced this one); hovers and code actions still wait
        for the whole lint. ``sent`` lets the lint thread go on (and start ShellCheck)."""
        try:
            if uri in self.tracked and task is not None and self.pending.get(uri) is task:
                self._publish(uri, version, placed)
        finally:
            sent.set()

    def _publish(self, uri: str, version: int | None, placed: Placed) -> None:
        params = types.PublishDiagnosticsParams(uri, placed.diagnostics(), version)
        self.text_document_publish_diagnostics(params)

    def _log_notes(self, uri: str, linted: Linted) -> None:
        """Log what the lint had to say beyond findings, once while it stays the same."""
        notes = linted.notes + ((linted.problem,) if linted.problem else ())
        if self.notes.get(uri) == notes:
            return
        self.notes[uri] = notes
        for note in notes:
            logger.warning("%s: %s", uri, note)
            message = f"dlint: {uri}: {note}"
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning, message))

    async def current(self, uri: str) -> Placed | None:
        """The lint of the document's current text (waiting for it if need be)."""
        if uri not in self.tracked:
            return None
        for _ in range(MAX_WAITS):
            published = self.published.get(uri)
            if published is not None and published[0] == self.document(uri).version:
                return published[1]
            task = self.pending.get(uri)
            if task is None or uri in self.waiting:
                task = self.schedule(uri, 0)
            await asyncio.wait({task})
        published = self.published.get(uri)
        return published[1] if published else None

    async def fixed_text(self, uri: str, placed: Placed) -> str | None:
        """The text with every safe fix applied, computed once per version."""
        version = self.document(uri).version
        cached = self.fixed.get(uri)
        if cached is not None and cached[0] == version:
            return cached[1]
        job = self.worker.submit(self.linter.fix_all, placed.linted)
        fixed = await asyncio.wrap_future(job)
        self.fixed[uri] = (version, fixed)
        return fixed

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.tracked.discard(uri)
        self.waiting.discard(uri)
        for table in (self.published, self.fixed, self.notes):
            table.pop(uri, None)


def is_dockerfile(document: types.TextDocumentItem) -> bool:
    """Dockerfiles by language id, or by name for clients that send every file."""
    path = file_path(document.uri)
    name = path.name if path is not None else document.uri.rsplit("/", 1)[-1]
    return document.language_id.lower() in LANGUAGE_IDS or is_dockerfile_name(name)


def _register(server: DlintServer) -> None:
    """The protocol's messages, each a few lines over the server's methods."""

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        workspace = server.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched is None or not watched.dynamic_registration:
            return  # each lint still sees a changed configuration (see linting)
        watchers = [types.FileSystemWatcher(f"**/{name}") for name in CONFIG_NAMES]
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers)
        registration = types.Registration(
            "dlint-configuration", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options
        )
        await server.client_register_capability_async(types.RegistrationParams([registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        if is_dockerfile(params.text_document):
            server.tracked.add(params.text_document.uri)
            server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in server.tracked:
            server.schedule(params.text_document.uri, server.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in server.tracked:  # files beside it may have changed
            server.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in server.tracked:
            server.forget(uri)
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        server.linter.forget_settings()
        for uri in sorted(server.tracked):
            server.schedule(uri, 0)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        placed = await server.current(uri)
        if placed is None:
            return None
        only = params.context.only
        actions = []
        if wants(only, types.CodeActionKind.QuickFix):
            actions = placed.quick_fixes(uri, params.range)
        if wants(only, FIX_ALL_KIND) and placed.has_safe_fixes():
            fixed = await server.fixed_text(uri, placed)
            if fixed is not None:
                actions.append(placed.fix_all_action(uri, fixed))
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        placed = await server.current(params.text_document.uri)
        return placed.hover(params.position) if placed is not None else None

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        server.shut_down = True
        for uri in list(server.tracked):
            server.forget(uri)
