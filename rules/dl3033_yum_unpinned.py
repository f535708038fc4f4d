from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.package_managers import mentions, unpinned_rpm_packages


class YumUnpinned(Rule):
    """yum install names a package without a version.

    ## What it does
    Flags each package of `yum install` that names no version: `httpd` rather than
    `httpd-2.4.6-99.el7`, where the version follows the name after a dash and starts with a
    digit. `.rpm` files and groups (`@development`) count as pinned. For
    `yum module install`, the module needs a stream: `nodejs:18`.

    ## Why is this bad?
    Without a version every build installs whatever the repository holds that day, so the
    image changes without a change to the Dockerfile and an old build cannot be reproduced.

    ## Example
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd && yum clean all
    ```

    ## Use instead
    ```dockerfile
    FROM centos:7
    RUN yum install -y httpd-2.4.6-99.el7 && yum clean all
    ```
    """

    code = "DL3033"
    name = "yum-unpinned"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not mentions(instruction, "yum"):
            return
        for word, message in unpinned_rpm_packages(instruction, ctx, "yum"):
            yield self.finding(word.span, message)
