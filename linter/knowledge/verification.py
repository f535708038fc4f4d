"""Switches that turn off TLS or package-signature verification in a build, and how to see them.

The DS rules read these tables. A build can switch verification off in five ways, and each has
its table: an option on a command line (``curl -k``, ``apt-get --allow-unauthenticated``,
``pip --trusted-host``), a tool's own config command (``npm config set strict-ssl false``), a
configuration file written in a RUN or copied in (``echo insecure >> ~/.curlrc``, a
``pip.conf`` with ``trusted-host``), an environment variable (``NODE_TLS_REJECT_UNAUTHORIZED=0``),
and a download piped straight into an interpreter (``curl … | sh``). Every entry says what
the switch does and what to do instead, so that messages come from here; the rules decide
where to report. ``category`` sends an entry to its rule: ``download`` (DS001), ``index``
(DS002), ``signature`` (DS003).

Values are matched as the tool reads them: ``NODE_TLS_REJECT_UNAUTHORIZED`` only switches off
at ``0``, while git gives up verification when ``GIT_SSL_NO_VERIFY`` is set to anything.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from dockerfile_dlint.api import (
    Context,
    Instruction,
    MappedText,
    ShellScript,
    SimpleCommand,
    Span,
    Word,
    unwrap,
)
from dockerfile_dlint.patterns import AnyPattern, lazy

from ..records import NamedTuple

DOWNLOAD = "download"
INDEX = "index"
SIGNATURE = "signature"

_I = re.IGNORECASE
_FALSE = lazy(r"false|no|off|0", _I)
# Any host but this machine's (pip --trusted-host localhost trusts a local mirror).
_ANY_REMOTE = lazy(
    r"(?!\s*(?:localhost|127\.0\.0\.1)(?::\d+)?\s*$)\s*\S.*", re.IGNORECASE | re.DOTALL
)


# --- options on command lines ---------------------------------------------------------------


class Switch(NamedTuple):
    """An option that switches verification off.

    ``names`` are its spellings (``-k`` also counts inside a cluster such as ``-fsSLk``);
    ``values`` is None for a plain flag, else the pattern its value must match in full, given
    as ``--name=value``, ``--name value``, ``-nvalue`` or ``-n value``. With ``requires``, the
    switch counts only when another argument matches that pattern (``zypper ar -G``: ``-G`` is
    ``--no-gpgcheck`` for ``addrepo`` only). ``effect`` and ``fix`` finish the message.
    """

    names: tuple[str, ...]
    effect: str
    fix: str
    values: AnyPattern | None = None
    requires: AnyPattern | None = None


class Tool(NamedTuple):
    """How one tool's command line reads: its short options that take a value (so that the
    rest of a cluster is that value, not more options), and the switches that matter."""

    category: str
    switches: tuple[Switch, ...]
    value_letters: str = ""


_ANY_CERTIFICATE = (
    "accepts any TLS certificate, so anyone on the network path can replace what it downloads"
)
_CURL_FIX = "remove it; for a server with a private CA, give that CA with --cacert"
_SIGNING_FIX = "remove it, and import the repository's signing key"

_GIT_SSL_OFF = lazy(r"http\.(?:\S+\.)?sslverify=(?:false|no|off|0)", _I)
_MAVEN_PROPERTIES = (
    r"maven\.wagon\.http\.ssl\.(?:insecure|allowall|ignore\.validity\.dates)(?:=true)?"
    r"|aether\.connector\.https\.securityMode=insecure"
)
_MAVEN_INSECURE = lazy(_MAVEN_PROPERTIES, _I)
_APT_OFF = lazy(
    r"(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories"
    r"|Acquire::AllowDowngradeToInsecureRepositories)=(?:true|yes|1|on)",
    _I,
)
_GPGCHECK_OFF = lazy(r"(?:[\w*.-]+\.)?gpgcheck=(?:0|false|no|off)", _I)
# Subcommands that download and install packages (where a signature check happens).
_APT_FETCHES = lazy(
    r"install|reinstall|upgrade|dist-upgrade|full-upgrade|build-dep|source|satisfy|download"
    r"|update|safe-upgrade"
)
# …of which these install (``--force-yes`` does nothing to ``apt-get update``).
_APT_INSTALLS = lazy(
    r"install|reinstall|upgrade|dist-upgrade|full-upgrade|build-dep|satisfy|safe-upgrade"
)
_RPM_FETCHES = lazy(
    r"install|localinstall|groupinstall|reinstall|update|upgrade|downgrade|distro-sync|dsync"
    r"|swap|module|group|groups|builddep|makecache|config-manager|in|up|shell|update-minimal"
)
_RPM_INSTALLS = lazy(
    r"-(?![a-zA-Z]*[qVKe])[a-zA-Z]*[iUF][a-zA-Z]*|--install|--upgrade|--freshen|--reinstall"
)

_APT = Tool(
    SIGNATURE,
    (
        Switch(
            ("--allow-unauthenticated",),
            "installs packages whose signature is missing or wrong",
            _SIGNING_FIX,
            requires=_APT_FETCHES,
        ),
        Switch(
            ("--force-yes",),
            "is deprecated, and also installs packages whose signature is missing or wrong",
            "use -y, and import the repository's signing key if apt asks for one",
            requires=_APT_INSTALLS,
        ),
        Switch(
            ("--allow-insecure-repositories",),
            "lets apt read unsigned repositories",
            "remove it, and import the repository's signing key",
            requires=_APT_FETCHES,
        ),
        Switch(
            ("-o", "--option"),
            "switches off apt's signature checks",
            _SIGNING_FIX,
            values=_APT_OFF,
            requires=_APT_FETCHES,
        ),
    ),
    "ocat",
)
_RPM_MANAGER = Tool(
    SIGNATURE,
    (
        Switch(
            ("--nogpgcheck", "--no-gpgchecks"),
            "installs packages without checking their GPG signatures",
            "remove it, and import the repository's key with rpm --import",
            requires=_RPM_FETCHES,
        ),
        Switch(
            ("--setopt",),
            "switches off GPG signature checks",
            "remove it, and import the repository's key with rpm --import",
            values=_GPGCHECK_OFF,
            requires=_RPM_FETCHES,
        ),
    ),
    "cdex",
)

TOOLS: Mapping[str, Tool] = {
    "curl": Tool(
        DOWNLOAD,
        (
            Switch(
                ("-k", "--insecure"),
                _ANY_CERTIFICATE,
                _CURL_FIX,
            ),
            Switch(
                ("--proxy-insecure",),
                "accepts any TLS certificate from the proxy",
                "remove it, and give the proxy's CA with --proxy-cacert",
            ),
            Switch(
                ("--doh-insecure",),
                "accepts any TLS certificate from the DNS-over-HTTPS server",
                "remove it",
            ),
        ),
        "AbcCdDeEFHKmoPQrtTuUwxXyYz",
    ),
    "wget": Tool(
        DOWNLOAD,
        (
            Switch(
                ("--no-check-certificate",),
                _ANY_CERTIFICATE,
                "remove it; for a server with a private CA, give that CA with --ca-certificate",
            ),
            Switch(
                ("--check-certificate",),
                _ANY_CERTIFICATE,
                "remove it",
                values=lazy(r"off|no|0|false|quiet", _I),
            ),
            Switch(
                ("-e", "--execute"),
                _ANY_CERTIFICATE,
                "remove it",
                values=lazy(r"check[-_]?certificate\s*=\s*(?:off|no|0|false|quiet)", _I),
            ),
        ),
        "aABdDeiIlOoPQRtTUwX",
    ),
    "aria2c": Tool(
        DOWNLOAD,
        (
            Switch(
                ("--check-certificate",),
                "accepts any TLS certificate",
                "remove it, and give a private CA with --ca-certificate",
                values=lazy(r"false", _I),
            ),
        ),
    ),
    "git": Tool(
        DOWNLOAD,
        (
            Switch(
                ("-c", "--config"),
                "makes git accept any TLS certificate from HTTPS remotes",
                "remove it, and give a private CA with http.sslCAInfo",
                values=_GIT_SSL_OFF,
            ),
        ),
        "cC",
    ),
    "svn": Tool(
        DOWNLOAD,
        (
            Switch(
                ("--trust-server-cert", "--trust-server-cert-failures"),
                "accepts the server's TLS certificate without checking it",
                "remove it, and add the server's CA to the image's trust store",
            ),
        ),
    ),
    "helm": Tool(
        DOWNLOAD,
        (
            Switch(
                ("--insecure-skip-tls-verify",),
                "accepts any TLS certificate from the chart repository",
                "remove it, and give a private CA with --ca-file",
            ),
        ),
    ),
    "pip": Tool(
        INDEX,
        (
            Switch(
                ("--trusted-host",),
                "makes pip accept the host without a valid TLS certificate, or over plain HTTP",
                "remove it, use the index over HTTPS, and give a private CA with --cert",
                values=_ANY_REMOTE,
            ),
        ),
        "rcetbifdC",
    ),
    "uv": Tool(
        INDEX,
        (
            Switch(
                ("--allow-insecure-host", "--trusted-host"),
                "makes uv accept the host without a valid TLS certificate, or over plain HTTP",
                "remove it, and add a private CA to the trust store (SSL_CERT_FILE)",
                values=_ANY_REMOTE,
            ),
        ),
    ),
    **{
        name: Tool(
            INDEX,
            (
                Switch(
                    ("--strict-ssl",),
                    f"makes {name} accept any TLS certificate from the registry",
                    "remove it, and give a private CA with the cafile setting",
                    values=lazy(r"false|0", _I),
                ),
                Switch(
                    ("--no-strict-ssl",),
                    f"makes {name} accept any TLS certificate from the registry",
                    "remove it, and give a private CA with the cafile setting",
                ),
            ),
        )
        for name in ("npm", "pnpm", "yarn")
    },
    "mvn": Tool(
        INDEX,
        (
            Switch(
                ("-D", "--define"),
                "makes Maven accept any TLS certificate from repositories",
                "remove it, and import a private CA into the JDK's trust store with keytool",
                values=_MAVEN_INSECURE,
            ),
        ),
        "DflbTPs",
    ),
    "go": Tool(
        INDEX,
        (
            Switch(
                ("-insecure",),
                "lets go fetch modules over plain HTTP and without certificate checks",
                "remove it, and serve the modules over HTTPS",
            ),
        ),
    ),
    "apt-get": _APT,
    "apt": _APT,
    "aptitude": _APT,
    "apk": Tool(
        SIGNATURE,
        (
            Switch(
                ("--allow-untrusted",),
                "installs packages whose signature is missing or not trusted",
                "remove it, and put the publisher's public key in /etc/apk/keys",
            ),
        ),
        "Xtp",
    ),
    "yum": _RPM_MANAGER,
    "dnf": _RPM_MANAGER,
    "microdnf": _RPM_MANAGER,
    "tdnf": _RPM_MANAGER,
    "zypper": Tool(
        SIGNATURE,
        (
            Switch(
                ("--no-gpg-checks",),
                "installs packages without checking their GPG signatures",
                "remove it, and import the repository's key with rpm --import",
            ),
            Switch(
                ("-G", "--no-gpgcheck"),
                "adds a repository whose packages are not GPG-checked",
                "remove it, and import the repository's key with rpm --import",
                requires=lazy(r"ar|addrepo|mr|modifyrepo"),
            ),
        ),
        "rt",
    ),
    "rpm": Tool(
        SIGNATURE,
        (
            Switch(
                ("--nosignature", "--nodigest"),
                "installs the package without checking its signature or digest",
                "remove it, import the publisher's key with rpm --import, or check the file's "
                "checksum",
                requires=_RPM_INSTALLS,
            ),
        ),
    ),
}

_PIP = lazy(r"pip(?:[0-9]+(?:\.[0-9]+)?)?")
_PYTHON = lazy(r"python(?:[0-9]+(?:\.[0-9]+)?)?")
_ALIASES = {"mvnw": "mvn", "composer.phar": "composer", "mamba": "conda", "micromamba": "conda"}


def tool_words(command: SimpleCommand) -> tuple[str, tuple[Word, ...]] | None:
    """The tool a command runs (a key of :data:`TOOLS` or of the config commands) and its
    words from the program on: through ``sudo``/``env``, ``pip3.11`` as ``pip``,
    ``python -m pip`` from the ``pip`` word, ``./mvnw`` as ``mvn``."""
    words = unwrap(command.words)
    if not words:
        return None
    program = posixpath.basename(words[0].value)
    program = _ALIASES.get(program, program)
    if _PIP.fullmatch(program):
        return "pip", words
    if _PYTHON.fullmatch(program):
        for index in range(1, len(words) - 1):
            value = words[index].value
            if value == "-m":
                return ("pip", words[index + 1 :]) if words[index + 1].value == "pip" else None
            if not value.startswith("-"):
                return None
        return None
    return program, words


def switch_word(words: Sequence[Word], switch: Switch, value_letters: str = "") -> Word | None:
    """The argument that gives ``switch`` (see :class:`Switch`), or None."""
    args = words[1:]
    if switch.requires is not None and not any(switch.requires.fullmatch(w.value) for w in args):
        return None
    for index, word in enumerate(args):
        value = word.value
        if value == "--":
            return None
        following = args[index + 1].value if index + 1 < len(args) else None
        for name in switch.names:
            if _gives(value, following, name, switch.values, value_letters):
                return word
    return None


def switch_text(words: Sequence[Word], word: Word, switch: Switch) -> str:
    """How the switch reads on the command line, its separate value included
    (``--trusted-host pypi.org``), for messages."""
    if switch.values is None or word.value not in switch.names:
        return word.value
    index = next((i for i, w in enumerate(words) if w is word), len(words))
    following = words[index + 1].value if index + 1 < len(words) else ""
    return f"{word.value} {following}".strip()


def switch_span(words: Sequence[Word], word: Word, switch: Switch) -> Span:
    """Where a finding about the switch goes: the option word, and its value when that is a
    separate word (``-c http.sslVerify=false``)."""
    if switch.values is None or word.value not in switch.names:
        return word.span
    index = next((i for i, w in enumerate(words) if w is word), len(words))
    if index + 1 >= len(words):
        return word.span
    end = words[index + 1].span
    return Span(word.span.line, word.span.column, end.end_line, end.end_column)


class SwitchUse(NamedTuple):
    """A switch given on a command line: as it reads there (its value included), and where
    a finding about it goes."""

    switch: Switch
    given: str
    span: Span


def switches_used(words: Sequence[Word], tool: Tool) -> list[SwitchUse]:
    """The switches of ``tool`` that the command line ``words`` gives, in the tool's order."""
    used = []
    for switch in tool.switches:
        word = switch_word(words, switch, tool.value_letters)
        if word is not None:
            given = switch_text(words, word, switch)
            used.append(SwitchUse(switch, given, switch_span(words, word, switch)))
    return used


