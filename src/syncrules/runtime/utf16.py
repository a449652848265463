"""Strings as .NET sees them: sequences of UTF-16 code units.

Contract: imports only the standard library. .NET counts and indexes strings in UTF-16 code units,
so a character outside the Basic Multilingual Plane (an emoji, a rare CJK ideograph) is two units:
``Len("😀")`` is 2 and ``Left("😀", 1)`` is its first half. Python counts code points, so the
positional functions and the regular-expression engine work on the *unit view* of a string
(:func:`to_units`: each such character spelled as its surrogate pair) and convert back with
:func:`from_units`. A half pair left alone by a cut becomes U+FFFD, as .NET's UTF-8 and UTF-16
encoders write it when the value leaves the process.
"""

from __future__ import annotations

import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _pair(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


def to_units(text: str) -> str:
    """``text`` with every character above U+FFFF spelled as its two UTF-16 surrogates."""
    if text.isascii() or not _ASTRAL.search(text):
        return text
    return _ASTRAL.sub(_pair, text)


def from_units(units: str) -> str:
    """The string whose UTF-16 code units are ``units``: surrogate pairs joined again, a lone
    surrogate replaced by U+FFFD."""
    if units.isascii() or not _SURROGATE.search(units):
        return units
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def length(text: str) -> int:
    """.NET ``String.Length``: the number of UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def substring(text: str, start: int, count: int | None = None) -> str:
    """The ``count`` code units from ``start`` (0-based), like .NET ``Substring`` clipped to the
    string; a surrogate pair cut in half leaves U+FFFD."""
    units = to_units(text)
    if units is text:
        return text[start:] if count is None else text[start : start + count]
    return from_units(units[start:] if count is None else units[start : start + count])


def find(haystack: str, needle: str, start: int = 0) -> int:
    """The 0-based code-unit index of ``needle`` in ``haystack`` from ``start``, or -1 (ordinal)."""
    units = to_units(haystack)
    return units.find(to_units(needle), start)
