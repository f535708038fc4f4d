"""``dlint smoke``: build the image, boot it, and measure when it really serves on ``$PORT``.

Data flows one way through small modules: ``settings`` (command line over
``[tool.dlint.smoke]``) -> ``engine`` (connect) -> ``build`` (with ``progress`` and ``explain``)
-> ``artifacts`` -> ``container`` -> ``probe`` (with ``sockets``, ``http`` and ``routes``) ->
``health`` and ``logs`` -> ``report`` and ``render``; ``cleanup`` removes what the run created
and ``run`` strings the steps together. Only ``command`` is imported by the CLI, and it imports
the rest (and with it docker and rich) when the command runs, so that ``dlint --help`` and
``dlint check`` never pay for them.
"""
