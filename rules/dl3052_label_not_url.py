from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# An absolute URI (RFC 3986): a scheme, then only characters a URI may hold, with `%`
# starting a two-digit hexadecimal escape.
URI = lazy(r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")


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
            for key, value, _, span in ctx.key_values(instruction)
            if value is not None and schema.get(key) == "url" and not URI.fullmatch(value)
        ]
