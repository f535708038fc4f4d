"""Fingerprints that follow a finding across edits to other parts of the file.

Code-scanning (SARIF ``partialFingerprints``) and GitLab Code Quality decide whether a finding
is new by its fingerprint. A line number would make every finding below an inserted line look
new, so the fingerprint hashes what identifies the problem instead: the rule, the file's
repository path, the text of the lines the finding covers (whitespace-normalised, so that
re-indenting does not count as a change) and, for identical findings on identical lines, which
occurrence it is.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from . import Report
from .locations import repository_path


def fingerprints(report: Report) -> list[str]:
    """One fingerprint per finding of ``report``, in the same order."""
    sources = {result.path: result.source for result in report.results}
    seen: Counter[bytes] = Counter()  # digests of the keys: a line's text can be long
    prints = []
    for finding in report.findings:
        source = sources.get(finding.path)
        span = finding.span
        lines = (
            [source.line_text(number) for number in range(span.line, span.end_line + 1)]
            if source
            else []
        )
        key = (finding.code, repository_path(finding.path), " ".join(" ".join(lines).split()))
        key_digest = hashlib.sha256("\0".join(key).encode()).digest()
        occurrence = seen[key_digest]
        seen[key_digest] += 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode())
        prints.append(digest.hexdigest())
    return prints
