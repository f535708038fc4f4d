from collections.abc import Iterator

from dockerfile_dlint.api import (
    Argument,
    BuildContext,
    Context,
    Edit,
    Finding,
    Fix,
    Instruction,
    Level,
    Rule,
    lazy,
)

# Local files ADD unpacks (tar, possibly compressed) or that hadolint treats as archives.
ARCHIVE_SUFFIXES = (
    *(".tar", ".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma", ".z"),
    *(".tgz", ".tbz", ".tbz2", ".tb2", ".tlz", ".tpz", ".txz", ".tz", ".tzst"),
)
REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
# Flags COPY reads as ADD does; an ADD with any other (--checksum, --keep-git-dir, --unpack)
# relies on what only ADD does.
SHARED_FLAGS = frozenset({"chown", "chmod", "link", "exclude"})
GLOB = lazy(r"[*?\[]")


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

    ## Fix
    The keyword becomes `COPY` (`copy` when written in lower case), when every source of the
    `ADD` is a plain local one and it has no flag that only `ADD` knows (`--checksum`,
    `--keep-git-dir`). Docker decides whether to unpack a local file by its content, not its
    name, so the fix is safe only when dlint can see that no source is a tar archive: each is
    written without variables or wildcards and is, in the build context, a directory or a
    text file. Otherwise (a source named by a build argument, which `--build-arg` can change;
    a wildcard; a binary or large file; no build context) it is an unsafe fix.
    """

    code = "DL3020"
    name = "add-instead-of-copy"
    level = Level.ERROR
    instructions = frozenset({"ADD"})
    onbuild = False
    fixable = "safe"

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        arguments = instruction.arguments
        if len(arguments) < 2:
            return
        plain: list[tuple[Argument, str]] = []
        all_plain = True
        for source in arguments[:-1]:
            raw = source.value
            if instruction.heredocs and raw.startswith("<<"):
                continue
            value = raw
            if not instruction.json or "$" in raw:
                expansion = ctx.expand(instruction, raw)
                if not expansion.complete:
                    all_plain = False
                    continue
                value = expansion.value
            if value.startswith(REMOTE_PREFIXES) or value.lower().endswith(ARCHIVE_SUFFIXES):
                all_plain = False
                continue
            plain.append((source, value))
        fix = _fix(instruction, ctx, plain) if all_plain else None
        for source, value in plain:
            yield self.finding(
                source.span,
                f"ADD of the local file {value}: use COPY, which only copies "
                "(ADD is for URLs and tar archives to unpack)",
                fix,
            )


def _fix(instruction: Instruction, ctx: Context, plain: list[tuple[Argument, str]]) -> Fix | None:
    """ADD to COPY, safe when every source is known not to be an archive."""
    if any(flag.name not in SHARED_FLAGS for flag in instruction.flags):
        return None
    span = instruction.keyword_span
    written = ctx.dockerfile.source.line_text(span.line)[span.column - 1 : span.end_column - 1]
    if span.line != span.end_line or written != instruction.keyword_text:
        return None
    keyword = "copy" if written.islower() else "COPY" if written.isupper() else "Copy"
    safe = all(
        "$" not in source.value
        and not GLOB.search(value)
        and _not_archive(ctx.build_context, value)
        for source, value in plain
    )
    title = "use COPY" if safe else "use COPY (unchecked: a source may be a tar archive)"
    return Fix((Edit(span, keyword),), safe=safe, title=title)


def _not_archive(context: BuildContext | None, path: str) -> bool:
    """Whether the build context shows ``path`` is a directory or a text file, neither of
    which ADD unpacks. A tar header holds NUL bytes and compressed data is not valid UTF-8,
    except bzip2's ASCII magic, checked on its own."""
    if context is None or not context.exists(path):
        return False
    if not context.is_file(path):
        return True
    text = context.read_text(path)
    if text is None:
        return False
    return "\ufffd" not in text and "\0" not in text and not text.startswith("BZh")
