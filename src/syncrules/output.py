"""Two output helpers: ``out`` for results (stdout), ``err`` for diagnostics and messages (stderr).

Nothing else in the CLI writes to the terminal directly, so tests can rely on the split. Every
command, the Graph commands included, exits with the codes below (README "Exit codes"), says what
went wrong as ``error: ...`` on stderr and reports a bug with ``internal_error``'s banner.
"""

from __future__ import annotations

from collections.abc import Callable

import click

# re-exported for callers that imported them from here before they moved to the leaf module
from syncrules.filesystem import os_reason, write_atomic

__all__ = [
    "EXIT_CHANGED", "EXIT_ERRORS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE",
    "UserError", "err", "internal_error", "os_reason", "out", "write_atomic",
]  # fmt: skip

#: 0 success; 1 errors found, unreadable input, a failed test or remote operation; 2 usage error
#: (click's convention); 3 internal error, a bug (``internal_error``).
EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
#: `prov plan` and `prov deploy --dry-run --detailed-exitcode`: a difference was found (the
#: convention of ``terraform plan -detailed-exitcode``).
EXIT_CHANGED = 2
#: Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
EXIT_INTERRUPTED = 130


def out(message: str = "", nl: bool = True) -> None:
    click.echo(message, nl=nl)


def err(message: str = "", nl: bool = True) -> None:
    click.echo(message, err=True, nl=nl)


class UserError(click.ClickException):
    """A failure the user can fix (bad input, unreachable server): message on stderr, exit 1."""

    exit_code = EXIT_ERRORS

    def show(self, file: object = None) -> None:
        err(f"error: {self.format_message()}")


def internal_error(
    exc: BaseException, *, debug: bool, redact: Callable[[str], str] | None = None
) -> None:
    """The banner of an internal error (exit ``EXIT_INTERNAL``): what was raised, that it is a
    bug, and the traceback with ``prov --debug`` (else how to get it). ``redact`` masks secrets
    (the Graph commands' tokens) in all of it."""
    shown = redact or (lambda text: text)
    raised = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    err(shown(f"error[PROV901]: internal error: {raised}"))
    err("this is a bug in syncrules, not in your input: please report it with the command you "
        "ran and its input.")
    if debug:
        import traceback

        err(shown(traceback.format_exc()))
    else:
        err("Run again with --debug to see the traceback.")
