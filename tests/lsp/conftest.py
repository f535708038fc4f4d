"""Fixtures for the language server's tests: servers started and always killed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lspclient import LspClient
from lsphelpers import Start


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start servers (initialized, with ``root`` as the workspace); all killed at the end."""
    clients: list[LspClient] = []
    logs = tmp_path / "logs"
    logs.mkdir()

    def started(
        *options: str,
        root: Path = tmp_path,
        capabilities: dict[str, Any] | None = None,
        python: list[str] | None = None,
    ) -> LspClient:
        client = LspClient.dlint(
            tmp_path, *options, stderr=logs / f"server-{len(clients)}.log", python=python
        )
        clients.append(client)
        client.initialize(root, capabilities)
        return client

    yield started
    for client in clients:
        client.kill()
