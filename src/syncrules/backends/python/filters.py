"""The only filters templates may use. Every piece of text from a .prov file or from data reaches
generated code through ``py_literal`` (a Python literal made by ``repr``) or ``py_comment`` (a
one-line comment with control characters escaped); nothing is spliced raw.
"""

from __future__ import annotations

import math
from typing import Any


def py_literal(value: Any) -> str:
    """A Python literal for str/int/float/bool/None and tuples of them (``repr`` is exact)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"  # repr gives inf or nan, which are not literals
    if isinstance(value, int | float | str):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise TypeError(f"no literal for {type(value).__name__}")


def _comment_escape(code: int) -> str:
    if code == 10:
        return "\\n"
    if code == 13:
        return "\\r"
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


#: control characters, the line breaks Python also ends a line at, a byte-order mark and lone
#: surrogates → their escapes
_COMMENT_ESCAPES = {
    code: _comment_escape(code)
    for code in (*range(32), 127, 0x85, 0x2028, 0x2029, 0xFEFF, *range(0xD800, 0xE000))
}


def py_comment(text: str) -> str:
    """Text safe inside a `#` comment: one line, control characters escaped."""
    return text.translate(_COMMENT_ESCAPES)


FILTERS = {"py_literal": py_literal, "py_comment": py_comment}
