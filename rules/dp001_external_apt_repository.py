from __future__ import annotations

import posixpath
import re

from dockerfile_dlint.api import (
    Context,
    Finding,
    Instruction,
    Level,
    NamedTuple,
    Rule,
    ShellScript,
    SimpleCommand,
    Span,
    Word,
    lazy,
)
from dockerfile_dlint.knowledge.package_repositories import (
    ADD_REPOSITORY_COMMANDS,
    ARGUMENT_WRITERS,
    DISTRIBUTION_COMPONENTS,
    DISTRIBUTION_NAMES,
    DOWNLOAD_DIRECTORY_OPTIONS,
    DOWNLOAD_OUTPUT_OPTIONS,
    DOWNLOADERS,
    FETCH_KEY_OPTIONS,
    KEY_COMMANDS,
    KEYSERVER_OPTIONS,
    LOCAL_SCHEMES,
    PPA,
    REMOVE_REPOSITORY_OPTIONS,
    STDIN_WRITERS,
    URL,
    is_distribution_source,
    repository_directory_kind,
    repository_file_kind,
    setup_script_vendor,
)

# Substrings one of which a RUN must contain to be worth parsing.
HINTS = (
    "sources.list", "apt-repository", "apt-key", "config-manager", "yum.repos.d", "repos.d",
    "apk/repositories", "zypper", "nodesource", "docker.com", "docker.io", "install/repositories",
    "repo_setup", "ius.io", "llvm.sh", "heroku.com", "citusdata",
)  # fmt: skip
WRAPPERS = frozenset({"sudo", "env", "exec", "nohup", "command", "time", "doas"})
# Options of the wrappers above that take a value (sudo -u user …).
WRAPPER_VALUE_OPTIONS = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"})
REDIRECT_WRITES = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})
ADD_APT_VALUE_OPTIONS = frozenset(
    {"-k", "--keyserver", "-c", "--component", "-p", "--pocket", "-L", "--login"}
)
BARE_ADDRESS = lazy(r"[A-Za-z0-9][\w-]*(\.[\w-]+)*\.[A-Za-z]{2,}(/\S*)?")
FIX = (
    "install from the vendor's release archive with a pinned checksum, or COPY the files "
    "--from=<the vendor's official image>"
)


class _Source(NamedTuple):
    """What a repository definition points at: ``host`` when known, and whether it is a
    distribution's own archive (or a mirror of it)."""

    host: str | None
    distribution: bool
    label: str = ""


class _Evidence(NamedTuple):
    span: Span
    message: str
    definition: bool  # a repository definition (else a signing-key import)
    third_party: bool
    host: str | None


class ExternalAptRepository(Rule):
    """The build adds a third-party package repository.

    ## What it does
    Flags build steps that make the build depend on a package repository outside the base
    image's distribution: writing a repository into `/etc/apt/sources.list`,
    `/etc/apt/sources.list.d/`, `/etc/yum.repos.d/` or `/etc/apk/repositories` (with `echo`,
    `printf`, `tee`, `cat` or a download), `add-apt-repository`, `yum-config-manager
    --add-repo`, `dnf config-manager --add-repo`, running a vendor's repository setup script
    (`curl https://deb.nodesource.com/setup_20.x | bash -`, `get.docker.com`, packagecloud's
    `script.deb.sh` …), and `apt-key add`/`apt-key adv` when the file adds no repository the
    rule can see. A `COPY` of a repository file into those places is flagged when its content
    can be read from the build context and names a third-party host. The distribution's own
    archives and their mirrors (`deb.debian.org`, `archive.ubuntu.com`,
    `dl-cdn.alpinelinux.org`, `mirrors.aliyun.com/debian` …) are not flagged, nor is reading
    those files, nor text that only mentions them.

    ## Why is this bad?
    Every build now downloads from one more server that you do not control, usually without
    a pinned version. When that server is down, moves, or rotates its signing key, builds that
    worked yesterday fail at `apt-get update` with errors such as
    `E: The repository 'https://deb.nodesource.com/node_20.x nodistro Release' does not have
    a Release file.` or `NO_PUBKEY 1655A0AB68576280`, even though nothing in your code
    changed. A NodeSource outage broke exactly this kind of deployment pipeline.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \\
     && apt-get install -y nodejs
    ```

    ## Use instead
    Copy the runtime from the vendor's official image, or download its release archive and
    check the checksum:
    ```dockerfile
    FROM node:20-slim AS node
    FROM python:3.12-slim
    COPY --from=node /usr/local/bin/node /usr/local/bin/node
    ```
    """

    code = "DP001"
    name = "external-apt-repository"
    level = Level.WARNING
    instructions = frozenset({"RUN", "ADD", "COPY"})

    def __init__(self) -> None:
        self._evidence: list[_Evidence] = []

    def check(self, instruction: Instruction, ctx: Context) -> list[Finding]:
        if instruction.keyword == "RUN":
            self._evidence.extend(_run_evidence(instruction, ctx))
        else:
            self._evidence.extend(_copy_evidence(instruction, ctx))
        return []

    def finish(self, ctx: Context) -> list[Finding]:
        defines = any(e.definition for e in self._evidence)
        findings = []
        for evidence in self._evidence:
            if evidence.definition and not evidence.third_party:
                continue
            if not evidence.definition and defines:
                continue  # the key belongs to a repository that is reported, or is the distro's
            findings.append(self.finding(evidence.span, evidence.message))
        return findings


