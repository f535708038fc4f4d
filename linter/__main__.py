"""``python -m dockerfile_dlint``: the same as the ``dlint`` command."""

from .entry import main

main()
