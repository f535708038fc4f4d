"""Make text from a build or a container safe and plain to show.

Build output and app logs are written for terminals: the engine colours a step's stderr
(``ESC[91m``), tools draw progress bars with carriage returns, and an app's output may hold
any control sequence, including ones that retitle, hide or rewrite what a terminal shows.
dlint shows such text as text: escape sequences are dropped, a line redrawn with carriage
returns keeps what a terminal would end up showing, and other control characters go. Patterns
(``command not found``) then match what the user sees, and nothing in a log can restyle or
overwrite dlint's own output.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, erasing
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI in its 8-bit form
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(line: str) -> str:
    """``line`` without escape sequences or control characters (tabs stay)."""
    line = _ESCAPES.sub("", line)
    if "\r" in line:
        redrawn = [part for part in line.split("\r") if part.strip()]
        line = redrawn[-1] if redrawn else ""
    return _CONTROLS.sub("", line)
