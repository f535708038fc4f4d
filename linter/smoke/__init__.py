"""``dlint smoke``: build the image, boot it, and measure when it really serves on ``$PORT``.

Data flows one way through small modules: ``settings`` (command line over
``[tool.dlint.smoke]``) and ``secretpolicy`` (which values to mask, by ``redact``) ->
``engine`` (connect) -> ``builder`` (BuildKit through a CLI ``dockercli`` finds, or the
classic builder) -> ``buildcontext`` -> ``buildkit`` (with ``buildkitlog`` and
``buildsecrets``) or ``build`` (with ``buildlog``), both with ``progress`` and ``explain`` ->
``artifacts`` -> ``container`` -> ``probe`` (with ``sockets``, ``httpprobe``
and ``routes``) -> ``health``, ``observe`` and ``logs`` -> ``report`` and ``render``;
``printable`` cleans what builds and apps print before it is shown. ``cleanup`` removes what
the run created, ``pending`` keeps what it could not (the engine went away) for the next run,
and ``run`` strings the steps together. Only ``command`` is imported by the CLI, and it imports
the rest (and with it docker and rich) when the command runs, so that ``dlint --help`` and
``dlint check`` never pay for them.
"""