def _gives(
    value: str,
    following: str | None,
    name: str,
    values: AnyPattern | None,
    value_letters: str,
) -> bool:
    if name.startswith("--") or len(name) > 2:  # --long, or a one-dash long option (-insecure)
        if value == name:
            return values is None or (following is not None and bool(values.fullmatch(following)))
        option, equals, rest = value.partition("=")
        return (
            bool(equals) and option == name and values is not None and bool(values.fullmatch(rest))
        )
    if not value.startswith("-") or value.startswith("--") or len(value) < 2:
        return False
    letter = name[1]
    cluster = value[1:]
    for position, character in enumerate(cluster):
        if character == letter:
            if values is None:
                return True
            given: str | None = cluster[position + 1 :] or following
            return given is not None and bool(values.fullmatch(given))
        if character in value_letters or not character.isalnum():
            return False
    return False


def option_value(words: Sequence[Word], names: tuple[str, ...], value_letters: str) -> str | None:
    """The value of the first of ``names`` given (``-o x``, ``-ox``, ``-qO-``, ``--out=x``)."""
    args = words[1:]
    for index, word in enumerate(args):
        value = word.value
        following = args[index + 1].value if index + 1 < len(args) else None
        for name in names:
            if name.startswith("--"):
                if value == name:
                    return following
                if value.startswith(name + "="):
                    return value[len(name) + 1 :]
            elif value.startswith("-") and not value.startswith("--"):
                for position, character in enumerate(value[1:], 1):
                    if character == name[1]:
                        attached: str = value[position + 1 :]
                        return attached or following
                    if character in value_letters or not character.isalnum():
                        break
    return None


