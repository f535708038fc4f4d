from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span, lazy

# Build flags of `go install/get/run` that take the next word as their value (unless written
# as `-flag=value`): that word is not a package.
VALUE_FLAGS = frozenset(
    {
        *("asmflags", "buildmode", "compiler", "coverpkg", "covermode", "exec", "gccgoflags"),
        *("gcflags", "installsuffix", "ldflags", "mod", "modfile", "o", "overlay", "p", "pgo"),
        *("pkgdir", "tags", "toolexec", "C"),
    }
)
GO_WORD = lazy(r"\bgo\b")
INSTALLERS = frozenset({"install", "get"})
# Package patterns that name sets of local or standard packages, not modules to download.
META_PACKAGES = frozenset({"all", "std", "cmd", "tool"})
UNPINNED_VERSIONS = ("@latest",)


class UnpinnedGoPackage(Rule):
    """`go install`, `go get` or `go run` fetches a module without a version.

    ## What it does
    Flags a package argument of `go install`, `go get` and `go run` that has no `@version`
    suffix, or has `@latest`. Local packages (`.`, `./cmd/app`, `/src/tool`) and `.go` files
    are part of the build context, not downloads, and are never flagged; neither are the
    patterns `all`, `std`, `cmd` and `tool`, nor the values of flags such as `-tags foo` or
    `-ldflags "-s -w"`. For `go run` only the package
    is judged: the words after it are the program's own arguments.

    ## Why is this bad?
    Without a version Go resolves the newest release at build time, so two builds of the same
    Dockerfile install different code, and an upstream release can break the image (or slip
    malicious code into it) without any change on your side.

    ## Example
    ```dockerfile
    FROM golang:1.23
    RUN go install github.com/go-delve/delve/cmd/dlv
    RUN go install golang.org/x/tools/gopls@latest
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.23
    RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1
    RUN go install golang.org/x/tools/gopls@v0.16.2
    ```
    """

    code = "DL3062"
    name = "unpinned-go-package"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> Iterator[Finding]:
        if not GO_WORD.search(instruction.text.text):
            return
        for argv in _commands(instruction, ctx):
            for package, span in _packages(argv):
                if _pinned(package):
                    continue
                shown = package.partition("@")[0]
                yield self.finding(
                    span,
                    f"go fetches {package} without a fixed version: pin it as {shown}@<version>",
                )


def _commands(instruction: Instruction, ctx: Context) -> list[list[tuple[str, Span]]]:
    """Each command's words (value and span): the parsed shell of the RUN (also of an exec
    form ``["sh", "-c", "…"]``), or else the exec-form array itself."""
    script = ctx.shell(instruction)
    if script is not None:
        return [[(word.value, word.span) for word in command.words] for command in script.commands]
    if instruction.json:
        return [[(argument.value, argument.span) for argument in instruction.arguments]]
    return []


def _packages(argv: list[tuple[str, Span]]) -> Iterator[tuple[str, Span]]:
    """The packages a `go install/get/run` command fetches."""
    if not argv or argv[0][0].rsplit("/", 1)[-1] != "go":
        return
    operands = _operands(argv[1:])
    if not operands:
        return
    subcommand = operands[0][0]
    if subcommand in INSTALLERS:
        yield from operands[1:]
    elif subcommand == "run" and len(operands) > 1:
        yield operands[1]


def _operands(words: list[tuple[str, Span]]) -> list[tuple[str, Span]]:
    """The words that are not flags nor flag values, up to the first one after `run`."""
    operands = []
    skip = False
    for value, span in words:
        if skip:
            skip = False
            continue
        if value.startswith("-") and len(value) > 1:
            name, equals, _ = value.lstrip("-").partition("=")
            skip = not equals and name in VALUE_FLAGS
            continue
        operands.append((value, span))
        if len(operands) == 2 and operands[0][0] == "run":
            break
    return operands


def _pinned(package: str) -> bool:
    if package.startswith((".", "/")) or package.endswith(".go") or package in META_PACKAGES:
        return True
    if "@" not in package:
        return False
    return not package.endswith(UNPINNED_VERSIONS)
