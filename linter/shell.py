"""Shell text to simple commands, with every word's position in the Dockerfile.

Docker joins a RUN instruction's continued lines (backslash-newline and comment lines removed)
before the shell sees them, so dlint parses that joined text, never the raw lines. The text
comes as a ``MappedText`` whose offset map sends each word back to its physical line:column,
even when a RUN spans twenty lines or a word sits inside ``sh -c "…"`` or a heredoc.

tree-sitter-bash does the parsing; this module turns its tree into argv-like ``SimpleCommand``
values with quotes removed, so that rules ask plain questions ("``apt-get install`` without
``-y``?") instead of walking syntax trees. tree-sitter is imported on the first parse only:
the static path of a pre-commit hook must start fast.

Scripts longer than ``MAX_PARSED_CHARACTERS`` or with more than ``MAX_PARSED_HEREDOCS``
heredoc operators are not parsed, as ShellCheck does not check scripts over its own limit:
rules see such a script as one with no commands, and stay silent on it.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from .patterns import lazy
from .records import NamedTuple
from .shellwords import NEEDS_UNQUOTING, Piece, unquote
from .source import MappedText, Span

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_BACKQUOTED_COMMENT = re.compile(rb"`#[^`\n]*`")
_MAX_SCRIPT_DEPTH = 4  # sh -c inside sh -c …
_MAX_SUBSTITUTION_DEPTH = 32  # $( $( … ) ): deeper ones are not walked, to bound time and memory
# Bounds on what one parse may cost (bench/hostile.md). A script's commands take about 300
# bytes of memory and 3 µs per character of text: a 1 MB script about 300 MB and 3 s. The
# longest RUN of the 5,079 corpus Dockerfiles is 13 kB.
MAX_PARSED_CHARACTERS = 1_000_000
# tree-sitter-bash's heredoc scanner costs time in the number of pending heredocs for every
# token after them (8,000 heredocs: 5 s for 126 kB); the corpus has at most a few per RUN.
MAX_PARSED_HEREDOCS = 100
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_COMMANDS = frozenset({"command", "declaration_command", "unset_command", "test_command"})
_ASSIGNMENTS = frozenset({"variable_assignment", "variable_assignments"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})

_NON_ASCII = lazy(r"[^\x00-\x7f]+")
_FD = lazy(r"[0-9]+|-")


class _Scope(NamedTuple):
    """Where the walk is: the label for commands found, the enclosing substitution, its depth."""

    label: str | None
    id: int
    depth: int


class Word(NamedTuple):
    """One shell word: as written, its value after quote removal, and where it is.

    ``value`` keeps expansions as written (``"$HOME"/bin`` gives ``$HOME/bin``); ``static``
    says the value is exactly what the command receives: no expansion, substitution, unquoted
    glob, brace expansion or leading ``~``.
    """

    raw: str
    value: str
    static: bool
    span: Span


class Redirect(NamedTuple):
    """A redirection such as ``2> log``: ``operator`` is ``2>``, ``target`` the word ``log``.

    fd duplications (``2>&1``, ``>&-``) are all operator and have no target. For a heredoc the
    target is the delimiter word and ``heredoc_body`` the lines up to it; ``span`` covers the
    operator and target only.
    """

    operator: str
    target: Word | None
    span: Span
    heredoc_body: MappedText | None = None


class SimpleCommand(NamedTuple):
    """A command as the shell runs it: assignments, argv words and redirections.

    The ``time`` keyword is not a word: ``time -p make`` is the command ``make``. ``nested_in``
    names the construct that holds the command (``$(…)``, ``sh -c``, ``heredoc`` …), or is None
    for commands the top-level shell runs directly.
    """

    words: tuple[Word, ...]
    assignments: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    span: Span
    nested_in: str | None = None

    @property
    def name(self) -> str | None:
        """The command name after quote removal, or None for a bare assignment/redirection."""
        return self.words[0].value if self.words else None

    @property
    def args(self) -> tuple[Word, ...]:
        return self.words[1:]

    @property
    def program(self) -> str | None:
        """The command name without its directory: ``/usr/bin/apt-get`` gives ``apt-get``."""
        name = self.name
        return name.rsplit("/", 1)[-1] if name else None

    def unwrapped(self) -> SimpleCommand:
        """The command that really runs behind wrappers (see :func:`unwrap`); no words when
        the wrapper runs nothing (``command -v x``)."""
        words = unwrap(self.words)
        if len(words) == len(self.words):
            return self
        return SimpleCommand(words, self.assignments, self.redirects, self.span, self.nested_in)

    def has_flag(self, *names: str) -> bool:
        """Whether one of ``names`` is given: ``--long`` exactly or as ``--long=value``, and
        ``-x`` alone or inside a cluster such as ``-qy``. Nothing after ``--`` is a flag."""
        return self.flag(*names) is not None

    def flag(self, *names: str) -> Word | None:
        """The first argument that gives one of ``names`` (see :meth:`has_flag`)."""
        short = {name[1] for name in names if len(name) == 2 and name[0] == "-" != name[1]}
        long = {name for name in names if name.startswith("--")}
        for word in self.args:
            value = word.value
            if value == "--":
                return None
            if value.startswith("--"):
                if value.partition("=")[0] in long:
                    return word
            elif value.startswith("-") and len(value) > 1 and short.intersection(value[1:]):
                return word
        return None

    def flag_value(self, *names: str) -> str | None:
        """The value of an option: ``--name=value``, ``--name value`` or ``-n value``."""
        args = self.args
        for index, word in enumerate(args):
            value = word.value
            if value == "--":
                return None
            name, equals, given = value.partition("=")
            if name in names and equals and name.startswith("--"):
                return given
            if value in names and index + 1 < len(args):
                return args[index + 1].value
        return None


class ShellScript(NamedTuple):
    """Every simple command of a shell text, the pipelines among them, and parse health.

    Commands of nested scripts (``sh -c``, heredocs read by a shell) are included, sorted by
    file position. A pipeline stage that is a compound command (``curl … | ( cd /; sh )``)
    contributes every command in it.
    """

    commands: tuple[SimpleCommand, ...]
    pipelines: tuple[tuple[SimpleCommand, ...], ...]
    has_errors: bool


def _value_options(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Commands that run the command after them: their options that take a value, and how many
# operands come before the command (gosu USER cmd).
_WRAPPERS: Mapping[str, tuple[frozenset[str], int]] = {
    "sudo": (
        _value_options(
            "-u --user -g --group -h --host -p --prompt -C --close-from -D --chdir -R --chroot "
            "-T --command-timeout -U --other-user -r --role -t --type"
        ),
        0,
    ),
    "env": (_value_options("-u --unset -C --chdir -S --split-string"), 0),
    "exec": (_value_options("-a"), 0),
    "command": (frozenset(), 0),
    "nohup": (frozenset(), 0),
    "nice": (_value_options("-n --adjustment"), 0),
    "gosu": (frozenset(), 1),
    "su-exec": (frozenset(), 1),
    "tini": (frozenset(), 0),
    "dumb-init": (frozenset(), 0),
    "catatonit": (frozenset(), 0),
}
_NOT_RUNNING = {"command": {"-v", "-V"}, "sudo": {"-l", "-v", "-k", "-K", "-e"}}


def unwrap(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """The words of the command that really runs: ``sudo -E apt-get …`` gives ``apt-get …``.

    ``env`` assignments and the options of ``sudo``, ``env``, ``exec``, ``nice`` and init
    wrappers (``tini --``) are skipped, and so is the user operand of ``gosu``/``su-exec``.
    ``command -v apt-get`` and ``sudo -l`` run nothing: they give ``()``.
    """
    index = 0
    while index < len(words):
        wrapper = words[index].value.rsplit("/", 1)[-1]
        if wrapper not in _WRAPPERS:
            break
        value_options, operands = _WRAPPERS[wrapper]
        index += 1
        while index < len(words):
            value = words[index].value
            if value == "--":
                index += 1
                break
            if value in _NOT_RUNNING.get(wrapper, ()):
                return ()
            if value.startswith("-") and len(value) > 1:
                index += 2 if value in value_options else 1
            elif wrapper == "env" and "=" in value:
                index += 1
            else:
                break
        index += operands
    return words[index:]


def parse_shell(script: MappedText) -> ShellScript:
    """Parse Docker-joined shell text; bad input gives ``has_errors``, never an exception."""
    walk = _Walk(script, 0, None)
    walk.run()
    commands = sorted(walk.commands, key=lambda command: (command.span.line, command.span.column))
    pipelines = sorted(walk.pipelines, key=lambda p: (p[0].span.line, p[0].span.column))
    return ShellScript(tuple(commands), tuple(pipelines), walk.has_errors)


def parsed_in_bounds(text: str) -> bool:
    """Whether a shell text is small enough to parse (``MAX_PARSED_CHARACTERS``,
    ``MAX_PARSED_HEREDOCS``); a text over either bound is seen as having no commands."""
    return len(text) <= MAX_PARSED_CHARACTERS and text.count("<<") <= MAX_PARSED_HEREDOCS


@cache
def _parser() -> Parser:
    import tree_sitter

    return tree_sitter.Parser(tree_sitter.Language(_bash_grammar()))


def _bash_grammar() -> object:
    """tree-sitter-bash's compiled grammar (a capsule for ``tree_sitter.Language``).

    The ``tree_sitter_bash`` package's ``__init__`` imports ``importlib.resources`` (and with
    it ``tempfile``, ``shutil``, ``zipfile``: 4 ms of every ``dlint check``) for a query file
    dlint never reads. The grammar is its ``_binding`` extension module: it is loaded from
    the package's folder without running the ``__init__``, or, should the package's layout
    change, through the package.
    """
    import importlib.machinery
    import importlib.util

    package = importlib.util.find_spec("tree_sitter_bash")
    folders = package.submodule_search_locations if package is not None else None
    for folder in folders or ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "_binding" + suffix)
            if not os.path.isfile(path):
                continue
            spec = importlib.util.spec_from_file_location("tree_sitter_bash._binding", path)
            if spec is None or spec.loader is None:
                continue
            binding = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(binding)
            return binding.language()
    import tree_sitter_bash  # pragma: no cover - a layout without the _binding module

    return tree_sitter_bash.language()  # pragma: no cover


class _Walk:
    """One parse of one text: walks the tree without recursion, collecting commands."""

    def __init__(self, script: MappedText, script_depth: int, label: str | None) -> None:
        self.script = script
        self.script_depth = script_depth
        self.label = label
        self.data = script.text.encode("utf-8", "surrogatepass")
        self.char = _char_offsets(script.text, self.data)
        self.commands: list[SimpleCommand] = []
        self.pipelines: list[tuple[SimpleCommand, ...]] = []
        self.has_errors = False
        self._located: list[tuple[int, int, int, SimpleCommand]] = []  # bytes, scope, command
        self._stages: list[tuple[int, list[Node]]] = []
        self._owned_redirects: dict[int, list[Node]] = {}
        self._flattened: set[int] = set()

    def run(self) -> None:
        if not parsed_in_bounds(self.script.text):
            return
        data = self.data
        if b"`#" in data:
            # A backquoted comment (`` `# note` ``, a way to comment inside a continued
            # RUN) is valid shell that tree-sitter-bash reads as a comment running to the
            # end of the line; blank it (same length) so the commands after it are seen.
            data = _BACKQUOTED_COMMENT.sub(lambda match: b" " * len(match.group()), data)
        root = _parser().parse(data).root_node
        self.has_errors = self.has_errors or root.has_error
        stack: list[tuple[Node, _Scope]] = [(root, _Scope(self.label, 0, 0))]
        while stack:
            node, scope = stack.pop()
            kind = node.type
            if kind in _COMMANDS:
                self._command(node, scope, stack)
                continue
            if kind in _ASSIGNMENTS:
                self._assignments(node, scope, stack)
                continue
            if kind == "redirected_statement":
                self._redirected(node, scope)
            elif kind == "pipeline" and node.id not in self._flattened:
                self._stages.append((scope.id, _pipeline_stages(node, self._flattened)))
            elif kind in ("command_substitution", "process_substitution"):
                if scope.depth >= _MAX_SUBSTITUTION_DEPTH:
                    continue
                opening = self._text(node).lstrip()[:2]
                label = "`…`" if opening.startswith("`") else opening + "…)"
                scope = _Scope(label, node.id, scope.depth + 1)
            children = node.named_children
            if kind == "c_style_for_statement":
                children = [child for child in children if child.type not in _ASSIGNMENTS]
            stack.extend((child, scope) for child in children)
        self._located.sort(key=lambda located: located[0])
        self.commands.extend(command for *_, command in self._located)
        starts = [located[0] for located in self._located]
        for scope_id, stages in self._stages:
            members = tuple(
                command
                for stage in stages
                for start, end, command_scope, command in self._located[
                    bisect_left(starts, stage.start_byte) : bisect_left(starts, stage.end_byte)
                ]
                if command_scope == scope_id and end <= stage.end_byte
            )
            if len(members) > 1:
                self.pipelines.append(members)

    def _command(self, node: Node, scope: _Scope, stack: list[tuple[Node, _Scope]]) -> None:
        words: list[Word] = []
        starts: list[int] = []
        assignments: list[Word] = []
        redirect_nodes: list[Node] = []
        simple = node.type == "command"
        char = self.char
        pending = node.children[::-1]
        while pending:
            child = pending.pop()
            kind = child.type
            if kind in _REDIRECTS:
                redirect_nodes.append(child)
                stack.append((child, scope))
            elif kind.endswith("_expression"):
                pending.extend(child.children[::-1])
            elif kind in ("ERROR", "comment") or child.start_byte == child.end_byte:
                stack.append((child, scope))
            elif kind == "variable_assignment" and not words and simple:
                assignments.append(self._word(child))
                stack.extend((part, scope) for part in child.named_children)
            elif child.is_named or not simple:
                start = char(child.start_byte)
                word = self._word_at(start, char(child.end_byte))
                words.append(word)
                starts.append(start)
                if "(" in word.raw or "`" in word.raw:  # $( <( >( or backticks
                    parts = child.named_children if kind in _ASSIGNMENTS else [child]
                    stack.extend((part, scope) for part in parts)
        if simple and len(words) > 1 and words[0].value == "time":
            keep = next((i for i in range(1, len(words)) if words[i].value != "-p"), len(words))
            words, starts = words[keep:], starts[keep:]
        redirect_nodes.extend(self._owned_redirects.get(node.id, ()))
        command = self._record(node, words, assignments, redirect_nodes, scope)
        if self.script_depth < _MAX_SCRIPT_DEPTH:
            self._parse_nested(command, starts)

    def _record(
        self,
        node: Node,
        words: list[Word],
        assignments: list[Word],
        redirect_nodes: list[Node],
        scope: _Scope,
    ) -> SimpleCommand:
        redirects: list[Redirect] = []
        end = self.char(node.end_byte)
        for redirect_node in redirect_nodes:
            end = max(end, self._add_redirects(redirect_node, redirects))
        span = self.script.span(self.char(node.start_byte), end)
        command = SimpleCommand(
            tuple(words), tuple(assignments), tuple(redirects), span, scope.label
        )
        self._located.append((node.start_byte, node.end_byte, scope.id, command))
        return command

    def _assignments(self, node: Node, scope: _Scope, stack: list[tuple[Node, _Scope]]) -> None:
        parts = [node] if node.type == "variable_assignment" else node.named_children
        assignments = tuple(self._word(part) for part in parts)
        span = self.script.span(self.char(node.start_byte), self.char(node.end_byte))
        command = SimpleCommand((), assignments, (), span, scope.label)
        self._located.append((node.start_byte, node.end_byte, scope.id, command))
        stack.extend((child, scope) for part in parts for child in part.named_children)

    def _redirected(self, node: Node, scope: _Scope) -> None:
        """Give a statement's trailing redirections to the simple command they apply to."""
        body = node.named_children[0] if node.named_children else None
        redirects = [child for child in node.named_children if child.type in _REDIRECTS]
        if body is None or body.type in _REDIRECTS:
            self._record(node, [], [], redirects, scope)
            return
        owner = _last_simple_command(body)
        if owner is None:
            # `{ a; b; } > file`: every command of the group writes there.
            for inner in _group_commands(body):
                self._owned_redirects.setdefault(inner.id, []).extend(redirects)
            return
        self._owned_redirects.setdefault(owner.id, []).extend(redirects)
        for redirect in redirects:
            # tree-sitter-bash puts `cat <<EOF | sh`'s `| sh` inside the heredoc redirect.
            tail = next((c for c in redirect.named_children if c.type == "pipeline"), None)
            if redirect.type == "heredoc_redirect" and tail is not None:
                self._stages.append((scope.id, [owner, *_pipeline_stages(tail, self._flattened)]))

    def _add_redirects(self, node: Node, redirects: list[Redirect]) -> int:
        """Append the Redirect(s) of a redirect node; return where its written part ends."""
        operand = next((c for c in node.named_children if c.type != "file_descriptor"), None)
        start = self.char(node.start_byte)
        if operand is None or operand.start_byte == operand.end_byte:
            end = self.char(node.end_byte)
            written = self.script.text[start:end]
            redirects.append(Redirect(written, None, self.script.span(start, end)))
            return end
        end = self.char(operand.end_byte)
        operator = self.script.text[start : self.char(operand.start_byte)].strip()
        target: Word | None = self._word(operand)
        span = self.script.span(start, end)
        if node.type == "heredoc_redirect":
            body = next((c for c in node.named_children if c.type == "heredoc_body"), None)
            text = self._heredoc_body(body, operator, end)
            redirects.append(Redirect(operator, target, span, text))
            for child in node.named_children:
                if child.type in ("file_redirect", "herestring_redirect"):
                    end = max(end, self._add_redirects(child, redirects))
            return end
        if target is not None and operator.endswith("&") and _FD.fullmatch(target.value):
            operator, target = self.script.text[start:end], None
        redirects.append(Redirect(operator, target, span))
        return end

    def _heredoc_body(self, body: Node | None, operator: str, missing_at: int) -> MappedText:
        if body is None:
            return self.script.slice(missing_at, missing_at)
        start, end = self.char(body.start_byte), self.char(body.end_byte)
        if operator == "<<-":
            while start > 0 and self.script.text[start - 1] == "\t":
                start -= 1
        return self.script.slice(start, end)

    def _parse_nested(self, command: SimpleCommand, starts: list[int]) -> None:
        """Parse the script that a shell command runs: its -c argument or a heredoc."""
        found = _script_argument(command.words)
        if found is None:
            return
        label, index = found
        if index is None:
            bodies = [r.heredoc_body for r in command.redirects if r.operator in ("<<", "<<-")]
            texts = [body for body in bodies if body is not None]
        else:
            word = command.words[index]
            texts = [_value_text(self.script, starts[index], unquote(word.raw)[0])]
        for text in texts:
            nested = _Walk(text, self.script_depth + 1, label)
            nested.run()
            self.commands.extend(nested.commands)
            self.pipelines.extend(nested.pipelines)
            self.has_errors = self.has_errors or nested.has_errors

    def _text(self, node: Node) -> str:
        return self.script.text[self.char(node.start_byte) : self.char(node.end_byte)]

    def _word(self, node: Node) -> Word:
        return self._word_at(self.char(node.start_byte), self.char(node.end_byte))

    def _word_at(self, start: int, end: int) -> Word:
        """The word at text[start:end]."""
        raw = self.script.text[start:end]
        span = self.script.span(start, end)
        if NEEDS_UNQUOTING.search(raw) is None:
            return Word(raw, raw, True, span)
        pieces, static = unquote(raw)
        return Word(raw, "".join(text for text, _ in pieces), static, span)