# Hosts given to ``--trusted-host`` that deserve a word in the message.
HOST_NOTES = {
    "pypi.python.org": "pypi.python.org is PyPI's old address, which pip 10 and later never "
    "use, so the option is a leftover that only weakens an older pip",
}


def host_note(text: str) -> str:
    """A remark on the hosts named in ``text`` (see :data:`HOST_NOTES`), or ''."""
    return "; ".join(note for host, note in HOST_NOTES.items() if host in text)


# --- a tool's own config command ------------------------------------------------------------


class Setting(NamedTuple):
    """A configuration key that switches verification off at some values, as a tool's config
    command sets it (``git config --global http.sslVerify false``)."""

    tools: frozenset[str]
    key: AnyPattern
    values: AnyPattern
    category: str
    effect: str
    fix: str


SETTINGS = (
    Setting(
        frozenset({"git"}),
        lazy(r"http\.(?:\S+\.)?sslverify", _I),
        lazy(r"false|no|off|0", _I),
        DOWNLOAD,
        "makes git accept any TLS certificate from HTTPS remotes",
        "remove it, and give a private CA with http.sslCAInfo",
    ),
    Setting(
        frozenset({"npm", "pnpm", "yarn"}),
        lazy(r"strict-ssl|enableStrictSsl", _I),
        lazy(r"false|0", _I),
        INDEX,
        "makes the package manager accept any TLS certificate from the registry",
        "remove it, and give a private CA with the cafile setting",
    ),
    Setting(
        frozenset({"pip"}),
        lazy(r"(?:[\w-]+\.)?trusted[-_]host", _I),
        _ANY_REMOTE,
        INDEX,
        "makes pip accept the host without a valid TLS certificate, or over plain HTTP",
        "remove it, use the index over HTTPS, and give a private CA with the cert setting",
    ),
    Setting(
        frozenset({"conda"}),
        lazy(r"ssl_verify", _I),
        _FALSE,
        INDEX,
        "makes conda accept any TLS certificate from channels",
        "remove it, or set ssl_verify to the path of a private CA bundle",
    ),
    Setting(
        frozenset({"composer"}),
        lazy(r"disable-tls", _I),
        lazy(r"true|1", _I),
        INDEX,
        "makes Composer download packages without TLS",
        "remove it, and add a private CA with the cafile setting",
    ),
    Setting(
        frozenset({"composer"}),
        lazy(r"secure-http", _I),
        lazy(r"false|0", _I),
        INDEX,
        "lets Composer download packages over plain HTTP",
        "remove it, and use HTTPS repositories",
    ),
    Setting(
        frozenset({"bundle"}),
        lazy(r"ssl_verify_mode", _I),
        lazy(r"0"),
        INDEX,
        "makes Bundler accept any TLS certificate from gem sources",
        "remove it, and give a private CA with ssl_ca_cert",
    ),
)
_CONFIG_TOOLS = frozenset(tool for setting in SETTINGS for tool in setting.tools)
# Options of config commands that take a value, and options that make them read, not set.
_CONFIG_VALUE_OPTIONS = frozenset({"-f", "--file", "--blob", "-C", "-c", "--location", "-L"})
_CONFIG_READS = frozenset(
    {"--get", "--get-all", "--get-regexp", "--unset", "--unset-all", "--list", "-l",
     "--remove-section", "--show", "--describe", "--remove", "--delete"}
)  # fmt: skip


