import re
from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Fix, Instruction, Level, Rule, lazy
from dockerfile_dlint.knowledge.package_managers import (
    Invocation,
    invocations,
    mentions,
    option_insertion,
    run_commands,
)

NO_RECOMMENDS = lazy(r"APT::Install-Recommends\s*=?\s*\"?(false|no|0)\b", re.IGNORECASE)


class AptGetInstallsRecommends(Rule):
    """apt-get install also installs recommended packages.

    ## What it does
    Flags `apt-get install` without `--no-install-recommends`. Also accepted:
    `-o APT::Install-Recommends=false` (or `0`), and an apt configuration written earlier in
    the stage (or a stage it builds on) that sets `APT::Install-Recommends "false"`.

    ## Why is this bad?
    By default apt installs every package the named ones merely recommend: documentation,
    extra tools, sometimes a whole X11 stack. The image grows by tens or hundreds of
    megabytes, builds and pulls get slower, and the extra software widens the attack surface.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    `--no-install-recommends` is inserted after `install` and the switches that directly
    follow it (`install -y --no-install-recommends`), in each `apt-get install` of the `RUN`.
    The fix is unsafe: the image no longer gets the recommended packages, and a program may
    rely on one of them (`python3-pip` recommends the compiler that later `pip install`s of C
    extensions need). Check the build and the app before keeping it.
    """

    code = "DL3015"
    name = "apt-get-installs-recommends"
    level = Level.INFO
    instructions = frozenset({"RUN"})
    fixable = "unsafe"

    def __init__(self) -> None:
        self._recommends_off: set[int] = set()  # stages where a RUN so far turned them off

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        configured = self._configured(instruction, ctx)
        self._note_configuration(instruction, ctx)
        if not mentions(instruction, "apt-get"):
            return
        expand = partial(ctx.expand, instruction)
        script = ctx.shell(instruction)
        line_text = ctx.dockerfile.source.line_text
        for read in invocations(run_commands(instruction, script), "apt-get", expand=expand):
            if not read.installs or self._disabled(read) or configured:
                continue
            edit = option_insertion(
                read, "--no-install-recommends", line_text, script is None, after_options=True
            )
            fix = Fix((edit,), safe=False, title="add --no-install-recommends") if edit else None
            yield self.finding(
                read.span,
                "apt-get install without --no-install-recommends also installs every "
                "recommended package; add --no-install-recommends",
                fix,
            )

    @staticmethod
    def _disabled(read: Invocation) -> bool:
        if read.has_option("--no-install-recommends"):
            return True
        values = (*read.option_values("-o", "--option"), *(w.value for w in read.arguments))
        return any(NO_RECOMMENDS.match(value) for value in values)

    def _note_configuration(self, instruction: Instruction, ctx: Context) -> None:
        text = instruction.text.text
        stage = ctx.stage(instruction)
        if stage is not None and "Install-Recommends" in text and NO_RECOMMENDS.search(text):
            self._recommends_off.add(stage.index)

    def _configured(self, instruction: Instruction, ctx: Context) -> bool:
        """Whether an earlier RUN of the stage (or its parents) turned recommends off."""
        stage = ctx.stage(instruction)
        while stage is not None:
            if stage.index in self._recommends_off:
                return True
            stage = stage.parent
        return False
