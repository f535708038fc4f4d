"""The ``dlint lsp`` command: options, then the server (imported only when it runs)."""

from __future__ import annotations

import click

from ..cli import MAX_FILE_SIZE_OPTION, NO_SHELLCHECK, SHELLCHECK_OPTION, UsageProblem

# What the server needs beyond dlint's own dependencies (the ``lsp`` extra).
SERVER_PACKAGES = frozenset({"pygls", "lsprotocol", "cattrs", "attrs", "attr"})
INSTALL_HINT = "dlint lsp needs pygls: pip install 'dockerfile-dlint[lsp]'"
# Quiet time after the last change before a lint starts, in milliseconds: typing a word takes
# longer than this between keys, so a lint follows a pause, not every key.
DEFAULT_DEBOUNCE_MS = 100


@click.command("lsp")
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk over standard input and output (the only transport; accepted for clients "
    "that pass it).",
)
@SHELLCHECK_OPTION
@MAX_FILE_SIZE_OPTION
@click.option(
    "--debounce",
    type=click.IntRange(min=0),
    default=DEFAULT_DEBOUNCE_MS,
    show_default=True,
    metavar="MS",
    help="Milliseconds without a change before a changed file is linted again.",
)
def lsp(stdio: bool, shellcheck: str, max_file_size: int | None, debounce: int) -> int:
    """Run the language server for editors (diagnostics, quick fixes, rule docs on hover).

    The configuration of each file is the one `dlint check` would use in the file's folder.
    """
    from .linting import LintOptions

    try:
        from .server import serve
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] in SERVER_PACKAGES:
            raise UsageProblem(INSTALL_HINT) from None
        raise
    options = LintOptions(shellcheck, max_file_size)
    if shellcheck == "on" and options.shellcheck_binary() is None:
        raise UsageProblem(NO_SHELLCHECK)
    return serve(options, debounce / 1000)
