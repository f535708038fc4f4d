"""The report's account of the conditions the container booted under: the platform profile,
what it asked for, what the engine applied, and how close the start-up came to the budget.

A start-up that listens at 9 s of a 10 s budget passes today and fails on the first slower
host: from :data:`NEAR_BUDGET` of the budget on, the report warns and names the margin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .limits import AppliedLimits
from .settings import SmokeOptions, format_size

# The share of the startup budget from which a passing start-up is reported as close to it.
NEAR_BUDGET = 0.7


@dataclass(frozen=True)
class BootConditions:
    """The profile a run booted under, what it requested, and (once the container exists)
    the limits the engine applied."""

    profile: str
    summary: str
    overrides: tuple[str, ...]
    cpus: float | None
    memory: int | None
    port: int
    port_variable: bool
    startup_budget: float
    budget_basis: str
    user: str | None
    applied: AppliedLimits | None = None
    memory_from_profile: bool = False

    @classmethod
    def of(cls, options: SmokeOptions) -> BootConditions:
        profile = options.profile
        budget_from_profile = (
            profile.startup_budget is not None and "startup-budget" not in options.profile_overrides
        )
        return cls(
            profile=profile.name,
            summary=profile.summary,
            overrides=options.profile_overrides,
            cpus=options.cpus,
            memory=options.memory,
            port=options.port,
            port_variable=options.port_variable,
            startup_budget=options.startup_budget,
            budget_basis=profile.budget_basis if budget_from_profile else "given",
            user=options.user,
            memory_from_profile=(
                profile.memory is not None and "memory" not in options.profile_overrides
            ),
        )

    def describe(self) -> str:
        """``cloud-run: 1 CPU, 512m memory without swap, PORT=8080, 240 s to listen``."""
        cpus = "no CPU limit" if self.cpus is None else f"{self.cpus:g} CPU"
        memory = (
            "no memory limit"
            if self.memory is None
            else f"{format_size(self.memory)} memory without swap"
        )
        port = f"PORT={self.port}" if self.port_variable else f"no $PORT (probed on {self.port})"
        user = f", user {self.user}" if self.user else ""
        budget = f"{self.startup_budget:g} s to listen"
        text = f"{self.profile}: {cpus}, {memory}, {port}{user}, {budget}"
        if self.overrides:
            text += f" ({', '.join(self.overrides)} from the options)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "overrides": list(self.overrides),
            "requested": {
                "cpus": self.cpus,
                "memory": self.memory,
                "memory_swap": self.memory,
                "port": self.port,
                "port_variable": self.port_variable,
                "startup_budget": self.startup_budget,
                "budget_basis": self.budget_basis,
                "user": self.user,
            },
            "applied": self.applied.to_json() if self.applied else None,
        }


def budget_warning(listen_seconds: float | None, budget: float) -> str | None:
    """A warning when the app listened, but only after :data:`NEAR_BUDGET` of the budget."""
    if listen_seconds is None or budget <= 0 or listen_seconds < NEAR_BUDGET * budget:
        return None
    share = listen_seconds / budget
    margin = max(budget - listen_seconds, 0.0)
    return (
        f"time to listen {listen_seconds:.2f} s is {share:.0%} of the {budget:g} s startup "
        f"budget: a margin of {margin:.2f} s, which a slower host or a busier CPU takes away"
    )
