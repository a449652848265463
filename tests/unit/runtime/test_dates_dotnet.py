"""The .NET behaviours issue #14 lists for dates, as plain regression tests (no .NET needed).

Each expected value was read from .NET Core 3.1 (the oracle in tests/oracle), except where the
project's documented choice differs (the two-digit-year window; the evaluation clock).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syncrules.runtime import ExpressionError
from syncrules.runtime.context import EvalContext
from syncrules.runtime.date_functions import (
    fn_CDate,
    fn_DateAdd,
    fn_DateDiff,
    fn_FormatDateTime,
    fn_NumFromDate,
)
from syncrules.runtime.dotnet_format import validate_format

CTX = EvalContext(now=datetime(2025, 6, 1, 9, tzinfo=UTC), seed=1)


def reason(call: object, *args: object) -> str:
    with pytest.raises(ExpressionError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.reason


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("10:20:30", None, "HH:mm:ssFFF", "HH"), "10"),
        (("2020-01-01T10:20:30Z", None, "yyyy-MM-ddTHH:mm:ss.FFFK", "yyyy-MM-ddTHH:mm:ssK"),
         "2020-01-01T10:20:30Z"),
        (("2020-01-01T10:20:30+0200", None, "yyyy-MM-ddTHH:mm:sszzz", "HH:mm"), "08:20"),
        (("03/16", None, "MM/dd", "yyyy-MM-dd"), "2025-03-16"),  # the clock's year
        (("12:30", None, "hh:mm", "HH:mm"), "00:30"),  # hh without tt is AM
        (("12:30 PM", None, "hh:mm tt", "HH:mm"), "12:30"),
        (("2020-01-01T10:20:30.1234567Z", None, "o", "fffffff"), "1234567"),
        (("20200316", None, "yyyyMMdd", ""), "03/16/2020 00:00:00"),  # "" is the general format
        (("  2020-03-16 ", "AllowWhiteSpaces", "yyyy-MM-dd", "d"), "03/16/2020"),
    ],
)  # fmt: skip
def test_format_date_time_as_dotnet(args: tuple[object, ...], expected: str) -> None:
    assert fn_FormatDateTime(CTX, *args) == expected


@pytest.mark.parametrize(
    "styles", ["AssumeLocal, AssumeUniversal", "RoundtripKind, AdjustToUniversal",
               "RoundtripKind|AssumeLocal"]
)  # fmt: skip
def test_conflicting_styles_are_refused(styles: str) -> None:
    assert reason(fn_FormatDateTime, CTX, "2020-03-16", styles, "yyyy-MM-dd", "d") == (
        "invalid-argument"
    )


def test_hour_and_designator_must_agree_on_a_24_hour_clock() -> None:
    assert fn_FormatDateTime(CTX, "13 PM", None, "HH tt", "HH") == "13"
    assert reason(fn_FormatDateTime, CTX, "03 PM", None, "HH tt", "HH") == "invalid-date"


def test_input_format_validation() -> None:
    assert validate_format("", parsing=True) is not None
    assert validate_format("%'a'", parsing=True) is None  # '%' then a quoted literal
    assert validate_format("%'a'") is not None  # ToString reads %' as a broken quote


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 2020", "3/1/2020 12:00:00 AM"),
        ("2020-03", "3/1/2020 12:00:00 AM"),
        ("4/7/23", "4/7/2023 12:00:00 AM"),
        ("16-Mar-2020", "3/16/2020 12:00:00 AM"),
        ("2020.03.16", "3/16/2020 12:00:00 AM"),
        ("2020-03-16-07:00", "3/16/2020 7:00:00 AM"),
        ("Monday, March 16, 2020", "3/16/2020 12:00:00 AM"),
        ("March 16", "3/16/2025 12:00:00 AM"),  # the clock's year
        ("12:30", "6/1/2025 12:30:00 PM"),  # the clock's date
        ("4/7/49", "4/7/2049 12:00:00 AM"),  # Windows' window (.NET Core 3.1: 1949)
    ],
)
def test_cdate_as_dotnet_parse(text: str, expected: str) -> None:
    assert fn_CDate(CTX, text) == expected


@pytest.mark.parametrize(
    "text", ["16/3/2020", "20200316", "Tuesday, March 16, 2020", "2020-03-16T7:00", "7 a"]
)
def test_cdate_refuses_what_dotnet_refuses(text: str) -> None:
    assert reason(fn_CDate, CTX, text) == "invalid-date"


def test_date_diff_weeks_keep_the_time_of_day() -> None:
    # VB steps each date back to its week's Sunday keeping the time: 6.6 days apart, 0 weeks.
    assert fn_DateDiff(CTX, "ww", "2021-08-25T17:41:18Z", "2021-08-29T08:00:00Z") == 0
    assert fn_DateDiff(CTX, "ww", "2021-08-25T17:41:18Z", "2012-03-16T07:00:00Z") == -493
    assert fn_DateDiff(CTX, "w", "2021-08-25T17:41:18Z", "2012-03-16T07:00:00Z") == -492


def test_date_add_follows_vb() -> None:
    assert fn_DateAdd(CTX, "w", 2, "2012-03-16T07:00:00Z") == "3/18/2012 7:00:00 AM"  # days
    assert fn_DateAdd(CTX, "yyyy", 357_913_942, "2012-03-16T07:00:00Z") == "11/16/2012 7:00:00 AM"
    assert reason(fn_DateAdd, CTX, "s", 2**31, "2012-03-16T07:00:00Z") == "invalid-argument"
    assert reason(fn_DateAdd, CTX, " d", 1, "2012-03-16T07:00:00Z") == "invalid-argument"


def test_num_from_date_refuses_dates_before_1601() -> None:
    assert fn_NumFromDate(CTX, "1601-01-01T00:00:00Z") == "0"
    assert reason(fn_NumFromDate, CTX, "1600-12-31T23:59:59Z") == "invalid-date"
