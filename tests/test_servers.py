"""Where known servers listen, from their flags, environment and defaults."""

from __future__ import annotations

import pytest
from dockerfile_dlint.knowledge.servers import config_file_binds, listen
from dockerfile_dlint.shell import parse_shell
from dockerfile_dlint.source import MappedText


def where(command: str, env: dict[str, str | None] | None = None) -> tuple[object, ...] | None:
    parsed = parse_shell(MappedText.single(command, 1, 1)).commands[0]
    found = listen(parsed, env or {})
    if found is None:
        return None
    return (found.server.name, found.host, found.port, found.uses_port_env)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("uvicorn main:app", ("uvicorn", "127.0.0.1", "8000", False)),
        (
            "python3 -m uvicorn main:app --host=0.0.0.0 --port 80",
            ("uvicorn", "0.0.0.0", "80", False),
        ),
        ("uvicorn app --host 0.0.0.0 --port ${PORT:-8000}", ("uvicorn", "0.0.0.0", None, True)),
        ("gunicorn app:app", ("gunicorn", "0.0.0.0", "8000", True)),
        ('gunicorn -b "0.0.0.0:${PORT:-8000}" app', ("gunicorn", "0.0.0.0", None, True)),
        ("gunicorn -b [::1]:80 app", ("gunicorn", "::1", "80", False)),
        ("gunicorn --bind unix:/run/app.sock app", ("gunicorn", None, "8000", True)),
        ("flask run -p 5001", ("flask run", "127.0.0.1", "5001", False)),
        (
            "python manage.py runserver 0.0.0.0:8000",
            ("manage.py runserver", "0.0.0.0", "8000", False),
        ),
        ("python manage.py runserver 8080", ("manage.py runserver", "127.0.0.1", "8080", False)),
        ("python -m http.server 9000", ("http.server", "0.0.0.0", "9000", False)),
        ("php -S localhost:8000 -t public", ("php -S", "localhost", "8000", False)),
        ("rails server -b 0.0.0.0", ("rails server", "0.0.0.0", "3000", True)),
        ("vite preview --host", ("vite preview", "0.0.0.0", "4173", False)),
        ("npm start", None),
        ("flask db upgrade", None),
    ],
)
def test_listen(command: str, expected: tuple[object, ...] | None) -> None:
    assert where(command) == expected


def test_environment_sets_host_and_port() -> None:
    env: dict[str, str | None] = {"UVICORN_HOST": "0.0.0.0", "UVICORN_PORT": None}
    assert where("uvicorn app", env) == ("uvicorn", "0.0.0.0", None, False)
    assert where("rails s", {"RAILS_ENV": "production"}) == (
        "rails server",
        "0.0.0.0",
        "3000",
        True,
    )


def test_config_file_binds() -> None:
    assert config_file_binds("workers = 3\nbind = ['127.0.0.1:8000', 'unix:/s']\n") == [
        "127.0.0.1:8000",
        "unix:/s",
    ]
    assert config_file_binds("bind = f'0.0.0.0:{port}'\n") is None
    assert config_file_binds("workers = 3\n") is None