# --- RUN ---------------------------------------------------------------------------------


def _run_evidence(instruction: Instruction, ctx: Context) -> list[_Evidence]:
    text = instruction.text.text
    if instruction.heredocs:
        text += "".join(heredoc.body.text for heredoc in instruction.heredocs)
    lowered = text.lower()
    if not any(hint in lowered for hint in HINTS):
        return []
    script = ctx.shell(instruction)
    if script is None:
        return []
    found: list[_Evidence] = []
    seen: set[tuple[int, int, tuple[str, ...]]] = set()
    for command in script.commands:
        key = (command.span.line, command.span.column, tuple(w.value for w in command.words))
        if key in seen or not command.words:
            continue
        seen.add(key)
        found.extend(_command_evidence(command, script, instruction, ctx))
    return _one_per_host(found)


def _one_per_host(found: list[_Evidence]) -> list[_Evidence]:
    """Keep the first finding for each repository host of one RUN."""
    kept: list[_Evidence] = []
    hosts: set[tuple[bool, str]] = set()
    for evidence in found:
        if evidence.host is not None and evidence.third_party:
            if (evidence.definition, evidence.host) in hosts:
                continue
            hosts.add((evidence.definition, evidence.host))
        kept.append(evidence)
    return kept


def _command_evidence(
    command: SimpleCommand, script: ShellScript, instruction: Instruction, ctx: Context
) -> list[_Evidence]:
    words = _unwrap(list(command.words))
    found: list[_Evidence] = []
    if words:
        program = posixpath.basename(words[0].value)
        if program in ADD_REPOSITORY_COMMANDS:
            found.extend(_add_repository(program, words, instruction, ctx))
        elif program in KEY_COMMANDS:
            found.extend(_key_import(program, words, command, script, instruction, ctx))
        elif program in DOWNLOADERS:
            found.extend(_download(words, command, instruction, ctx))
        elif program == "tee":
            found.extend(_tee(words, command, script, instruction, ctx))
    for redirect in command.redirects:
        target = redirect.target
        if redirect.operator in REDIRECT_WRITES and target is not None:
            kind = repository_file_kind(target.value)
            if kind is not None:
                source = _content_source(command, words, instruction, ctx, script)
                found.extend(_write(words, target, kind, source))
    return found


def _unwrap(words: list[Word]) -> list[Word]:
    """Drop ``sudo``, ``env VAR=…`` and the like in front of the real command."""
    while words and posixpath.basename(words[0].value) in WRAPPERS:
        index = 1
        while index < len(words):
            value = words[index].value
            if value == "--":
                index += 1
                break
            if value in WRAPPER_VALUE_OPTIONS:
                index += 2
            elif value.startswith("-") or ("=" in value and not value.startswith("=")):
                index += 1
            else:
                break
        words = words[index:]
    return words


def _positionals(words: list[Word], value_options: frozenset[str] = frozenset()) -> list[Word]:
    """The arguments that are not options (nor values of ``value_options``)."""
    found = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word.value in value_options:
            skip = True
        elif not word.value.startswith("-") or word.value == "-":
            found.append(word)
    return found


def _option_value(words: list[Word], names: tuple[str, ...]) -> str | None:
    for index, word in enumerate(words):
        name, equals, value = word.value.partition("=")
        if name in names and equals:
            return value
        if word.value in names and index + 1 < len(words):
            return words[index + 1].value
    return None


def _start(words: list[Word]) -> Span:
    first, last = words[0].span, words[-1].span
    return Span(first.line, first.column, last.end_line, last.end_column)


