from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Fix, Instruction, Level, Rule, lazy
from dockerfile_dlint.knowledge.package_managers import (
    cache_mounted,
    cleans,
    follows,
    invocations,
    mentions,
    option_insertion,
    run_commands,
    ships,
    strtobool,
)

NO_CACHE_SETTING = lazy(r"PIP_NO_CACHE_DIR=[\"']?([A-Za-z0-9]+)")


class PipCacheKept(Rule):
    """pip install keeps its download cache in the image.

    ## What it does
    Flags `pip install` (also `pip3`, `python -m pip`, a virtualenv's `bin/pip`) without
    `--no-cache-dir`. It stays silent when the cache is off or kept out of the image another
    way: `PIP_NO_CACHE_DIR` set by `ENV`, `ARG` or in the `RUN` itself (pip turns the cache
    off for any boolean value it accepts, even `off` or `0`); a cache mount on pip's cache
    directory (`--mount=type=cache,target=/root/.cache/pip`, a parent such as `/root/.cache`,
    or `$PIP_CACHE_DIR`); or `pip cache purge` / `rm -rf ~/.cache/pip` later in the same `RUN`.
    A builder stage that no image is built on (only `COPY --from` reads it) ships nothing of
    its cache and is not checked; neither are `pipx` and `pipenv`, which manage their own.

    ## Why is this bad?
    pip keeps every wheel it downloads or builds in `~/.cache/pip`. In an image that cache is
    never used again, yet it ships in the layer and can add hundreds of megabytes.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install flask==3.0.3
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask==3.0.3
    ```

    ## Fix
    `--no-cache-dir` is inserted after `install` and the switches that directly follow it, in
    each `pip install` of the `RUN` (`pip3`, `python -m pip`, behind `sudo`, inside `sh -c`).
    The fix is safe: pip installs the same packages, it only stops keeping the downloads and
    built wheels, which nothing in the image reads again.
    """

    code = "DL3042"
    name = "pip-cache-kept"
    level = Level.WARNING
    instructions = frozenset({"RUN"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "pip") or not ships(ctx.stage(instruction), ctx.stages):
            return
        expand = partial(ctx.expand, instruction)
        if self._cache_off(instruction, ctx):
            return
        variables = ctx.state(instruction).variables
        extra = tuple(value for value in (variables.get("PIP_CACHE_DIR"),) if value)
        if cache_mounted(instruction, "pip", extra):
            return
        script = ctx.shell(instruction)
        commands = run_commands(instruction, script)
        line_text = ctx.dockerfile.source.line_text
        for read in invocations(commands, "pip", expand=expand):
            if not read.installs or read.has_option("--no-cache-dir"):
                continue
            later = (command for command in commands if follows(command, read.command))
            if any(cleans(command, "pip", extra) for command in later):
                continue
            edit = option_insertion(
                read, "--no-cache-dir", line_text, script is None, after_options=True
            )
            yield self.finding(
                read.span,
                f"{read.name} keeps its download cache in the image; add --no-cache-dir",
                Fix((edit,), title="add --no-cache-dir") if edit else None,
            )

    @staticmethod
    def _cache_off(instruction: Instruction, ctx: Context) -> bool:
        """Whether PIP_NO_CACHE_DIR is set, by ENV or ARG or within the RUN."""
        value = ctx.state(instruction).variables.get("PIP_NO_CACHE_DIR")
        if value is not None and strtobool(value) is not None:
            return True
        text = instruction.text.text
        if "PIP_NO_CACHE_DIR" not in text:
            return False
        return any(strtobool(match) is not None for match in NO_CACHE_SETTING.findall(text))
