"""Following a path in the image back to the COPY that put it there."""

from __future__ import annotations

from pathlib import Path

import pytest
from dockerfile_dlint.buildcontext import BuildContext
from dockerfile_dlint.imagefiles import find_image_file
from dockerfile_dlint.lexer import lex
from dockerfile_dlint.model import build_model
from dockerfile_dlint.source import decode

DOCKERFILE = """\
FROM python:3.12 AS builder
WORKDIR /src
COPY requirements.txt /tmp/
COPY scripts/ /opt/scripts/
COPY . .
COPY --chmod=755 <<run.sh /usr/local/bin/
#!/bin/sh
exec "$@"
run.sh

FROM python:3.12-slim
WORKDIR /app
COPY --from=builder /src/app /app/app
COPY --from=builder /opt/scripts /opt/scripts
COPY start.sh ./
COPY conf/*.ini /etc/app/
"""


@pytest.fixture
def context(tmp_path: Path) -> BuildContext:
    for name in [
        "requirements.txt",
        "scripts/migrate.sh",
        "app/main.py",
        "start.sh",
        "conf/a.ini",
        "conf/b.txt",
    ]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n")
    return BuildContext(tmp_path)


@pytest.mark.parametrize(
    ("stage", "path", "source"),
    [
        (0, "/tmp/requirements.txt", "requirements.txt"),
        (0, "/opt/scripts/migrate.sh", "scripts/migrate.sh"),
        (0, "/src/app/main.py", "app/main.py"),
        (0, "/src/start.sh", "start.sh"),
        (1, "/app/app/main.py", "app/main.py"),
        (1, "/opt/scripts/migrate.sh", "scripts/migrate.sh"),
        (1, "/app/start.sh", "start.sh"),
        (1, "/etc/app/a.ini", "conf/a.ini"),
        (1, "/etc/app/b.txt", None),
        (1, "/src/app/main.py", None),
        (0, "/nowhere/x", None),
    ],
)
def test_paths_map_back_to_the_context(
    context: BuildContext, stage: int, path: str, source: str | None
) -> None:
    model = build_model(lex(decode(DOCKERFILE.encode())))
    found = find_image_file(model, model.stages[stage], path, context)
    assert (found.context_path if found else None) == source
    if found is not None:
        assert found.read(context) == f"# {source}\n"


def test_heredoc_file(context: BuildContext) -> None:
    model = build_model(lex(decode(DOCKERFILE.encode())))
    found = find_image_file(model, model.stages[0], "/usr/local/bin/run.sh", context)
    assert found is not None and found.heredoc is not None
    assert found.read(context) == '#!/bin/sh\nexec "$@"\n'
    assert found.instruction.flag("chmod") is not None


def test_single_heredoc_onto_a_file_path(context: BuildContext) -> None:
    text = "FROM a\nCOPY <<EOF /start.sh\n#!/bin/sh\nexec app\nEOF\n"
    model = build_model(lex(decode(text.encode())))
    found = find_image_file(model, model.stages[0], "/start.sh", context)
    assert found is not None and found.read(context) == "#!/bin/sh\nexec app\n"
