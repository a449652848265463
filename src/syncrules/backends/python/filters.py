"""The only filters templates may use. Every piece of text from a .prov file or from data reaches
generated code through ``py_literal`` (a Python literal made by ``repr``) or ``py_comment`` (a
one-line comment with control characters escaped); nothing is spliced raw.
"""

from __future__ import annotations

from typing import Any


def py_literal(value: Any) -> str:
    """A Python literal for str/int/float/bool/None and tuples of them (``repr`` is exact)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float | str):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise TypeError(f"no literal for {type(value).__name__}")


def py_comment(text: str) -> str:
    """Text safe inside a `#` comment: one line, control characters escaped."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85\ufeff" or (
            0xD800 <= ord(ch) <= 0xDFFF
        ):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


FILTERS = {"py_literal": py_literal, "py_comment": py_comment}
