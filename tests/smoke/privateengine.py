"""A private Docker engine, for the tests that stop the engine in the middle of a run.

Stopping the machine's dockerd would break every other test session using it (engineers share
this machine and its engine) and would end a process these tests did not start. So those tests
start their own dockerd: its own socket, data root, exec root, configuration and bridge (with a
free /24 and no iptables rules, so it touches nothing of the main engine's networking), stop
and restart it at will, and remove all of it at the end of the session. A session that died
without tearing down leaves a directory whose owner process is gone; the next session removes
it (stopping its dockerd only when that process's command line names the directory).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baseimage import machine_lock

PREFIX = "dlint-engine-"
START_SECONDS = 60.0
STOP_SECONDS = 60.0


def requirements_missing() -> str | None:
    """Why a private engine cannot run here, or None."""
    if os.geteuid() != 0:
        return "a private dockerd needs root"
    for tool in ("dockerd", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


@dataclass
class PrivateEngine:
    """One private dockerd: ``start``, ``stop`` (like ``systemctl stop docker``), ``remove``."""

    root: Path
    bridge: str
    gateway: str
    process: subprocess.Popen[bytes] | None = None
    log: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"unix://{self.root}/docker.sock"

    @property
    def pidfile(self) -> Path:
        return self.root / "docker.pid"

    def client(self) -> Any:
        import docker

        return docker.APIClient(base_url=self.host, version="auto", timeout=30)

    def start(self) -> None:
        """Start dockerd and wait until it answers."""
        if self.running:
            return
        log = (self.root / "dockerd.log").open("ab")
        with log:
            self.process = subprocess.Popen(
                [
                    "dockerd",
                    f"--host={self.host}",
                    f"--data-root={self.root}/data",
                    f"--exec-root={self.root}/exec",
                    f"--pidfile={self.pidfile}",
                    f"--config-file={self.root}/daemon.json",
                    f"--bridge={self.bridge}",
                    "--iptables=false",
                    "--ip6tables=false",
                    "--shutdown-timeout=1",
                    "--log-level=warn",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + START_SECONDS
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"private dockerd did not start: {self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop dockerd the way ``systemctl stop docker`` does (SIGTERM), and wait for it."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def answers(self) -> bool:
        try:
            client = self.client()
        except Exception:
            return False
        try:
            return bool(client.ping())
        except Exception:
            return False
        finally:
            client.close()

    def state(self) -> dict[str, set[str]]:
        """Every container, image and volume the engine has."""
        client = self.client()
        try:
            return {
                "containers": {c["Id"] for c in client.containers(all=True)},
                "images": set(client.images(all=True, quiet=True)),
                "volumes": {v["Name"] for v in client.volumes().get("Volumes") or []},
            }
        finally:
            client.close()

    def remove(self) -> None:
        """Stop dockerd and remove its directory and bridge."""
        self.stop()
        _remove_root(self.root, self.bridge)

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.root / "dockerd.log").read_text(errors="replace")[-2000:]
        return ""


def create_private_engine() -> PrivateEngine:
    """A new private engine (not started), after removing those of dead sessions."""
    with machine_lock("private-engine"):
        remove_stale_engines()
        root = Path(tempfile.mkdtemp(prefix=PREFIX))
        bridge = f"dlint{root.name[-6:]}".replace("_", "0")[:15]
        gateway = _free_gateway()
        (root / "owner").write_text(str(os.getpid()))
        (root / "bridge").write_text(bridge)
        (root / "daemon.json").write_text(json.dumps({}))
        try:
            _ip("link", "add", bridge, "type", "bridge")
            _ip("addr", "add", gateway, "dev", bridge)
            _ip("link", "set", bridge, "up")
        except Exception:
            _remove_root(root, bridge)
            raise
    return PrivateEngine(root, bridge, gateway)


def remove_stale_engines() -> None:
    """Remove private engines whose owning test session is gone."""
    for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((root / "owner").read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        with contextlib.suppress(OSError, ValueError):
            pid = int((root / "docker.pid").read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            if cmdline.startswith("dockerd") and f"--data-root={root}/data" in cmdline:
                os.kill(pid, signal.SIGTERM)
                _wait_gone(pid)
        bridge = ""
        with contextlib.suppress(OSError):
            bridge = (root / "bridge").read_text().strip()
        _remove_root(root, bridge)


def _remove_root(root: Path, bridge: str) -> None:
    for mount in reversed(_mounts_under(root)):
        subprocess.run(["umount", "-l", mount], check=False, capture_output=True)
    shutil.rmtree(root, ignore_errors=True)
    if bridge:
        subprocess.run(["ip", "link", "delete", bridge], check=False, capture_output=True)


def _mounts_under(root: Path) -> list[str]:
    mounts = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            point = line.split()[4]
            if point == str(root) or point.startswith(f"{root}/"):
                mounts.append(point)
    return sorted(mounts)


def _free_gateway() -> str:
    """A gateway address in a 10.213.X.0/24 that no route of this host covers."""
    routes = Path("/proc/net/route").read_text().splitlines()[1:]
    used = []
    for line in routes:
        fields = line.split()
        destination = ipaddress.IPv4Address(bytes.fromhex(fields[1])[::-1])
        mask = ipaddress.IPv4Address(bytes.fromhex(fields[7])[::-1])
        if int(mask):
            used.append(ipaddress.IPv4Network(f"{destination}/{mask}", strict=False))
    candidates = list(range(1, 255))
    random.shuffle(candidates)
    for third in candidates:
        subnet = ipaddress.IPv4Network(f"10.213.{third}.0/24")
        if not any(subnet.overlaps(route) for route in used):
            return f"10.213.{third}.1/24"
    raise RuntimeError("no free 10.213.X.0/24 for a private engine")


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + STOP_SECONDS
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
