import fnmatch
from collections.abc import Iterator, Sequence

from dockerfile_dlint.api import Context, Finding, Flag, ImageReference, Level, Rule, Span

DOCKER_HUB = (
    *("docker.io", "hub.docker.com", "index.docker.io", "registry-1.docker.io"),
    "registry.hub.docker.com",
)


class UntrustedRegistry(Rule):
    """An image comes from a registry outside the trusted list.

    ## What it does
    With the `trusted-registries` option set, flags `FROM` images, `COPY --from` images and
    `RUN --mount=…,from=` images whose registry matches none of the listed patterns. Images
    without a registry come from Docker Hub, which matches `docker.io` or `hub.docker.com`.
    Patterns may use `*` wildcards (`*.gcr.io`, `*`). Build arguments are expanded first;
    `scratch`, earlier stages and images whose registry comes from a variable with no visible
    value are not flagged.
    Without the option the rule is silent.

    ## Why is this bad?
    Every base image runs with full access to the build and ends up in production. A
    registry nobody vetted can serve a typo-squatted or tampered image, and pulls from it
    may fail in locked-down CI networks.

    ## Example
    ```dockerfile
    # trusted-registries = ["registry.example.com"]
    FROM docker.io/library/python:3.12-slim
    ```

    ## Use instead
    ```dockerfile
    FROM registry.example.com/mirror/python:3.12-slim
    ```

    ## Options
    `trusted-registries`: a list of registry host patterns, such as
    `["docker.io", "*.gcr.io"]`.
    """

    code = "DL3026"
    name = "untrusted-registry"
    level = Level.ERROR

    def finish(self, ctx: Context) -> list[Finding]:
        patterns = [pattern.lower() for pattern in ctx.options.get("trusted-registries") or ()]
        if not patterns:
            return []
        findings = []
        for stage in ctx.stages:
            arguments = stage.from_instruction.arguments
            image = stage.base_image
            shown = stage.image_resolved
            if image is None and shown is None and stage.parent is None:
                image, shown = _literal_registry(stage.image)
            if image is not None and shown and arguments:
                findings.extend(self._check(image, shown, arguments[0].span, patterns))
        for source in ctx.copy_sources:
            flag = source.instruction.flag("from")
            reference = source.resolved
            if source.stage is not None or reference is None or flag is None:
                continue
            if not any(mark in reference for mark in "/:@"):
                continue
            findings.extend(
                self._check(ImageReference.parse(reference), reference, flag.span, patterns)
            )
        for flag, reference in _mounted_images(ctx):
            findings.extend(
                self._check(ImageReference.parse(reference), reference, flag.span, patterns)
            )
        return findings

    def _check(
        self, image: ImageReference, shown: str, span: Span, patterns: Sequence[str]
    ) -> list[Finding]:
        registry = (image.registry or "docker.io").lower()
        hosts = DOCKER_HUB if registry in DOCKER_HUB else (registry, registry.partition(":")[0])
        if any(fnmatch.fnmatchcase(host, pattern) for host in hosts for pattern in patterns):
            return []
        return [
            self.finding(
                span,
                f"{shown} comes from {registry}, which is not a trusted registry: use an "
                "image from one of trusted-registries, or add the registry there",
            )
        ]


def _literal_registry(image: str) -> tuple[ImageReference | None, str | None]:
    """An image whose variables are not visible can still name its registry literally
    (``registry.example.com/${NAME}:${TAG}``): the registry is then known."""
    host, slash, _ = image.partition("/")
    if not slash or "$" in host or not ("." in host or ":" in host or host == "localhost"):
        return None, None
    return ImageReference(host, "", None, None), image


def _mounted_images(ctx: Context) -> Iterator[tuple[Flag, str]]:
    """The images ``RUN --mount=…,from=<image>`` mounts (not stages), with their values
    expanded: BuildKit pulls them like a ``FROM`` image."""
    stages = {stage.name.lower() for stage in ctx.stages if stage.name}
    for instruction in ctx.instructions:
        run = instruction.effective
        if run.keyword != "RUN":
            continue
        for flag in run.flags:
            if flag.name != "mount" or not flag.value:
                continue
            options = dict(part.partition("=")[::2] for part in flag.value.split(","))
            source = options.get("from")
            if not source:
                continue
            expanded = ctx.expand(instruction, source)
            reference = expanded.value.lower() if expanded.complete else None
            if reference is None or reference in stages:
                continue
            if reference.isdigit() or not any(mark in reference for mark in "/:@"):
                continue
            yield flag, reference
