"""The limits a container really runs under, read back from the engine.

What dlint asked for and what the engine applied can differ: an engine without the kernel's
CPU controller drops a CPU limit with a warning, one without swap accounting drops the swap
limit. The report shows what ``docker inspect`` says (``HostConfig``), not what was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .settings import SmokeUsageError, format_size

if TYPE_CHECKING:
    from docker import APIClient

NANO = 1e9


@dataclass(frozen=True)
class AppliedLimits:
    """A container's limits as the engine holds them: CPUs (from NanoCpus, or CpuQuota over
    CpuPeriod), memory and memory+swap in bytes (None: no limit), and the user it runs as
    (None: the image's own)."""

    cpus: float | None
    memory: int | None
    memory_swap: int | None
    user: str | None

    @property
    def swap(self) -> int | None:
        """Swap on top of memory in bytes (0: none); None when unlimited or no memory limit."""
        if self.memory is None or self.memory_swap is None:
            return None
        return max(self.memory_swap - self.memory, 0)

    def describe(self) -> str:
        """``1 CPU, 512m memory, no swap`` for the text report."""
        cpus = "no CPU limit" if self.cpus is None else f"{self.cpus:g} CPU"
        if self.memory is None:
            return f"{cpus}, no memory limit"
        swap = self.swap
        swap_text = "no swap" if swap == 0 else "unlimited swap" if swap is None else ""
        swap_text = swap_text or f"{format_size(swap or 0)} swap"
        return f"{cpus}, {format_size(self.memory)} memory, {swap_text}"

    def to_json(self) -> dict[str, Any]:
        return {
            "cpus": self.cpus,
            "memory": self.memory,
            "memory_swap": self.memory_swap,
            "user": self.user,
        }


def limits_from_inspect(data: Mapping[str, Any]) -> AppliedLimits:
    """The limits in ``docker inspect``'s answer for a container."""
    host: Mapping[str, Any] = data.get("HostConfig") or {}
    config: Mapping[str, Any] = data.get("Config") or {}
    nano = int(host.get("NanoCpus") or 0)
    quota, period = int(host.get("CpuQuota") or 0), int(host.get("CpuPeriod") or 0)
    cpus: float | None = None
    if nano > 0:
        cpus = nano / NANO
    elif quota > 0:
        cpus = quota / (period or 100_000)  # the kernel's default CFS period is 100 ms
    memory = int(host.get("Memory") or 0) or None
    swap = int(host.get("MemorySwap") or 0)
    return AppliedLimits(
        cpus=cpus,
        memory=memory,
        memory_swap=swap if swap > 0 else None,
        user=str(config.get("User") or "") or None,
    )


def read_limits(client: APIClient, container_id: str) -> AppliedLimits:
    """The limits the engine applied to this (created or running) container."""
    return limits_from_inspect(client.inspect_container(container_id))


def check_cpus(client: APIClient, cpus: float | None) -> None:
    """A CPU limit above the engine's CPUs is refused at create: say so before building."""
    if cpus is None:
        return
    available = int(client.info().get("NCPU") or 0)
    if available and cpus > available:
        raise SmokeUsageError(
            f"--cpus {cpus:g}: the Docker engine has only {available} CPUs "
            f"(use at most --cpus {available})"
        )
