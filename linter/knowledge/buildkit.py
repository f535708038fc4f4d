"""What BuildKit's build checks know: its predefined arguments, reserved names, and how it reads
variable references, image references and platforms.

The BK rules reimplement ``docker build --check`` without a daemon; these are the facts and the
small parsers they share, written to follow BuildKit's own behaviour (its shell-word lexer,
the distribution reference grammar, containerd's platform specifiers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dockerfile_dlint.api import expand
from dockerfile_dlint.patterns import lazy

from ..records import NamedTuple

# Arguments BuildKit defines for every build: usable in FROM without an ARG, and nowhere else
# unless a stage declares them with ARG.
PLATFORM_ARGS = frozenset(
    {
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "BUILDOSVERSION"),
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "TARGETOSVERSION"),
        "TARGETSTAGE",
    }
)
# Values used when an expression is checked with the default arguments only (the values do not
# matter for validity, only their shape does).
PLATFORM_DEFAULTS: Mapping[str, str] = {
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
    "BUILDOSVERSION": "",
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "TARGETOSVERSION": "",
    "TARGETSTAGE": "",
}
# Build arguments BuildKit reads itself and never exports to the build's environment.
NON_ENV_ARGS = frozenset({"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"})
# The instructions BuildKit knows; a file with any other is a parse error, and no check runs.
INSTRUCTIONS = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
# Names a stage cannot usefully take: `FROM scratch` and the `context` named context.
RESERVED_STAGE_NAMES = frozenset({"context", "scratch"})

_SECRET_WORDS = "apikey|auth|credential|credentials|key|password|pword|passwd|secret|token"
_SECRET = lazy(rf"(?:_|^)(?:{_SECRET_WORDS})(?:_|$)", re.IGNORECASE)
_ALLOWED = lazy(r"(?:_|^)(?:public|file)(?:_|$)", re.IGNORECASE)


def looks_secret(name: str) -> bool:
    """BuildKit's test for an ARG or ENV name that holds a secret (``API_KEY``, ``DB_PASSWORD``;
    a ``PUBLIC`` or ``FILE`` word, as in ``PUBLIC_KEY`` or ``PASSWORD_FILE``, clears it)."""
    return _SECRET.search(name) is not None and _ALLOWED.search(name) is None


_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


class VariableUse(NamedTuple):
    """A ``$NAME`` or ``${NAME…}`` in a word: its name and where it is (``start``/``end``
    offsets of the whole reference, a default or other modifier included)."""

    name: str
    start: int
    end: int


def variable_uses(text: str, escape: str = "\\") -> list[VariableUse]:
    """The variable references Docker expands in ``text`` (an ENV value, a COPY path, a FROM
    image), in order; references inside single quotes or after the escape character are
    literal text and not listed, references nested in a modifier's word are (after the
    reference they are nested in)."""
    if "$" not in text:
        return []
    return _Scanner(text, escape).uses()


class _Open(NamedTuple):
    """A ``${name<modifier>`` whose word is being read: where it starts, its name, whether
    the text around it was inside double quotes, and the references found in its word."""

    start: int
    name: str
    quoted: bool
    nested: list[VariableUse]


_MODIFIERS = (":-", ":+", ":?", "##", "%%", "-", "+", "?", "#", "%", "/")


class _Scanner:
    """Docker's word lexer (its shell-like subset), reduced to finding references.

    One loop with a stack of the ``${…}`` being read, not a recursion per level: a word
    nested thousands deep costs time in its length, never Python's recursion limit.
    """

    def __init__(self, text: str, escape: str) -> None:
        self.text = text
        self.escape = escape
        self.position = 0

    def uses(self) -> list[VariableUse]:
        text = self.text
        found: list[VariableUse] = []
        opened: list[_Open] = []
        quoted = False
        while True:
            at_end = self.position >= len(text)
            if at_end or (opened and text[self.position] == "}" and not quoted):
                if not opened:
                    return found
                quoted = self._close(opened, found)
                continue
            char = text[self.position]
            self.position += 1
            if char == "'" and not quoted:
                end = text.find("'", self.position)
                self.position = len(text) if end < 0 else end + 1
            elif char == '"':
                quoted = not quoted
            elif char == self.escape:
                self.position += 1
            elif char == "$":
                into = opened[-1].nested if opened else found
                if self.position < len(text) and text[self.position] == "{":
                    if self._braced(self.position - 1, into, opened, quoted):
                        quoted = False  # the modifier's word starts outside quotes
                else:
                    self._plain(self.position - 1, into)

    def _plain(self, start: int, into: list[VariableUse]) -> None:
        text = self.text
        name_end = self.position
        while name_end < len(text) and text[name_end] in _NAME_CHARS:
            name_end += 1
        name = text[self.position : name_end]
        if name and name[0] in _NAME_START:
            self.position = name_end
            into.append(VariableUse(name, start, name_end))

    def _braced(
        self, start: int, into: list[VariableUse], opened: list[_Open], quoted: bool
    ) -> bool:
        """Read ``${name``; with a modifier, open it (True) for its word to be read."""
        text = self.text
        self.position += 1
        name_start = self.position
        while self.position < len(text) and text[self.position] in _NAME_CHARS:
            self.position += 1
        name = text[name_start : self.position]
        modifier = next((m for m in _MODIFIERS if text.startswith(m, self.position)), "")
        if modifier:
            self.position += len(modifier)
            opened.append(_Open(start, name, quoted, []))
            return True
        self._skip_past_brace()
        if name and name[0] in _NAME_START:
            into.append(VariableUse(name, start, self.position))
        return False

    def _close(self, opened: list[_Open], found: list[VariableUse]) -> bool:
        """Finish the innermost open ``${…}``; the quoting of the text around it."""
        closing = opened.pop()
        self._skip_past_brace()
        into = opened[-1].nested if opened else found
        if closing.name and closing.name[0] in _NAME_START:
            into.append(VariableUse(closing.name, closing.start, self.position))
        into.extend(closing.nested)
        return closing.quoted

    def _skip_past_brace(self) -> None:
        end = self.text.find("}", self.position)
        self.position = len(self.text) if end < 0 else end + 1


def expand_with(text: str, values: Mapping[str, str], escape: str = "\\") -> str:
    """``text`` as Docker's word processing leaves it, with ``values`` for the variables that
    are set (an unset one expands to nothing, as it does for BuildKit)."""
    return expand(text, values, escape).value


def global_arg_defaults(arguments: Iterable[str], escape: str = "\\") -> dict[str, str]:
    """The values BuildKit gives build arguments when none is passed: the platform arguments,
    then each ``ARG name=default`` before the first FROM in order (``arguments`` are those ARG
    words), a default expanded with what is set before it. ``ARG name`` alone sets nothing."""
    values = dict(PLATFORM_DEFAULTS)
    for argument in arguments:
        name, equals, default = argument.partition("=")
        if name and equals:
            values[name] = expand_with(default, values, escape)
    return values


# The distribution reference grammar (docker/distribution's reference package).
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = lazy(
    rf"((?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)(?::({_TAG}))?(?:@({_DIGEST}))?"
)
_HEX_ID = lazy(r"[a-f0-9]{64}")
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


def is_valid_image_reference(reference: str) -> bool:
    """Whether Docker accepts ``reference`` as an image name (``ParseNormalizedNamed``):
    lower-case repository path, optional registry host, tag and digest."""
    if not reference or _HEX_ID.fullmatch(reference):
        return False
    first, slash, rest = reference.partition("/")
    has_domain = "." in first or ":" in first or first == "localhost" or first.lower() != first
    remainder = rest if slash and has_domain else reference
    repository = remainder.partition(":")[0]
    if repository.lower() != repository:
        return False
    match = _REFERENCE.fullmatch(reference)
    if match is None or len(match.group(1)) > 255:
        return False
    digest = match.group(3)
    if digest:
        algorithm, _, encoded = digest.partition(":")
        length = _DIGEST_LENGTHS.get(algorithm)
        if length is None or len(encoded) != length or encoded.lower() != encoded:
            return False
    return True


_KNOWN_OS = frozenset(
    {
        *("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js"),
        *("linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"),
    }
)
_KNOWN_ARCH = frozenset(
    {
        *("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips"),
        *("mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64"),
        *("ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"),
    }
)
_ARCH_ALIASES = {
    "i386": "386",
    "x86_64": "amd64",
    "x86-64": "amd64",
    "aarch64": "arm64",
    "armhf": "arm",
    "armel": "arm",
}
_SPECIFIER_PART = lazy(r"[A-Za-z0-9_-]+")


class Platform(NamedTuple):
    """A normalized platform, as containerd's ``platforms.Parse`` returns it."""

    os: str
    architecture: str


def parse_platform(specifier: str) -> Platform | None:
    """``linux/amd64``, ``linux/arm64/v8``, ``amd64`` … normalized (``x86_64`` is ``amd64``,
    ``aarch64`` is ``arm64``, ``macos`` is ``darwin``); None when containerd rejects it."""
    parts = specifier.split("/")
    if len(parts) > 3 or not all(_SPECIFIER_PART.fullmatch(part) for part in parts):
        return None
    if len(parts) == 1:
        single = parts[0].lower()
        os_name = "darwin" if single == "macos" else single
        if os_name in _KNOWN_OS:
            return Platform(os_name, "amd64")
        architecture = _ARCH_ALIASES.get(single, single)
        if architecture in _KNOWN_ARCH:
            return Platform("linux", architecture)
        return None
    os_name = parts[0].lower()
    os_name = "darwin" if os_name == "macos" else os_name
    architecture = parts[1].lower()
    return Platform(os_name, _ARCH_ALIASES.get(architecture, architecture))
