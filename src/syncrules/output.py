"""Two output helpers: ``out`` for results (stdout), ``err`` for diagnostics and messages (stderr).

Nothing else in the CLI writes to the terminal directly, so tests can rely on the split.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click


def out(message: str = "", nl: bool = True) -> None:
    click.echo(message, nl=nl)


def err(message: str = "", nl: bool = True) -> None:
    click.echo(message, err=True, nl=nl)


class UserError(click.ClickException):
    """A failure the user can fix (bad input, unreachable server): message on stderr, exit 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        err(f"error: {self.format_message()}")


def write_atomic(target: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` (or its pieces, as they come) to ``target`` through a temporary file that
    replaces it in one step (keeping an existing file's permissions): an interrupted write never
    leaves a half-written file. Raises OSError."""
    import stat
    import tempfile

    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            if isinstance(text, str):
                out.write(text)
            else:
                for piece in text:
                    out.write(piece)
        if target.exists():
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def os_reason(path: Path, exc: OSError) -> str:
    """Why an operation on ``path`` failed, in words: a file standing where a folder of the
    path should be is named (the system would say "File exists" or "Not a directory")."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"{ancestor} is a file, not a folder"
            break
    return exc.strerror or str(exc)