# How each tool's config command reads, for messages: ``npm config set``.
CONFIG_VERBS = {"git": "config", "composer": "config", "bundle": "config", "conda": "config --set"}


class Assignment(NamedTuple):
    """One ``key value`` a config command sets, with the word that names the key."""

    key: str
    value: str
    word: Word


def config_assignments(tool: str, words: Sequence[Word]) -> list[Assignment]:
    """The keys a tool's config command sets: ``npm config set k v`` (or ``k=v``), ``npm set``,
    ``git config [--global] k v`` and ``git config set k v``, ``pip config set``, ``yarn
    config set``, ``conda config --set k v``, ``composer [global] config k v``, ``bundle
    config [set] k v``."""
    if tool not in _CONFIG_TOOLS:
        return []
    args = list(words[1:])
    if tool == "conda":
        return [
            Assignment(args[i + 1].value, args[i + 2].value, args[i + 1])
            for i in range(len(args) - 2)
            if args[i].value == "--set"
        ]
    if any(word.value.partition("=")[0] in _CONFIG_READS for word in args):
        return []
    positionals: list[Word] = []
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.value.startswith("-") and len(word.value) > 1:
            skip = word.value in _CONFIG_VALUE_OPTIONS
        else:
            positionals.append(word)
    values = [word.value for word in positionals]
    if tool in ("npm", "pnpm") and values[:1] == ["set"]:
        rest = positionals[1:]
    elif "config" in values[:2] and (tool == "composer" or values[0] == "config"):
        rest = positionals[values.index("config") + 1 :]
        if rest and rest[0].value == "set":
            rest = rest[1:]
        elif tool in ("npm", "pnpm", "yarn", "pip"):
            return []
    else:
        return []
    if rest and "=" in rest[0].value and tool in ("npm", "pnpm", "yarn"):
        found = []
        for word in rest:
            key, equals, value = word.value.partition("=")
            if equals:
                found.append(Assignment(key, value, word))
        return found
    if len(rest) >= 2:
        return [Assignment(rest[0].value, rest[1].value, rest[0])]
    return []


def insecure_setting(tool: str, assignment: Assignment) -> Setting | None:
    """The setting of :data:`SETTINGS` that ``assignment`` switches off, if any."""
    for setting in SETTINGS:
        if (
            tool in setting.tools
            and setting.key.fullmatch(assignment.key)
            and setting.values.fullmatch(assignment.value.strip())
        ):
            return setting
    return None


def setting_message(tool: str, assignment: Assignment, setting: Setting) -> str:
    """What a finding says of a config command that switches verification off."""
    verb = CONFIG_VERBS.get(tool, "config set")
    return (
        f"{tool} {verb} {assignment.key} {assignment.value} {setting.effect}, "
        f"for every later command: {setting.fix}"
    )


# --- configuration files --------------------------------------------------------------------


class ConfigFile(NamedTuple):
    """A configuration file, by path, and the content that switches verification off in it.

    ``local`` matches content that makes a match harmless (a repository on the image's own
    disk, ``file:/…``); it counts only when ``remote`` does not match too.
    """

    path: AnyPattern
    setting: AnyPattern
    category: str
    effect: str
    fix: str
    local: AnyPattern | None = None
    remote: AnyPattern | None = None


_M = re.MULTILINE | re.IGNORECASE

CONFIG_FILES = (
    ConfigFile(
        lazy(r"(?:^|/)(?:\.curlrc|_curlrc|\.config/curlrc)$"),
        lazy(r"^\s*(?:-k|(?:--)?insecure)(?:[\s=:]|$)", _M),
        DOWNLOAD,
        "makes every curl of the build accept any TLS certificate",
        "remove it, and add a private CA with cacert instead",
    ),
    ConfigFile(
        lazy(r"(?:^|/)\.?wgetrc$"),
        lazy(r"^\s*check_?-?certificate\s*=\s*(?:off|no|0|false|quiet)\b", _M),
        DOWNLOAD,
        "makes every wget of the build accept any TLS certificate",
        "remove it, and add a private CA with ca_certificate instead",
    ),
    ConfigFile(
        lazy(r"(?:^|/)(?:\.gitconfig|gitconfig|\.config/git/config)$"),
        lazy(r"sslverify\s*=\s*(?:false|no|off|0)\b", _I),
        DOWNLOAD,
        "makes git accept any TLS certificate from HTTPS remotes",
        "remove it, and give a private CA with sslCAInfo",
    ),
    ConfigFile(
        lazy(r"(?:^|/)pip\.(?:conf|ini)$"),
        lazy(r"^[ \t]*trusted[-_]host[ \t]*[=:][^\n]*\S", _M),
        INDEX,
        "makes pip accept those hosts without a valid TLS certificate, or over plain HTTP",
        "remove it, use the index over HTTPS, and give a private CA with cert",
    ),
    ConfigFile(
        lazy(r"(?:^|/)\.?npmrc$"),
        lazy(r"^\s*strict-ssl\s*=\s*(?:false|0)\b", _M),
        INDEX,
        "makes npm accept any TLS certificate from the registry",
        "remove it, and give a private CA with cafile",
    ),
    ConfigFile(
        lazy(r"(?:^|/)\.yarnrc(?:\.yml)?$"),
        lazy(r'^\s*(?:"?strict-ssl"?\s+"?false|enableStrictSsl\s*:\s*false)\b', _M),
        INDEX,
        "makes yarn accept any TLS certificate from the registry",
        "remove it, and give a private CA with cafile (caFilePath for Yarn 2+)",
    ),
    ConfigFile(
        lazy(r"(?:^|/)\.?condarc$"),
        lazy(r"^\s*ssl_verify\s*:\s*(?:false|no|off|0)\b", _M),
        INDEX,
        "makes conda accept any TLS certificate from channels",
        "remove it, or set ssl_verify to the path of a private CA bundle",
    ),
    ConfigFile(
        lazy(r"^/etc/apt/apt\.conf(?:\.d/.+)?$"),
        lazy(
            r"(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories"
            r"|Acquire::AllowDowngradeToInsecureRepositories)\s*=?\s*\"?\s*(?:true|yes|1|on)\b\"?",
            _I,
        ),
        SIGNATURE,
        "makes apt install packages whose signature is missing or wrong",
        "remove it, and import the repository's signing key",
    ),
    ConfigFile(
        lazy(r"^/etc/apt/sources\.list(?:\.d/.+)?$"),
        lazy(
            r"\[[^\]\n]*\b(?:trusted|allow-insecure|allow-weak)\s*=\s*yes\b[^\]\n]*\]"
            r"(?!\s*(?:file|copy|cdrom):)|^\s*Trusted:\s*yes\b",
            _M,
        ),
        SIGNATURE,
        "makes apt trust the repository without checking its signature",
        "remove it, and give the repository's key with signed-by=",
        local=lazy(r"^\s*URIs:\s*(?:file|copy|cdrom):", _M),
        remote=lazy(r"^\s*URIs:.*(?:(?:https?|ftp)://|\$)", _M),
    ),
    ConfigFile(
        lazy(
            r"^/etc/(?:yum\.repos\.d/.+|yum\.conf|yum/yum\.conf|dnf/dnf\.conf"
            r"|zypp/repos\.d/.+|zypp/zypp\.conf|distro\.repos\.d/.+)$"
        ),
        lazy(r"^\s*gpgcheck\s*=\s*(?:0|false|no|off)\b", _M),
        SIGNATURE,
        "makes the package manager install packages without checking their GPG signatures",
        "set gpgcheck=1, and give the repository's key with gpgkey=",
        local=lazy(r"^\s*baseurl\s*=\s*file:", _M),
        remote=lazy(r"^\s*(?:baseurl|mirrorlist|metalink)\s*=\s*\S*(?:https?|ftp)://", _M),
    ),
)


