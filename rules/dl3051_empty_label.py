from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, Span


class EmptyLabel(Rule):
    """A label the label schema requires is set to an empty value.

    ## What it does
    Flags `LABEL key=` and `LABEL key=""` for keys listed in the `label-schema` option. A
    value from a variable whose value is not visible is not flagged.

    ## Why is this bad?
    A required label that is present but empty passes a check for the key and still leaves
    the image without the information: who owns it, where its source is, which version it is.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors=""
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.authors="platform-team@example.com"
    ```

    ## Options
    `label-schema`: a table of label name to type; only labels named there are checked.
    """

    code = "DL3051"
    name = "empty-label"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if not schema:
            return []
        return [
            self.finding(span, f"label {key} is empty: give it a value")
            for key, value, _, span in _labels(instruction, ctx)
            if key in schema and value == ""
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
