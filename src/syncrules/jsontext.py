"""JSON text from users (schemas, fixtures, upload payloads, inline values, test values): read
with the standard parser, refusing what cannot be used, and named in messages.

A leaf module: it imports only the standard library and nothing from syncrules, so every part of
the package (checker, importer, tests, ``prov run``'s codec in ``run/jsoncodec.py``) can use it
without importing another part.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Why a value with a lone surrogate is refused (the message a failed operation carries).
LONE_SURROGATE = (
    "a string holds a lone UTF-16 surrogate escape (such as \\ud800), which is not Unicode "
    "text and cannot be stored or logged"
)

#: Why JSON nested past the parser's depth limit is refused.
TOO_DEEP = "the JSON is nested too deeply to read"


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone UTF-16 surrogate (from a ``\\udXXX`` escape)."""
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def has_lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string (or key) with a lone surrogate (iterative)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if has_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


#: The standard parser's messages, in the words every command uses.
_JSON_REASONS = {
    "Expecting value": "expected a value",
    "Unterminated string starting at": "unterminated string",
    "Invalid control character at": "a control character (a line break, a tab, NUL, ...) "
    "inside a string",
    "Extra data": "more text after the JSON value",
    "Expecting ',' delimiter": "expected ','",
    "Expecting ':' delimiter": "expected ':'",
    "Expecting property name enclosed in double quotes": "expected a property name in double "
    "quotes",
    "Invalid \\escape": "an invalid escape after a backslash",
    "Invalid \\uXXXX escape": "an invalid \\uXXXX escape",
    "Illegal trailing comma before end of object": "a trailing comma before '}'",
    "Illegal trailing comma before end of array": "a trailing comma before ']'",
}


def json_error_reason(exc: json.JSONDecodeError | str) -> str:
    """Why the text is not JSON, in words (the position left out); also from the parser's own
    message (``exc.msg``)."""
    msg = exc if isinstance(exc, str) else exc.msg
    reason = _JSON_REASONS.get(msg)
    if reason is None:
        reason = msg.removesuffix(" at")
        reason = reason[:1].lower() + reason[1:]
    return reason


def json_error(
    exc: json.JSONDecodeError, source: str | None = None, line: int | None = None
) -> str:
    """The one message for text that is not JSON: ``SOURCE:LINE:COL: not valid JSON: reason``;
    without a source, ``not valid JSON at line L, column C: reason``. ``line`` replaces the
    parser's line (for one line of a JSON Lines file)."""
    row = exc.lineno if line is None else line
    if source is None:
        return f"not valid JSON at line {row}, column {exc.colno}: {json_error_reason(exc)}"
    return f"{source}:{row}:{exc.colno}: not valid JSON: {json_error_reason(exc)}"


def json_line_error(exc: json.JSONDecodeError) -> str:
    """The message for one line of a JSON Lines file that is not JSON (its location, FILE:LINE,
    is given with it): ``not valid JSON at column C: reason``."""
    return f"not valid JSON at column {exc.colno}: {json_error_reason(exc)}"


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


def _int_or_refuse(text: str) -> int:
    """An integer; ValueError with the reason for one longer than Python converts (4,300
    digits by default), so that such a value fails alone with a message."""
    try:
        return int(text)
    except ValueError:
        digits = len(text.lstrip("-"))
        raise ValueError(f"an integer of {digits} digits is too long to read (at most "
                         f"{sys.get_int_max_str_digits() or 4300} digits)") from None


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (JSON numbers are finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"the number {text} is past the range of a double")
    return value


def load_json_text(text: str) -> Any:
    """``json.loads`` that also refuses JSON nested past the parser's limit, lone surrogate
    escapes (``"\\ud800"``), ``NaN``/``Infinity`` and numbers past the range of a double or
    too long to read: ValueError with the reason (json.JSONDecodeError for bad JSON)."""
    try:
        value = json.loads(
            text,
            parse_int=_int_or_refuse,
            parse_float=_finite_float,
            parse_constant=_not_json_constant,
        )
        lone = has_lone_surrogate(value)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    if lone:
        raise ValueError(LONE_SURROGATE)
    return value


class JsonFileError(ValueError):
    """A JSON file cannot be used: ``str()`` names the file (and where in it); ``reason`` says
    why without naming it, for messages that already do ("cannot import FILE: reason")."""

    def __init__(self, message: str, reason: str, unreadable: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        #: the file could not be read at all: the message is "cannot read FILE: why"
        self.unreadable = unreadable


def read_json_object_file(
    path: Path,
    read: Callable[[Path], bytes] = Path.read_bytes,
    why_unreadable: Callable[[OSError], str] = lambda exc: exc.strerror or str(exc),
) -> dict[str, Any]:
    """Read a schema JSON file in UTF-8 (BOM or not) or UTF-16 (with BOM).

    JSON nested past the parser's limit and strings holding lone surrogate escapes (neither can
    be written to a .prov file) are refused with JsonFileError, like invalid JSON, an
    unreadable file (``why_unreadable`` words the error) or a document that is not an object.
    """
    try:
        data = read(path)
    except OSError as exc:
        why = why_unreadable(exc)
        raise JsonFileError(f"cannot read {path}: {why}", why, unreadable=True) from None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        reason = "neither UTF-8 nor UTF-16 text"
        raise JsonFileError(f"{path} is {reason}", f"it is {reason}") from None
    try:
        doc = load_json_text(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(json_error(exc, str(path)), json_error(exc)) from None
    except ValueError as exc:  # nested too deeply, a lone surrogate, NaN, a huge number
        raise JsonFileError(f"{path}: {exc}", str(exc)) from None
    if not isinstance(doc, dict):
        reason = f"not a JSON object ({json_kind(doc)})"
        raise JsonFileError(f"{path}: {reason}", reason)
    return doc
