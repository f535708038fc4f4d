"""``dlint smoke`` with one step of the run marked or paused, so that a test can signal it
right there.

Usage: ``python pausing.py ACTION:FUNCTION [dlint smoke arguments]``. FUNCTION is a name that
``dockerfile_dlint.smoke.run`` calls (``missing_artifacts``, ``start_container``,
``measure_startup``, ``sample_health``, ``observe``, ``container_logs``). Before running it,
the process prints ``dlint-test: entered FUNCTION`` on stderr; with ACTION ``pause`` it then
sleeps, so that a signal sent after that line lands in that phase, which would otherwise be
over in milliseconds; with ``enter`` it goes on at once (for phases that last by themselves,
such as probing an app that never listens).
"""

from __future__ import annotations

import sys
import time
from typing import Any

ENTERED = "dlint-test: entered "
PAUSE_SECONDS = 120


def main() -> None:
    from dockerfile_dlint.cli import cli
    from dockerfile_dlint.smoke import run

    action, _, name = sys.argv[1].partition(":")
    original = getattr(run, name)

    def marked(*args: Any, **kwargs: Any) -> Any:
        sys.stderr.write(f"{ENTERED}{name}\n")
        sys.stderr.flush()
        if action == "pause":
            time.sleep(PAUSE_SECONDS)
        return original(*args, **kwargs)

    setattr(run, name, marked)
    cli(["smoke", *sys.argv[2:]], prog_name="dlint")


if __name__ == "__main__":
    main()
