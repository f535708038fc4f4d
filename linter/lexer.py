"""Text to instructions, the way BuildKit reads a Dockerfile, with exact positions.

The rules follow BuildKit's parser (frontend/dockerfile/parser): parser directives at the top,
comment lines dropped everywhere outside heredocs (also inside continuations), continuation
lines joined with the escape character and trailing blanks removed, empty continuation lines
skipped, flags (``--name=value``) taken from the front of every instruction, JSON arrays for the
exec form with a fallback to the shell form, heredoc bodies read after the instruction's last
line. Where BuildKit stops at an error, dlint records a problem and goes on.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .arguments import argument_problems
from .patterns import lazy
from .records import NamedTuple
from .source import MappedText, Problem, Source, Span
from .syntax import (
    DIRECTIVE_NAMES,
    HEREDOC_INSTRUCTIONS,
    JSON_FORM_INSTRUCTIONS,
    KNOWN_INSTRUCTIONS,
    NOT_UNDER_ONBUILD,
    WHITESPACE,
    Argument,
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
)
from .words import heredoc_markers, json_string_arguments, split_flags, split_words

if TYPE_CHECKING:
    from .reuse import Reuse

_KEYWORD_SEPARATORS = " \t\v\f\r"
_DIRECTIVE = lazy(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*")
# A broken exec form rather than shell: a quoted first item followed by a comma. (A shell
# test such as `RUN [ "$A" = b ]` also starts with `[` and a quote, but has no such comma.)
_ATTEMPTED_JSON = lazy(r"""\[\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*,""")
_JSON_NESTING = 200
# A string (to its closing quote, or to the end) or a bracket: brackets in strings do not nest.
_JSON_TOKEN = lazy(r'"(?:[^"\\]|\\.)*"?|[][{}]')
_OPENING = frozenset("[{")
_CLOSING = frozenset("]}")
# Levels of ONBUILD read as triggers: one is valid, a second already an error (see _split).
_ONBUILD_LEVELS = 8


def lex(source: Source, reuse: Reuse | None = None) -> Dockerfile:
    """Split a decoded Dockerfile into instructions as BuildKit does; with ``reuse``, an
    instruction read from the same lines at the same place as before is not read again."""
    return _Lexer(source, reuse).run()


class _Read(NamedTuple):
    """One instruction as read: the lines it took (its continuations, comments among them and
    heredoc bodies), whether they ran to the end of the file, and what reading them added."""

    lines: tuple[str, ...]
    to_the_end: bool
    instruction: Instruction
    comments: tuple[Comment, ...]
    problems: tuple[Problem, ...]


class _Lexer:
    def __init__(self, source: Source, reuse: Reuse | None = None) -> None:
        self.source = source
        self.reuse = reuse
        self.lines = source.lines
        self.escape = "\\"
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
        self.directives.append(Directive(name, value, span))

    def _comment(self, content: str, line: int, indent: int) -> None:
        span = Span(line, indent + 1, line, indent + len(content) + 1)
        self.comments.append(Comment(content[1:], span))

    def _instruction(self, first: str, index: int, indent: int) -> int:
        """Read one instruction starting on line ``index``; return the next line's index."""
        if self.reuse is None:
            return self._read_instruction(first, index, indent)
        # What reading depends on: the lines from here on, the escape character, and the
        # instruction's number; the lines taken are compared when a reading is found.
        key = (index, self.escape, len(self.instructions), first)
        lines = self.lines
        read = self.reuse.instructions.get(key)
        if isinstance(read, _Read):
            end = index - 1 + len(read.lines)
            same_end = not read.to_the_end or end == len(lines)
            if same_end and tuple(lines[index - 1 : end]) == read.lines:
                self.instructions.append(read.instruction)
                self.comments.extend(read.comments)
                self.problems.extend(read.problems)
                return end
        comments, problems = len(self.comments), len(self.problems)
        end = self._read_instruction(first, index, indent)
        read = _Read(
            tuple(lines[index - 1 : end]),
            end == len(lines),
            self.instructions[-1],
            tuple(self.comments[comments:]),
            tuple(self.problems[problems:]),
        )
        self.reuse.instructions.put(key, read)
        return end

    def _read_instruction(self, first: str, index: int, indent: int) -> int:
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
        span = Span(start_line, indent + 1, index, len(lines[index - 1]) + 1)
        instruction = self._split(joined, span)
        if instruction.effective.keyword in HEREDOC_INSTRUCTIONS and not instruction.effective.json:
            heredocs, index = self._heredocs(instruction.effective, index)
            if heredocs:
                instruction = _with_heredocs(instruction, heredocs)
        self.problems.extend(argument_problems(instruction.effective))
        self.instructions.append(instruction)
        return index

    def _trim_continuation(self, line: str) -> tuple[str, bool]:
        """The line without its continuation (the escape character, then blanks), and whether
        it had one."""
        content = line.rstrip(" \t")
        if not content.endswith(self.escape):
            return line, False
        return content[:-1], True

    def _split(self, joined: MappedText, span: Span) -> Instruction:
        """Keyword, flags and arguments of an instruction's joined text.

        ``ONBUILD`` takes an instruction as its argument, which may be ``ONBUILD`` again (an
        error BuildKit reports). The levels are read in a loop, not by recursion, and only
        down to ``_ONBUILD_LEVELS``: deeper, the rest is the words of the last ``ONBUILD``,
        so that a line of ten million ``ONBUILD`` costs time linear in its length.
        """
        levels: list[_Head] = []
        head = _head(joined)
        while head.keyword == "ONBUILD" and len(levels) < _ONBUILD_LEVELS:
            levels.append(head)
            head = _head(head.arguments_text)
        self._check_keyword(head.keyword, head.keyword_text, head.keyword_span)
        arguments, is_json = self._arguments(head.keyword, head.arguments_text)
        instruction = self._instruction_of(head, span, arguments, is_json, None)
        for head in reversed(levels):
            if instruction.keyword in NOT_UNDER_ONBUILD:
                message = f"ONBUILD {instruction.keyword} is not allowed"
                self.problems.append(Problem(instruction.keyword_span, message))
            instruction = self._instruction_of(head, span, (), False, instruction)
        return instruction

    def _instruction_of(
        self,
        head: _Head,
        span: Span,
        arguments: tuple[Argument, ...],
        is_json: bool,
        trigger: Instruction | None,
    ) -> Instruction:
        return Instruction(
            keyword=head.keyword,
            keyword_text=head.keyword_text,
            keyword_span=head.keyword_span,
            span=span,
            flags=head.flags,
            arguments=arguments,
            text=head.arguments_text,
            json=is_json,
            trigger=trigger,
            index=len(self.instructions),
        )

    def _check_keyword(self, keyword: str, keyword_text: str, span: Span) -> None:
        if keyword in KNOWN_INSTRUCTIONS:
            return
        message = f"unknown instruction: {keyword_text}" if keyword_text else "empty instruction"
        import difflib  # only for a misspelt keyword: not on the path of a valid file

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
        return split_words(text, self.escape), False

    def _healthcheck_arguments(self, text: MappedText) -> tuple[tuple[Argument, ...], bool]:
        words = split_words(text, self.escape)
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
        if not text.text.startswith("[") or _nested_too_deep(text.text):
            return None
        try:
            values, end = _JSON.raw_decode(text.text)
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
        rest = text.text[end:]
        if rest.strip(WHITESPACE):
            start = end + len(rest) - len(rest.lstrip(WHITESPACE))
            message = (
                f"{keyword}: Docker reads the JSON array and silently drops the text after "
                f"it ({rest.strip(WHITESPACE)!r}); put it inside the array or use shell form"
            )
            self.problems.append(Problem(text.span(start, len(text.text)), message))
        return tuple(json_string_arguments(text, values))

    def _heredocs(self, instruction: Instruction, index: int) -> tuple[list[Heredoc], int]:
        """Read the bodies of the heredocs named in ``instruction`` from line ``index`` on."""
        markers = heredoc_markers(instruction)
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
            end_column = len(self.lines[index - 1]) + 1
            if index == body_start:  # no line left: an empty body just after the instruction
                span = Span(index, end_column, index, end_column)
            else:
                span = Span(body_start + 1, 1, index, end_column)
            if not terminated:
                message = f"heredoc <<{name} is never terminated: no line {name!r} follows"
                self.problems.append(Problem(marker, message))
            body = (
                MappedText.join(parts) if parts else MappedText("", ((0, span.line, span.column),))
            )
            heredocs.append(Heredoc(name, quoted, chomp, fd, marker, body, span, terminated))
        return heredocs, index


class _Head(NamedTuple):
    """The front of an instruction's text: its keyword and flags, and the text after them."""

    keyword: str
    keyword_text: str
    keyword_span: Span
    flags: tuple[Flag, ...]
    arguments_text: MappedText


def _head(joined: MappedText) -> _Head:
    text = joined.text
    start = len(text) - len(text.lstrip(WHITESPACE))
    stop = len(text.rstrip(WHITESPACE))
    keyword_end = start
    while keyword_end < stop and text[keyword_end] not in _KEYWORD_SEPARATORS:
        keyword_end += 1
    keyword_text = text[start:keyword_end]
    flags, args_start = split_flags(joined, keyword_end, stop)
    while args_start < stop and text[args_start] in WHITESPACE:
        args_start += 1
    return _Head(
        keyword_text.upper(),
        keyword_text,
        joined.span(start, keyword_end),
        flags,
        joined.slice(args_start, stop),
    )


def _nested_too_deep(text: str) -> bool:
    """Whether arrays or objects nest deeper than ``_JSON_NESTING`` in ``text``.

    Python's json decoder recurses once per level and raises RecursionError past about a
    thousand; an exec form is one flat array of strings, so text nested this deep is read in
    shell form, as BuildKit reads text its JSON decoder rejects (it allows 10,000 levels).
    Counted in a loop, and only when there are enough brackets to matter.
    """
    if text.count("[") + text.count("{") <= _JSON_NESTING:
        return False
    depth = 0
    for token in _JSON_TOKEN.findall(text):
        if token in _OPENING:
            depth += 1
            if depth > _JSON_NESTING:
                return True
        elif token in _CLOSING:
            depth -= 1
    return False


def _reject_constant(name: str) -> None:
    raise ValueError(name)


# Like BuildKit's json.Decoder: the first JSON value counts, text after it is ignored.
_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _with_heredocs(instruction: Instruction, heredocs: list[Heredoc]) -> Instruction:
    end = heredocs[-1].span
    span = Span(instruction.span.line, instruction.span.column, end.end_line, end.end_column)
    if instruction.trigger is not None:
        trigger = _with_heredocs(instruction.trigger, heredocs)
        return instruction.replace(span=span, trigger=trigger)
    return instruction.replace(span=span, heredocs=tuple(heredocs))
