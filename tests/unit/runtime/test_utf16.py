"""utf16 and the positional functions: lengths and positions in UTF-16 code units, as .NET."""

from __future__ import annotations

import pytest

from syncrules.runtime import functions as fn
from syncrules.runtime import utf16

EMOJI = "\U0001F600"  # two UTF-16 code units


def test_units_round_trip_and_lone_halves_become_replacement_characters() -> None:
    units = utf16.to_units("a" + EMOJI)
    assert units == "a\ud83d\ude00"
    assert utf16.from_units(units) == "a" + EMOJI
    assert utf16.from_units(units[:2]) == "a\ufffd"
    assert utf16.to_units("plain") == "plain"


@pytest.mark.parametrize(("call", "expected"), [
    # what .NET / Visual Basic give (tests/oracle/test_strings.py compares random strings)
    (lambda: fn.fn_Len(EMOJI), 2),
    (lambda: fn.fn_Len("a" + EMOJI + "b"), 4),
    (lambda: fn.fn_Left(EMOJI + "x", 2), EMOJI),
    (lambda: fn.fn_Left(EMOJI + "x", 1), "\ufffd"),
    (lambda: fn.fn_Mid("a" + EMOJI + "b", 4, 1), "b"),
    (lambda: fn.fn_Mid("a" + EMOJI + "b", 2, 2), EMOJI),
    (lambda: fn.fn_InStr(EMOJI + "b", "b"), 3),
    (lambda: fn.fn_InStr(EMOJI + "b", "", 3), 3),
    (lambda: fn.fn_InStr(EMOJI + "b", "", 4), 4),
    (lambda: fn.fn_InStr(EMOJI + "b", "", 5), 0),
])
def test_positional_functions_count_code_units(call, expected) -> None:  # type: ignore[no-untyped-def]
    assert call() == expected


def test_issue_14_regex_example_through_replace() -> None:
    from syncrules.runtime.context import EvalContext

    ctx = EvalContext()
    assert fn.fn_Replace(ctx, "John Smith", None, r"(?<first>\w+) (\w+)", None, "$2, $1",
                         None, None) == "John, Smith"
