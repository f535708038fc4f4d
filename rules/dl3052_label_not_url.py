import re

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span

# An absolute URI (RFC 3986): a scheme, then only characters a URI may hold, with `%`
# starting a two-digit hexadecimal escape.
URI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*"
)


class LabelNotUrl(Rule):
    """A label the label schema types as `url` does not hold a URL.

    ## What it does
    Flags values of labels typed `url` in the `label-schema` option that are not an absolute
    URL: a scheme such as `https:` followed only by characters a URL may contain (spaces and
    other characters must be %-escaped). A value from a variable whose value is not visible
    is not flagged.

    ## Why is this bad?
    Registries and dashboards turn these labels into links to the source, the documentation
    or the vendor. A bare host name or a path is not a link they can follow.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.source=github.com/example/app
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.source=https://github.com/example/app
    ```

    ## Options
    `label-schema`: a table of label name to type; labels of type `url` are checked.
    """

    code = "DL3052"
    name = "label-not-url"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if "url" not in schema.values():
            return []
        return [
            self.finding(
                span, f"label {key} is not a valid URL ({value!r}): write a full URL, https://…"
            )
            for key, value, _, span in _labels(instruction, ctx)
            if value is not None and schema.get(key) == "url" and not URI.fullmatch(value)
        ]


def _labels(
    instruction: Instruction, ctx: Context
) -> list[tuple[str | None, str | None, Span, Span]]:
    """Each label as Docker reads it: key, value (None where a variable's value is not
    visible), the span of the key and that of the whole ``key=value`` word."""
    arguments = instruction.arguments
    if not arguments:
        return []
    first = arguments[0]
    raw_pairs: list[tuple[str, str, Span]] = []
    if "=" not in first.value:
        rest = instruction.text.text[len(first.value) :].strip()
        raw_pairs.append((first.value, rest, first.span))
    else:
        for argument in arguments:
            raw_key, _, raw_value = argument.value.partition("=")
            raw_pairs.append((raw_key, raw_value, argument.span))
    labels = []
    for raw_key, raw_value, span in raw_pairs:
        key = ctx.expand(instruction, raw_key)
        value = ctx.expand(instruction, raw_value)
        key_span = Span(span.line, span.column, span.line, span.column + len(raw_key))
        labels.append(
            (
                key.value if key.complete else None,
                value.value if value.complete else None,
                key_span,
                span,
            )
        )
    return labels
