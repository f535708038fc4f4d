from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import unpinned_installs


class PipUnpinned(Rule):
    """pip install names a package without a version.

    ## What it does
    Flags each package of `pip install` (also `pip3`, `python -m pip`, a virtualenv's
    `bin/pip`, and `pipx install`) that has no version specifier: `flask` rather than
    `flask==3.0.3`. Any specifier counts (`>=`, `~=`, `<`…), and so do local paths, archives
    (`.whl`, `.tar.gz`) and VCS URLs with a ref (`git+https://…/repo@v1.2`). A command that
    takes a constraints file (`-c`) is left alone, since the file may pin the versions;
    packages installed from `-r requirements.txt` are not judged here, only the ones named on
    the command line. Packages given through a variable are judged by its visible value.

    ## Why is this bad?
    An unpinned package installs the newest release on every build. A new release can break
    the application or its other dependencies without any change to the Dockerfile, and the
    image cannot be rebuilt as it was.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask gunicorn
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
    ```
    """

    code = "DL3013"
    name = "pip-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        for found in unpinned_installs(instruction, ctx, "pip", "pipx"):
            if found.read.has_option("-c", "--constraint"):
                continue
            names = ", ".join(found.packages)
            yield self.finding(
                found.word.span,
                f"{found.read.name} {names} without a version: pin it, "
                f"as in {found.packages[0]}==<version>",
            )
