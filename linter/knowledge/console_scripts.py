"""The commands a Python package puts in ``bin/``, and the package names in requirements files.

``pip install --user uvicorn`` puts a ``uvicorn`` script in ``~/.local/bin``; whether the
shell finds it depends on PATH. To know which bare command names come from such an install,
dlint needs each distribution's console scripts: this table lists the well-known ones, and a
distribution missing from it is taken to install a script of its own (normalized) name.
"""

from __future__ import annotations

import re

from dockerfile_dlint.patterns import lazy

CONSOLE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "alembic": ("alembic",),
    "ansible": ("ansible", "ansible-playbook", "ansible-galaxy"),
    "ansible-core": ("ansible", "ansible-playbook", "ansible-galaxy"),
    "awscli": ("aws",),
    "black": ("black",),
    "celery": ("celery",),
    "daphne": ("daphne",),
    "django": ("django-admin",),
    "dramatiq": ("dramatiq",),
    "fastapi": ("fastapi",),
    "fastapi-cli": ("fastapi",),
    "flake8": ("flake8",),
    "flask": ("flask",),
    "gunicorn": ("gunicorn",),
    "honcho": ("honcho",),
    "httpie": ("http", "https"),
    "huey": ("huey_consumer",),
    "hypercorn": ("hypercorn",),
    "ipython": ("ipython",),
    "isort": ("isort",),
    "jupyter": ("jupyter",),
    "jupyterlab": ("jupyter", "jupyter-lab"),
    "mkdocs": ("mkdocs",),
    "mypy": ("mypy",),
    "nox": ("nox",),
    "pip": ("pip", "pip3"),
    "pipenv": ("pipenv",),
    "playwright": ("playwright",),
    "poetry": ("poetry",),
    "pre-commit": ("pre-commit",),
    "prisma": ("prisma",),
    "pytest": ("pytest", "py.test"),
    "rq": ("rq",),
    "ruff": ("ruff",),
    "scrapy": ("scrapy",),
    "sphinx": ("sphinx-build", "sphinx-quickstart"),
    "streamlit": ("streamlit",),
    "supervisor": ("supervisord", "supervisorctl"),
    "tox": ("tox",),
    "twine": ("twine",),
    "uvicorn": ("uvicorn",),
    "watchdog": ("watchmedo",),
    "yt-dlp": ("yt-dlp",),
}
# Distributions known to install no command at all.
NO_SCRIPTS = frozenset(
    {
        "requests", "pydantic", "sqlalchemy", "psycopg2", "psycopg2-binary", "psycopg",
        "numpy", "pandas", "redis", "boto3", "jinja2", "python-dotenv", "httpx", "aiohttp",
        "starlette", "asyncpg", "pyyaml", "setuptools", "wheel", "six", "certifi", "urllib3",
    }
)  # fmt: skip

_NAME = lazy(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """A distribution name as pip compares them: lower case, runs of ``-_.`` as ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def scripts_of(requirement: str) -> tuple[str, ...]:
    """The commands a requirement such as ``uvicorn[standard]==0.30`` installs."""
    match = _NAME.match(requirement)
    if match is None:
        return ()
    name = normalize(match.group(1))
    if name in NO_SCRIPTS:
        return ()
    return CONSOLE_SCRIPTS.get(name, (name,))


def read_requirements(text: str) -> tuple[list[str], list[str]]:
    """The requirements of a requirements file, and the files it includes with ``-r``."""
    requirements: list[str] = []
    included: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r", "--requirement")):
            target = re.sub(r"^(-r|--requirement)[=\s]*", "", line).strip()
            if target:
                included.append(target)
        elif not line.startswith("-") and "://" not in line.split("@")[0] and "/" not in line:
            requirements.append(line)
    return requirements, included
