"""Platform profiles: the conditions a platform boots a container under, applied together.

A laptop boots an image on every core and all the free memory it has; a platform gives the
container a CPU limit, a memory limit without swap, a ``$PORT`` (or none), and a window in
which the app must listen before it is killed. ``dlint smoke --platform-profile NAME`` boots
the image under those conditions, so that its "time to listen" is the platform's.

Each value says where it comes from. Options given on the command line, and keys in
``[tool.dlint.smoke]``, win over the profile's (see :mod:`settings`); ``local`` changes
nothing, which is dlint's behaviour without a profile.

Sources (read 2026-12-07):

- Cloud Run CPU, 1 vCPU by default:
  https://docs.cloud.google.com/run/docs/configuring/cpu ("By default, Cloud Run container
  instances are limited to 1 vCPU").
- Cloud Run memory, 512 MiB by default:
  https://cloud.google.com/run/docs/configuring/memory-limits ("By default, the memory
  allocated to each instance of a revision is 512 MiB"); an instance over its memory is
  terminated, so no swap (memory-swap = memory).
- Cloud Run ``PORT``, 8080 by default, always set:
  https://cloud.google.com/run/docs/reference/container-contract
- Cloud Run's default TCP startup probe: timeoutSeconds 240, periodSeconds 240,
  failureThreshold 1, so the container has 240 s to accept on ``$PORT``:
  https://cloud.google.com/run/docs/configuring/healthchecks ("The default TCP startup probe").
  The guide's own budget of 10 s is a recommendation in the README, not this profile's value.
- Kubernetes probe defaults: periodSeconds 10, timeoutSeconds 1, failureThreshold 3,
  initialDelaySeconds 0 (the Probe type's field documentation:
  https://github.com/kubernetes-client/go/blob/master/kubernetes/docs/V1Probe.md); a container
  gets a limit it did not declare only from its namespace's LimitRange:
  https://kubernetes.io/docs/tasks/administer-cluster/cpu-memory-limit/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIB = 1 << 20


@dataclass(frozen=True)
class PlatformProfile:
    """What a platform gives a container at boot; None leaves dlint's default (no limit, the
    default port and budget, the image's own user).

    ``port_variable`` says whether the platform sets ``$PORT``: Cloud Run always does,
    Kubernetes never does (the app listens on the port its manifest names). ``budget_basis``
    says in a few words where the startup budget comes from, for the report.
    """

    name: str
    summary: str
    cpus: float | None = None
    memory: int | None = None
    port: int | None = None
    port_variable: bool = True
    startup_budget: float | None = None
    budget_basis: str = "dlint's default"
    user: str | None = None


LOCAL = PlatformProfile("local", "no limits: the laptop's CPUs and memory, dlint's defaults")

CLOUD_RUN = PlatformProfile(
    "cloud-run",
    "Cloud Run's defaults: 1 vCPU, 512 MiB without swap, PORT=8080, 240 s to listen",
    cpus=1.0,
    memory=512 * MIB,
    port=8080,
    port_variable=True,
    startup_budget=240.0,
    budget_basis="the default TCP startup probe: 1 probe with a 240 s timeout",
    # No profile sets a user: both platforms run the image's USER unless told otherwise.
    user=None,
)

# Kubernetes sets no CPU or memory limit of its own (a namespace's LimitRange may): the
# profile leaves both to --cpus and --memory, which should be the manifest's
# resources.limits. It sets no $PORT either: the app must listen on its containerPort, which
# --port names (8080 unless given). The budget is the default probe schedule: a startupProbe
# (or a livenessProbe without one) with default values probes every periodSeconds 10 from the
# start (initialDelaySeconds 0) and restarts the container after failureThreshold 3 failures in
# a row. The third failure comes two periods after the first, and the first can come at once:
# 20 s is the earliest restart, and so the budget (failureThreshold x periodSeconds, 30 s, is
# the latest). Each probe also waits at most timeoutSeconds 1 for an answer.
KUBERNETES = PlatformProfile(
    "kubernetes",
    "Kubernetes' default probe schedule: no PORT variable, 20 s to listen (3 probes 10 s "
    "apart), no CPU or memory limit unless given",
    port=8080,
    port_variable=False,
    startup_budget=20.0,
    budget_basis="default probes: the 3rd of 3 failures, 10 s apart, restarts it",
)

PROFILES: Mapping[str, PlatformProfile] = {p.name: p for p in (LOCAL, CLOUD_RUN, KUBERNETES)}
DEFAULT_PROFILE = LOCAL.name


def profile_named(name: str) -> PlatformProfile | None:
    """The profile of this name; None for an unknown one (the caller says what is known)."""
    return PROFILES.get(name)