def _pipeline_stages(pipeline: Node, flattened: set[int]) -> list[Node]:
    """The stages of a pipeline in order, undoing tree-sitter-bash's mis-nesting.

    ``a | b | c && d`` comes out as ``pipeline(a, list(pipeline(b, c), d))``; only the left
    operand of such a list belongs to the pipeline. Inner pipelines taken over are recorded in
    ``flattened`` so that they are not reported again on their own.
    """
    stages: list[Node] = []
    pending = [pipeline]
    while pending:
        node = pending.pop()
        named = [child for child in node.named_children if child.type != "comment"]
        first = named[0] if named else None
        if node.type == "pipeline":
            flattened.add(node.id)
            pending.extend(named[::-1])
        elif first is not None and (
            node.type == "list"
            or (node.type == "redirected_statement" and first.type in ("pipeline", "list"))
        ):
            pending.append(first)
        else:
            stages.append(node)
    return stages


def _last_simple_command(node: Node) -> Node | None:
    """The simple command that ends ``node``, or None when it ends in a compound command."""
    current: Node | None = node
    while current is not None and current.type not in _COMMANDS:
        if current.type not in ("list", "pipeline", "negated_command", "redirected_statement"):
            return None
        named = [child for child in current.named_children if child.type not in _REDIRECTS]
        current = named[-1] if named else None
    return current


