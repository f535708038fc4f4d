"""Keep the values of ``--env`` and ``--env-file`` out of every output.

Environment values are how secrets reach a container (``DATABASE_URL``, API keys), and an
app's own startup logs often echo them. dlint never prints the values it was given, and
scrubs them from everything it quotes: log lines, error messages, the JSON report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
        kept = {value for value in values if len(value) >= MIN_SECRET_LENGTH}
        return cls(tuple(sorted(kept, key=len, reverse=True)))

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
            return {key: self.data(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item) for item in value]
        return value