def _add_repository(
    program: str, words: list[Word], instruction: Instruction, ctx: Context
) -> list[_Evidence]:
    if program in ("add-apt-repository", "apt-add-repository"):
        return _add_apt_repository(program, words, instruction, ctx)
    values = [word.value for word in words[1:]]
    for pattern in ADD_REPOSITORY_COMMANDS[program]:
        if _has_in_order(values, pattern):
            break
    else:
        return []
    source = _source_of_text(" ".join(values), instruction, ctx)
    if source is None:
        return []  # a local .repo file, or a URL hidden in a variable
    return [_definition(words, source, f"{program} adds")]


def _has_in_order(values: list[str], pattern: tuple[str, ...]) -> bool:
    position = 0
    for value in values:
        if position < len(pattern) and value.partition("=")[0] == pattern[position]:
            position += 1
    return position == len(pattern)


def _add_apt_repository(
    program: str, words: list[Word], instruction: Instruction, ctx: Context
) -> list[_Evidence]:
    if any(word.value in REMOVE_REPOSITORY_OPTIONS for word in words[1:]):
        return []
    ppa = _option_value(words, ("-P", "--ppa"))
    uri = _option_value(words, ("-U", "--uri"))
    arguments = _positionals(words, ADD_APT_VALUE_OPTIONS | {"-P", "--ppa", "-U", "--uri"})
    if ppa is not None:
        label = ppa if ppa.startswith("ppa:") else f"ppa:{ppa}"
        return [_definition(words, _ppa_source(label), f"{program} adds")]
    text = uri if uri is not None else " ".join(word.value for word in arguments)
    if not text:
        return []
    match = PPA.match(text.strip())
    if match is not None:
        return [_definition(words, _ppa_source(text.strip()), f"{program} adds")]
    if all(value in DISTRIBUTION_COMPONENTS for value in text.split()):
        return [_definition(words, _Source(None, True), f"{program} adds")]
    source = _source_of_text(text, instruction, ctx)
    if source is None:
        source = _Source(None, False)
    return [_definition(words, source, f"{program} adds")]


def _ppa_source(label: str) -> _Source:
    return _Source("ppa.launchpadcontent.net", False, f"the Launchpad PPA {label}")


def _key_import(
    program: str,
    words: list[Word],
    command: SimpleCommand,
    script: ShellScript,
    instruction: Instruction,
    ctx: Context,
) -> list[_Evidence]:
    arguments = _positionals(words, frozenset({"--keyring"}))
    if not arguments or arguments[0].value not in KEY_COMMANDS[program]:
        return []
    host = None
    keyserver = _option_value(words, KEYSERVER_OPTIONS + FETCH_KEY_OPTIONS)
    if keyserver is not None:
        host = _host_of(keyserver if "://" in keyserver else "hkp://" + keyserver, instruction, ctx)
    else:
        feeder = _feeder(command, script)
        if feeder is not None and posixpath.basename(feeder.name or "") in DOWNLOADERS:
            source = _source_of_text(" ".join(w.value for w in feeder.args), instruction, ctx)
            host = source.host if source is not None else None
    where = f" from {host}" if host else ""
    message = (
        f"{program} {arguments[0].value} imports a signing key{where} to trust a third-party "
        f"package repository: every build now depends on that repository and its key; {FIX}"
    )
    return [_Evidence(_start(words), message, False, True, host)]


def _download(
    words: list[Word], command: SimpleCommand, instruction: Instruction, ctx: Context
) -> list[_Evidence]:
    urls = [word for word in words[1:] if "://" in word.value]
    # curl and wget also take an address without a scheme: `curl -fsSL get.docker.com | sh`
    addresses = urls + [word for word in words[1:] if BARE_ADDRESS.match(word.value)]
    found = []
    for url in addresses:
        vendor = setup_script_vendor(url.value)
        if vendor is not None:
            host = _host_of(url.value, instruction, ctx) or url.value
            message = (
                f"{words[0].value} fetches {vendor}'s repository setup script from {host}, "
                f"which adds {vendor}'s package repository: every build now depends on that "
                f"third-party server; {FIX}"
            )
            found.append(_Evidence(_start(words), message, True, True, host))
    output = _option_value(words, DOWNLOAD_OUTPUT_OPTIONS)
    directory = _option_value(words, DOWNLOAD_DIRECTORY_OPTIONS)
    kind = repository_file_kind(output) if output else None
    if kind is None and directory is not None:
        kind = repository_directory_kind(directory)
    if kind is not None and urls:
        source = _source_of_text(urls[0].value, instruction, ctx)
        path = output or directory or ""
        if source is not None:
            found.append(_definition(words, source, f"{words[0].value} writes {path}, adding"))
    return found


