import re
from collections.abc import Iterator
from functools import partial

from dockerfile_dlint.api import Context, Finding, Fix, Instruction, Level, Rule, lazy
from dockerfile_dlint.knowledge.package_managers import (
    Invocation,
    invocations,
    mentions,
    option_insertion,
    piped_from,
    run_commands,
)

ASSUME_YES = lazy(r"APT::Get::Assume-Yes\s*=?\s*\"?(true|yes|1)\b", re.IGNORECASE)


class AptGetWithoutYes(Rule):
    """apt-get install runs without -y.

    ## What it does
    Flags `apt-get install` without `-y` (`--yes`, `--assume-yes`). Also accepted: `-qq` (quiet
    level 2 implies yes), `-o APT::Get::Assume-Yes=true`, input piped from `yes`, and an apt
    configuration written earlier in the stage that sets `APT::Get::Assume-Yes "true"`.

    ## Why is this bad?
    When the packages pull in anything beyond what was named, apt-get asks "Do you want to
    continue?". A build has no terminal to answer, so apt-get reads end of input, aborts, and
    the build fails, often only once a dependency changes upstream.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Fix
    `-y` is inserted right after `install`, in each `apt-get install` of the `RUN` (behind
    `sudo`, inside `sh -c`, in an exec-form argv as an element of its own). The fix is safe:
    where apt-get would have asked, the build aborted; where it would not, `-y` changes
    nothing. A subcommand that comes from a variable gets no fix, since its place in the
    file is not where the command reads it.
    """

    code = "DL3014"
    name = "apt-get-without-yes"
    level = Level.WARNING
    instructions = frozenset({"RUN"})
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "apt-get"):
            return
        expand = partial(ctx.expand, instruction)
        script = ctx.shell(instruction)
        line_text = ctx.dockerfile.source.line_text
        for read in invocations(run_commands(instruction, script), "apt-get", expand=expand):
            if not read.installs or self._assumes_yes(read):
                continue
            if piped_from(read.command, script, "yes") or self._configured(instruction, ctx):
                continue
            edit = option_insertion(read, "-y", line_text, exec_form=script is None)
            yield self.finding(
                read.span,
                "apt-get install without -y: a build cannot answer apt-get's prompt, so it "
                "aborts; add -y",
                Fix((edit,), title="add -y") if edit else None,
            )

    @staticmethod
    def _assumes_yes(read: Invocation) -> bool:
        if read.has_option("-y", "--yes", "--assume-yes"):
            return True
        quiet = [option for option in read.options if option.name in ("-q", "--quiet")]
        if len(quiet) >= 2 or any(option.value == "2" for option in quiet):
            return True
        return any(ASSUME_YES.match(value) for value in read.option_values("-o", "--option"))

    @staticmethod
    def _configured(instruction: Instruction, ctx: Context) -> bool:
        """Whether an earlier RUN of the stage (or its parents) wrote Assume-Yes to apt's config."""
        stage = ctx.stage(instruction)
        while stage is not None:
            for earlier in stage.instructions:
                if earlier.index >= instruction.index or earlier.keyword != "RUN":
                    continue
                if "Assume-Yes" in earlier.text.text and ASSUME_YES.search(earlier.text.text):
                    return True
            stage = stage.parent
        return False
