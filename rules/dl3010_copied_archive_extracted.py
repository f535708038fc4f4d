from __future__ import annotations

import re
from collections.abc import Iterator

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    NamedTuple,
    Rule,
    Span,
    Stage,
    lazy,
)

# Names of the tar archives ADD unpacks by itself (plain, gzip, bzip2, xz or zstd compressed).
TAR_ARCHIVE = lazy(r".+\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz|tbz2|tb2|txz|tzst)", re.IGNORECASE)
DECOMPRESSORS = frozenset({"gunzip", "bunzip2", "unxz", "zcat", "gzcat", "unzstd", "zstdcat"})
OLD_STYLE_OPTIONS = lazy(r"[A-Za-z]+")


class _Copied(NamedTuple):
    name: str
    span: Span


class CopiedArchiveExtracted(Rule):
    """A tar archive is copied into the image and then extracted by RUN.

    ## What it does
    Flags a local tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz` …) that `COPY`
    puts into the image when a later `RUN` of the same stage extracts it with `tar -x` or
    decompresses it with `gunzip`, `zcat` and the like. Archives copied from another stage or
    image (`COPY --from`) are not flagged: `ADD --from` does not unpack.

    ## Why is this bad?
    The copied archive stays in the `COPY` layer even when the `RUN` deletes it afterwards,
    so the image carries it twice: packed and unpacked. `ADD` unpacks a local tar archive
    in one step and one layer.

    ## Example
    ```dockerfile
    FROM debian:12
    COPY vendor/app-1.4.tar.gz /tmp/
    RUN tar -xzf /tmp/app-1.4.tar.gz -C /opt && rm /tmp/app-1.4.tar.gz
    ```

    ## Use instead
    ```dockerfile
    FROM debian:12
    ADD vendor/app-1.4.tar.gz /opt/
    ```
    """

    code = "DL3010"
    name = "copied-archive-extracted"
    level = Level.INFO
    instructions = frozenset({"COPY", "RUN"})
    onbuild = False

    def __init__(self) -> None:
        self._stage: Stage | None = None
        self._copied: list[_Copied] = []
        self._reported: set[Span] = set()

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        stage = ctx.stage(instruction)
        if stage is not self._stage:
            self._stage = stage
            self._copied = []
        if instruction.keyword == "COPY":
            self._remember(instruction)
            return
        if not self._copied:
            return
        extracted = _extracted_names(instruction, ctx)
        for copied in self._copied:
            if copied.name in extracted and copied.span not in self._reported:
                self._reported.add(copied.span)
                yield self.finding(
                    copied.span,
                    f"{copied.name} is copied, then extracted on line {instruction.line}: "
                    "ADD unpacks a local tar archive in one layer, without keeping a copy",
                )

    def _remember(self, instruction: Instruction) -> None:
        if instruction.flag("from") is not None or len(instruction.arguments) < 2:
            return
        *sources, target = instruction.arguments
        if TAR_ARCHIVE.fullmatch(_basename(target.value)):
            self._copied.append(_Copied(_basename(target.value), sources[0].span))
            return
        for source in sources:
            name = _basename(source.value)
            if TAR_ARCHIVE.fullmatch(name):
                self._copied.append(_Copied(name, source.span))


def _extracted_names(instruction: Instruction, ctx: Context) -> set[str]:
    """Base names of the files a RUN extracts with tar or decompresses."""
    names: set[str] = set()
    for argv in _commands(instruction, ctx):
        if not argv:
            continue
        program = argv[0].rsplit("/", 1)[-1]
        arguments = argv[1:]
        if program == "tar" and not _tar_extracts(arguments):
            continue
        if program != "tar" and program not in DECOMPRESSORS:
            continue
        names.update(_basename(value) for value in arguments if not value.startswith("-"))
    return names


def _tar_extracts(arguments: list[str]) -> bool:
    """`tar -x…`, `tar --extract`/`--get`, or old-style `tar xzf`."""
    if arguments and OLD_STYLE_OPTIONS.fullmatch(arguments[0]) and "x" in arguments[0]:
        return True
    for value in arguments:
        if value in ("--extract", "--get"):
            return True
        if value.startswith("-") and not value.startswith("--") and "x" in value:
            return True
    return False


def _commands(instruction: Instruction, ctx: Context) -> list[list[str]]:
    """Each command's words: the parsed shell of the RUN, or else the exec-form array."""
    script = ctx.shell(instruction)
    if script is not None:
        return [[word.value for word in command.words] for command in script.commands]
    if instruction.json:
        return [[argument.value for argument in instruction.arguments]]
    return []


def _basename(path: str) -> str:
    return path.strip("\"'").rsplit("/", 1)[-1]
