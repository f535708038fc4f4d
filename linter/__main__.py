"""``python -m dockerfile_dlint``: the same as the ``dlint`` command."""

from .cli import main

main()