def config_file(path: str) -> ConfigFile | None:
    """The configuration file ``path`` is, when it is one of :data:`CONFIG_FILES`."""
    cleaned = re.sub(r"/+", "/", path.strip())
    return next((config for config in CONFIG_FILES if config.path.search(cleaned)), None)


class Piece(NamedTuple):
    """Part of what a command writes: its text, and where it is (a word's span, or the text
    of a heredoc whose every character maps back to the file)."""

    text: str
    span: Span
    mapped: MappedText | None = None


class Write(NamedTuple):
    """Content put into a file by a RUN command (``echo … >> path``, ``tee``, a heredoc,
    ``sed -i`` replacements) or by COPY/ADD."""

    path: str
    pieces: tuple[Piece, ...]


_WRITES = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})
_ECHO_OPTIONS = lazy(r"-[neE]+")
_SED_SUBSTITUTION = lazy(r"s(.)((?:\\.|(?!\1).)*)\1((?:\\.|(?!\1).)*)\1")
_SED_VALUE_OPTIONS = frozenset({"-e", "--expression", "-f", "--file", "-l", "--line-length"})


def run_writes(commands: Sequence[SimpleCommand], script: ShellScript | None) -> list[Write]:
    """What the commands of a RUN write into files: ``echo``/``printf`` and heredocs sent to a
    file with ``>``/``>>`` or through ``tee``, and the replacements of ``sed -i``."""
    feeds: dict[int, SimpleCommand] = {}
    if script is not None:
        for pipeline in script.pipelines:
            for before, after in itertools.pairwise(pipeline):
                feeds[id(after)] = before
    writes: list[Write] = []
    for command in commands:
        words = unwrap(command.words)
        program = posixpath.basename(words[0].value) if words else ""
        if program == "sed":
            writes.extend(_sed_writes(words))
            continue
        pieces = _content(command, words, program)
        feeder = feeds.get(id(command))
        if not pieces and feeder is not None and program in ("tee", "cat"):
            pieces = _content(feeder, unwrap(feeder.words), _program(feeder))
        if not pieces:
            continue
        for redirect in command.redirects:
            if redirect.operator in _WRITES and redirect.target is not None:
                writes.append(Write(redirect.target.value, pieces))
        if program == "tee":
            writes.extend(
                Write(word.value, pieces) for word in words[1:] if not word.value.startswith("-")
            )
    return writes


def _program(command: SimpleCommand) -> str:
    words = unwrap(command.words)
    return posixpath.basename(words[0].value) if words else ""


def _content(command: SimpleCommand, words: Sequence[Word], program: str) -> tuple[Piece, ...]:
    pieces = [
        Piece(r.heredoc_body.text, r.span, r.heredoc_body)
        for r in command.redirects
        if r.heredoc_body is not None
    ]
    pieces.extend(
        Piece(r.target.value, r.target.span)
        for r in command.redirects
        if r.operator == "<<<" and r.target is not None
    )
    if program in ("echo", "printf"):
        args = list(words[1:])
        while program == "echo" and args and _ECHO_OPTIONS.fullmatch(args[0].value):
            args.pop(0)
        pieces.extend(Piece(word.value, word.span) for word in args)
    return tuple(pieces)


def _sed_writes(words: Sequence[Word]) -> list[Write]:
    """``sed -i 's/gpgcheck=1/gpgcheck=0/' file``: the replacement texts, written to each file."""
    if not any(w.value.startswith(("-i", "--in-place")) or _is_cluster_with(w, "i") for w in words):
        return []
    scripts: list[Word] = []
    files: list[Word] = []
    args = list(words[1:])
    index = 0
    while index < len(args):
        word = args[index]
        value = word.value
        index += 1
        if value in ("-e", "--expression") and index < len(args):
            scripts.append(args[index])
            index += 1
        elif value.startswith("--expression="):
            scripts.append(word)
        elif value in _SED_VALUE_OPTIONS:
            index += 1
        elif value.startswith("-") and len(value) > 1:
            continue
        elif not scripts and not files:
            scripts.append(word)
        else:
            files.append(word)
    pieces = tuple(
        Piece(match.group(3).replace("\\n", "\n"), word.span)
        for word in scripts
        for match in _SED_SUBSTITUTION.finditer(word.value)
    )
    return [Write(word.value, pieces) for word in files] if pieces else []


def _is_cluster_with(word: Word, letter: str) -> bool:
    value = word.value
    return value.startswith("-") and not value.startswith("--") and letter in value[1:]


