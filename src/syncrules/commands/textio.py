"""Small guards the commands share for text that comes from the user: standard input, command-line
arguments, JSON given inline, paths to write, and lines shown on a terminal.

Each turns a hostile input into a message (exit 1 for bad input, 2 for a bad argument) instead of
an internal error.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from syncrules.output import UserError

#: Why a JSON value deeper than the parser's limit is refused.
TOO_DEEP = "the JSON is nested too deeply to read"


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


def json_kind(value: Any) -> str:
    """What a parsed JSON value is, in words: "an object", "a list", "a string", "a number",
    "a boolean" or "null" (for messages such as "not a JSON object (a number)")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def has_lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string (or key) with a lone surrogate escape."""
    from syncrules.run.jsoncodec import has_lone_surrogate as check

    return check(value)


def load_json_text(text: str) -> Any:
    """``json.loads`` that also refuses JSON nested past the parser's limit and lone surrogate
    escapes (``"\\ud800"``): ValueError with the reason (json.JSONDecodeError for bad JSON)."""
    try:
        value = json.loads(text)
        lone = has_lone_surrogate(value)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    if lone:
        from syncrules.run.jsoncodec import LONE_SURROGATE

        raise ValueError(LONE_SURROGATE)
    return value


def prepare_parent(target: Path) -> str | None:
    """Create the folder ``target`` is written into; None, or why it cannot be created (a
    file in the way is named, not reported as "File exists")."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        for ancestor in (target.parent, *target.parent.parents):
            if ancestor.exists():
                if not ancestor.is_dir():
                    return f"{ancestor} is a file, not a folder"
                break
        return exc.strerror or str(exc)
    return None


# C0 and C1 control characters except tab, and DEL: shown escaped, so data read from an HR file
# cannot move the cursor, retitle or clear the terminal.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(line: str) -> str:
    """``line`` with control characters written as ``\\xNN``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", line)
