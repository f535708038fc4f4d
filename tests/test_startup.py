"""What the container runs at start: ENTRYPOINT and CMD combined and followed through."""

from __future__ import annotations

from pathlib import Path

from dockerfile_dlint.api import BuildContext, Context
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.source import decode
from dockerfile_dlint.startup import StartupCommand


def startup(
    text: str, files: dict[str, str] | None = None, tmp: Path | None = None
) -> list[StartupCommand]:
    context = None
    if files and tmp is not None:
        for name, content in files.items():
            (tmp / name).write_text(content)
        context = BuildContext(tmp)
    document = lex(decode(text.encode()))
    ctx = Context(document, build_model(document), context)
    return ctx.startup_commands(ctx.stages[-1])


def names(commands: list[StartupCommand]) -> list[tuple[str | None, list[str]]]:
    return [(c.command.name, [w.value for w in c.command.args]) for c in commands]


def test_exec_cmd_is_the_command_with_its_spans() -> None:
    (command,) = startup('FROM a\nCMD ["uvicorn", "main:app", "--port", "8080"]\n')
    assert names([command]) == [("uvicorn", ["main:app", "--port", "8080"])]
    assert command.anchor.line == 2 and command.command.words[2].span.column == 29
    assert command.where == ""


def test_shell_form_and_sh_c_are_parsed() -> None:
    commands = startup('FROM a\nCMD ["sh", "-c", "prisma generate && exec uvicorn app"]\n')
    assert names(commands) == [("prisma", ["generate"]), ("uvicorn", ["app"])]
    assert commands[1].command.words[0].span.column == 43
    assert names(startup("FROM a\nCMD npm ci && npm start\n")) == [
        ("npm", ["ci"]),
        ("npm", ["start"]),
    ]


def test_entrypoint_exec_gets_cmd_as_arguments() -> None:
    commands = startup('FROM a\nENTRYPOINT ["gunicorn"]\nCMD ["-b", "0.0.0.0:8000", "app:app"]\n')
    assert names(commands) == [("gunicorn", ["-b", "0.0.0.0:8000", "app:app"])]


def test_entrypoint_resets_the_parent_stage_cmd_and_shell_form_ignores_cmd() -> None:
    text = (
        'FROM a AS base\nCMD ["python", "app.py"]\nFROM base\nENTRYPOINT ["python", "-m", "srv"]\n'
    )
    assert names(startup(text)) == [("python", ["-m", "srv"])]
    assert names(startup('FROM a\nENTRYPOINT exec gunicorn app\nCMD ["--reload"]\n')) == [
        ("gunicorn", ["app"])
    ]
    assert names(startup('FROM a AS base\nCMD ["python", "app.py"]\nFROM base\n')) == [
        ("python", ["app.py"])
    ]


def test_wrappers_and_scripts_are_followed(tmp_path: Path) -> None:
    files = {
        "entrypoint.sh": '#!/bin/sh\nset -e\n. ./env.sh\nexec "$@"\n',
        "env.sh": "export A=1\nnpx prisma generate\n",
    }
    text = (
        "FROM a\nWORKDIR /app\nCOPY entrypoint.sh env.sh ./\n"
        'ENTRYPOINT ["tini", "--", "./entrypoint.sh"]\nCMD ["node", "server.js"]\n'
    )
    commands = startup(text, files, tmp_path)
    assert ("npx", ["prisma", "generate"]) in names(commands)
    npx = next(c for c in commands if c.command.name == "npx")
    assert npx.script == "/app/env.sh" and npx.command.span.line == 2
    assert (npx.anchor.line, npx.anchor.column) == (4, 27)
    assert npx.where == " (in /app/env.sh line 2)"
    assert names(commands)[-1] == ("node", ["server.js"])


def test_script_found_on_path(tmp_path: Path) -> None:
    text = 'FROM a\nCOPY start /usr/local/bin/\nCMD ["start"]\n'
    commands = startup(text, {"start": "#!/bin/bash\nuvicorn app --host 127.0.0.1\n"}, tmp_path)
    assert names(commands) == [("uvicorn", ["app", "--host", "127.0.0.1"])]
    assert commands[0].script == "/usr/local/bin/start"
