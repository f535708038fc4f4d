import posixpath
from collections.abc import Sequence

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    Rule,
    SimpleCommand,
    Span,
    Word,
    lazy,
    unwrap,
)
from dockerfile_dlint.knowledge.package_repositories import setup_script_vendor
from dockerfile_dlint.knowledge.verification import (
    EVALUATORS,
    all_local,
    inline_code_words,
    interpreter,
    mentions,
    runs_standard_input,
    unique_commands,
    urls,
    writes_to_stdout,
)

# What a RUN (lowercased) must contain to be worth reading.
HINTS = lazy(r"curl|wget")
# …and one of these, to send its output to a program.
PIPES = lazy(r"\||\$\(|<\(|`")
SUBSTITUTED = ("$(…)", "`…`", "<(…)")
FIX = "download it to a file, check it against a pinned SHA-256 (sha256sum -c), then run it"


class RemoteScriptPipedToShell(Rule):
    """A script downloaded during the build runs without being checked.

    ## What it does
    Flags a shell or interpreter that runs what `curl` or `wget` downloads, straight from the
    network: `curl … | sh`, `wget -qO- … | sudo bash -s -- …`, `curl … | python3 -`,
    `curl … | php -- --install-dir=…`, `sh -c "$(curl …)"`, `bash <(curl …)`, `eval
    "$(wget -O- …)"`, also in exec-form and `sh -c` RUNs. The finding is on the interpreter.

    Not flagged: downloads from `localhost`, interpreters that run something else (`curl … |
    python3 -c "import json, sys; …"` reads the download as data), and a script downloaded to
    a file and then run (check its checksum in between). Vendor scripts that add a package
    repository (`curl https://deb.nodesource.com/setup_20.x | bash -`, `get.docker.com`) are
    DP001's, which reports them once; DS001 reports `curl -k` on top of this rule.

    ## Why is this bad?
    The build runs, usually as root, whatever the server returns at that moment: a
    compromised or hijacked server, a changed script or a truncated download (a pipe runs the
    half it got) changes the image without any change to the Dockerfile, and nothing records
    what ran. A script kept in a file can be checked against a known checksum first, and the
    same bytes run on every build.

    ## Example
    ```dockerfile
    FROM debian:12-slim
    RUN curl -fsSL https://sh.rustup.rs | sh -s -- -y
    ```

    ## Use instead
    Download the installer, check the checksum you recorded for it, then run it (or install
    a release archive whose checksum is published):
    ```dockerfile
    FROM debian:12-slim
    ARG RUSTUP_INIT_SHA256
    RUN curl -fsSL -o /tmp/rustup-init \\
          https://static.rust-lang.org/rustup/archive/1.27.1/x86_64-unknown-linux-gnu/rustup-init \\
     && echo "$RUSTUP_INIT_SHA256  /tmp/rustup-init" | sha256sum -c - \\
     && chmod +x /tmp/rustup-init && /tmp/rustup-init -y && rm /tmp/rustup-init
    ```
    """

    code = "DS004"
    name = "remote-script-piped-to-shell"
    level = Level.WARNING
    instructions = frozenset({"RUN"})

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if not mentions(instruction, HINTS) or not mentions(instruction, PIPES):
            return []
        script = ctx.shell(instruction)
        if script is None:
            return []
        found: dict[Span, Finding] = {}
        for pipeline in script.pipelines:
            for index, member in enumerate(pipeline):
                words = unwrap(member.words)
                program = posixpath.basename(words[0].value) if words else ""
                kind = interpreter(program)
                if kind is None or not runs_standard_input(words, kind):
                    continue
                for source in pipeline[:index]:
                    url = _remote_download(source)
                    if url is not None:
                        found.setdefault(words[0].span, self._finding(words[0], url))
                        break
        commands = unique_commands(script.commands)
        for command in commands:
            words = unwrap(command.words)
            if len(words) < 2:
                continue
            for code in _code_words(words):
                url = _substituted_download(code, commands)
                if url is not None:
                    found.setdefault(words[0].span, self._finding(words[0], url))
        return list(found.values())

    def _finding(self, word: Word, url: str) -> Finding:
        message = (
            f"{posixpath.basename(word.value)} runs a script straight from {url}, unchecked: {FIX}"
        )
        return self.finding(word.span, message)


def _code_words(words: Sequence[Word]) -> list[Word]:
    """The words of a command that it runs as code: ``sh -c WORD``, ``eval WORD…``,
    ``bash <(…)``, ``source <(…)``; only words that are one whole substitution count."""
    program = posixpath.basename(words[0].value)
    if program in EVALUATORS:
        candidates = list(words[1:])
    else:
        kind = interpreter(program)
        if kind is None:
            return []
        candidates = inline_code_words(words, kind)
        candidates.extend(w for w in words[1:] if w.value.startswith("<("))
    return [word for word in candidates if _whole_substitution(word.value)]


def _whole_substitution(value: str) -> bool:
    value = value.strip()
    return (value.startswith(("$(", "<(")) and value.endswith(")")) or (
        value.startswith("`") and value.endswith("`") and len(value) > 1
    )


def _substituted_download(word: Word, commands: Sequence[SimpleCommand]) -> str | None:
    """The URL a download inside the substitution ``word`` fetches, if one does."""
    span = word.span
    for command in commands:
        inner = command.span
        if command.nested_in not in SUBSTITUTED:
            continue
        if (inner.line, inner.column) < (span.line, span.column) or (
            inner.end_line,
            inner.end_column,
        ) > (span.end_line, span.end_column):
            continue
        url = _remote_download(command)
        if url is not None:
            return url
    return None


def _remote_download(command: SimpleCommand) -> str | None:
    """The URL ``command`` downloads to standard output from another machine, or None
    (also for vendor repository scripts, which DP001 reports)."""
    words = unwrap(command.words)
    if not words:
        return None
    program = posixpath.basename(words[0].value)
    if program not in ("curl", "wget") or not writes_to_stdout(program, words):
        return None
    found = urls(words)
    if not found or all_local(found):
        return None
    if any(setup_script_vendor(url) is not None for url in found):
        return None
    return found[0]
