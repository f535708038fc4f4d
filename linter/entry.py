"""The ``dlint`` process: the cyclic garbage collector set for a short run, then the CLI.

``dlint check`` on one file (a pre-commit hook) makes a few hundred thousand objects that
live until it exits: modules, rule classes, the syntax tree. It makes next to no reference
cycles (356 objects in cycles over 1,000 corpus files). Python's collector, tuned for
long-running programs, still walks them: every 700 new objects while modules load, and over
all of them once more as the interpreter exits: 12 to 15 ms of a 100 to 115 ms run
(bench/README.md). So the command

- collects its youngest generation after ``YOUNG_COLLECTION_AFTER`` new objects instead of
  700: cycles are still found, in a long ``dlint smoke`` as anywhere;
- freezes what exists when the command has finished (``gc.freeze``), so the interpreter's
  last collections skip it. Reference counting still frees it all as modules are torn down;
  only objects in garbage cycles at that moment are left to the operating system, and dlint
  leaves nothing there that needs finalising (its files are closed by ``with`` blocks).

Code that calls :func:`dockerfile_dlint.cli.main` itself keeps its own collector settings.

The common ``dlint check`` command lines run without importing click (``fast_check.py``);
every other one, and any the fast parser does not fully understand, goes to click.
"""

from __future__ import annotations

import gc
import sys

YOUNG_COLLECTION_AFTER = 100_000


def main() -> None:
    """Entry point of the ``dlint`` command and of ``python -m dockerfile_dlint``."""
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])
    from .fast_check import run_fast

    try:
        code = run_fast(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        from .cli import main as run_command

        run_command()
    finally:
        gc.freeze()
