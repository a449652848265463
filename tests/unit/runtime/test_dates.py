"""dates and dotnet_format: parsing, rendering, VB DateAdd/DateDiff, FILETIME, .NET formats."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from syncrules.runtime import ExpressionError, validate_format
from syncrules.runtime.dates import (
    date_add,
    date_diff,
    from_filetime,
    parse_date,
    render,
    to_filetime,
)
from syncrules.runtime.dotnet_format import format_datetime, parse_exact


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2020-03-16-07:00", utc(2020, 3, 16, 7)),
        ("2021-06-30+08:00", utc(2021, 6, 29, 16)),
        ("2009-06-15T01:45:30-07:00", utc(2009, 6, 15, 8, 45, 30)),
        ("2021-08-25T17:41:18Z", utc(2021, 8, 25, 17, 41, 18)),
        ("2021-08-25T17:41:18.5Z", utc(2021, 8, 25, 17, 41, 18, 500000)),
        ("2020-03-16", utc(2020, 3, 16)),
        ("3/16/2020 7:00:00 AM", utc(2020, 3, 16, 7)),
        ("12/31/2025 12:00:00 AM", utc(2025, 12, 31)),
        ("1/1/2020 12:30:00 PM", utc(2020, 1, 1, 12, 30)),
        ("2025-12-31 23:59:59-05:00", utc(2026, 1, 1, 4, 59, 59)),
        ("16 March 2020", utc(2020, 3, 16)),
        ("March 16, 2020 10:00", utc(2020, 3, 16, 10)),
        ("Mon, 16 Mar 2020 07:00:00 GMT", utc(2020, 3, 16, 7)),
        ("  2020-03-16  ", utc(2020, 3, 16)),
    ],
)
def test_parse_date(text: str, instant: datetime) -> None:
    assert parse_date(text) == instant


@pytest.mark.parametrize("text", ["", "tomorrow", "2020-02-30", "13/1/2020", "2020-03-16+15:00"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_date(text)
    assert caught.value.reason == "invalid-date"


def test_render() -> None:
    assert render(utc(2020, 3, 16, 0, 5, 9)) == "3/16/2020 12:05:09 AM"
    assert render(utc(2020, 3, 16, 12)) == "3/16/2020 12:00:00 PM"


def test_date_diff_documented_table() -> None:
    now, hire = utc(2021, 8, 25, 17, 41, 18), utc(2012, 3, 16, 7)
    assert [date_diff(i, now, hire) for i in ("d", "ww", "m", "yyyy")] == [-3449, -493, -113, -9]
    assert date_diff("s", utc(2021, 8, 24), utc(2021, 8, 25)) == 86400
    assert date_diff("q", utc(2021, 3, 31), utc(2021, 4, 1)) == 1


def test_date_add_clamps_and_truncates() -> None:
    assert date_add("m", 1, utc(2021, 1, 31)) == utc(2021, 2, 28)
    assert date_add("q", 1, utc(2021, 11, 30)) == utc(2022, 2, 28)
    assert date_add("d", -1.7, utc(2021, 1, 2)) == utc(2021, 1, 1)
    assert date_add("M", 10, utc(2012, 3, 16, 7)) == utc(2013, 1, 16, 7)  # intervals ignore case


def test_date_add_unknown_interval() -> None:
    with pytest.raises(ExpressionError) as caught:
        date_add("fortnight", 1, utc(2021, 1, 1))
    assert caught.value.reason == "invalid-argument"


def test_filetime_both_ways() -> None:
    assert to_filetime(utc(2012, 1, 1, 23)) == 129699324000000000
    assert from_filetime(129699324000000000) == utc(2012, 1, 1, 23)
    assert to_filetime(utc(1601, 1, 1)) == 0


@pytest.mark.parametrize(
    ("fmt", "problem"),
    [
        ("%", "%"),
        ("ffffffff", "7"),
        ("'abc", "unterminated"),
        ("x\\", "backslash"),
        ("Q", "standard"),
    ],
)
def test_validate_format_errors(fmt: str, problem: str) -> None:
    message = validate_format(fmt)
    assert message is not None and problem in message


@pytest.mark.parametrize(
    "fmt", ["yyyy-MM-dd", "yyyyMMddHHmmss.fZ", "M/d/yyyy h:mm:ss tt", "o", "%d"]
)
def test_validate_format_ok(fmt: str) -> None:
    assert validate_format(fmt) is None


def test_empty_format_is_general_for_output_and_invalid_for_input() -> None:
    assert validate_format("") is None
    assert format_datetime(utc(2021, 3, 4, 5, 6, 7), "") == "03/04/2021 05:06:07"
    message = validate_format("", parsing=True)
    assert message is not None and "empty" in message


def test_quotes_and_escapes() -> None:
    assert format_datetime(utc(2021, 3, 4), "'a\\'b'\"c\"\\d") == "a'bcd"


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("yyyy-MM-dd HH:mm:ss.fffffff", "2021-03-04 05:06:07.1234560"),
        ("yy M d h t", "21 3 4 5 A"),
        ("ddd, dd MMM yyyy", "Thu, 04 Mar 2021"),
        ("dddd MMMM", "Thursday March"),
        ("HH:mm:ss.FFF", "05:06:07.123"),
        ("zzz|zz|z", "+00:00|+00|+0"),
        ("yyyyy", "02021"),
        ("'quoted' \\y", "quoted y"),
        ("s", "2021-03-04T05:06:07"),
        ("u", "2021-03-04 05:06:07Z"),
        ("R", "Thu, 04 Mar 2021 05:06:07 GMT"),
        ("%g", "A.D."),
        ("g", "03/04/2021 05:06"),
    ],
)
def test_format_datetime(fmt: str, text: str) -> None:
    assert format_datetime(utc(2021, 3, 4, 5, 6, 7, 123456), fmt) == text


def test_parse_exact_two_digit_year_window() -> None:
    assert parse_exact("49", "yy")[0].year == 2049
    assert parse_exact("50", "yy")[0].year == 1950


def test_parse_exact_kinds() -> None:
    assert parse_exact("2021-01-01Z", "yyyy-MM-ddK")[1] == "utc"
    assert parse_exact("2021-01-01+02:00", "yyyy-MM-ddK") == (utc(2020, 12, 31, 22), "local")
    assert parse_exact("2021-01-01", "yyyy-MM-ddK")[1] == "unspecified"


def test_parse_exact_time_only_takes_today() -> None:
    instant, _ = parse_exact("10:30", "HH:mm", today=date(2021, 5, 6))
    assert instant == utc(2021, 5, 6, 10, 30)


def test_parse_exact_strict_widths() -> None:
    with pytest.raises(ExpressionError):
        parse_exact("2021-1-01", "yyyy-MM-dd")
    assert parse_exact("2021-1-1", "yyyy-M-d")[0] == utc(2021, 1, 1)


def test_parse_exact_inner_white_only_when_allowed() -> None:
    with pytest.raises(ExpressionError):
        parse_exact("2021-01-01   10", "yyyy-MM-dd HH")
    styles = frozenset({"AllowInnerWhite"})
    assert parse_exact("2021-01-01   10", "yyyy-MM-dd HH", styles)[0] == utc(2021, 1, 1, 10)
