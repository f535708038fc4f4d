"""``dlint lsp``: dlint's findings, fixes and rule documentation in the editor, over the
Language Server Protocol (pygls, with lsprotocol's types).

A thin layer over the functions ``dlint check`` uses, so that the editor and the command line
always agree: ``linting`` finds a file's configuration (as ``dlint check`` run in the file's
folder would) and lints the editor's text with the engine and ShellCheck (``shellcache``
remembers ShellCheck's findings per script); ``positions`` turns dlint's spans into the
editor's positions; ``features`` makes diagnostics, code actions and hovers of a lint;
``server`` is the pygls server that schedules lints as the user types, run one at a time in
``worker``'s thread.
``command`` is the click command, the only module imported before the server starts, and it
imports no pygls: ``dlint lsp --help`` works without the ``lsp`` extra, and ``dlint check``
never imports this package at all.
"""