def copied_writes(instruction: Instruction, ctx: Context) -> list[Write]:
    """What a COPY or ADD puts into configuration files: its heredocs, and the files of the
    build context it copies (read when the context is known)."""
    arguments = instruction.arguments
    if len(arguments) < 2 and not instruction.heredocs:
        return []
    destination = arguments[-1].value if arguments else ""
    sources = [a for a in arguments[:-1] if not a.value.startswith("<<")]
    directory = destination.endswith("/") or len(sources) + len(instruction.heredocs) > 1
    writes = []
    for heredoc in instruction.heredocs:
        path = posixpath.join(destination, heredoc.name) if directory else destination
        if config_file(path) is not None:
            body = heredoc.body
            writes.append(Write(path, (Piece(body.text, heredoc.marker, body),)))
    context = ctx.build_context
    if context is None or instruction.flag("from") is not None:
        return writes
    for argument in sources:
        value = argument.value
        if "://" in value or any(c in value for c in "*?[$"):
            continue
        relative = posixpath.normpath(value).lstrip("/")
        path = (
            posixpath.join(destination, posixpath.basename(relative))
            if directory
            else (destination)
        )
        if config_file(path) is None or not context.is_file(relative):
            continue
        text = context.read_text(relative)
        if text is not None:
            writes.append(Write(path, (Piece(text, argument.span),)))
    return writes


class ConfigFinding(NamedTuple):
    """A write that switches verification off: which file kind, and where the setting is."""

    config: ConfigFile
    path: str
    span: Span
    text: str

    @property
    def message(self) -> str:
        return f"{self.text} in {self.path} {self.config.effect}: {self.config.fix}"


def insecure_writes(
    writes: Sequence[Write], category: str, expand: Callable[[str], str] | None = None
) -> Iterator[ConfigFinding]:
    """The writes of ``category`` whose content switches verification off. ``expand`` fills
    in the build's variables in words (``echo "deb [$FLAGS] …"``); heredocs are read as
    written."""
    for write in writes:
        config = config_file(write.path)
        if config is None or config.category != category:
            continue
        texts = [
            expand(piece.text)
            if expand and piece.mapped is None and "$" in piece.text
            else piece.text
            for piece in write.pieces
        ]
        # echo -e and printf write "\n" as a newline: read it so, keeping every offset.
        joined = " ".join(texts).replace("\\n", "\n\n")
        if _local_only(config, joined):
            continue
        match = config.setting.search(joined)
        if match is not None:
            span = _locate(write.pieces, texts, match.start(), match.end())
            yield ConfigFinding(config, write.path, span, match.group().strip())


def _local_only(config: ConfigFile, text: str) -> bool:
    """Whether the file only points at repositories on the image's own disk."""
    if config.local is None or not config.local.search(text):
        return False
    return config.remote is None or not config.remote.search(text)


def _locate(pieces: Sequence[Piece], texts: Sequence[str], start: int, end: int) -> Span:
    """Where ``joined[start:end]`` is: exactly within a heredoc, else the word that holds it."""
    offset = 0
    for piece, text in zip(pieces, texts, strict=True):
        piece_end = offset + len(text)
        if start < piece_end:
            if piece.mapped is not None:
                return piece.mapped.span(start - offset, min(end, piece_end) - offset)
            return piece.span
        offset = piece_end + 1
    return pieces[-1].span


# --- environment variables ------------------------------------------------------------------


class Variable(NamedTuple):
    """An environment variable that switches verification off at some values.

    ``values`` must match the whole value, or with ``within`` a part of it (``GOFLAGS``);
    ``any_case`` for tools that read the name in any case (npm's ``npm_config_*``).
    """

    name: str
    values: AnyPattern
    effect: str
    fix: str
    any_case: bool = False
    within: bool = False


_ANY = lazy(r".*", re.DOTALL)
_SOME = lazy(r"\s*\S.*", re.DOTALL)

VARIABLES = (
    Variable(
        "NODE_TLS_REJECT_UNAUTHORIZED",
        lazy(r"0"),
        "makes every Node.js program accept any TLS certificate",
        "remove it, and give a private CA with NODE_EXTRA_CA_CERTS",
    ),
    Variable(
        "PYTHONHTTPSVERIFY",
        lazy(r"0"),
        "makes Python's HTTPS clients skip certificate checks",
        "remove it, and add a private CA to the image's trust store (update-ca-certificates)",
    ),
    Variable(
        "GIT_SSL_NO_VERIFY",
        _ANY,
        "makes git accept any TLS certificate from HTTPS remotes (whatever its value, even false)",
        "remove it, and give a private CA with GIT_SSL_CAINFO",
    ),
    Variable(
        "PIP_TRUSTED_HOST",
        _SOME,
        "makes pip accept those hosts without a valid TLS certificate, or over plain HTTP",
        "remove it, use the index over HTTPS, and give a private CA with PIP_CERT",
    ),
    Variable(
        "UV_INSECURE_HOST",
        _SOME,
        "makes uv accept those hosts without a valid TLS certificate, or over plain HTTP",
        "remove it, and add a private CA with SSL_CERT_FILE",
    ),
    Variable(
        "NPM_CONFIG_STRICT_SSL",
        lazy(r"false|0", _I),
        "makes npm accept any TLS certificate from the registry",
        "remove it, and give a private CA with NPM_CONFIG_CAFILE",
        any_case=True,
    ),
    Variable(
        "YARN_STRICT_SSL",
        lazy(r"false|0", _I),
        "makes yarn accept any TLS certificate from the registry",
        "remove it, and give a private CA with YARN_CAFILE",
    ),
    Variable(
        "YARN_ENABLE_STRICT_SSL",
        lazy(r"false|0", _I),
        "makes yarn accept any TLS certificate from the registry",
        "remove it, and give a private CA with YARN_CA_FILE_PATH",
    ),
    Variable(
        "CONDA_SSL_VERIFY",
        _FALSE,
        "makes conda accept any TLS certificate from channels",
        "remove it, or set it to the path of a private CA bundle",
    ),
    Variable(
        "BUNDLE_SSL_VERIFY_MODE",
        lazy(r"0"),
        "makes Bundler accept any TLS certificate from gem sources",
        "remove it, and give a private CA with BUNDLE_SSL_CA_CERT",
    ),
    Variable(
        "GOINSECURE",
        _SOME,
        "lets go fetch those modules over plain HTTP and without certificate checks",
        "remove it, and serve the modules over HTTPS",
    ),
    Variable(
        "GOFLAGS",
        lazy(r"(?:^|\s)-insecure(?:=true)?(?:\s|$)"),
        "lets go fetch modules over plain HTTP and without certificate checks",
        "remove -insecure",
        within=True,
    ),
    *(
        Variable(
            name,
            lazy(rf"(?:^|\s)-D(?:{_MAVEN_PROPERTIES})(?:\s|$)", _I),
            "makes Maven accept any TLS certificate from repositories",
            "remove the option, and import a private CA into the JDK's trust store with keytool",
            within=True,
        )
        for name in ("MAVEN_OPTS", "MAVEN_ARGS", "MAVEN_CONFIG")
    ),
)
_BY_NAME = {variable.name: variable for variable in VARIABLES}
_BY_UPPER = {variable.name.upper(): variable for variable in VARIABLES if variable.any_case}
VARIABLE_NAMES = tuple(variable.name for variable in VARIABLES)


