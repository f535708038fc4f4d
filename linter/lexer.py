"""Text to instructions, the way BuildKit reads a Dockerfile, with exact positions.

The rules follow BuildKit's parser (frontend/dockerfile/parser): parser directives at the top,
comment lines dropped everywhere outside heredocs (also inside continuations), continuation
lines joined with the escape character and trailing blanks removed, empty continuation lines
skipped, flags (``--name=value``) taken from the front of every instruction, JSON arrays for the
exec form with a fallback to the shell form, heredoc bodies read after the instruction's last
line. Where BuildKit stops at an error, dlint records a problem and goes on.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, replace

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
_KEYWORD_SEPARATORS = " \t\v\f\r"
_DIRECTIVE = re.compile(
    r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*"
)
_HEREDOC_WORD = re.compile(r"(\d*)<<(-?)([^<]*)")
# A broken exec form rather than shell: a quoted first item followed by a comma. (A shell
# test such as `RUN [ "$A" = b ]` also starts with `[` and a quote, but has no such comma.)
_ATTEMPTED_JSON = re.compile(r"""\[\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*,""")


@dataclass(frozen=True, slots=True)
class Directive:
    """A parser directive such as ``# syntax=docker/dockerfile:1`` (name is lower-case)."""

    name: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment line; ``text`` is what follows the ``#``."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Flag:
    """``--name=value`` (value None for a bare ``--name``) in front of an instruction."""

    name: str
    value: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument: a JSON string's value in exec form, a word as written in shell form."""

    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document of RUN/COPY/ADD: ``<<EOF`` in the instruction, its body below it."""

    name: str
    quoted: bool
    chomp: bool
    fd: int | None
    marker: Span
    body: MappedText
    span: Span
    terminated: bool


@dataclass(frozen=True, slots=True, eq=False)
class Instruction:
    """One instruction as Docker reads it.

    ``text`` is the argument text after the flags, joined as Docker joins continued lines,
    with every offset mapped back to the file. ``span`` covers the instruction from its keyword
    to its last physical line, heredoc bodies included.
    """

    keyword: str
    keyword_text: str
    keyword_span: Span
    span: Span
    flags: tuple[Flag, ...]
    arguments: tuple[Argument, ...]
    text: MappedText
    json: bool
    heredocs: tuple[Heredoc, ...] = ()
    trigger: Instruction | None = None
    index: int = 0

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


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A lexed Dockerfile: directives, instructions, comments and what could not be read."""

    source: Source
    directives: tuple[Directive, ...]
    instructions: tuple[Instruction, ...]
    comments: tuple[Comment, ...]
    problems: tuple[Problem, ...]
    escape: str = "\\"


def lex(source: Source) -> Dockerfile:
    """Split a decoded Dockerfile into instructions as BuildKit does."""
    return _Lexer(source).run()


class _Lexer:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines = source.lines
        self.escape = "\\"
        self.continuation = _continuation_pattern(self.escape)
        self.directives_done = False
        self.directives: list[Directive] = []
        self.instructions: list[Instruction] = []
        self.comments: list[Comment] = []
        self.problems: list[Problem] = list(source.problems)

    def run(self) -> Dockerfile:
        if not self.source.binary:
            self._lex_lines()
            if not self.instructions:
                message = "no instructions: a Dockerfile needs at least a FROM"
                self.problems.append(Problem(Span(1, 1, 1, 1), message))
        return Dockerfile(
            self.source,
            tuple(self.directives),
            tuple(self.instructions),
            tuple(self.comments),
            tuple(self.problems),
            self.escape,
        )

    def _lex_lines(self) -> None:
        lines = self.lines
        index = 0
        while index < len(lines):
            line = lines[index]
            content = line.lstrip(WHITESPACE)
            indent = len(line) - len(content)
            index += 1
            if not self.directives_done:
                self._directive(content, index, indent)
            if content.startswith("#"):
                self._comment(content, index, indent)
                continue
            if not content:
                continue
            index = self._instruction(content, index, indent)

    def _directive(self, content: str, line: int, indent: int) -> None:
        match = _DIRECTIVE.fullmatch(content)
        name = match.group(1).lower() if match else ""
        if not match or name not in DIRECTIVE_NAMES:
            self.directives_done = True
            return
        span = Span(line, indent + 1, line, indent + len(content) + 1)
        value = match.group(2)
        if any(directive.name == name for directive in self.directives):
            self.problems.append(Problem(span, f"only one {name} parser directive can be used"))
            return
        if name == "escape":
            if value not in ("\\", "`"):
                message = f"invalid escape token {value!r}: it must be \\ or `"
                self.problems.append(Problem(span, message))
                return
            self.escape = value
            self.continuation = _continuation_pattern(value)
        self.directives.append(Directive(name, value, span))

    def _comment(self, content: str, line: int, indent: int) -> None:
        span = Span(line, indent + 1, line, indent + len(content) + 1)
        self.comments.append(Comment(content[1:], span))

    def _instruction(self, first: str, index: int, indent: int) -> int:
        """Read one instruction starting on line ``index``; return the next line's index."""
        lines = self.lines
        start_line = index
        parts = []
        body, continued = self._trim_continuation(first)
        parts.append(MappedText.single(body, start_line, indent + 1))
        empty_continuation: list[int] = []
        while continued and index < len(lines):
            line = lines[index]
            index += 1
            content = line.lstrip(WHITESPACE)
            if content.startswith("#"):
                self._comment(content, index, len(line) - len(content))
                continue
            if not content:
                empty_continuation.append(index)
                continue
            body, continued = self._trim_continuation(line)
            parts.append(MappedText.single(body, index, 1))
        joined = MappedText.join(parts)
        end = Span(index, len(lines[index - 1]) + 1, index, len(lines[index - 1]) + 1)
        instruction = self._split(joined, Span(start_line, indent + 1, end.line, end.column))
        if instruction.effective.keyword in HEREDOC_INSTRUCTIONS and not instruction.effective.json:
            heredocs, index = self._heredocs(instruction.effective, index)
            if heredocs:
                instruction = _with_heredocs(instruction, heredocs)
        self.instructions.append(instruction)
        return index

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        match = self.continuation.search(line)
        if match is None:
            return line, False
        return line[: match.start()], True

    def _split(self, joined: MappedText, span: Span) -> Instruction:
        """Keyword, flags and arguments of an instruction's joined text."""
        text = joined.text
        start = len(text) - len(text.lstrip(WHITESPACE))
        stop = len(text.rstrip(WHITESPACE))
        keyword_end = start
        while keyword_end < stop and text[keyword_end] not in _KEYWORD_SEPARATORS:
            keyword_end += 1
        keyword_text = text[start:keyword_end]
        keyword = keyword_text.upper()
        keyword_span = joined.span(start, keyword_end)
        flags, args_start = _flags(joined, keyword_end, stop)
        while args_start < stop and text[args_start] in WHITESPACE:
            args_start += 1
        arguments_text = joined.slice(args_start, stop)
        trigger = None
        if keyword == "ONBUILD":
            trigger = self._split(arguments_text, span)
            if trigger.keyword in NOT_UNDER_ONBUILD:
                message = f"ONBUILD {trigger.keyword} is not allowed"
                self.problems.append(Problem(trigger.keyword_span, message))
            arguments: tuple[Argument, ...] = ()
            is_json = False
        else:
            self._check_keyword(keyword, keyword_text, keyword_span)
            arguments, is_json = self._arguments(keyword, arguments_text)
        return Instruction(
            keyword=keyword,
            keyword_text=keyword_text,
            keyword_span=keyword_span,
            span=span,
            flags=flags,
            arguments=arguments,
            text=arguments_text,
            json=is_json,
            trigger=trigger,
            index=len(self.instructions),
        )

    def _check_keyword(self, keyword: str, keyword_text: str, span: Span) -> None:
        if keyword in KNOWN_INSTRUCTIONS:
            return
        message = f"unknown instruction: {keyword_text}" if keyword_text else "empty instruction"
        close = difflib.get_close_matches(keyword, KNOWN_INSTRUCTIONS, n=1, cutoff=0.7)
        if close:
            message += f" (did you mean {close[0]}?)"
        self.problems.append(Problem(span, message))

    def _arguments(self, keyword: str, text: MappedText) -> tuple[tuple[Argument, ...], bool]:
        if keyword == "HEALTHCHECK":
            return self._healthcheck_arguments(text)
        if keyword in JSON_FORM_INSTRUCTIONS:
            parsed = self._json_arguments(keyword, text)
            if parsed is not None:
                return parsed, True
        return _words(text, self.escape), False

    def _healthcheck_arguments(self, text: MappedText) -> tuple[tuple[Argument, ...], bool]:
        words = _words(text, self.escape)
        if not words or words[0].value.upper() != "CMD":
            return words, False
        rest_start = len(words[0].value)
        while rest_start < len(text.text) and text.text[rest_start] in WHITESPACE:
            rest_start += 1
        parsed = self._json_arguments("HEALTHCHECK", text.slice(rest_start, len(text.text)))
        if parsed is None:
            return words, False
        return (words[0], *parsed), True

    def _json_arguments(self, keyword: str, text: MappedText) -> tuple[Argument, ...] | None:
        """The strings of a JSON array, or None when the text is not one (shell form)."""
        if not text.text.startswith("["):
            return None
        try:
            values, _ = _JSON.raw_decode(text.text)
        except json.JSONDecodeError as error:
            if _ATTEMPTED_JSON.match(text.text):
                position = min(error.pos, len(text.text) - 1)
                single = text.text[1:].lstrip().startswith("'")
                reason = "JSON strings take double quotes" if single else error.msg
                message = (
                    f"{keyword} looks like a JSON array but is not valid JSON ({reason}), "
                    "so Docker runs it in shell form"
                )
                self.problems.append(Problem(text.span(position, position + 1), message))
            return None
        except ValueError:
            return None
        if not isinstance(values, list):
            return None
        if not all(isinstance(value, str) for value in values):
            message = f"{keyword}: a JSON array must contain only strings"
            self.problems.append(Problem(text.span(0, len(text.text)), message))
            return None
        return tuple(_json_string_spans(text, values))

    def _heredocs(self, instruction: Instruction, index: int) -> tuple[list[Heredoc], int]:
        """Read the bodies of the heredocs named in ``instruction`` from line ``index`` on."""
        markers = _heredoc_markers(instruction)
        heredocs = []
        for name, quoted, chomp, fd, marker in markers:
            body_start = index
            parts = []
            terminated = False
            while index < len(self.lines):
                line = self.lines[index]
                index += 1
                candidate = line.lstrip("\t") if chomp else line
                if candidate == name:
                    terminated = True
                    break
                parts.append(MappedText.single(line + "\n", index, 1))
            last = self.lines[index - 1] if index > 0 else ""
            span = Span(body_start + 1, 1, index, len(last) + 1)
            if not terminated:
                message = f"heredoc <<{name} is never terminated: no line {name!r} follows"
                self.problems.append(Problem(marker, message))
            body = MappedText.join(parts) if parts else MappedText("", ((0, body_start + 1, 1),))
            heredocs.append(Heredoc(name, quoted, chomp, fd, marker, body, span, terminated))
        return heredocs, index


def _continuation_pattern(escape: str) -> re.Pattern[str]:
    return re.compile(re.escape(escape) + r"[ \t]*$")


def _reject_constant(name: str) -> None:
    raise ValueError(name)


# Like BuildKit's json.Decoder: the first JSON value counts, text after it is ignored.
_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _with_heredocs(instruction: Instruction, heredocs: list[Heredoc]) -> Instruction:
    end = heredocs[-1].span
    span = Span(instruction.span.line, instruction.span.column, end.end_line, end.end_column)
    if instruction.trigger is not None:
        trigger = _with_heredocs(instruction.trigger, heredocs)
        return replace(instruction, span=span, trigger=trigger)
    return replace(instruction, span=span, heredocs=tuple(heredocs))


def _flags(joined: MappedText, start: int, stop: int) -> tuple[tuple[Flag, ...], int]:
    """Parse ``--flag[=value]`` words after the keyword, as BuildKit's extractBuilderFlags."""
    text = joined.text
    flags: list[Flag] = []
    position = start
    while True:
        while position < stop and text[position] in WHITESPACE:
            position += 1
        if not text.startswith("--", position) or position >= stop:
            return tuple(flags), position
        word_start = position
        word, position = _flag_word(text, position, stop)
        if word == "--":
            return tuple(flags), position
        name, equals, value = word[2:].partition("=")
        flags.append(Flag(name, value if equals else None, joined.span(word_start, position)))


def _flag_word(text: str, position: int, stop: int) -> tuple[str, int]:
    """One flag word: quotes removed, backslash escapes resolved; returns it and its end."""
    word = []
    quote = ""
    while position < stop:
        char = text[position]
        if not quote and char in WHITESPACE:
            break
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        elif char == "\\" and position + 1 < stop:
            position += 1
            word.append(text[position])
        elif char != "\\":
            word.append(char)
        position += 1
    return "".join(word), position


def _words(text: MappedText, escape: str) -> tuple[Argument, ...]:
    """Whitespace-separated words, quotes and escapes kept, as BuildKit's parseWords."""
    source = text.text
    words = []
    position = 0
    length = len(source)
    while position < length:
        while position < length and source[position] in WHITESPACE:
            position += 1
        if position >= length:
            break
        start = position
        quote = ""
        while position < length:
            char = source[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'":
                    position += 1
            elif char in WHITESPACE:
                break
            elif char in "'\"":
                quote = char
            elif char == escape:
                position += 1
            position += 1
        position = min(position, length)
        words.append(Argument(source[start:position], text.span(start, position)))
    return tuple(words)


def _json_string_spans(text: MappedText, values: list[str]) -> list[Argument]:
    """Locate each string literal of a valid JSON array of strings in the text."""
    decoder = json.decoder.scanstring  # type: ignore[attr-defined]
    source = text.text
    arguments = []
    position = source.index("[") + 1
    for value in values:
        start = source.index('"', position)
        _, end = decoder(source, start + 1)
        arguments.append(Argument(value, text.span(start, end)))
        position = end
    return arguments


def _heredoc_markers(
    instruction: Instruction,
) -> list[tuple[str, bool, bool, int | None, Span]]:
    """The heredocs an instruction opens: words like ``<<EOF``, ``<<-'EOF'``, ``3<<EOF``."""
    if "<<" not in instruction.text.text:
        return []
    markers = []
    for word in _words(instruction.text, "\\"):
        match = _HEREDOC_WORD.fullmatch(word.value)
        if match is None or not match.group(3):
            continue
        rest = match.group(3)
        quoted = "'" in rest or '"' in rest
        name = _unquote(rest)
        if not name:
            continue
        fd = int(match.group(1)) if match.group(1) else None
        markers.append((name, quoted, match.group(2) == "-", fd, word.span))
    return markers


def _unquote(word: str) -> str:
    """Remove shell quotes and backslash escapes from a heredoc delimiter word."""
    result = []
    quote = ""
    position = 0
    while position < len(word):
        char = word[position]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and position + 1 < len(word):
                position += 1
                result.append(word[position])
            else:
                result.append(char)
        elif char in "'\"":
            quote = char
        elif char == "\\" and position + 1 < len(word):
            position += 1
            result.append(word[position])
        else:
            result.append(char)
        position += 1
    return "".join(result)
