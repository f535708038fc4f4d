from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule

# Local files ADD unpacks (tar, possibly compressed) or that hadolint treats as archives.
ARCHIVE_SUFFIXES = (
    *(".tar", ".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".z"),
    *(".tgz", ".tbz", ".tbz2", ".tb2", ".tlz", ".tpz", ".txz", ".tz", ".tzst"),
)
REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")


class AddInsteadOfCopy(Rule):
    """ADD copies a plain local file or directory.

    ## What it does
    Flags the sources of `ADD` that are neither a URL, a Git repository nor a local archive:
    for those `ADD` does nothing more than `COPY`. A source built from a build argument or
    environment variable whose value is not visible is not flagged.

    ## Why is this bad?
    `ADD` has side effects `COPY` has not: it downloads URLs and unpacks local tar archives.
    Using it for plain files hides which of these behaviours a line relies on, and a file
    that later turns into a `.tar` would be unpacked by surprise. `COPY` says exactly what
    happens.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ADD requirements.txt /app/
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    COPY requirements.txt /app/
    ```
    """

    code = "DL3020"
    name = "add-instead-of-copy"
    level = Level.ERROR
    instructions = frozenset({"ADD"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        arguments = instruction.arguments
        if len(arguments) < 2:
            return
        for source in arguments[:-1]:
            raw = source.value
            if instruction.heredocs and raw.startswith("<<"):
                continue
            value = raw
            if not instruction.json or "$" in raw:
                expansion = ctx.expand(instruction, raw)
                if not expansion.complete:
                    continue
                value = expansion.value
            if value.startswith(REMOTE_PREFIXES) or value.lower().endswith(ARCHIVE_SUFFIXES):
                continue
            yield self.finding(
                source.span,
                f"ADD of the local file {value}: use COPY, which only copies "
                "(ADD is for URLs and tar archives to unpack)",
            )
