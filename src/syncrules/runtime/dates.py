"""Dates: CDate parsing, the Entra DateTime rendering, DateAdd/DateDiff and AD FILETIME.

Contract: imports only the standard library and sibling runtime modules. Every instant is an
aware UTC ``datetime``. DateTime results leave the runtime as strings rendered
``M/d/yyyy h:mm:ss tt`` (``3/16/2020 7:00:00 AM``), and every date argument is parsed back with
``parse_date``, which accepts that rendering, ISO 8601, Workday's ``2020-03-16-07:00`` and the
usual US/English forms. A date without an offset is UTC (the service's local time zone is UTC).
DateAdd/DateDiff follow ``Microsoft.VisualBasic.DateAndTime`` (see ``INTERVALS``).
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, datetime, timedelta

from .dotnet_format import MONTHS
from .errors import ExpressionError

ENTRA_DATETIME_FORMAT = "M/d/yyyy h:mm:ss tt"
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
FILETIME_MAX = 2_650_467_743_999_999_999  # DateTime.MaxValue in FILETIME ticks

INTERVALS: dict[str, str] = {
    "yyyy": "years (DateDiff: difference of the calendar years)",
    "q": "quarters (DateDiff: difference of calendar quarters)",
    "m": "months (DateAdd clamps the day to the month's end; DateDiff: calendar months)",
    "y": "days (day of year)",
    "d": "days (DateDiff: elapsed days, truncated toward zero)",
    "w": "weekdays: DateAdd adds days (as VB does); DateDiff: elapsed days / 7, truncated",
    "ww": "weeks of 7 days (DateDiff: Sunday-started weeks, time of day kept, truncated)",
    "h": "hours (DateDiff: elapsed, truncated)",
    "n": "minutes (DateDiff: elapsed, truncated)",
    "s": "seconds (DateDiff: elapsed, truncated)",
}

_OFFSET = r"(?P<tz>Z|z|GMT|UTC|[+-]\d{1,2}(?::?\d{2})?)"
_TIME = (
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,7}))?)?"
    r"(?:\s*(?P<ampm>[AaPp][Mm]?))?"
)
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_PATTERNS = [
    # ISO 8601 and Workday: 2020-03-16, 2020-03-16T07:00:00.5-07:00, 2020-03-16-07:00
    re.compile(
        rf"(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?:[T ]\s*{_TIME})?\s*{_OFFSET}?"
    ),
    re.compile(
        rf"(?P<y>\d{{4}})/(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})(?:[T ]\s*{_TIME})?\s*{_OFFSET}?"
    ),
    # US / invariant: 3/16/2020 7:00:00 AM
    re.compile(rf"(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}})(?:\s+{_TIME})?\s*{_OFFSET}?"),
    # 16 March 2020 [time], Mon, 16 Mar 2020 07:00:00 GMT
    re.compile(
        rf"(?:[A-Za-z]{{3,9}},?\s+)?(?P<d>\d{{1,2}})[ -]{_MONTH}[ -,]\s*(?P<y>\d{{4}})"
        rf"(?:\s+{_TIME})?\s*{_OFFSET}?"
    ),
    # March 16, 2020 [time]
    re.compile(
        rf"(?:[A-Za-z]{{3,9}},?\s+)?{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"
        rf"(?:\s+{_TIME})?\s*{_OFFSET}?"
    ),
]


def _bad_date(text: str, why: str = "not a recognised date/time") -> ExpressionError:
    return ExpressionError("invalid-date", f"{text!r} is {why}")


def _month_number(name: str, text: str) -> int:
    folded = name.lower()
    for index, month in enumerate(MONTHS):
        if (
            folded == month.lower()
            or folded == month[:3].lower()
            or (folded == "sept" and index == 8)
        ):
            return index + 1
    raise _bad_date(text, f"not a date: unknown month {name!r}")


def _offset(tz: str | None, text: str) -> timedelta:
    if tz is None or tz.upper() in ("Z", "GMT", "UTC"):
        return timedelta(0)
    sign = -1 if tz[0] == "-" else 1
    body = tz[1:].replace(":", "")
    hours, minutes = (int(body[:-2]), int(body[-2:])) if len(body) > 2 else (int(body), 0)
    if hours > 14 or minutes > 59:
        raise _bad_date(text, "not a date: the time-zone offset is out of range")
    return sign * timedelta(hours=hours, minutes=minutes)


def parse_date(value: str) -> datetime:
    """Parse a date/time string as CDate does; the result is an aware UTC datetime.

    Raises:
        ExpressionError: ``invalid-date``.
    """
    text = value.strip()
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            break
    else:
        raise _bad_date(value)
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else _month_number(parts["mon"], value)
    hour = int(parts["H"] or 0)
    ampm = (parts["ampm"] or "").upper()
    if ampm:
        if not 1 <= hour <= 12:
            raise _bad_date(value, "not a date: 12-hour clock hour out of range")
        hour = hour % 12 + (12 if ampm.startswith("P") else 0)
    fraction = parts["F"] or ""
    try:
        local = datetime(
            int(parts["y"]),
            month,
            int(parts["d"]),
            hour,
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            int((fraction + "000000")[:6]),
        )
        return (local - _offset(parts["tz"], value)).replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise _bad_date(value, f"not a valid date ({exc})") from None


def render(value: datetime) -> str:
    """The Entra DateTime rendering, ``M/d/yyyy h:mm:ss tt`` in UTC."""
    value = value.astimezone(UTC)
    hour12 = value.hour % 12 or 12
    marker = "AM" if value.hour < 12 else "PM"
    return (
        f"{value.month}/{value.day}/{value.year} {hour12}:{value.minute:02d}:{value.second:02d} "
        f"{marker}"
    )


def _interval(interval: str) -> str:
    key = interval.lower()
    if key not in INTERVALS:
        raise ExpressionError(
            "invalid-argument",
            f"unknown interval {interval!r}; use one of {', '.join(sorted(INTERVALS))}",
        )
    return key


def _outside() -> ExpressionError:
    return ExpressionError("invalid-date", "DateAdd: the result is outside years 1-9999")


def _add_months(value: datetime, months: int) -> datetime:
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise _outside()
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return value.replace(year=year, month=month, day=min(value.day, last_day))


_INT32 = 2**31


def _wrap32(number: int) -> int:
    return (number + _INT32) % (2 * _INT32) - _INT32


def date_add(interval: str, number: int | float, value: datetime) -> datetime:
    """VB ``DateAdd``: ``number`` is truncated toward zero and must fit an Int32; m/q/yyyy clamp
    the day of month; ``w`` (weekday) adds days, as VB does.

    Raises:
        ExpressionError: ``invalid-argument`` for an unknown interval or a number beyond Int32
        (VB's OverflowException), ``invalid-date`` when the result leaves years 1-9999.
    """
    key = _interval(interval)
    if isinstance(number, float) and not math.isfinite(number):
        raise ExpressionError("invalid-argument", f"DateAdd: {number} is not a number of {key}")
    count = int(number)  # VB Fix(): truncation toward zero
    if not -_INT32 <= count < _INT32 or (key == "q" and not -_INT32 <= 3 * count < _INT32):
        raise ExpressionError(
            "invalid-argument", f"DateAdd: {number} is beyond a 32-bit integer (VB overflows)"
        )
    if key == "yyyy":
        return _add_months(value, _wrap32(12 * count))  # Calendar.AddYears multiplies unchecked
    if key == "q":
        return _add_months(value, 3 * count)
    if key == "m":
        return _add_months(value, count)
    step = {
        "d": timedelta(days=1),
        "y": timedelta(days=1),
        "w": timedelta(days=1),
        "ww": timedelta(days=7),
        "h": timedelta(hours=1),
        "n": timedelta(minutes=1),
        "s": timedelta(seconds=1),
    }[key]
    try:
        return value + step * count
    except OverflowError:
        raise _outside() from None


_TICKS_PER = {"d": 864e9, "y": 864e9, "h": 36e9, "n": 6e8, "s": 1e7}


def _ticks(value: datetime) -> int:
    delta = value.astimezone(UTC) - FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _fix(number: float) -> int:
    return int(number)  # int() truncates toward zero, as VB Fix


def date_diff(interval: str, first: datetime, second: datetime) -> int:
    """VB ``DateDiff(interval, first, second)``: positive when ``second`` is later.

    Elapsed intervals are computed as VB does, in double precision (``TimeSpan.TotalDays``...)
    and truncated; ``ww`` steps each date back to its week's Sunday keeping the time of day.

    Raises:
        ExpressionError: ``invalid-argument`` for an unknown interval; ``invalid-date`` when
        ``ww`` would step back before year 1.
    """
    key = _interval(interval)
    if key == "yyyy":
        return second.year - first.year
    if key == "q":
        return (second.year - first.year) * 4 + (second.month - 1) // 3 - (first.month - 1) // 3
    if key == "m":
        return (second.year - first.year) * 12 + second.month - first.month
    elapsed = _ticks(second) - _ticks(first)
    if key in ("w", "ww"):
        if key == "ww":
            # VB: Date.AddDays(-GetDayOfWeek(Date)), GetDayOfWeek = 1 (Sunday) ... 7 (Saturday)
            back = [(value.weekday() + 1) % 7 + 1 for value in (first, second)]
            for value, days in zip((first, second), back, strict=True):
                try:
                    value - timedelta(days=days)
                except OverflowError:
                    raise ExpressionError(
                        "invalid-date", "DateDiff: 'ww' steps back before year 1"
                    ) from None
            elapsed += (back[0] - back[1]) * 864_000_000_000
        return _fix(float(elapsed) * (1.0 / 864e9) / 7.0)
    return _fix(float(elapsed) * (1.0 / _TICKS_PER[key]))


def to_filetime(value: datetime) -> int:
    """AD FILETIME: 100-nanosecond ticks since 1601-01-01 UTC (``DateTime.ToFileTimeUtc``).

    Raises:
        ExpressionError: ``invalid-date`` before 1601, where .NET throws.
    """
    ticks = _ticks(value)
    if ticks < 0:
        raise ExpressionError(
            "invalid-date", f"{render(value)} is before 1601-01-01, where FILETIME starts"
        )
    return ticks


def from_filetime(ticks: int) -> datetime:
    """The instant of an AD FILETIME value (``DateTime.FromFileTimeUtc``).

    Raises:
        ExpressionError: ``invalid-date`` when the value is negative or past year 9999.
    """
    if ticks < 0:
        raise ExpressionError("invalid-date", f"FILETIME {ticks} is negative")
    if ticks > FILETIME_MAX:
        raise ExpressionError("invalid-date", f"FILETIME {ticks} is past year 9999")
    return FILETIME_EPOCH + timedelta(microseconds=ticks // 10)
