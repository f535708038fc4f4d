import fnmatch
import posixpath
from collections.abc import Sequence

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Word,
    lazy,
)
from dockerfile_dlint.knowledge.package_managers import invocation
from dockerfile_dlint.knowledge.verification import (
    SIGNATURE,
    TOOLS,
    copied_writes,
    downloaded_files,
    insecure_writes,
    mentions,
    run_writes,
    switches_used,
    tool_words,
    unique_commands,
    verifies,
)

# What a RUN (lowercased) must contain to be worth reading.
HINTS = lazy(
    r"allow-unauthenticated|force-yes|allow-insecure|allowunauthenticated|allowinsecure"
    r"|allowdowngradetoinsecure|allow-untrusted|gpgcheck|no-gpg-checks|nosignature|nodigest"
    r"|trusted|allow-weak|zypper"
)
CONFIG_DIRECTORIES = ("/etc/apt", "/etc/yum", "/etc/dnf", "/etc/zypp", "/etc/distro.repos.d")
PACKAGE_FILES = (".rpm", ".apk", ".deb")


class UnsignedPackagesAllowed(Rule):
    """A package manager is told to install packages without checking their signatures.

    ## What it does
    Flags package installs that skip signature checks: `apt-get`/`apt`/`aptitude` with
    `--allow-unauthenticated`, `--force-yes` (deprecated, and it implies the former),
    `--allow-insecure-repositories` or `-o APT::Get::AllowUnauthenticated=true` (and
    `Acquire::AllowInsecureRepositories`); `apk --allow-untrusted`; `yum`/`dnf`/`microdnf`
    with `--nogpgcheck` or `--setopt=gpgcheck=0`; `zypper --no-gpg-checks` and `zypper
    addrepo -G`; `rpm -i --nosignature`/`--nodigest`. Also the same settings written in a RUN
    or copied in: `[trusted=yes]` in an apt source, `AllowUnauthenticated "true"` under
    `/etc/apt/apt.conf.d/`, `gpgcheck=0` in a `.repo` file, `yum.conf` or `dnf.conf` (a
    `sed -i` that writes it counts too).

    Not flagged: repositories on the image's own disk (`deb [trusted=yes] file:/…`,
    `baseurl=file://…`), and packages installed from local files (`apk add --allow-untrusted
    /tmp/x.apk`) unless the same RUN downloads them without checking a checksum: those are
    files the build made or copied in, and their signature is not what protects them. Nor
    are these options on commands that fetch nothing (`apt-get clean --force-yes`).

    ## Why is this bad?
    Distribution packages are usually fetched over plain HTTP from mirrors; their signatures
    are the only thing that proves they are the distribution's. With the check off, a
    tampered mirror, proxy or network can hand the build any package it likes, and it runs as
    root while it is installed.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update \\
     && apt-get install -y --allow-unauthenticated ca-certificates curl
    ```

    ## Use instead
    Import the repository's signing key, and let the package manager check every package:
    ```dockerfile
    FROM debian:12-slim
    RUN apt-get update \\
     && apt-get install -y ca-certificates curl
    ```
    """

    code = "DS003"
    name = "unsigned-packages-allowed"
    level = Level.ERROR
    instructions = frozenset({"RUN", "COPY", "ADD"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword != "RUN":
            if not instruction.arguments or not instruction.arguments[-1].value.startswith(
                CONFIG_DIRECTORIES
            ):
                return []
            return [
                self.finding(found.span, found.message)
                for found in insecure_writes(copied_writes(instruction, ctx), SIGNATURE)
            ]
        if not mentions(instruction, HINTS):
            return []
        commands = unique_commands(ctx.run_commands(instruction))
        checked = any(verifies(command) for command in commands)
        downloads = [] if checked else downloaded_files(commands)
        findings = []
        for command in commands:
            read = tool_words(command)
            if read is None:
                continue
            tool, words = read
            entry = TOOLS.get(tool)
            if entry is None or entry.category != SIGNATURE:
                continue
            packages = _package_files(tool, command, words)
            local = bool(packages) and all(_local_file(package) for package in packages)
            if local and not any(_downloaded(package, downloads) for package in packages):
                continue
            for use in switches_used(words, entry):
                message = f"{tool} {use.given} {use.switch.effect}"
                if local:
                    message += " (the package files are downloaded in this RUN)"
                findings.append(self.finding(use.span, f"{message}: {use.switch.fix}"))

        def expand(text: str) -> str:
            return ctx.expand(instruction, text).partial

        writes = run_writes(commands, ctx.shell(instruction))
        for found in insecure_writes(writes, SIGNATURE, expand):
            findings.append(self.finding(found.span, found.message))
        return findings


def _package_files(tool: str, command: SimpleCommand, words: Sequence[Word]) -> list[str]:
    """What the command installs: package names, files or URLs."""
    if tool == "rpm":
        return [w.value for w in words[1:] if not w.value.startswith("-")]
    read = invocation(command)
    return [w.value for w in read.arguments] if read is not None else []


def _local_file(value: str) -> bool:
    if "://" in value:
        return False
    return (
        value.startswith(("/", "./", "../", "~", "$(", "`"))
        or value.endswith(PACKAGE_FILES)
        or "*" in value
    )


def _downloaded(package: str, downloads: Sequence[str]) -> bool:
    """Whether a local package file is one that a curl or wget of the RUN saved."""
    name = posixpath.basename(package)
    return any(fnmatch.fnmatchcase(download, name) for download in downloads)
