"""Canonical JSON text (sorted keys, two-space indent, UTF-8 text as is), fast and byte-identical.

``canonical(value)`` is exactly ``json.dumps(value, indent=2, sort_keys=True,
ensure_ascii=False)``. With an indent the standard library falls back to its pure-Python encoder
(seconds for a job of thousands of mappings); orjson writes the same bytes for plain JSON data:
objects with string keys, arrays, strings, integers of up to 64 bits, booleans and null (the
test suite compares the two over every code point and over generated documents). Anything else
(a float, whose shortest form the two spell differently; a non-string key; a type only one of
them knows; an integer past 64 bits; a lone surrogate) goes to the standard library, so the
output, or the error, is what it always was.
"""

from __future__ import annotations

import json
from typing import Any


def canonical(value: Any) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, faster."""
    if _plain(value):
        import orjson

        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
        except TypeError:  # an integer past 64 bits, a lone surrogate: the standard library
            pass
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


_SCALARS = (str, int, bool, type(None))


def _plain(value: Any) -> bool:
    """True when ``value`` holds only dicts with str keys, lists, tuples, str, int, bool, None
    (exactly those types: a subclass or a float sends the value to the standard library)."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            push(item.values())
        elif kind is list or kind is tuple:
            push(item)
        elif kind not in _SCALARS:
            return False
    return True
