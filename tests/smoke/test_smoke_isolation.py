"""The container runs the user's image with no more than the engine's defaults, and dlint
probes only that container.

``dlint smoke`` runs the user's own code, so it adds nothing to it: no privilege, no added
capability, no bind mount (the Docker socket least of all), no host network or namespaces, a
port published on 127.0.0.1 only. The HostConfig is read from the engine while a run is paused
in its health check, with the container up.
"""

from __future__ import annotations

import ipaddress
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pausing import ENTERED
from smokehelpers import PAUSING_SMOKE, Running, smoke

RUN_LABEL = "dlint.smoke.run"


@pytest.mark.parametrize("probe", ["direct", "published"])
def test_the_container_gets_no_privilege_mount_or_host_namespace(
    docker_client: Any, context_of: Callable[[str], Path], probe: str
) -> None:
    context = context_of("busybox")
    dockerfile = context / "Dockerfile.volume"
    dockerfile.write_text((context / "Dockerfile").read_text() + "VOLUME /data\n")
    running = Running(
        ["pause:sample_health", str(context), "-f", str(dockerfile), "--no-config",
         "--build-arg", "APP=healthy", "--probe", probe, "--memory", "64m"],
        cwd=context.parent, command=PAUSING_SMOKE,
    )  # fmt: skip
    running.wait_for_stderr(f"{ENTERED}sample_health\n")
    try:
        [found] = docker_client.api.containers(filters={"label": RUN_LABEL})
        container = docker_client.api.inspect_container(found["Id"])
    finally:
        running.send_signal(signal.SIGINT)
        assert running.finish().code == 130
    host = container["HostConfig"]
    assert host["Privileged"] is False
    assert not host.get("CapAdd")
    assert not host.get("Binds")
    assert not host.get("Mounts")
    assert not host.get("VolumesFrom")
    assert not host.get("Devices")
    assert not host.get("SecurityOpt")
    assert host["NetworkMode"] in ("default", "bridge")
    assert host.get("PidMode", "") == ""
    assert host.get("IpcMode") in ("private", "shareable")
    assert host.get("UsernsMode", "") == ""
    assert host.get("UTSMode", "") == ""
    assert host["Memory"] == 64 * 1024 * 1024
    assert host["PublishAllPorts"] is False
    if probe == "published":
        assert host["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
    else:
        assert not host.get("PortBindings")
    # The image's VOLUME gives an anonymous volume (removed with the container), nothing bound.
    assert [mount["Type"] for mount in container["Mounts"]] == ["volume"]
    assert not any("docker.sock" in str(mount) for mount in container["Mounts"])
    # Only PORT and the engine's default PATH: nothing of dlint's own environment (DOCKER_HOST).
    environment = [item.split("=", 1)[0] for item in container["Config"]["Env"]]
    assert sorted(environment) == ["PATH", "PORT"]


def test_probes_go_to_the_container_or_to_loopback_only(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("busybox")
    bridge = docker_client.api.inspect_network("bridge")
    subnet = ipaddress.ip_network(bridge["IPAM"]["Config"][0]["Subnet"])
    for probe in ("direct", "published"):
        run = smoke(
            str(context), "--no-config", "--build-arg", "APP=healthy", "--probe", probe,
            "--format", "json", "--observe", "0",
            cwd=context.parent,
        )  # fmt: skip
        assert run.code == 0, run.output
        host, port = run.report["startup"]["endpoint"].rsplit(":", 1)
        if probe == "direct":
            assert ipaddress.ip_address(host) in subnet
            assert port == "8080"
        else:
            assert host == "127.0.0.1"


def test_the_host_network_named_by_its_id_is_refused(docker_client: Any, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    host_network = docker_client.api.inspect_network("host")["Id"][:12]
    run = smoke("--no-config", "--network", host_network, cwd=tmp_path)
    assert run.code == 2
    assert f"--network {host_network}: a host network gives the container no address" in run.stderr
