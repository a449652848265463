"""values: conversions and the comparison rule."""

from __future__ import annotations

import pytest

from syncrules.runtime import NULL_COMPARISON, ExpressionError, compare, to_bool, to_str
from syncrules.runtime.values import format_number, parse_number, to_int


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "True"),
        (False, "False"),
        (3, "3"),
        (3.5, "3.5"),
        (3.0, "3"),
        (-10, "-10"),
        (None, None),
        ("", ""),
        (["a"], "a"),
        ([], None),
    ],
)
def test_to_str(value: object, text: str | None) -> None:
    assert to_str(value) == text


def test_to_str_refuses_several_values() -> None:
    with pytest.raises(ExpressionError) as caught:
        to_str(["a", "b"])
    assert caught.value.reason == "invalid-argument"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("1", 1),
        ("-10", -10),
        ("&HF", 15),
        ("&hf7", 247),
        (" 2 ", 2),
        ("1.50", 1.5),
        ("1.0", 1),
        (".5", 0.5),
        (7, 7),
        ("abc", None),
        ("", None),
        (True, None),
        (None, None),
        ("1e3", None),
    ],
)
def test_parse_number(value: object, number: float | None) -> None:
    result = parse_number(value)
    assert result == number
    assert type(result) is type(number)


def test_to_int_rounds_half_to_even() -> None:
    assert (to_int("2.5"), to_int("3.5"), to_int(-1)) == (2, 4, -1)


def test_format_number_large_float() -> None:
    assert format_number(1e20) == "1E+20"


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (True, True),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        (2, True),
        (0.0, False),
        (None, False),
        ("", False),
    ],
)
def test_to_bool(value: object, result: bool) -> None:
    assert to_bool(value) is result


def test_to_bool_refuses_words() -> None:
    with pytest.raises(ExpressionError):
        to_bool("yes")


@pytest.mark.parametrize(
    ("op", "left", "right", "result"),
    [
        ("=", "1", 1, True),
        ("=", "01", "1", True),
        (">", "10", "9", True),
        ("<", "10", "9a", True),
        ("=", "a", "A", False),
        ("<>", "a", "A", True),
        ("<=", "b", "b", True),
        (">=", "a", "b", False),
        ("=", True, "True", True),
        ("=", "", "", True),
        ("=", None, "", False),
        ("<>", None, "x", False),
        ("=", None, None, False),
    ],
)
def test_compare(op: str, left: object, right: object, result: bool) -> None:
    assert compare(op, left, right) is result


def test_compare_is_ordinal_by_utf16_code_unit() -> None:
    # U+1F600 is the surrogate pair D83D DE00, which sorts before U+FFFF in UTF-16 order.
    assert compare("<", "\U0001f600", "\uffff") is True


def test_compare_unknown_operator() -> None:
    with pytest.raises(ExpressionError):
        compare("==", "a", "a")


def test_null_comparison_rule_is_documented() -> None:
    assert "NULL" in NULL_COMPARISON and "false" in NULL_COMPARISON
