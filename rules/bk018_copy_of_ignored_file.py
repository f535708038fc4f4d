from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule
from dockerfile_dlint.knowledge.dockerignore import DockerIgnore, find_dockerignore

REMOTE_PREFIXES = ("http://", "https://", "git@", "git://")


class CopyOfIgnoredFile(Rule):
    """COPY or ADD names a file that `.dockerignore` leaves out of the build context.

    BuildKit's `CopyIgnoredFile` check, experimental in BuildKit and so off by default: turn
    it on with `# check=experimental=CopyIgnoredFile` or by selecting BK018.

    ## What it does
    Reads the ignore file that applies to the build (`<Dockerfile name>.dockerignore` beside
    the Dockerfile, else `.dockerignore` at the root of the build context) and flags a source
    of `COPY` or `ADD` (not `COPY --from`, not a URL) that it excludes, itself or through a
    parent directory, with Docker's matching rules (`*`, `**`, `!` exceptions). Sources are
    matched as written, so `./tmp/x` and `tmp/x` can differ, as they do for BuildKit.

    ## Why is this bad?
    Excluded files are never sent to the builder: the instruction fails with "not found", or,
    with a wildcard, silently copies less than intended.

    ## Example
    ```dockerfile
    # .dockerignore contains: config/*.local
    COPY config/app.local /etc/app/
    ```

    ## Use instead
    ```dockerfile
    # .dockerignore contains: config/*.local and !config/app.local
    COPY config/app.local /etc/app/
    ```
    """

    code = "BK018"
    name = "copy-of-ignored-file"
    aliases = ("CopyIgnoredFile",)
    level = Level.WARNING
    instructions = frozenset({"COPY", "ADD"})
    enabled_by_default = False
    onbuild = False
    experimental = True

    def __init__(self) -> None:
        self._ignore: DockerIgnore | None = None
        self._loaded = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword == "COPY" and instruction.flag("from") is not None:
            return []
        ignore = self._dockerignore(ctx)
        if ignore is None or len(instruction.arguments) < 2:
            return []
        findings = []
        for source in instruction.arguments[:-1]:
            if source.value.startswith("<<") or source.value.startswith(REMOTE_PREFIXES):
                continue
            expansion = ctx.expand(instruction, source.value)
            if not expansion.complete or not ignore.excludes(expansion.value):
                continue
            message = (
                f"{expansion.value} is excluded by {ignore.source}, so the builder never "
                f"receives it: {instruction.keyword} fails or copies less; add an exception "
                f"(!{expansion.value.removeprefix('./')}) or copy something else"
            )
            findings.append(self.finding(source.span, message))
        return findings

    def _dockerignore(self, ctx: Context) -> DockerIgnore | None:
        if not self._loaded:
            self._ignore = find_dockerignore(ctx.path, ctx.build_context)
            self._loaded = True
        return self._ignore
