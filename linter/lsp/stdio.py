"""The editor's messages read by the event loop itself.

pygls reads standard input in a thread pool, one round trip through a thread per header line
and per body: three thread hand-offs for each message, about a millisecond of every edit's
round trip here. When standard input is a pipe or a socket (as editors start a server), the
event loop can watch it like any socket instead (``connect_read_pipe``); anything else (a
file, a terminal) is read as pygls reads it.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Event
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.protocol import JsonRPCProtocol

logger = logging.getLogger("dlint.lsp")

# A line may be as long as the editor sends it (a garbled header): no limit but memory, as in
# pygls's own reader.
_NO_LIMIT = sys.maxsize // 4


class PipeReader:
    """pygls's reader interface (``readline``, ``readexactly``) over a stream reader of
    ``stdin`` made on first use; pygls's thread reader when ``stdin`` cannot be watched."""

    def __init__(self, stdin: BinaryIO, executor: ThreadPoolExecutor | None) -> None:
        self.stdin = stdin
        self.executor = executor
        self.stream: asyncio.StreamReader | None = None
        self.fallback: StdinAsyncReader | None = None

    async def _ready(self) -> asyncio.StreamReader | None:
        if self.stream is None and self.fallback is None:
            loop = asyncio.get_running_loop()
            stream = asyncio.StreamReader(limit=_NO_LIMIT)
            try:
                await loop.connect_read_pipe(
                    lambda: asyncio.StreamReaderProtocol(stream), self.stdin
                )
            except (ValueError, OSError):  # a regular file, or a terminal the loop cannot watch
                self.fallback = StdinAsyncReader(self.stdin, self.executor)
            else:
                self.stream = stream
        return self.stream

    async def readline(self) -> bytes:
        stream = await self._ready()
        if stream is None:
            assert self.fallback is not None
            return await self.fallback.readline()
        return await stream.readline()

    async def readexactly(self, n: int) -> bytes:
        stream = await self._ready()
        if stream is None:
            assert self.fallback is not None
            return await self.fallback.readexactly(n)
        try:
            return await stream.readexactly(n)
        except asyncio.IncompleteReadError as error:  # the editor went away mid-message
            return error.partial


def serve_stdio(
    stop: Event,
    protocol: JsonRPCProtocol,
    executor: ThreadPoolExecutor | None,
    on_error: Callable[[Exception, type[JsonRpcException]], Any],
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> None:
    """Read and answer messages on standard input and output (or ``stdin`` and ``stdout``)
    until ``stop`` is set or the input ends: pygls's ``start_io``, with :class:`PipeReader`."""
    protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    reader = PipeReader(stdin or sys.stdin.buffer, executor)
    try:
        asyncio.run(
            run_async(
                stop_event=stop,
                reader=reader,
                protocol=protocol,
                logger=logger,
                error_handler=on_error,
            )
        )
    except BrokenPipeError:
        logger.error("the editor is gone (its end of the pipe is closed): shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
