"""Which shell text dlint parses for an instruction, and that positions land in the file."""

from __future__ import annotations

from dockerfile_dlint.api import Context
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.shell import ShellScript
from dockerfile_dlint.source import decode


def scripts(text: str) -> list[ShellScript | None]:
    dockerfile = lex(decode(text.encode()))
    ctx = Context(dockerfile, build_model(dockerfile))
    return [ctx.shell(instruction) for instruction in dockerfile.instructions[1:]]


def commands(script: ShellScript | None) -> list[tuple[str | None, int, int]]:
    assert script is not None
    return [(c.name, c.span.line, c.span.column) for c in script.commands]


def test_continued_run_maps_commands_to_their_lines() -> None:
    (script,) = scripts(
        "FROM a\nRUN apt-get update \\\n    # refresh\n    && apt-get install -y curl\n"
    )
    assert commands(script) == [("apt-get", 2, 5), ("apt-get", 4, 8)]
    assert script is not None and script.commands[1].args[2].span.column == 27


def test_heredoc_bodies_follow_the_command() -> None:
    (script,) = scripts(
        "FROM a\nRUN cat <<EOF > /etc/apt/sources.list && apt-get update\n"
        "deb http://example.com stable main\nEOF\n"
    )
    assert script is not None
    cat = script.commands[0]
    assert [(r.operator, r.target.value if r.target else None) for r in cat.redirects] == [
        ("<<", "EOF"),
        (">", "/etc/apt/sources.list"),
    ]
    assert commands(script)[1] == ("apt-get", 2, 42)


def test_run_heredoc_script_is_parsed_as_the_script() -> None:
    (shell, python) = scripts(
        "FROM a\nRUN <<EOF\nset -eux\npip install --user prisma\nEOF\n"
        "RUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n"
    )
    assert commands(shell) == [("set", 3, 1), ("pip", 4, 1)]
    assert python is None


def test_exec_form_and_non_posix_shells_are_not_shell() -> None:
    results = scripts(
        'FROM a\nCMD ["python", "app.py"]\nSHELL ["powershell", "-Command"]\nRUN Get-ChildItem\n'
    )
    assert results[0] is None and results[2] is None


def test_sh_c_inside_a_shell_form_cmd() -> None:
    dockerfile = lex(decode(b'FROM a\nCMD sh -c "exec uvicorn app --port $PORT"\n'))
    ctx = Context(dockerfile, build_model(dockerfile))
    script = ctx.shell(dockerfile.instructions[1])
    assert script is not None
    nested = [c for c in script.commands if c.nested_in]
    assert [(c.name, c.span.column) for c in nested] == [("exec", 12)]


def test_exec_form_shell_script_is_parsed_with_positions() -> None:
    (script,) = scripts(
        'FROM a\nRUN ["/bin/bash", "-o", "pipefail", "-c", '
        '"apt-get update && apt-get install -y \\"x\\""]\n'
    )
    assert commands(script) == [("apt-get", 2, 44), ("apt-get", 2, 62)]
    assert script is not None and script.commands[1].args[2].value == "x"
