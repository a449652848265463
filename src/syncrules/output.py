"""Two output helpers: ``out`` for results (stdout), ``err`` for diagnostics and messages (stderr).

Nothing else in the CLI writes to the terminal directly, so tests can rely on the split.
"""

from __future__ import annotations

import click

# re-exported for callers that imported them from here before they moved to the leaf module
from syncrules.filesystem import os_reason, write_atomic

__all__ = ["UserError", "err", "os_reason", "out", "write_atomic"]


def out(message: str = "", nl: bool = True) -> None:
    click.echo(message, nl=nl)


def err(message: str = "", nl: bool = True) -> None:
    click.echo(message, err=True, nl=nl)


class UserError(click.ClickException):
    """A failure the user can fix (bad input, unreachable server): message on stderr, exit 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        err(f"error: {self.format_message()}")
