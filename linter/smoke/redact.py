"""Keep secret values out of every output.

Secrets reach a smoke run through ``--env``, ``--env-file`` and ``--build-arg`` (which values
are secret is :mod:`secretpolicy`'s decision), and apps echo them: in startup logs, in build
output, in error messages. dlint never prints a value it was given, and scrubs the secret ones
from everything it shows — log lines, build output, progress, explanations, error messages,
the JSON report — before anything is cut to length, so that no prefix of a secret survives.

A value is also masked in the forms it takes in such text: each of its lines (output is
handled line by line), percent-encoded (as in a URL) and JSON-escaped (as in a JSON log line).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

MASK = "***"
# Shorter values ("1", "on", "dev") are ordinary words: masking them everywhere would garble
# every line of output while protecting nothing a secret would be.
MIN_SECRET_LENGTH = 4


@dataclass(frozen=True)
class Redactor:
    """Replaces each secret value in text with ``***``, longest first (so no part survives)."""

    secrets: tuple[str, ...] = ()

    @classmethod
    def for_values(cls, values: Iterable[str]) -> Redactor:
        kept = {form for value in values for form in _forms(value)}
        kept = {form for form in kept if len(form) >= MIN_SECRET_LENGTH}
        return cls(tuple(sorted(kept, key=lambda form: (-len(form), form))))

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def data(self, value: object) -> object:
        """Redact every string inside JSON-shaped data (dicts, lists, strings)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self(str(key)): self.data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value


def _forms(value: str) -> set[str]:
    """The value, its lines, and its percent-encoded and JSON-escaped spellings."""
    forms = {value, quote(value, safe=""), json.dumps(value, ensure_ascii=False)[1:-1]}
    forms.add(json.dumps(value)[1:-1])
    forms.update(line for line in value.splitlines() if line.strip())
    return forms
