import posixpath

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule


class CopyEntireFilesystem(Rule):
    """COPY --from copies the whole filesystem of another stage or image onto /.

    ## What it does
    Flags `COPY --from=… / /`: a source that is the root directory (also written `/.` or
    `//`) copied onto the root of this stage.

    ## Why is this bad?
    Copying every file of another image over this one merges two operating systems: the
    package database, `/etc/passwd`, shared libraries and their versions of one image silently
    replace those of the other. The result is hard to reason about and to keep secure, and
    it is usually a base image in disguise.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    COPY --from=docker:27-cli / /
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    COPY --from=docker:27-cli /usr/local/bin/docker /usr/local/bin/docker
    ```
    """

    code = "DL3067"
    name = "copy-entire-filesystem"
    level = Level.WARNING
    instructions = frozenset({"COPY"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        arguments = instruction.arguments
        if instruction.flag("from") is None or len(arguments) < 2:
            return []
        *sources, target = arguments
        if not _is_root(target.value):
            return []
        for source in sources:
            if _is_root(source.value):
                return [
                    self.finding(
                        source.span,
                        "COPY --from copies the whole filesystem onto /: copy only the "
                        "directories or files this image needs",
                    )
                ]
        return []


def _is_root(path: str) -> bool:
    path = path.strip("\"'")
    return path.startswith("/") and posixpath.normpath(path).strip("/") == ""
