from __future__ import annotations

import posixpath

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span
from dockerfile_dlint.knowledge.base_images import as_of
from dockerfile_dlint.knowledge.image_status import (
    APT_KEY_REMOVED,
    REMOVED,
    Status,
    image_status,
)
from dockerfile_dlint.knowledge.release_packages import release_key
from dockerfile_dlint.knowledge.stage_release import stage_release

APT_KEY_FIX = (
    "download the key to /etc/apt/keyrings/<name>.asc (curl -fsSL <key-url> -o …) and name it "
    "in the repository's line with [signed-by=/etc/apt/keyrings/<name>.asc]"
)


class ImageOrToolGone(Rule):
    """The build pulls an image that is gone or frozen, or runs `apt-key` where apt has none.

    ## What it does
    Flags a `FROM` (or `COPY --from=<image>`) that names an image its publisher deleted,
    deprecated, or moved to another registry: `microsoft/dotnet:2.1-sdk` (deleted from Docker
    Hub in August 2021), `openjdk` (deprecated in July 2022), `java`, `django`, `rails`,
    `centos`, `jenkins`, the `-onbuild` variants of the official images, `k8s.gcr.io/…`. Each
    fact has a date and applies from that date on, judged against the `as-of` setting (today
    when it is not set). It also flags `apt-key` in a `RUN` of a stage whose base image's
    release no longer ships it: Debian 13 (trixie) and Ubuntu 25.04 onwards. Images are
    followed through build arguments; a `FROM <stage>` is judged at the stage's own `FROM`.

    ## Why is this bad?
    A deleted image fails the build at its first step (`manifest unknown`, `pull access
    denied`): an error. A deprecated image still pulls but nobody rebuilds it: it collects
    unpatched vulnerabilities, and the distribution release under it ages until its package
    repositories move away and `apt-get update` fails: a warning. On a release without
    `apt-key`, the `RUN` stops with `apt-key: not found`: an error.

    ## Example
    ```dockerfile
    FROM openjdk:17-jdk-slim
    FROM debian:trixie-slim
    RUN curl -fsSL https://example.com/key.asc | apt-key add -
    ```

    ## Use instead
    ```dockerfile
    FROM eclipse-temurin:17-jdk
    FROM debian:trixie-slim
    RUN curl -fsSL https://example.com/key.asc -o /etc/apt/keyrings/example.asc \\
     && echo "deb [signed-by=/etc/apt/keyrings/example.asc] https://example.com/apt stable main" \\
        > /etc/apt/sources.list.d/example.list
    ```
    """

    code = "DB008"
    name = "image-or-tool-gone"
    level = Level.ERROR
    instructions = frozenset({"FROM", "COPY", "RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword == "RUN":
            return self._apt_key(instruction, ctx)
        if instruction.keyword == "COPY":
            source = ctx.copy_source(instruction)
            flag = instruction.flag("from")
            if source is None or source.stage is not None or not source.resolved or not flag:
                return []
            return self._image(source.resolved, flag.span, ctx)
        stage = ctx.stage(instruction)
        if stage is None or stage.base_image is None or not instruction.arguments:
            return []
        return self._image(stage.image_resolved or "", instruction.arguments[0].span, ctx)

    def _image(self, reference: str, span: Span, ctx: Context) -> list[Finding]:
        status = image_status(reference, as_of(ctx.options))
        if status is None:
            return []
        finding = self.finding(span, _image_message(status))
        if status.row.state != REMOVED:
            finding = finding._replace(level=Level.WARNING)
        return [finding]

    def _apt_key(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if "apt-key" not in instruction.text.text and not instruction.heredocs:
            return []
        release = stage_release(ctx.stage(instruction), as_of(ctx.options))
        if release is None or release.distribution not in APT_KEY_REMOVED:
            return []
        first = release_key(APT_KEY_REMOVED[release.distribution])
        current = release_key(release.version)
        if first is None or current is None or current < first:
            return []
        findings = []
        for command in ctx.run_commands(instruction, unwrapped=True):
            word = command.words[0]
            if posixpath.basename(word.value) != "apt-key":
                continue
            message = (
                f"apt-key is not in {release.label}, {release.origin}: the RUN fails with "
                f"`apt-key: not found`; {APT_KEY_FIX}"
            )
            findings.append(self.finding(word.span, message))
        return findings


def _image_message(status: Status) -> str:
    row = status.row
    when = row.since.isoformat()
    if row.state == REMOVED:
        return (
            f"{status.reference} was deleted from {status.registry} on {when}: the pull fails; "
            f"use {row.replacement}"
        )
    return (
        f"{status.reference} is deprecated since {when} and gets no more updates (security "
        f"fixes, its release's package repositories age away); use {row.replacement}"
    )
