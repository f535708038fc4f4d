"""Create and start the container the way a platform such as Cloud Run would: $PORT set (unless
the platform sets none), the user's environment, the profile's CPU and memory limits and user
(:mod:`profiles`), nothing more.

The container runs the user's own image with no more than the engine's defaults: never
privileged, no capability added, no bind mount (the Docker socket least of all), the default
bridge network or the bridge network the user named (never the host's), and in published mode
a single port bound to 127.0.0.1 of the engine's host, which only the probe needs. The probe's
address comes from the engine's record of this container, and must be an IP address: dlint
talks to the container under test and to no other host.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docker import APIClient

    from .settings import SmokeOptions

RUN_LABEL = "dlint.smoke.run"
LOOPBACK = "127.0.0.1"
# How far the engine's clock may seem off ours before its StartedAt is not trusted.
CLOCK_TOLERANCE = 0.05
# The app's exec precedes the engine's StartedAt by a few milliseconds (2-7 ms measured).
EXEC_MARGIN = 0.01
_ENGINE_TIME = re.compile(
    r"^(?P<seconds>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d\d:\d\d)$"
)


@dataclass(frozen=True)
class ContainerExit:
    """How a container ended: its exit code, and whether the kernel killed it for memory."""

    code: int
    oom_killed: bool = False


@dataclass(frozen=True)
class Endpoint:
    """Where this host sends probes: the container's address, or the published port."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def create_container(
    client: APIClient, image: str, options: SmokeOptions, run_id: str, mode: str
) -> tuple[str, list[str]]:
    """A created (not started) container for ``image``: its id, and the engine's warnings
    (such as a memory limit it could only partly apply)."""
    port = options.port
    memory = options.memory
    host_config = client.create_host_config(
        port_bindings={port: (LOOPBACK, None)} if mode == "published" else None,
        network_mode=options.network,
        privileged=False,
        # No swap beyond the limit, as on Cloud Run: an app over its memory is killed, not slowed.
        mem_limit=memory,
        memswap_limit=memory,
        # --cpus: the engine turns NanoCpus into a CFS quota, as Cloud Run and Kubernetes do.
        nano_cpus=round(options.cpus * 1e9) if options.cpus else None,
    )
    port_variable = {"PORT": str(port)} if options.port_variable else {}
    created = client.create_container(
        image,
        environment={**options.env, **port_variable},
        user=options.user,
        ports=[port] if mode == "published" else None,
        host_config=host_config,
        labels={RUN_LABEL: run_id},
        name=f"dlint-smoke-{run_id}",
        detach=True,
    )
    warnings = [str(warning) for warning in created.get("Warnings") or [] if warning]
    return str(created["Id"]), warnings


def start_container(client: APIClient, container_id: str) -> float:
    """Start the container; returns its start as a ``time.monotonic`` value (see
    :func:`start_anchor`)."""
    wall_before, mono_before = time.time(), time.monotonic()
    client.start(container_id)
    wall_after = time.time()
    state: Mapping[str, Any] = client.inspect_container(container_id).get("State", {})
    started_at = parse_engine_time(str(state.get("StartedAt", "")))
    return start_anchor(mono_before, wall_before, wall_after, started_at)


def start_anchor(
    mono_before: float, wall_before: float, wall_after: float, started_at: float | None
) -> float:
    """When the container started, on the monotonic clock: the zero of every reported time.

    The engine's ``StartedAt`` is the container's start as Docker defines it; the app's
    process was exec'd a few milliseconds before the engine recorded it, hence the margin.
    The start call itself takes 0.2-0.5 s (namespaces, network), so the moment dlint asked
    would over-count by that much; it is used only when the engine's clock disagrees with
    ours (a VM's clock, a remote host), since a time counted from it is never too small.
    """
    if started_at is None or not (
        wall_before - CLOCK_TOLERANCE <= started_at <= wall_after + CLOCK_TOLERANCE
    ):
        return mono_before
    return max(mono_before, mono_before + (started_at - wall_before) - EXEC_MARGIN)


def parse_engine_time(text: str) -> float | None:
    """Seconds since the epoch from the engine's RFC 3339 time with nanoseconds."""
    match = _ENGINE_TIME.match(text)
    if not match:
        return None
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    zone = "+00:00" if match["zone"] == "Z" else match["zone"]
    try:
        moment = datetime.fromisoformat(f"{match['seconds']}.{fraction}{zone}")
    except ValueError:
        return None
    return moment.timestamp()


def probe_endpoint(
    client: APIClient, container_id: str, options: SmokeOptions, mode: str
) -> Endpoint | None:
    """The address to probe, once the container runs (None if it has none)."""
    settings: Mapping[str, Any] = client.inspect_container(container_id).get("NetworkSettings", {})
    if mode == "published":
        bindings = (settings.get("Ports") or {}).get(f"{options.port}/tcp") or []
        for binding in bindings:
            if binding.get("HostPort"):
                return Endpoint(LOOPBACK, int(binding["HostPort"]))
        return None
    networks: Mapping[str, Any] = settings.get("Networks") or {}
    preferred: Mapping[str, Any] = networks.get(options.network or "bridge") or next(
        iter(networks.values()), {}
    )
    address = preferred.get("IPAddress") or settings.get("IPAddress")
    try:
        return Endpoint(str(ipaddress.ip_address(str(address))), options.port)
    except ValueError:  # no address (or not an IP address, which is never probed)
        return None


def container_exit(client: APIClient, container_id: str) -> ContainerExit | None:
    """How the container ended once it has stopped; None while it runs."""
    state: Mapping[str, Any] = client.inspect_container(container_id).get("State", {})
    if state.get("Running") or state.get("Status") in ("created", "restarting"):
        return None
    return ContainerExit(int(state.get("ExitCode", -1)), bool(state.get("OOMKilled")))


def container_logs(client: APIClient, container_id: str) -> str:
    """Everything the container wrote to stdout and stderr so far."""
    raw = client.logs(container_id, stdout=True, stderr=True)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
