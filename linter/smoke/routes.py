"""Choose how to probe: at the container's own address, or through a loopback-published port.

Direct probing needs a route from this host to the container network: true on Linux with a
local engine, false on Docker Desktop (the engine runs in a VM), with rootless Docker and
with remote engines. The kernel's routing table says which, before anything is started.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Engine

ROUTE_TABLE = Path("/proc/net/route")


def choose_probe_mode(requested: str, engine: Engine, network: str | None) -> str:
    """``direct`` or ``published``: the requested mode, or the one that works here."""
    if requested != "auto":
        return requested
    if not engine.local or not sys.platform.startswith("linux"):
        return "published"
    subnets = network_subnets(engine, network or "bridge")
    return "direct" if subnets and all(host_routes_to(net) for net in subnets) else "published"


def network_subnets(engine: Engine, network: str) -> list[ipaddress.IPv4Network]:
    """The IPv4 subnets of a Docker network (from its IPAM configuration)."""
    try:
        configs = engine.client.inspect_network(network).get("IPAM", {}).get("Config") or []
    except Exception:  # an unknown network is reported by the caller
        return []
    subnets = []
    for config in configs:
        try:
            subnet = ipaddress.ip_network(str(config.get("Subnet", "")), strict=False)
        except ValueError:
            continue
        if isinstance(subnet, ipaddress.IPv4Network):
            subnets.append(subnet)
    return subnets


def host_routes_to(subnet: ipaddress.IPv4Network, table: str | None = None) -> bool:
    """True when a specific (non-default) route of this host covers ``subnet``."""
    if table is None:
        try:
            table = ROUTE_TABLE.read_text()
        except OSError:
            return False
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 8:
            continue
        try:
            destination = _le_address(fields[1])
            mask = _le_address(fields[7])
        except ValueError:
            continue
        if int(mask) == 0:
            continue
        route = ipaddress.IPv4Network(f"{destination}/{mask}", strict=False)
        if subnet.subnet_of(route):
            return True
    return False


def _le_address(hex_text: str) -> ipaddress.IPv4Address:
    """/proc/net/route prints addresses as little-endian hex words."""
    return ipaddress.IPv4Address(bytes.fromhex(hex_text)[::-1])
