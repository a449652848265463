"""Small guards the commands share for text that comes from the user: standard input, command-line
arguments, paths to write, and lines shown on a terminal (JSON text: ``run.jsoncodec``).

Each turns a hostile input into a message (exit 1 for bad input, 2 for a bad argument) instead of
an internal error.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from syncrules.filesystem import os_reason
from syncrules.output import UserError


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def require_text(value: str | None, param_hint: str) -> str | None:
    """``value`` unchanged, or a usage error when it holds bytes that are not UTF-8 (Python
    passes them on as lone surrogates, which cannot be evaluated, printed or written)."""
    if value is not None and any(_is_surrogate(ch) for ch in value):
        raise click.BadParameter("holds bytes that are not UTF-8 text", param_hint=param_hint)
    return value


def read_stdin_text(what: str = "standard input") -> str:
    """All of standard input as text: UTF-8 (a BOM is dropped; line ends become "\\n", as in
    text mode), else exit 1 naming the line and column of the first byte that is not UTF-8."""
    stream = sys.stdin
    raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    if isinstance(raw, str):
        require_text(raw, what)
        return raw
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UserError(
            f"{what} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at line {line}, column {column}"
        ) from None


def prepare_parent(target: Path) -> str | None:
    """Create the folder ``target`` is written into; None, or why it cannot be created (a
    file in the way is named, not reported as "File exists")."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return os_reason(target, exc)
    return None


# C0 and C1 control characters except tab, and DEL: shown escaped, so data read from an HR file
# cannot move the cursor, retitle or clear the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(line: str) -> str:
    """``line`` with control characters written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)


def quoted(value: str, limit: int = 80) -> str:
    """A user's argument inside a message: in quotes, control characters escaped
    (``printable``) and cut at ``limit`` characters, so an argument cannot fill the terminal or
    send it escape sequences."""
    if len(value) > limit:
        return f"'{printable(value[:limit])}…' ({len(value)} characters)"
    return f"'{printable(value)}'"
