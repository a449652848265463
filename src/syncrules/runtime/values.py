"""The value model of Entra expressions and the conversions between its kinds.

Contract: imports only the standard library and sibling runtime modules.

Values:
    * NULL (the attribute is absent) is ``None``; ``""`` is a different, present value.
    * strings are ``str``; multi-valued attributes are ``list[str]``.
    * predicate results (IsNull, comparisons, CBool, ...) are ``bool``; rendered "True"/"False".
    * numbers are ``int`` (``float`` only when not integral).
    * DateTime results are strings rendered in UTC as ``M/d/yyyy h:mm:ss tt``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import ExpressionError

NULL_COMPARISON = (
    "A comparison (=, <>, <, <=, >, >=) with a NULL (absent) operand is false, whatever the "
    "operator: Microsoft documents that an IIF condition reading a NULL attribute 'fails', so the "
    'false branch is taken. An empty string is a value and compares as "".'
)

COMPARISON_RULE = (
    'Both operands are compared as numbers when both parse as numbers (1, "1", "-10", '
    '"42.5", "&HF"); otherwise as strings, ordinally (case-sensitive, by UTF-16 code unit). '
    'Booleans compare as "True"/"False".'
)

_NUMBER = re.compile(r"\s*([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*\Z")
_HEX = re.compile(r"\s*&[hH]([0-9a-fA-F]+)\s*\Z")


def is_null(value: Any) -> bool:
    """True for NULL (absent); an empty multi-valued attribute is absent too."""
    return value is None or (isinstance(value, list) and not value)


def is_null_or_empty(value: Any) -> bool:
    """True for NULL, ``""`` and an empty multi-valued attribute."""
    return is_null(value) or value == ""


def format_number(value: int | float) -> str:
    """Render a number as .NET does for the common cases: ``3``, ``3.5``, ``-10``."""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace("e+", "E+").replace("e-", "E-")
    return str(value)


def to_str(value: Any) -> str | None:
    """A single value as a string; ``None`` stays ``None``.

    Raises:
        ExpressionError: ``invalid-argument`` for a multi-valued value with more than one value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        if not value:
            return None
        if len(value) == 1:
            return to_str(value[0])
        raise ExpressionError(
            "invalid-argument",
            f"a multi-valued value ({len(value)} values) was used where one value is expected",
        )
    return str(value)


def parse_number(value: Any) -> int | float | None:
    """The number a value denotes, or ``None`` when it is not numeric (booleans are not)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, list):
        return parse_number(value[0]) if len(value) == 1 else None
    if not isinstance(value, str):
        return None
    match = _HEX.match(value)
    if match:
        return int(match.group(1), 16)
    match = _NUMBER.match(value)
    if not match:
        return None
    sign, digits = match.groups()
    if "." in digits:
        number = float(digits)  # past the range of a double: infinity, as .NET parses it
        if number.is_integer() and abs(number) < 1e15:
            return -int(number) if sign == "-" else int(number)
        return -number if sign == "-" else number
    try:
        whole: int | float = int(digits)
    except ValueError:  # past int()'s digit limit (4,300): beyond a double too
        whole = math.inf
    return -whole if sign == "-" else whole


def to_number(value: Any, what: str = "value") -> int | float:
    """A numeric argument (``1``, ``"1"``, ``"-10"``, ``"&HF"``).

    Raises:
        ExpressionError: ``invalid-argument`` when the value is NULL or not numeric.
    """
    number = parse_number(value)
    if number is None:
        shown = "NULL" if value is None else repr(value)
        raise ExpressionError("invalid-argument", f"{what} must be a number, got {shown}")
    return number


def to_int(value: Any, what: str = "value") -> int:
    """An integer argument; a fractional number is rounded half to even (.NET Convert.ToInt32)."""
    number = to_number(value, what)
    if isinstance(number, float):
        if not math.isfinite(number):
            raise ExpressionError("invalid-argument", f"{what} is past the range of a number")
        return round(number)
    return number


def to_bool(value: Any) -> bool:
    """A boolean: ``True``/``False``, "True"/"False" (any case), or a number (non-zero = true).

    NULL and "" are false: Microsoft documents that a condition on a NULL or empty value
    "fails", so it takes the false branch.

    Raises:
        ExpressionError: ``invalid-argument`` for any other string.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    text = to_str(value)
    if not text:
        return False
    folded = text.strip().lower()
    if folded == "true":
        return True
    if folded == "false":
        return False
    number = parse_number(text)
    if number is not None:
        return number != 0
    raise ExpressionError("invalid-argument", f"{text!r} is not a boolean (True/False or a number)")


def _ordinal_key(text: str) -> bytes:
    # .NET ordinal comparison orders UTF-16 code units; big-endian UTF-16 bytes sort the same way.
    return text.encode("utf-16-be", "surrogatepass")


def compare(op: str, left: Any, right: Any) -> bool:
    """Evaluate ``left op right`` (see ``COMPARISON_RULE`` and ``NULL_COMPARISON``).

    Raises:
        ExpressionError: ``invalid-argument`` for an unknown operator or a multi-valued operand.
    """
    if op not in ("=", "<>", "<", "<=", ">", ">="):
        raise ExpressionError("invalid-argument", f"unknown comparison operator {op!r}")
    if is_null(left) or is_null(right):
        return False
    a_num, b_num = parse_number(left), parse_number(right)
    a: Any
    b: Any
    if a_num is not None and b_num is not None:
        a, b = a_num, b_num
    else:
        a, b = _ordinal_key(to_str(left) or ""), _ordinal_key(to_str(right) or "")
    if op == "=":
        return bool(a == b)
    if op == "<>":
        return bool(a != b)
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def values_of(value: Any) -> list[Any]:
    """The values of a (possibly multi-valued) value: NULL -> [], scalar -> [scalar]."""
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]
