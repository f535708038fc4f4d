from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


class AptGetUnpinned(Rule):
    """apt-get install names a package without a version.

    ## What it does
    Flags each package of `apt-get install` that names no version: `curl` rather than
    `curl=7.88.1-10+deb12u8`. A release pin (`curl/bookworm-backports`) and a local `.deb` file
    count as pinned. Packages given through a variable are judged by the variable's value when
    the Dockerfile sets it (`ARG PACKAGES="curl=7.88.1-10+deb12u8"`), and left alone when it
    does not. `apt-get` is also found behind `sudo`, `env` and inside `sh -c`.

    ## Why is this bad?
    Without a version, every build installs whatever the archive holds that day. The image
    changes without a change to the Dockerfile, a rebuild can pull in a new major version that
    breaks the application, and an old build cannot be reproduced.

    ## Example
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
        && rm -rf /var/lib/apt/lists/*
    ```
    """

    code = "DL3008"
    name = "apt-get-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        for found in unpinned_installs(instruction, ctx, "apt-get"):
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"apt-get install {names} without a version: pin it, "
                f"as in {found.packages[0]}=<version>",
            )
