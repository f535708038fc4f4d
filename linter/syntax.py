"""What a Dockerfile is made of, as the lexer produces it and rules read it.

Every piece carries its :class:`~dockerfile_dlint.source.Span`: 1-based line and column, end
column exclusive. Argument text keeps its map back to the file (:class:`MappedText`), so a
position found inside a continued instruction points to its own physical line.
"""

from __future__ import annotations

from .records import NamedTuple, Record
from .source import MappedText, Problem, Source, Span

KNOWN_INSTRUCTIONS = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
JSON_FORM_INSTRUCTIONS = frozenset({"ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})
HEREDOC_INSTRUCTIONS = frozenset({"ADD", "COPY", "RUN"})
NOT_UNDER_ONBUILD = frozenset({"ONBUILD", "FROM", "MAINTAINER"})
DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})

# Go's unicode.IsSpace, which BuildKit uses to trim lines and split words.
WHITESPACE = (
    " \t\n\v\f\r\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


class Directive(NamedTuple):
    """A parser directive such as ``# syntax=docker/dockerfile:1`` (name is lower-case)."""

    name: str
    value: str
    span: Span


class Comment(NamedTuple):
    """A comment line; ``text`` is what follows the ``#``."""

    text: str
    span: Span


class Flag(NamedTuple):
    """``--name=value`` (value None for a bare ``--name``) in front of an instruction."""

    name: str
    value: str | None
    span: Span


class Argument(NamedTuple):
    """One argument: a JSON string's value in exec form, a word as written in shell form."""

    value: str
    span: Span


class Heredoc(NamedTuple):
    """A here-document of RUN/COPY/ADD: ``<<EOF`` in the instruction, its body below it."""

    name: str
    quoted: bool
    chomp: bool
    fd: int | None
    marker: Span
    body: MappedText
    span: Span
    terminated: bool


class Instruction(Record):
    """One instruction as Docker reads it (read-only: :meth:`replace` makes a changed copy).

    ``text`` is the argument text after the flags, joined as Docker joins continued lines,
    with every offset mapped back to the file. ``span`` covers the instruction from its keyword
    to its last physical line, heredoc bodies included. Two instructions are equal only when
    they are the same one.
    """

    _fields = (
        *("keyword", "keyword_text", "keyword_span", "span", "flags", "arguments", "text"),
        *("json", "heredocs", "trigger", "index"),
    )
    __slots__ = _fields

    def __init__(
        self,
        keyword: str,
        keyword_text: str,
        keyword_span: Span,
        span: Span,
        flags: tuple[Flag, ...],
        arguments: tuple[Argument, ...],
        text: MappedText,
        json: bool,
        heredocs: tuple[Heredoc, ...] = (),
        trigger: Instruction | None = None,
        index: int = 0,
    ) -> None:
        self.keyword = keyword
        self.keyword_text = keyword_text
        self.keyword_span = keyword_span
        self.span = span
        self.flags = flags
        self.arguments = arguments
        self.text = text
        self.json = json
        self.heredocs = heredocs
        self.trigger = trigger
        self.index = index

    @property
    def line(self) -> int:
        return self.span.line

    def flag(self, name: str) -> Flag | None:
        """The last ``--name`` flag, as Docker applies the last one given."""
        found = None
        for flag in self.flags:
            if flag.name == name:
                found = flag
        return found

    @property
    def effective(self) -> Instruction:
        """The instruction that runs: the trigger of an ONBUILD, else itself."""
        return self.trigger if self.trigger is not None else self


class Dockerfile(NamedTuple):
    """A lexed Dockerfile: directives, instructions, comments and what could not be read."""

    source: Source
    directives: tuple[Directive, ...]
    instructions: tuple[Instruction, ...]
    comments: tuple[Comment, ...]
    problems: tuple[Problem, ...]
    escape: str = "\\"
