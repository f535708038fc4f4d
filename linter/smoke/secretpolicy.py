"""Which of the values a smoke run was given are secrets, to be masked in every output.

A value is secret when its name is marked with ``--secret-env NAME`` (or ``secret-env`` in the
configuration), or when the name looks like a secret by BuildKit's own test
(SecretsUsedInArgOrEnv, dlint's BK015: ``API_KEY``, ``DB_PASSWORD``, ``AUTH_TOKEN``), whether
it came from ``--env``, ``--env-file``, the ``env`` table or ``--build-arg``. The policy is the
one the static rule applies to a Dockerfile, so a name dlint warns about in ``ARG``/``ENV`` is
also one whose value it never shows.

Build secrets (``--secret id=…``, for ``RUN --mount=type=secret``) are secret by definition.

One more case needs no name: the password of a URL (``postgres://app:PASSWORD@db/app``) is
always secret, because connection URLs are how most secrets reach a container and their names
(``DATABASE_URL``, ``REDIS_URL``) say nothing. The rest of such a URL stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ..knowledge.buildkit import looks_secret
from .redact import MIN_SECRET_LENGTH

if TYPE_CHECKING:
    from .buildsecrets import BuildSecret


@dataclass(frozen=True)
class SecretValue:
    """A value to mask, and the name it was given under (for notes, never the value)."""

    name: str
    value: str


def secret_values(
    env: Mapping[str, str], build_args: Mapping[str, str], marked: Iterable[str]
) -> list[SecretValue]:
    """The secret values among the environment and the build arguments."""
    marked = frozenset(marked)
    found = []
    for name, value in (*env.items(), *build_args.items()):
        if name in marked or looks_secret(name):
            found.append(SecretValue(name, value))
        found.extend(SecretValue(name, password) for password in url_passwords(value))
    return [secret for secret in found if secret.value]


def build_secret_values(secrets: Iterable[BuildSecret]) -> list[SecretValue]:
    """The values of ``--secret`` build secrets: always secret, whatever their id. A file's
    content is masked as it is and without its final newline (``echo token > file``)."""
    found = []
    for secret in secrets:
        value = secret.value()
        for form in {value, value.rstrip("\r\n")}:
            if form:
                found.append(SecretValue(f"secret {secret.id}", form))
    return found


def url_passwords(value: str) -> list[str]:
    """The password of a URL with credentials, as written and decoded (``p%40ss`` and
    ``p@ss``); none for anything else."""
    if "://" not in value or "@" not in value:
        return []
    try:
        password = urlsplit(value.strip()).password
    except ValueError:
        return []
    if not password:
        return []
    return sorted({password, unquote(password)})


def unmasked_names(secrets: Iterable[SecretValue]) -> list[str]:
    """Names whose secret value is too short to be masked (masking a two-letter value would
    garble every line while protecting nothing); the run says so in a note."""
    return sorted({s.name for s in secrets if len(s.value) < MIN_SECRET_LENGTH})
