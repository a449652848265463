"""JSON text from users (schemas, fixtures, upload payloads, inline values, test values): read
with the standard parser, refusing what cannot be used, and named in messages.

A leaf module: it imports only the standard library and nothing from syncrules, so every part of
the package (checker, importer, tests, ``prov run``'s codec in ``run/jsoncodec.py``) can use it
without importing another part.
"""

from __future__ import annotations

import json
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


def load_json_text(text: str) -> Any:
    """``json.loads`` that also refuses JSON nested past the parser's limit and lone surrogate
    escapes (``"\\ud800"``): ValueError with the reason (json.JSONDecodeError for bad JSON)."""
    try:
        value = json.loads(text, parse_int=_int_or_refuse)
        lone = has_lone_surrogate(value)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    if lone:
        raise ValueError(LONE_SURROGATE)
    return value


class JsonFileError(ValueError):
    """A JSON file cannot be used (the message says why and names the file)."""


def read_json_object_file(
    path: Path, read: Callable[[Path], bytes] = Path.read_bytes
) -> dict[str, Any]:
    """Read a schema JSON file in UTF-8 (BOM or not) or UTF-16 (with BOM).

    JSON nested past the parser's limit and strings holding lone surrogate escapes (neither can
    be written to a .prov file) are refused with JsonFileError, like invalid JSON, an
    unreadable file or a document that is not an object; the message names the path.
    """
    try:
        data = read(path)
    except OSError as exc:
        raise JsonFileError(f"cannot read {path}: {exc.strerror}") from None
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise JsonFileError(f"{path} is neither UTF-8 nor UTF-16 text") from None
    try:
        doc = load_json_text(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:  # nested too deeply, or a lone surrogate
        raise JsonFileError(str(exc)) from None
    if not isinstance(doc, dict):
        raise JsonFileError(f"{path} does not hold a JSON object")
    return doc
