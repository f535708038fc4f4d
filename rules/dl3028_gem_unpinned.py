from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


class GemUnpinned(Rule):
    """gem install names a gem without a version.

    ## What it does
    Flags each gem of `gem install` that names no version: `rails` rather than `rails:7.1.3`.
    A command that gives the version with `-v`/`--version` is fine, and so is a local `.gem`
    file.

    ## Why is this bad?
    Without a version every build installs the newest release. A new major version can break
    the application without a change to the Dockerfile, and the image cannot be rebuilt as it
    was.

    ## Example
    ```dockerfile
    FROM ruby:3.3-slim
    RUN gem install bundler
    ```

    ## Use instead
    ```dockerfile
    FROM ruby:3.3-slim
    RUN gem install bundler:2.5.11
    ```
    """

    code = "DL3028"
    name = "gem-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        for found in unpinned_installs(instruction, ctx, "gem"):
            if found.read.has_option("-v", "--version"):
                continue
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"gem install {names} without a version: pin it, "
                f"as in {found.packages[0]}:<version>",
            )
