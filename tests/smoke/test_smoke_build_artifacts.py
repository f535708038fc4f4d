"""Build failures with their explanation, and the artifact check of the final image."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerfile_dlint.artifacts import ExpectedArtifact
from dockerfile_dlint.smoke.artifacts import missing_artifacts
from smokehelpers import remove_images_made_since, smoke


def test_a_copy_of_what_a_stage_never_produced_is_explained(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("copy-missing")
    run = smoke(str(context), "--no-config", "--builder", "classic", cwd=context.parent)
    assert run.code == 1, run.output
    out = run.stdout
    assert (
        "build failed at step 7/8 (COPY --from=builder /root/.cache /root/.cache): "
        "COPY failed: stat root/.cache: file does not exist"
    ) in out
    assert "Why: the stage `builder` never produced /root/.cache" in out
    assert out.index("FAILED") < out.index("Why:") < out.index("Verdict")
    assert out.rstrip().endswith("FAIL")


def test_the_json_report_of_a_failed_build(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("copy-missing")
    run = smoke(
        str(context), "--no-config", "--format", "json", "--builder", "classic",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["ok"] is False
    assert report["build"]["builder"] == "classic"
    assert report["build"]["ok"] is False
    assert report["build"]["image_size"] is None
    assert [step["step"] for step in report["build"]["steps"]] == list(range(1, 8))
    assert report["build"]["explanation"].startswith("the stage `builder` never produced")
    assert report["startup"]["listen_seconds"] is None


def test_a_runtime_stage_missing_the_builders_cache_is_caught_before_boot(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    context = context_of("artifact-missing")
    run = smoke(
        str(context), "--no-config", "--format", "json", "--startup-budget", "3s",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    report = run.report
    assert report["artifacts"]["checked"] == 2
    [missing] = report["artifacts"]["missing"]
    assert missing["path"] == "/root/.cache/prisma-python"
    assert missing["pattern"] == "prisma-query-engine-*"
    assert "`prisma generate` in stage builder" in missing["description"]
    assert report["reasons"][0].startswith("missing in the final image: /root/.cache/prisma-python")
    assert report["startup"]["exit_code"] == 1
    assert report["logs"]["errors"][0]["pattern"] == "BinaryNotFoundError"


@pytest.fixture
def artifact_image(docker_client: Any, context_of: Callable[[str], Path]) -> Iterator[str]:
    """The artifact-missing image, built directly with the SDK, as a created container.

    Afterwards every image the build made is removed, the builder stage's layers included
    (they are not parents of the final image, so removing it does not take them).
    """
    api = docker_client.api
    before = set(api.images(all=True, quiet=True))
    image, _ = docker_client.images.build(path=str(context_of("artifact-missing")), rm=True)
    container = api.create_container(image.id)["Id"]
    try:
        yield container
    finally:
        api.remove_container(container, force=True)
        remove_images_made_since(api, before)


def test_the_image_inspection_finds_files_by_pattern_under_a_path(
    docker_client: Any, artifact_image: str
) -> None:
    def expect(path: str, pattern: str) -> ExpectedArtifact:
        return ExpectedArtifact(path, pattern, f"{path} {pattern}", 1)

    present = [
        expect("/root/.local", "*"),
        expect("/root/.local", "prisma"),
        expect("/bin", "httpd"),
        expect("/app.sh", "app.sh"),
    ]
    missing = [
        expect("/root/.cache/prisma-python", "prisma-query-engine-*"),
        expect("/root/.local", "prisma-query-engine-*"),
        expect("/opt/ms-playwright", "*"),
    ]
    assert missing_artifacts(docker_client.api, artifact_image, [*present, *missing]) == missing


@pytest.mark.parametrize(
    ("builder", "step"),
    [("classic", "4/7"), ("buildkit", "3/4")],  # BuildKit numbers the steps that run
)
def test_a_build_over_the_timeout_is_stopped_and_removed(
    docker_client: Any, context_of: Callable[[str], Path], builder: str, step: str
) -> None:
    context = context_of("busybox")
    slow = context / "Dockerfile.slow"
    dockerfile = (context / "Dockerfile").read_text()
    slow.write_text(dockerfile.replace("ARG APP", "RUN sleep 60\nARG APP"))
    run = smoke(
        str(context), "-f", str(slow), "--no-config", "--format", "json", "--timeout", "3s",
        "--build-arg", "APP=healthy", "--builder", builder,
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    assert run.report["build"]["ok"] is False
    assert run.report["build"]["builder"] == builder
    assert run.report["build"]["seconds"] < 10
    assert run.report["reasons"] == [
        f"build failed at step {step} (RUN sleep 60): the build did not finish within "
        "--timeout (3 s)"
    ]


@pytest.mark.parametrize(
    ("command", "reason", "detail"),
    [
        ("", "the engine cannot create the container", "No command specified"),
        ('CMD ["/app/start.sh"]\n', "the container did not start", "/app/start.sh"),
    ],
)
def test_an_image_whose_command_cannot_run_fails_to_boot(
    docker_client: Any, context_of: Callable[[str], Path], command: str, reason: str, detail: str
) -> None:
    context = context_of("busybox")
    dockerfile = context / "Dockerfile.broken"
    dockerfile.write_text(f"FROM scratch\nCOPY busybox /bin/busybox\n{command}")
    run = smoke(
        str(context), "-f", str(dockerfile), "--no-config", "--format", "json",
        cwd=context.parent,
    )  # fmt: skip
    assert run.code == 1, run.output
    [found] = run.report["reasons"]
    assert found.startswith(reason)
    assert detail in found


@pytest.mark.parametrize(
    ("builder", "cached"),
    [
        ("classic", [False, True, True, True, True, True]),  # FROM scratch is never cached
        ("buildkit", [True, True, True]),  # BuildKit's own cache; ARG and CMD are no steps
    ],
)
def test_keep_leaves_the_image_tagged_and_later_runs_reuse_its_layers(
    docker_client: Any, context_of: Callable[[str], Path], builder: str, cached: list[bool]
) -> None:
    context = context_of("busybox")
    args = ["--no-config", "--format", "json", "--build-arg", "APP=healthy", "--builder", builder]
    first = smoke(str(context), "--keep", *args, cwd=context.parent)
    assert first.code == 0, first.output
    kept = first.report["kept_image"]
    assert kept.startswith("dlint-smoke:")
    try:
        second = smoke(str(context), *args, cwd=context.parent)
        assert second.code == 0, second.output
        assert [step["cached"] for step in second.report["build"]["steps"]] == cached
        assert docker_client.images.get(kept)
    finally:
        docker_client.images.remove(kept)


def test_untagged_layers_are_never_reused(
    docker_client: Any, context_of: Callable[[str], Path]
) -> None:
    """Another run's layers may be removed under a build that reused them (and that run's
    cleanup would fail on them): only tagged images are cache sources."""
    context = context_of("busybox")
    api = docker_client.api
    before = set(api.images(all=True, quiet=True))
    docker_client.images.build(path=str(context), buildargs={"APP": "healthy"}, rm=True)
    try:
        run = smoke(
            str(context), "--no-config", "--format", "json", "--build-arg", "APP=healthy",
            "--builder", "classic",
            cwd=context.parent,
        )  # fmt: skip
        assert run.code == 0, run.output
        assert not any(step["cached"] for step in run.report["build"]["steps"])
    finally:
        remove_images_made_since(api, before)