def insecure_variable(name: str, value: str | None) -> Variable | None:
    """The entry of :data:`VARIABLES` that ``name=value`` switches off; a value of None
    (unknown) counts only for variables that switch off at any value."""
    variable = _BY_NAME.get(name) or _BY_UPPER.get(name.upper())
    if variable is None:
        return None
    if value is None:
        return variable if variable.values is _ANY else None
    matcher = variable.values.search if variable.within else variable.values.fullmatch
    return variable if matcher(value.strip()) else None


class Assigned(NamedTuple):
    """A variable set in a RUN: ``how`` is ``export``, ``env`` or ``prefix`` (``X=1 cmd``)."""

    name: str
    value: str | None
    span: Span
    how: str


def run_assignments(
    commands: Sequence[SimpleCommand], expand: Callable[[str], str | None]
) -> list[Assigned]:
    """Variables the commands of a RUN put into their children's environment: ``export
    X=…``, ``X=… command`` and ``env X=… command``; ``expand`` reads a value with
    variables (None when it is not known)."""
    found: list[Assigned] = []
    for command in commands:
        words = command.words
        if command.assignments and words:
            found.extend(_assigned(word, "prefix", expand) for word in command.assignments)
        if not words:
            continue
        program = posixpath.basename(words[0].value)
        if program == "export":
            found.extend(
                _assigned(word, "export", expand) for word in words[1:] if "=" in word.value
            )
            continue
        start = 0
        while start < len(words) and posixpath.basename(words[start].value) == "sudo":
            start += 1
            while start < len(words) and words[start].value.startswith("-"):
                start += 1
        if start < len(words) and posixpath.basename(words[start].value) == "env":
            for word in words[start + 1 :]:
                if word.value.startswith("-"):
                    continue
                if "=" not in word.value:
                    break
                found.append(_assigned(word, "env", expand))
    return [assigned for assigned in found if assigned.name]


def _assigned(word: Word, how: str, expand: Callable[[str], str | None]) -> Assigned:
    name, _, value = word.value.partition("=")
    span = word.span
    if not known_variable(name):
        return Assigned("", None, span, how)
    known = value if word.static or "$" not in value else expand(value)
    start = span.column + (1 if word.raw[:1] in "\"'" else 0)  # "X=1" or exec form
    return Assigned(name, known, Span(span.line, start, span.line, start + len(name)), how)


def known_variable(name: str) -> bool:
    """Whether ``name`` is one of :data:`VARIABLES` (the cheap test before its value)."""
    return name in _BY_NAME or name.upper() in _BY_UPPER


# --- downloads and checksums ----------------------------------------------------------------

DOWNLOADERS = frozenset({"curl", "wget", "aria2c"})
# Commands that check a file against a pinned checksum or signature.
_CHECKERS = {
    "sha1sum": ("-c", "--check"),
    "sha224sum": ("-c", "--check"),
    "sha256sum": ("-c", "--check"),
    "sha384sum": ("-c", "--check"),
    "sha512sum": ("-c", "--check"),
    "md5sum": ("-c", "--check"),
    "b2sum": ("-c", "--check"),
    "shasum": ("-c", "--check"),
    "cksum": ("-c", "--check"),
    "gpg": ("--verify",),
    "gpg2": ("--verify",),
    "gpgv": (),
    "gpgv2": (),
    "minisign": ("-V",),
    "signify": ("-V", "-C"),
    "cosign": ("verify", "verify-blob"),
}


def verifies(command: SimpleCommand) -> bool:
    """Whether ``command`` checks a checksum or signature (``sha256sum -c``, ``gpg --verify``)."""
    words = unwrap(command.words)
    if not words:
        return False
    program = posixpath.basename(words[0].value)
    if program not in _CHECKERS:
        return False
    needed = _CHECKERS[program]
    if not needed:
        return True
    return any(
        word.value in needed
        or (
            word.value.startswith("-")
            and not word.value.startswith("--")
            and any(n[1:] in word.value[1:] for n in needed if len(n) == 2)
        )
        for word in words[1:]
    )


def downloaded_files(commands: Sequence[SimpleCommand]) -> list[str]:
    """The file names curl and wget save in these commands (``-o``/``-O`` values, else the
    last part of the URL), for matching against the files a later command uses."""
    names = []
    for command in commands:
        words = unwrap(command.words)
        program = posixpath.basename(words[0].value) if words else ""
        if program not in ("curl", "wget"):
            continue
        letters = TOOLS[program].value_letters
        names_options = ("-o", "--output") if program == "curl" else ("-O", "--output-document")
        output = option_value(words, names_options, letters)
        if output is not None and output != "-":
            names.append(posixpath.basename(output))
            continue
        names.extend(
            posixpath.basename(redirect.target.value)
            for redirect in command.redirects
            if redirect.operator in _WRITES and redirect.target is not None
        )
        names.extend(posixpath.basename(url.split("?", 1)[0].rstrip("/")) for url in urls(words))
    return [name for name in names if name]


LOCAL_HOSTS = lazy(
    r"(?:https?|ftp)://(?:[^@/\s]*@)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?:[:/]|$)"
    r"|file://",
    _I,
)


# Long options of curl and wget that take the next word as their value.
_DOWNLOAD_VALUE_OPTIONS = frozenset(
    {"--output", "--header", "--user", "--user-agent", "--data", "--data-binary", "--data-raw",
     "--data-urlencode", "--request", "--proxy", "--cacert", "--capath", "--cert", "--key",
     "--write-out", "--retry", "--retry-delay", "--retry-max-time", "--connect-timeout",
     "--max-time", "--referer", "--cookie", "--cookie-jar", "--form", "--range", "--config",
     "--limit-rate", "--output-dir", "--dump-header", "--resolve", "--interface",
     "--output-document", "--directory-prefix", "--tries", "--timeout", "--wait",
     "--post-data", "--post-file", "--ca-certificate", "--certificate", "--private-key",
     "--load-cookies", "--save-cookies", "--input-file", "--append-output", "--output-file",
     "--password", "--http-user", "--http-password", "--max-redirect"}
)  # fmt: skip
_HOST_PATH = lazy(r"[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}(?::\d+)?(?:/|$)")


