"""A small Language Server Protocol client for tests: the real ``dlint lsp`` process over
stdio, messages framed and read as an editor does, with the server's notifications kept.

Synchronous on purpose: a test sends a message and waits (with a deadline) for what it expects,
so a server that stops answering fails the test instead of hanging it. A reader thread turns
the server's output into messages; requests the server makes (``client/registerCapability``)
are answered with ``null`` and recorded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

DEFAULT_TIMEOUT = 30.0
Message = dict[str, Any]


class ServerError(Exception):
    """The server answered a request with an error."""


class ServerGone(Exception):
    """The server closed its output (it exited)."""


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


class LspClient:
    def __init__(
        self,
        args: list[str],
        cwd: Path,
        stderr: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.stderr_path = stderr
        self._stderr = stderr.open("wb")
        self.process = subprocess.Popen(
            args,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._ids = itertools.count(1)
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self.notifications: list[Message] = []
        self.server_requests: list[Message] = []
        self._write_lock = threading.Lock()
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    @classmethod
    def dlint(
        cls, cwd: Path, *options: str, stderr: Path, python: list[str] | None = None
    ) -> LspClient:
        """``dlint lsp`` with this test run's interpreter (``python`` replaces how it starts),
        its standard error written to ``stderr``."""
        command = python or [sys.executable, "-m", "dockerfile_dlint"]
        return cls([*command, "lsp", *options], cwd, stderr)

    # --- the wire -------------------------------------------------------------------------

    def _read(self, stream: BinaryIO) -> None:
        try:
            while True:
                length = None
                while True:
                    header = stream.readline()
                    if not header:
                        return
                    if header in (b"\r\n", b"\n"):
                        break
                    name, _, value = header.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                assert length is not None, "a message without Content-Length"
                self._inbox.put(json.loads(stream.read(length)))
        finally:
            self._inbox.put(None)

    def send_raw(self, data: bytes) -> None:
        assert self.process.stdin is not None
        with self._write_lock:
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def send(self, message: Message) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def _receive(self, deadline: float) -> Message:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the server did not answer in time")
        try:
            message = self._inbox.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError("the server did not answer in time") from None
        if message is None:
            self._inbox.put(None)  # stays gone for later reads
            raise ServerGone(f"the server exited: {self.stderr_text()[-2000:]}")
        if "method" in message and "id" in message:
            self.server_requests.append(message)
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        return message

    # --- requests and notifications ---------------------------------------------------------

    def request(self, method: str, params: Any, timeout: float = DEFAULT_TIMEOUT) -> Any:
        number = next(self._ids)
        self.send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == number and "method" not in message:
                if "error" in message:
                    raise ServerError(message["error"])
                return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(
        self, predicate: Callable[[Message], bool], timeout: float = DEFAULT_TIMEOUT
    ) -> Message:
        """The first notification (received before or after the call) that satisfies
        ``predicate``; it is removed from the list, so each is found once."""
        deadline = time.monotonic() + timeout
        while True:
            for index, notification in enumerate(self.notifications):
                if predicate(notification):
                    return self.notifications.pop(index)
            self._receive(deadline)

    def pump(self, seconds: float) -> None:
        """Read what the server sends for ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self._receive(deadline)
        except TimeoutError:
            pass

    # --- the protocol, as an editor uses it ------------------------------------------------

    def initialize(self, root: Path, capabilities: dict[str, Any] | None = None) -> Any:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": uri_of(root),
                "capabilities": capabilities or {},
                "workspaceFolders": [{"uri": uri_of(root), "name": root.name}],
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language: str = "dockerfile", version: int = 1) -> None:
        item = {"uri": uri, "languageId": language, "version": version, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})

    def change(self, uri: str, version: int, text: str, range_: Any = None) -> None:
        change: dict[str, Any] = {"text": text}
        if range_ is not None:
            change["range"] = range_
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics(
        self, uri: str, version: int | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> list[dict[str, Any]]:
        """The diagnostics published for ``uri`` (of ``version``, when given) once the server
        is done with that text.

        The server may publish twice for one text: its own findings at once, then with
        ShellCheck's for scripts it had not seen. So after the first publish, a code action
        is asked for (the server answers it only once the lint of the current text is over,
        after its last publish), and the last publish of that version is the answer; every
        one of them is taken off the list of notifications.
        """
        latest = self.wait_for(_publish_of(uri, version), timeout)
        wanted = _publish_of(uri, latest["params"].get("version"))
        nowhere = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}
        self.code_actions(uri, nowhere)
        for message in [message for message in self.notifications if wanted(message)]:
            self.notifications.remove(message)
            latest = message
        found: list[dict[str, Any]] = latest["params"]["diagnostics"]
        return found

    def first_diagnostics(
        self, uri: str, version: int, timeout: float = DEFAULT_TIMEOUT
    ) -> list[dict[str, Any]]:
        """The first diagnostics published for ``uri`` at ``version``, taken off the list."""
        message = self.wait_for(_publish_of(uri, version), timeout)
        found: list[dict[str, Any]] = message["params"]["diagnostics"]
        return found

    def published(self, uri: str) -> list[Message]:
        return [
            message["params"]
            for message in self.notifications
            if message["method"] == "textDocument/publishDiagnostics"
            and message["params"]["uri"] == uri
        ]

    def code_actions(
        self, uri: str, range_: Any, only: list[str] | None = None
    ) -> list[dict[str, Any]]:
        context: dict[str, Any] = {"diagnostics": []}
        if only is not None:
            context["only"] = only
        params = {"textDocument": {"uri": uri}, "range": range_, "context": context}
        found: list[dict[str, Any]] = self.request("textDocument/codeAction", params) or []
        return found

    def hover(self, uri: str, line: int, character: int) -> Any:
        position = {"line": line, "character": character}
        return self.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )

    def shutdown(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """shutdown, then exit: the server's exit code."""
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.process.wait(timeout)

    def stderr_text(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):  # a pipe the server closed
                    stream.close()
        self._stderr.close()


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """Apply LSP text edits (UTF-16 positions; the tests' texts are ASCII where edited)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: dict[str, int]) -> int:
        line = min(position["line"], len(lines) - 1)
        return starts[line] + min(position["character"], len(lines[line]))

    ordered = sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True)
    for edit in ordered:
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def _publish_of(uri: str, version: int | None) -> Callable[[Message], bool]:
    """Whether a notification publishes diagnostics for ``uri`` (of ``version``, if given)."""

    def wanted(message: Message) -> bool:
        if message["method"] != "textDocument/publishDiagnostics":
            return False
        params = message["params"]
        return params["uri"] == uri and (version is None or params.get("version") == version)

    return wanted