def _group_commands(node: Node) -> list[Node]:
    """The simple commands directly inside a ``{ …; }`` or ``( … )`` group (not nested
    groups or substitutions), whose output a redirection of the group takes."""
    if node.type not in ("compound_statement", "subshell"):
        return []
    found = []
    pending = list(node.named_children)
    while pending:
        current = pending.pop()
        if current.type in _COMMANDS:
            found.append(current)
        elif current.type in ("list", "pipeline", "negated_command", "redirected_statement"):
            pending.extend(current.named_children)
    return found


def _script_argument(words: tuple[Word, ...]) -> tuple[str, int | None] | None:
    """For a shell command, (label, index of its -c script word, or None when it reads stdin)."""
    index = len(words) - len(unwrap(words))
    if index >= len(words):
        return None
    name = _basename(words[index].value)
    if name == "su":
        for position in range(index + 1, len(words) - 1):
            if words[position].value in ("-c", "--command"):
                return ("su -c", position + 1)
        return None
    if name not in _SHELLS:
        return None
    index += 1
    while index < len(words):
        flag = words[index].value
        if flag in ("-", "--"):
            return None if index + 1 < len(words) else ("heredoc", None)
        if len(flag) < 2 or flag[0] not in "-+":
            return None  # a script file: stdin is its data
        letters = flag[1:]
        if flag.startswith("--"):
            index += 1
        elif flag[0] == "-" and "c" in letters:
            return (f"{name} -c", index + 1) if index + 1 < len(words) else None
        elif flag[0] == "-" and "s" in letters:
            return ("heredoc", None)
        else:
            index += 2 if letters[-1] in "oO" else 1
    return ("heredoc", None)


def _basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _value_text(script: MappedText, start: int, pieces: list[Piece]) -> MappedText:
    """A word's value as text of its own, each character mapped back into the file."""
    parts = [
        MappedText(text, script.slice(start + offset, start + offset + len(text)).pieces)
        for text, offset in pieces
        if text
    ]
    return MappedText.join(parts)


def _char_offsets(text: str, data: bytes) -> Callable[[int], int]:
    """Map UTF-8 byte offsets of ``data`` (tree-sitter's unit) to character offsets of text."""
    if len(data) == len(text):
        return int
    byte_starts = [0]
    shifts = [0]
    shift = 0
    for run in _NON_ASCII.finditer(text):
        for offset, char in enumerate(run.group(), run.start()):
            shift += len(char.encode("utf-8", "surrogatepass")) - 1
            byte_starts.append(offset + 1 + shift)
            shifts.append(shift)
    return lambda byte: byte - shifts[bisect_right(byte_starts, byte) - 1]
