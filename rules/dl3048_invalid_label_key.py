from dockerfile_dlint.api import Context, Edit, Finding, Fix, Instruction, Level, Rule, Span, lazy

KEY_CHARS = lazy(r"[a-z0-9._/-]*")
RESERVED_PREFIXES = ("com.docker.", "io.docker.", "org.dockerproject.")


class InvalidLabelKey(Rule):
    """LABEL uses a key outside Docker's recommended key format.

    ## What it does
    Flags label keys that do not follow Docker's guidelines: a key starts with a lower-case
    letter, ends with a lower-case letter or digit, uses only lower-case letters, digits,
    `.`, `-`, `_` and `/`, has no `..` or `--`, and stays out of the namespaces Docker
    reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`). A key built from a variable
    whose value is not visible is not flagged.

    ## Why is this bad?
    Tools that read labels (registries, scanners, orchestrators) match keys exactly, and the
    convention is lower-case reverse-DNS: `Maintainer` and `maintainer` are two different
    labels, and keys in Docker's own namespaces may clash with labels Docker sets itself.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    LABEL Version=1.2 com.docker.team=web
    ```

    ## Use instead
    ```dockerfile
    FROM alpine:3.20
    LABEL org.opencontainers.image.version=1.2 com.example.team=web
    ```

    ## Fix
    Only one repair is unambiguous: a key whose sole problem is upper-case letters is written
    in lower case (`Version` becomes `version`), unless another label of the file already has
    that name. It is an unsafe fix, because whatever reads the label by its old name (a
    script, `docker inspect`, a registry's policy) no longer finds it. Keys with other
    problems need a name chosen by you, and get no fix.
    """

    code = "DL3048"
    name = "invalid-label-key"
    level = Level.STYLE
    instructions = frozenset({"LABEL"})
    onbuild = False
    fixable = "unsafe"

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        findings = []
        for key, _, key_span, _ in ctx.key_values(instruction):
            problem = None if key is None else _key_problem(key)
            if key is None or not problem:
                continue
            findings.append(
                self.finding(
                    key_span,
                    f"label key {key!r} {problem}: use a lower-case reverse-DNS key",
                    _lower_case(key, key_span, ctx),
                )
            )
        return findings


def _lower_case(key: str, span: Span, ctx: Context) -> Fix | None:
    """The key in lower case, when that is a valid key no other label of the file uses."""
    lowered = key.lower()
    if lowered == key or _key_problem(lowered) is not None or span.line != span.end_line:
        return None
    written = ctx.dockerfile.source.line_text(span.line)[span.column - 1 : span.end_column - 1]
    if written.replace('"', "").replace("'", "") != key:
        return None  # variables or escapes: the key is not written as it reads
    for instruction in ctx.instructions:
        label = instruction.effective
        if label.keyword == "LABEL" and any(pair.key == lowered for pair in ctx.key_values(label)):
            return None
    return Fix((Edit(span, written.lower()),), safe=False, title=f"rename the label to {lowered}")


def _key_problem(key: str) -> str | None:
    if not key[:1].isascii() or not key[:1].islower():
        return "does not start with a lower-case letter"
    if not KEY_CHARS.fullmatch(key):
        return "has characters other than a-z, 0-9, '.', '-', '_' and '/'"
    if not (key[-1].islower() or key[-1].isdigit()):
        return "does not end with a letter or digit"
    if ".." in key or "--" in key:
        return "has consecutive separators"
    if key.startswith(RESERVED_PREFIXES):
        return "is in a namespace Docker reserves"
    return None