def _tee(
    words: list[Word],
    command: SimpleCommand,
    script: ShellScript,
    instruction: Instruction,
    ctx: Context,
) -> list[_Evidence]:
    found = []
    for target in _positionals(words):
        kind = repository_file_kind(target.value)
        if kind is not None:
            source = _content_source(command, words, instruction, ctx, script)
            found.extend(_write(words, target, kind, source))
    return found


def _content_source(
    command: SimpleCommand,
    words: list[Word],
    instruction: Instruction,
    ctx: Context,
    script: ShellScript | None = None,
) -> _Source | None:
    """What a writing command writes: its arguments, heredoc, or the command feeding it."""
    program = posixpath.basename(words[0].value) if words else ""
    bodies = [r.heredoc_body.text for r in command.redirects if r.heredoc_body is not None]
    strings = [r.target.value for r in command.redirects if r.operator == "<<<" and r.target]
    if program in ARGUMENT_WRITERS:
        texts = [" ".join(word.value for word in _positionals(words))]
        if script is not None:
            texts.extend(_grouped_lines(command, script))
        return _source_of_text("\n".join(texts), instruction, ctx, written=True)
    if program in DOWNLOADERS:
        urls = " ".join(word.value for word in words[1:] if "://" in word.value)
        return _source_of_text(urls, instruction, ctx) if urls else None
    if program in STDIN_WRITERS and (bodies or strings):
        return _source_of_text("\n".join(bodies + strings), instruction, ctx, written=True)
    if program == "tee" and script is not None:
        feeder = _feeder(command, script)
        if feeder is not None and feeder.words:
            return _content_source(feeder, _unwrap(list(feeder.words)), instruction, ctx)
    return None


def _grouped_lines(command: SimpleCommand, script: ShellScript) -> list[str]:
    """The output of the echo/printf commands just before ``command`` that write nowhere of
    their own: ``{ echo …; echo …; } > file`` gives the group's redirect to its last command."""
    commands = script.commands
    index = next((i for i, other in enumerate(commands) if other is command), 0)
    lines = []
    while index > 0:
        index -= 1
        previous = commands[index]
        words = _unwrap(list(previous.words))
        if not words or posixpath.basename(words[0].value) not in ARGUMENT_WRITERS:
            break
        if previous.redirects or _feeder(previous, script) is not None:
            break
        if any(previous in pipeline for pipeline in script.pipelines):
            break
        lines.append(" ".join(word.value for word in _positionals(words)))
    return lines


def _feeder(command: SimpleCommand, script: ShellScript) -> SimpleCommand | None:
    """The command whose output ``command`` reads in a pipeline."""
    for pipeline in script.pipelines:
        for index, member in enumerate(pipeline):
            if member is command:
                return pipeline[index - 1] if index > 0 else None
    return None


def _write(words: list[Word], target: Word, kind: str, source: _Source | None) -> list[_Evidence]:
    if source is None:
        # Content unknown: a new file in a repository directory is a new repository; the main
        # files are mostly rewritten to switch mirrors, so stay silent on them.
        if not _in_directory(target):
            return []
        source = _Source(None, False)
    verb = f"{words[0].value} writes {target.value}, adding" if words else "adds"
    return [_definition(words or [target], source, verb)]


def _in_directory(target: Word) -> bool:
    directory = target.value.rstrip("/").rpartition("/")[0]
    return repository_directory_kind(directory) is not None


def _definition(words: list[Word], source: _Source, verb: str) -> _Evidence:
    if source.label:
        what = source.label
    elif source.host:
        what = f"the third-party package repository {source.host}"
    else:
        what = "a third-party package repository"
    message = f"{verb} {what}: every build now depends on that server and its signing key; {FIX}"
    return _Evidence(_start(words), message, True, not source.distribution, source.host)


# --- content -------------------------------------------------------------------------------


