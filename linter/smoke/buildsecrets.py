"""Build secrets for ``RUN --mount=type=secret``: ``--secret id=NAME[,src=FILE|,env=VAR]``.

The syntax is ``docker build``'s: ``id`` names the secret the Dockerfile mounts, ``src`` (or
``source``) a file holding it, ``env`` an environment variable holding it; with neither, the
variable named like the id (as buildx does). BuildKit mounts the value into the one ``RUN``
that asks for it and never writes it into the image; dlint adds that its value (the file's
content) is masked in every output, like the values of ``--secret-env``.

Problems (a bad spec, a file dlint cannot read, a variable that is not set) are
:class:`SecretProblem`, which the settings turn into a usage error: exit 2 before anything is
built.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


class SecretProblem(ValueError):
    """A ``--secret`` that cannot be used, in one line naming it."""


@dataclass(frozen=True)
class BuildSecret:
    """One secret: its id, and where its value is (exactly one of ``file`` and ``env``)."""

    id: str
    file: Path | None = None
    env: str | None = None

    def value(self, environment: Mapping[str, str] | None = None) -> str:
        """The secret's value (a file is read as UTF-8, undecodable bytes replaced)."""
        if self.file is not None:
            return self.file.read_bytes().decode("utf-8", "replace")
        environment = os.environ if environment is None else environment
        return environment.get(self.env or self.id, "")


def parse_secret(spec: str, option: str, root: Path | None = None) -> BuildSecret:
    """``id=NAME[,src=FILE|,env=VAR]``; a relative ``src`` is relative to ``root`` (the
    configuration file's directory) or the current directory."""
    fields: dict[str, str] = {}
    for part in spec.split(","):
        key, equals, value = part.strip().partition("=")
        if not equals or not value:
            raise SecretProblem(f"{option}: expected id=NAME[,src=FILE|,env=VAR], got {spec!r}")
        key = "src" if key == "source" else key
        if key not in ("id", "src", "env", "type"):
            raise SecretProblem(f"{option}: unknown field {key!r} in {spec!r}")
        fields[key] = value
    if "id" not in fields:
        raise SecretProblem(f"{option}: {spec!r} has no id=NAME")
    if "src" in fields and "env" in fields:
        raise SecretProblem(f"{option}: {spec!r} gives both src and env; give one")
    kind = fields.get("type")
    if kind not in (None, "file", "env"):
        raise SecretProblem(f"{option}: type must be file or env in {spec!r}")
    if kind == "env" or "env" in fields or "src" not in fields:
        return BuildSecret(fields["id"], env=fields.get("env") or fields.get("src") or fields["id"])
    file = Path(fields["src"]).expanduser()
    return BuildSecret(
        fields["id"], file=file if file.is_absolute() or root is None else root / file
    )


def check_secrets(secrets: Iterable[BuildSecret], option: str = "--secret") -> None:
    """Every secret can be read now: the build must not be the first to find out."""
    for secret in secrets:
        if secret.file is not None:
            try:
                with secret.file.open("rb"):
                    pass
            except OSError as error:
                reason = error.strerror or str(error)
                raise SecretProblem(
                    f"{option} id={secret.id}: cannot read {secret.file}: {reason}"
                ) from None
        elif (secret.env or secret.id) not in os.environ:
            raise SecretProblem(
                f"{option} id={secret.id}: the environment variable "
                f"{secret.env or secret.id} is not set"
            )
