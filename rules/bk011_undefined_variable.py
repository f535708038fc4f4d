from collections.abc import Iterator

from dockerfile_dlint.api import Context, Finding, Instruction, Level, MappedText, Rule, Span
from dockerfile_dlint.knowledge.buildkit import NON_ENV_ARGS, variable_uses

# Instructions whose whole argument text Docker expands (ENV and LABEL: keys and values).
EXPANDED_TEXT = frozenset(
    {"ENV", "LABEL", "COPY", "ADD", "WORKDIR", "USER", "VOLUME", "STOPSIGNAL"}
)
EXPANDED_FLAGS = {
    "COPY": ("chown", "chmod"),
    "ADD": ("chown", "chmod", "checksum"),
    "RUN": ("mount",),
}


class UndefinedVariable(Rule):
    """An instruction uses a variable that is not defined at that point.

    BuildKit's `UndefinedVar` check.

    ## What it does
    Flags `$NAME` and `${NAME}` in the instructions Docker expands itself (`ENV`, `LABEL`,
    `ARG` defaults, `COPY`/`ADD` paths, flags and here-documents, `WORKDIR`, `USER`,
    `VOLUME`, `STOPSIGNAL`, `RUN --mount` options) when no `ENV` or `ARG` of the stage (or of
    a stage it is built `FROM`) defines `NAME` before it. `PATH` is always defined. As in
    BuildKit, a reference with a default (`${NAME:-x}`) is flagged too: the default is used
    only because the variable is undefined. References in the shell commands of `RUN`, `CMD`
    and `ENTRYPOINT` are not checked: the shell expands those.

    dlint does not pull the base image, so a variable that only the base image sets with its
    own `ENV` (`$PYTHON_VERSION` after `FROM python:3.12`) is flagged, where
    `docker build --check`, which reads the image's configuration, stays silent.

    ## Why is this bad?
    An undefined variable expands to nothing, silently: `COPY $SRC /app` copies the whole
    context, `WORKDIR /srv/$APP` is `/srv/`. The usual cause is an `ARG` declared before the
    first `FROM`, which is visible to `FROM` only, or a typo.

    ## Example
    ```dockerfile
    ARG VERSION=1.4
    FROM alpine:3.20
    LABEL org.opencontainers.image.version=$VERSION
    ```

    ## Use instead
    ```dockerfile
    ARG VERSION=1.4
    FROM alpine:3.20
    ARG VERSION
    LABEL org.opencontainers.image.version=$VERSION
    ```
    """

    code = "BK011"
    name = "undefined-variable"
    aliases = ("UndefinedVar",)
    level = Level.WARNING

    def finish(self, ctx: Context) -> list[Finding]:
        escape = ctx.dockerfile.escape
        final: dict[int, set[str]] = {}
        findings = []
        for stage in ctx.stages:
            parent = stage.parent
            defined = set(final[parent.index]) if parent is not None else {"PATH"}
            for instruction in stage.instructions:
                reported: set[str] = set()
                for name, span in _uses(instruction, escape):
                    if name in defined or name in NON_ENV_ARGS or name in reported:
                        continue
                    reported.add(name)
                    findings.append(self.finding(span, _message(name, defined, ctx)))
                defined.update(_defines(instruction))
            final[stage.index] = defined
        return findings


def _uses(instruction: Instruction, escape: str) -> Iterator[tuple[str, Span]]:
    """(name, span) of the variable references Docker expands in ``instruction``."""
    keyword = instruction.keyword
    if keyword == "ARG":
        declared: set[str] = set()
        for argument in instruction.arguments:
            name, equals, default = argument.value.partition("=")
            if equals:
                offset = len(name) + 1
                for use in variable_uses(default, escape):
                    if use.name not in declared:
                        span = _within(argument.span, offset + use.start, offset + use.end)
                        yield use.name, span
            declared.add(name)
        return
    for flag_name in EXPANDED_FLAGS.get(keyword, ()):
        for flag in instruction.flags:
            if flag.name == flag_name and flag.value:
                offset = len(flag.name) + 3
                flag_escape = "\\" if keyword == "RUN" else escape
                for use in variable_uses(flag.value, flag_escape):
                    yield use.name, _within(flag.span, offset + use.start, offset + use.end)
    if keyword not in EXPANDED_TEXT:
        return
    yield from _text_uses(instruction.text, escape)
    if keyword in ("COPY", "ADD"):
        for heredoc in instruction.heredocs:
            if not heredoc.quoted:
                yield from _text_uses(heredoc.body, escape)


def _text_uses(text: MappedText, escape: str) -> Iterator[tuple[str, Span]]:
    for use in variable_uses(text.text, escape):
        yield use.name, text.span(use.start, use.end)


def _defines(instruction: Instruction) -> set[str]:
    """The names ``instruction`` defines for the instructions after it."""
    arguments = instruction.arguments
    if instruction.keyword == "ARG":
        return {argument.value.partition("=")[0] for argument in arguments}
    if instruction.keyword != "ENV" or not arguments:
        return set()
    if "=" not in arguments[0].value:
        return {_unquoted(arguments[0].value)}
    return {_unquoted(argument.value.partition("=")[0]) for argument in arguments}


def _unquoted(word: str) -> str:
    return word.replace('"', "").replace("'", "")


def _within(span: Span, start: int, end: int) -> Span:
    if span.line != span.end_line:
        return span
    return Span(span.line, span.column + start, span.line, span.column + end)


def _message(name: str, defined: set[str], ctx: Context) -> str:
    if name in ctx.global_args:
        return (
            f"${name} is declared before the first FROM, which makes it visible to FROM "
            f"only: add ARG {name} in this stage before using it"
        )
    message = (
        f"${name} is not defined here and expands to nothing: define it with ARG or ENV "
        "earlier in this stage"
    )
    import difflib  # only for a misspelt name: not on the path of a valid file

    close = difflib.get_close_matches(name, sorted(defined), n=1, cutoff=0.8)
    if close:
        message += f" (did you mean ${close[0]}?)"
    return message