def urls(words: Sequence[Word]) -> list[str]:
    """The arguments of a downloader that look like URLs: with a scheme, else a host with an
    optional path (``get.rvm.io``, ``git.io/x``) or a variable; options and their values are
    left out."""
    explicit = [w.value for w in words[1:] if "://" in w.value]
    if explicit:
        return explicit
    program = posixpath.basename(words[0].value) if words else ""
    letters = TOOLS[program].value_letters if program in TOOLS else ""
    found = []
    skip = False
    for word in words[1:]:
        value = word.value
        if skip:
            skip = False
        elif value.startswith("--"):
            skip = value in _DOWNLOAD_VALUE_OPTIONS
        elif value.startswith("-") and len(value) > 1:
            skip = any(letter in letters for letter in value[1:]) and not _attached_value(
                value, letters
            )
        elif "$" in value or _HOST_PATH.match(value):
            found.append(value)
    return found


def _attached_value(cluster: str, letters: str) -> bool:
    """Whether a short-option cluster holds its own value (``-ofile``), so that the next
    word is not that value."""
    for position, character in enumerate(cluster[1:], 1):
        if character in letters:
            return position < len(cluster) - 1
    return False


def all_local(found: Sequence[str]) -> bool:
    """Whether every URL is on this machine (localhost, ``file://``)."""
    return bool(found) and all(LOCAL_HOSTS.match(url) for url in found)


def unique_commands(commands: Sequence[SimpleCommand]) -> list[SimpleCommand]:
    """The commands without the copies a nested parse repeats (``sh -c "$(curl …)"`` is seen
    in the outer and in the inner script)."""
    seen: set[tuple[int, int, tuple[str, ...]]] = set()
    kept = []
    for command in commands:
        key = (command.span.line, command.span.column, tuple(w.value for w in command.words))
        if key not in seen:
            seen.add(key)
            kept.append(command)
    return kept


def mentions(instruction: Instruction, pattern: AnyPattern) -> bool:
    """Whether the instruction's text or heredocs, lowercased, match ``pattern``: the cheap
    test before the shell is parsed."""
    if pattern.search(instruction.text.text.lower()):
        return True
    return any(pattern.search(heredoc.body.text.lower()) for heredoc in instruction.heredocs)


# --- downloads run by an interpreter --------------------------------------------------------


class Interpreter(NamedTuple):
    """How an interpreter finds its program: ``inline`` options take the program text
    (``sh -c``, ``python -c``), ``value_options`` take some other value; a shell runs its
    standard input with ``-s`` or without operands, others without a script operand or with
    ``-`` (PHP also after ``--``)."""

    inline: frozenset[str]
    value_options: frozenset[str] = frozenset()
    shell: bool = False
    dashdash_reads_stdin: bool = False


_SHELL = Interpreter(frozenset({"-c"}), frozenset({"-o", "+o", "-O", "+O"}), shell=True)
INTERPRETERS: tuple[tuple[AnyPattern, Interpreter], ...] = (
    (lazy(r"(?:ba|da|a|z|k|mk)?sh"), _SHELL),
    (
        lazy(r"(?:python|pypy)(?:[0-9]+(?:\.[0-9]+)?)?"),
        Interpreter(frozenset({"-c", "-m"}), frozenset({"-W", "-X", "-Q"})),
    ),
    (lazy(r"perl(?:[0-9.]+)?"), Interpreter(frozenset({"-e", "-E"}), frozenset({"-I"}))),
    (lazy(r"ruby(?:[0-9.]+)?"), Interpreter(frozenset({"-e"}), frozenset({"-I", "-r"}))),
    (
        lazy(r"node(?:js)?"),
        Interpreter(frozenset({"-e", "--eval", "-p", "--print"}), frozenset({"-r", "--require"})),
    ),
    (
        lazy(r"php(?:[0-9.]+)?"),
        Interpreter(
            frozenset({"-r", "-R", "-B", "-E", "-F"}),
            frozenset({"-c", "-d", "-z"}),
            dashdash_reads_stdin=True,
        ),
    ),
)
# Shell builtins that run their argument as code, or the file it names.
EVALUATORS = frozenset({"eval", "source", "."})


def interpreter(program: str) -> Interpreter | None:
    """The interpreter ``program`` is (``bash``, ``python3.12``, ``php``), or None."""
    return next((found for pattern, found in INTERPRETERS if pattern.fullmatch(program)), None)


def runs_standard_input(words: Sequence[Word], found: Interpreter) -> bool:
    """Whether the interpreter command ``words`` runs the program it reads on standard input
    (``bash``, ``sh -s -- -y``, ``python3 -``, ``php -- --install-dir=…``)."""
    args = words[1:]
    reads_stdin = False  # sh -s
    index = 0
    while index < len(args):
        value = args[index].value
        index += 1
        if value == "-":
            return True
        if value == "--":
            if found.shell:
                return reads_stdin or index >= len(args)
            return found.dashdash_reads_stdin or index >= len(args)
        if value[:1] in "-+" and len(value) > 1:
            if value in found.value_options:
                index += 1
            elif value in found.inline or value.partition("=")[0] in found.inline:
                return False
            elif found.shell and not value.startswith("--"):
                if "c" in value[1:]:
                    return False
                reads_stdin = reads_stdin or "s" in value[1:]
            continue
        return reads_stdin
    return True


def inline_code_words(words: Sequence[Word], found: Interpreter) -> list[Word]:
    """The words an interpreter runs as program text: the value of ``-c``/``-e``."""
    code = []
    for index, word in enumerate(words[1:-1], 1):
        value = word.value
        shell_cluster = found.shell and value.startswith("-") and not value.startswith("--")
        if value in found.inline or (shell_cluster and "c" in value[1:]):
            code.append(words[index + 1])
    return code


_CURL_LETTERS = TOOLS["curl"].value_letters
_WGET_LETTERS = TOOLS["wget"].value_letters


def writes_to_stdout(program: str, words: Sequence[Word]) -> bool:
    """Whether a curl or wget command writes what it downloads to standard output."""
    if program == "curl":
        output = option_value(words, ("-o", "--output"), _CURL_LETTERS)
        if output is not None and output != "-":
            return False
        remote_name = Switch(("-O", "--remote-name", "--remote-name-all"), "", "")
        return switch_word(words, remote_name, _CURL_LETTERS) is None
    if program == "wget":
        output = option_value(words, ("-O", "--output-document"), _WGET_LETTERS)
        return output in ("-", "/dev/stdout")
    return False
