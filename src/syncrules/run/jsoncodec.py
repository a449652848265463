"""JSON for the hot paths of `prov run` (input lines, stored attributes, log records), in one
place: orjson where it reads and writes what the standard library would, the standard library
where the two differ.

* Reading: orjson takes strict RFC 8259 JSON and integers of up to 64 bits (it would turn longer
  ones into floats). Text that may hold a longer integer, or that orjson refuses (NaN, a lone
  surrogate escape, anything not JSON), goes to the standard parser, which decides as it always
  did and words the errors. What it accepts but `prov run` cannot use is refused with
  ``UnusableJson`` and the reason: a lone surrogate (``"\\ud800"``: not Unicode text, it could be
  neither stored nor logged as UTF-8; ``NotUnicodeText``), ``NaN``/``Infinity`` or a number past
  the range of a double (``1e400``: not JSON numbers, and .NET refuses them), an integer longer
  than Python converts (4,300 digits), and nesting past
  the parser's depth limit. ``load_document`` keeps those as markers instead, so one bad part
  of a BulkRequest fails alone (``unusable`` names the first).
* JSON text from users elsewhere (schemas, fixtures, upload payloads, inline values):
  ``load_json_text`` and ``json_kind``, defined in the leaf module ``syncrules.jsontext`` (so
  that the checker, the importer and the tests need not import `prov run`) and re-exported here.
* Writing: compact JSON, UTF-8 text as is; what orjson refuses (an integer past 64 bits, a lone
  surrogate) the standard encoder writes with non-ASCII text escaped, so the result is valid
  JSON that encodes as UTF-8 either way.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson

from syncrules.jsontext import (
    LONE_SURROGATE,
    TOO_DEEP,
    has_lone_surrogate,
    json_kind,
    load_json_text,
)
from syncrules.jsontext import has_surrogate as _has_surrogate

__all__ = [
    "LONE_SURROGATE",
    "TOO_DEEP",
    "NotFinite",
    "NotUnicodeText",
    "UnusableJson",
    "document_decoder",
    "dumps",
    "dumps_bytes",
    "has_lone_surrogate",
    "json_kind",
    "load_document",
    "load_json_text",
    "loads",
    "may_hold_long_integer",
    "unusable",
]

# digits → "0", everything else → " ": then 20 digits in a row are a substring search (both
# steps in C, faster than a regular expression)
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_TWENTY_DIGITS = b"0" * 20


class UnusableJson(ValueError):
    """JSON the standard parser reads but `prov run` cannot use (the message says why)."""


class NotUnicodeText(UnusableJson):
    """The JSON is valid but holds a lone surrogate escape (``LONE_SURROGATE``)."""


class NotFinite:
    """Where the text had ``NaN``, ``Infinity``, ``-Infinity`` or a number past the range of a
    double: a marker ``unusable`` reports (a float would read as "nan" or "inf")."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def reason(self) -> str:
        digits = self.text.lstrip("-")
        if digits.isdigit():
            return (
                f"an integer of {len(digits)} digits is too long to read (at most "
                f"{sys.get_int_max_str_digits() or 4300} digits)"
            )
        if self.text in ("NaN", "Infinity", "-Infinity"):
            return f"{self.text} is not JSON (JSON numbers are finite)"
        return f"the number {self.text} is past the range of a double"


def _not_finite_float(text: str) -> float | NotFinite:
    value = float(text)
    return NotFinite(text) if value in (_INF, -_INF) else value


_INF = float("inf")


def _int_or_refuse(text: str) -> int:
    """An integer; ValueError with the reason for one longer than Python converts."""
    try:
        return int(text)
    except ValueError:
        raise ValueError(NotFinite(text).reason()) from None


def _int_or_marker(text: str) -> int | NotFinite:
    """An integer, or a marker for one longer than Python converts (4,300 digits by default)."""
    try:
        return int(text)
    except ValueError:
        return NotFinite(text)


def document_decoder() -> json.JSONDecoder:
    """The decoder of ``load_document`` (for reading a document a piece at a time)."""
    return json.JSONDecoder(
        parse_constant=NotFinite, parse_float=_not_finite_float, parse_int=_int_or_marker
    )


def load_document(text: str) -> Any:
    """The standard parser with ``NaN``, ``Infinity`` and out-of-range numbers kept as
    ``NotFinite`` markers. Raises json.JSONDecodeError, or UnusableJson(TOO_DEEP)."""
    try:
        return json.loads(
            text, parse_constant=NotFinite, parse_float=_not_finite_float, parse_int=_int_or_marker
        )
    except RecursionError:
        raise UnusableJson(TOO_DEEP) from None


def unusable(value: Any) -> str | None:
    """Why a parsed value cannot be used (a lone surrogate, a ``NotFinite`` marker), or None.
    Iterative: a value nested as deep as the parser allows is walked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        cls = item.__class__
        if cls is str:
            if _has_surrogate(item):
                return LONE_SURROGATE
        elif cls is dict:
            for key, member in item.items():
                if _has_surrogate(key):
                    return LONE_SURROGATE
                stack.append(member)
        elif cls is list:
            stack.extend(item)
        elif cls is NotFinite:
            return item.reason()
        elif cls is float and (item != item or item in (_INF, -_INF)):
            return f"{item!r} is not JSON (JSON numbers are finite)"
    return None


def may_hold_long_integer(data: bytes) -> bool:
    """Whether JSON text may hold an integer past 64 bits (20 digits in a row)."""
    return _TWENTY_DIGITS in data.translate(_DIGITS_ONLY)


def loads(data: bytes) -> Any:
    """One JSON value from UTF-8 bytes.

    Raises:
        UnicodeDecodeError: the bytes are not UTF-8.
        json.JSONDecodeError: not JSON (the standard parser's message and position).
        UnusableJson: valid JSON `prov run` cannot use: a lone surrogate escape
            (NotUnicodeText), NaN or Infinity or an out-of-range number, too deep a nesting.
    """
    if not may_hold_long_integer(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    value = load_document(data.decode("utf-8"))
    why = unusable(value)
    if why == LONE_SURROGATE:
        raise NotUnicodeText(why)
    if why is not None:
        raise UnusableJson(why)
    return value


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (see the module docstring)."""
    return dumps_bytes(value).decode()


def dumps_bytes(value: Any) -> bytes:
    """``dumps`` as UTF-8 bytes (what a file of JSON Lines holds)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, separators=(",", ":"), default=str).encode()