def _source_of_text(
    text: str, instruction: Instruction, ctx: Context, written: bool = False
) -> _Source | None:
    """The repository a definition's text points at: the first third-party URL, else a
    distribution source; None when the text names no URL and may hide one in a variable."""
    urls = list(URL.finditer(text))
    if not urls:
        match = PPA.search(text.strip())
        if match is not None:
            return _ppa_source(text.strip())
        local = any(scheme in text for scheme in LOCAL_SCHEMES)
        if local or (written and "$" not in text and "`" not in text):
            return _Source(None, True)  # a repository on the image's own disk, or a comment
        return None
    first_distribution = None
    for url in urls:
        host = _resolve_host(url.group(1), instruction, ctx)
        path = url.group(2)
        if host is None:
            words = set(re.split(r"[/\-_.]", path.lower()))
            if words & DISTRIBUTION_NAMES:
                first_distribution = first_distribution or _Source(None, True)
                continue
            return _Source(None, False)
        if not is_distribution_source(host, path):
            return _Source(host, False)
        first_distribution = first_distribution or _Source(host, True)
    return first_distribution


def _host_of(url: str, instruction: Instruction, ctx: Context) -> str | None:
    match = URL.search(url)
    return _resolve_host(match.group(1), instruction, ctx) if match else None


_DEFAULTED = lazy(r"\$\{\w+:?[-=]([^}]*)\}")
_VARIABLE = lazy(r"\$\{?(\w+)\}?")


def _resolve_host(raw: str, instruction: Instruction, ctx: Context) -> str | None:
    """The host of a URL, with build arguments and ENV values filled in (None if unknown)."""
    host = raw.rpartition("@")[2]
    if "$" in host:
        variables = ctx.state(instruction).variables

        def lookup(match: re.Match[str]) -> str:
            value = variables.get(match.group(1))
            return value if value is not None else "\0"

        host = _DEFAULTED.sub(lambda m: m.group(1), host)
        host = _VARIABLE.sub(lookup, host)
        if "\0" in host or "$" in host:
            return None
    host = host.split(":")[0].strip(".").lower()
    return host or None


# --- COPY / ADD ----------------------------------------------------------------------------


def _copy_evidence(instruction: Instruction, ctx: Context) -> list[_Evidence]:
    arguments = instruction.arguments
    found: list[_Evidence] = []
    sources = [a for a in arguments[:-1] if not a.value.startswith("<<")]
    if instruction.keyword == "ADD":
        for argument in sources:
            vendor = setup_script_vendor(argument.value) if "://" in argument.value else None
            if vendor is not None:
                host = _host_of(argument.value, instruction, ctx) or argument.value
                message = (
                    f"ADD fetches {vendor}'s repository setup script from {host}, which adds "
                    f"{vendor}'s package repository: every build now depends on that "
                    f"third-party server; {FIX}"
                )
                found.append(_Evidence(argument.span, message, True, True, host))
    if len(arguments) < 2:
        return found
    destination = arguments[-1].value
    if not destination.startswith(("/etc/apt", "/etc/yum", "/etc/apk", "/etc/zypp")):
        return found
    directory = destination.endswith("/") or len(sources) + len(instruction.heredocs) > 1
    for heredoc in instruction.heredocs:
        path = posixpath.join(destination, heredoc.name) if directory else destination
        found.extend(_copied(path, heredoc.body.text, heredoc.marker, instruction, ctx))
    context = ctx.build_context
    if instruction.flag("from") is not None:
        return found
    for argument in sources:
        if "://" in argument.value and instruction.keyword == "ADD":
            name = posixpath.basename(argument.value.split("?", 1)[0])
            path = posixpath.join(destination, name) if directory else destination
            found.extend(_copied(path, argument.value, argument.span, instruction, ctx))
        if "://" in argument.value or any(c in argument.value for c in "*?[$"):
            continue
        relative = posixpath.normpath(argument.value).lstrip("/")
        name = posixpath.basename(relative)
        path = posixpath.join(destination, name) if directory else destination
        if context is None or not context.is_file(relative):
            continue
        text = context.read_text(relative)
        if text is not None:
            found.extend(_copied(path, text, argument.span, instruction, ctx))
    return found


def _copied(
    path: str, text: str, span: Span, instruction: Instruction, ctx: Context
) -> list[_Evidence]:
    """A repository file put in place by COPY or ADD, judged by its content."""
    if repository_file_kind(path) is None:
        return []
    source = _source_of_text(text, instruction, ctx, written=True)
    if source is None:
        return []
    if source.distribution:
        return [_Evidence(span, "", True, False, None)]
    what = source.label or (
        f"the third-party package repository {source.host}"
        if source.host
        else "a third-party package repository"
    )
    message = (
        f"{instruction.keyword} installs {path}, adding {what}: every build now depends on "
        f"that server and its signing key; {FIX}"
    )
    return [_Evidence(span, message, True, True, source.host)]
