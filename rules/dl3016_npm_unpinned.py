from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


class NpmUnpinned(Rule):
    """npm install names a package without a version.

    ## What it does
    Flags each package of `npm install` that names no version or tag: `express` rather than
    `express@4.19.2` (scoped: `@angular/cli@17.3.0`). Local folders, tarballs and git URLs
    with a `#ref` count as pinned. `npm install` without packages installs what
    `package.json` and the lock file say, and is fine; so is `npm ci`.

    ## Why is this bad?
    Without a version npm installs the newest release on every build: a new major version can
    break the application or a global tool without any change to the Dockerfile, and the image
    cannot be rebuilt as it was.

    ## Example
    ```dockerfile
    FROM node:20-slim
    RUN npm install -g pm2
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    RUN npm install -g pm2@5.4.2
    ```
    """

    code = "DL3016"
    name = "npm-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        for found in unpinned_installs(instruction, ctx, "npm"):
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"npm {found.read.subcommand} {names} without a version: pin it, "
                f"as in {found.packages[0]}@<version>",
            )
