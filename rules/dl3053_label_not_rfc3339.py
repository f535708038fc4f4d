from datetime import date

from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# RFC 3339 date-time: full date, `T` (or `t`, or a space), time with optional fraction,
# then `Z` or a numeric offset.
TIMESTAMP = lazy(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))"
)


class LabelNotRfc3339(Rule):
    """A label the label schema types as `rfc3339` does not hold an RFC 3339 timestamp.

    ## What it does
    Flags values of labels typed `rfc3339` in the `label-schema` option that are not a full
    RFC 3339 date and time with a time zone, such as `2024-05-01T12:30:00Z` or
    `2024-05-01T14:30:00+02:00`. A value from a variable whose value is not visible (the
    usual `--build-arg BUILD_DATE=…`) is not flagged.

    ## Why is this bad?
    Tools sort and compare build dates from labels such as
    `org.opencontainers.image.created`; a date without time or zone, or in a local format,
    cannot be compared reliably and is often read as missing.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.created="2024-05-01 12:30"
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    ```

    ## Options
    `label-schema`: a table of label name to type; labels of type `rfc3339` are checked.
    """

    code = "DL3053"
    name = "label-not-rfc3339"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if "rfc3339" not in schema.values():
            return []
        return [
            self.finding(
                span,
                f"label {key} is not an RFC 3339 timestamp ({value!r}): write it as "
                "2024-05-01T12:30:00Z",
            )
            for key, value, _, span in ctx.key_values(instruction)
            if value is not None and schema.get(key) == "rfc3339" and not is_rfc3339(value)
        ]


def is_rfc3339(value: str) -> bool:
    match = TIMESTAMP.fullmatch(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        date(year, month, day)
    except ValueError:
        return False
    offset_hour, offset_minute = match.group(9), match.group(10)
    if offset_hour is not None and (int(offset_hour) > 23 or int(offset_minute) > 59):
        return False
    return hour <= 23 and minute <= 59 and second <= 60
