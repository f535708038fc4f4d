from dockerfile_dlint.api import Context, Finding, Instruction, Level, Rule, lazy

# An RFC 5322 address (addr-spec): a dot-atom or quoted local part, `@`, then a domain of
# dot-separated labels (letters, digits, inner hyphens) or an address literal in brackets.
ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
LOCAL_PART = rf'(?:{ATOM}(?:\.{ATOM})*|"(?:[^"\\\r\n]|\\.)*")'
DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
DOMAIN = rf"(?:{DOMAIN_LABEL}(?:\.{DOMAIN_LABEL})*\.?|\[[^\[\]\\\s]*\])"
EMAIL = lazy(rf"{LOCAL_PART}@{DOMAIN}")


class LabelNotEmail(Rule):
    """A label the label schema types as `email` does not hold an email address.

    ## What it does
    Flags values of labels typed `email` in the `label-schema` option that are not a bare
    RFC 5322 address such as `team@example.com`. A display name around it
    (`Team <team@example.com>`) is flagged too. A value from a variable whose value is not
    visible is not flagged.

    ## Why is this bad?
    Contact labels are read by tools that send security notices or page owners; an address
    they cannot parse means the message never arrives.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL com.example.contact="platform team"
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL com.example.contact=platform-team@example.com
    ```

    ## Options
    `label-schema`: a table of label name to type; labels of type `email` are checked.
    """

    code = "DL3058"
    name = "label-not-email"
    level = Level.WARNING
    instructions = frozenset({"LABEL"})
    onbuild = False

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        schema = ctx.options.get("label-schema") or {}
        if "email" not in schema.values():
            return []
        return [
            self.finding(
                span,
                f"label {key} is not an email address ({value!r}): write a bare address "
                "such as team@example.com",
            )
            for key, value, _, span in ctx.key_values(instruction)
            if value is not None and schema.get(key) == "email" and not EMAIL.fullmatch(value)
        ]
