"""JSON for the hot paths of `prov run` (input lines, stored attributes, log records), in one
place: orjson where it reads and writes what the standard library would, the standard library
where the two differ.

* Reading: orjson takes strict RFC 8259 JSON and integers of up to 64 bits (it would turn longer
  ones into floats). Text that may hold a longer integer, or that orjson refuses (NaN, a lone
  surrogate escape, anything not JSON), goes to the standard parser, which decides as it always
  did and words the errors. A lone surrogate it accepts (``"\\ud800"``) is not Unicode text and
  could be neither stored nor logged as UTF-8: ``NotUnicodeText``.
* Writing: compact JSON, UTF-8 text as is; what orjson refuses (an integer past 64 bits, a lone
  surrogate) the standard encoder writes with non-ASCII text escaped, so the result is valid
  JSON that encodes as UTF-8 either way.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: Why a value with a lone surrogate is refused (the message a failed operation carries).
LONE_SURROGATE = (
    "a string holds a lone UTF-16 surrogate escape (such as \\ud800), which is not Unicode "
    "text and cannot be stored or logged"
)

# digits → "0", everything else → " ": then 20 digits in a row are a substring search (both
# steps in C, faster than a regular expression)
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_TWENTY_DIGITS = b"0" * 20


class NotUnicodeText(ValueError):
    """The JSON is valid but holds a lone surrogate escape (``LONE_SURROGATE``)."""


def may_hold_long_integer(data: bytes) -> bool:
    """Whether JSON text may hold an integer past 64 bits (20 digits in a row)."""
    return _TWENTY_DIGITS in data.translate(_DIGITS_ONLY)


def loads(data: bytes) -> Any:
    """One JSON value from UTF-8 bytes.

    Raises:
        UnicodeDecodeError: the bytes are not UTF-8.
        json.JSONDecodeError: not JSON (the standard parser's message and position).
        NotUnicodeText: a string holds a lone surrogate escape.
    """
    if not may_hold_long_integer(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    value = json.loads(data.decode("utf-8"))
    if has_lone_surrogate(value):
        raise NotUnicodeText(LONE_SURROGATE)
    return value


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (see the module docstring)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, separators=(",", ":"), default=str)


def has_lone_surrogate(value: Any) -> bool:
    """Whether a parsed JSON value holds a string (or key) with a lone surrogate."""
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False
