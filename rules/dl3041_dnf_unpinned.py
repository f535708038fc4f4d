from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import mentions, unpinned_rpm_packages


class DnfUnpinned(Rule):
    """dnf install names a package without a version.

    ## What it does
    Flags each package of `dnf install` (or its short form `dnf in`) or `microdnf install`
    that names no version: `httpd`
    rather than `httpd-2.4.62-1.fc40`, where the version follows the name after a dash and
    starts with a digit. `.rpm` files and groups (`@development-tools`) count as pinned. For
    `dnf module install`, the module needs a stream: `nodejs:20`.

    ## Why is this bad?
    Without a version every build installs whatever the repository holds that day, so the
    image changes without a change to the Dockerfile and an old build cannot be reproduced.

    ## Example
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd && dnf clean all
    ```

    ## Use instead
    ```dockerfile
    FROM fedora:40
    RUN dnf install -y httpd-2.4.62-1.fc40 && dnf clean all
    ```
    """

    code = "DL3041"
    name = "dnf-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "dnf"):
            return
        for word, message in unpinned_rpm_packages(instruction, ctx, "dnf", "microdnf"):
            yield self.finding(word.span, message)
