"""The container's own table of listening TCP sockets, read from inside its network namespace.

This is the ground truth a host-side probe cannot give: whether the app listens on $PORT at
all, on which address (``127.0.0.1`` only is unreachable from outside: DP006 at runtime), or on
another port. It is read with ``docker exec`` of a reader the image has (``cat``, busybox or
python3), so it works wherever the engine runs, Docker Desktop included.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docker import APIClient

TCP_TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
LISTEN_STATE = "0A"
_PYTHON_CAT = (
    "import sys\nfor p in sys.argv[1:]:\n try: sys.stdout.write(open(p).read())\n"
    " except OSError: pass"
)
READERS: tuple[tuple[str, ...], ...] = (
    ("cat", *TCP_TABLES),
    ("busybox", "cat", *TCP_TABLES),
    ("python3", "-c", _PYTHON_CAT, *TCP_TABLES),
)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, order=True)
class ListeningSocket:
    """A socket in LISTEN state: the address it is bound to, and its port."""

    port: int
    address: Address

    @property
    def loopback_only(self) -> bool:
        address = self.address
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return address.is_loopback

    def __str__(self) -> str:
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{host}:{self.port}"


def parse_tcp_table(text: str) -> list[ListeningSocket]:
    """Listening sockets from the text of ``/proc/net/tcp`` and ``/proc/net/tcp6``."""
    sockets = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 4 or fields[3] != LISTEN_STATE or ":" not in fields[1]:
            continue
        address_hex, _, port_hex = fields[1].partition(":")
        try:
            sockets.add(ListeningSocket(int(port_hex, 16), _address(address_hex)))
        except ValueError:
            continue
    return sorted(sockets)


def _address(hex_text: str) -> Address:
    """The kernel prints each 32-bit word of the address in host (little-endian) order."""
    raw = bytes.fromhex(hex_text)
    if len(raw) not in (4, 16):
        raise ValueError(hex_text)
    words = b"".join(raw[index : index + 4][::-1] for index in range(0, len(raw), 4))
    return ipaddress.ip_address(words)


class SocketTableReader:
    """Reads the table with the first reader the image has, remembering which one worked."""

    def __init__(self, client: APIClient, container_id: str) -> None:
        self.client = client
        self.container_id = container_id
        self.readers = list(READERS)

    def read(self) -> list[ListeningSocket] | None:
        """The listening sockets, or None when no reader works (or the container stopped)."""
        while self.readers:
            text = self._exec(self.readers[0])
            if text is not None and "local_address" in text:
                return parse_tcp_table(text)
            if text is None:
                return None
            self.readers.pop(0)
        return None

    def _exec(self, command: tuple[str, ...]) -> str | None:
        try:
            created = self.client.exec_create(self.container_id, list(command), stderr=False)
            output = self.client.exec_start(created["Id"])
        except Exception:  # the container stopped, or exec is not allowed
            return None
        return output.decode("utf-8", "replace") if isinstance(output, bytes) else ""


def describe_port(sockets: list[ListeningSocket], port: int) -> str:
    """Why $PORT is not reachable, judged from the socket table."""
    on_port = [s for s in sockets if s.port == port]
    if on_port and all(s.loopback_only for s in on_port):
        bound = ", ".join(str(s) for s in on_port)
        return (
            f"listens on {bound} only, inside the container: unreachable from outside it "
            f"(DP006 at runtime); bind 0.0.0.0 (e.g. --host 0.0.0.0)"
        )
    others = sorted({s.port for s in sockets if s.port != port})
    if others and not on_port:
        ports = ", ".join(str(p) for p in others)
        return f"listens on {ports}, not $PORT={port}: start the server with the port from $PORT"
    if not sockets:
        return f"nothing listens on any TCP port (expected $PORT={port})"
    return f"$PORT={port} is bound but did not accept connections"
