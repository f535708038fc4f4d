from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


class ApkUnpinned(Rule):
    """apk add names a package without a version.

    ## What it does
    Flags each package of `apk add` that names no version: `curl` rather than `curl=8.9.1-r0`
    (or `curl~8.9`). Local `.apk` files count as pinned, and the name given to `--virtual`
    (`-t`) is not a package. Packages given through a variable are judged by its visible
    value.

    ## Why is this bad?
    Without a version every build installs whatever the Alpine repository holds that day, so
    the image changes without a change to the Dockerfile and an old build cannot be
    reproduced.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    RUN apk add --no-cache curl=8.9.1-r0
    ```
    """

    code = "DL3018"
    name = "apk-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        for found in unpinned_installs(instruction, ctx, "apk"):
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"apk add {names} without a version: pin it, as in {found.packages[0]}=<version>",
            )
