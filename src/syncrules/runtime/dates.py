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
from datetime import UTC, date, datetime, timedelta

from .dotnet_format import DAYS, MONTHS, NET_WHITE
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


def _bad_date(text: str, why: str = "not a recognised date/time") -> ExpressionError:
    return ExpressionError("invalid-date", f"{text!r} is {why}")


class _Lexed:
    """The pieces of a date/time text, read as DateTime.Parse reads them (see parse_date)."""

    def __init__(self) -> None:
        self.numbers: list[str] = []  # date numbers, as written
        self.month: int | None = None
        self.weekday: int | None = None
        self.time: tuple[int, int, int, int] | None = None  # hour, minute, second, ticks
        self.pm: bool | None = None
        self.offset: int | None = None  # minutes east of UTC
        self.iso = False  # the time followed an ISO 'T'


_ISO_TIME = re.compile(r"(?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.(?P<F>\d+))?)?(?!\d)")


def _words(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: "num", "word", "sep" (one of ``/-.,:+``), "ws"."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        j = i + 1
        if "0" <= ch <= "9":
            while j < len(text) and "0" <= text[j] <= "9":
                j += 1
            tokens.append(("num", text[i:j]))
        elif ch.isalpha():
            while j < len(text) and text[j].isalpha():
                j += 1
            tokens.append(("word", text[i:j]))
        elif ch in NET_WHITE:
            while j < len(text) and text[j] in NET_WHITE:
                j += 1
            tokens.append(("ws", " "))
        else:
            tokens.append(("sep", ch))
        i = j
    return tokens


def _month_of(word: str) -> int | None:
    folded = word.lower()
    for index, month in enumerate(MONTHS):
        if folded in (month.lower(), month[:3].lower()):
            return index + 1
    return None


def _weekday_of(word: str) -> int | None:
    folded = word.lower()
    for index, day in enumerate(DAYS):
        if folded in (day.lower(), day[:3].lower()):
            return index
    return None


def _lex(text: str) -> _Lexed:
    tokens = _words(text)
    out = _Lexed()
    i = 0

    def text_after(k: int) -> str:
        return "".join(piece for _, piece in tokens[k:])

    def nums_year_first(lexed: _Lexed) -> bool:
        return len(lexed.numbers) == 3 and len(lexed.numbers[0]) >= 3 and lexed.month is None

    def at(k: int) -> tuple[str, str]:
        return tokens[k] if k < len(tokens) else ("end", "")

    def skip_ws(k: int) -> int:
        return k + 1 if at(k)[0] == "ws" else k

    while i < len(tokens):
        kind, piece = tokens[i]
        if kind == "num":
            if at(i + 1) == ("sep", ":"):
                if out.time is not None or len(piece) > 2:
                    raise ValueError("a second time of day")
                parts = [piece]
                k = i + 1
                while at(k) == ("sep", ":") and at(k + 1)[0] == "num" and len(parts) < 3:
                    parts.append(at(k + 1)[1])
                    k += 2
                if at(k) == ("sep", ":") or len(parts) < 2:
                    raise ValueError("a broken time of day")
                ticks = 0
                if len(parts) == 3 and at(k) == ("sep", ".") and at(k + 1)[0] == "num":
                    digits = at(k + 1)[1]
                    ticks = int((digits + "0000000")[:7])
                    k += 2
                if any(len(p) > 2 for p in parts[1:]):
                    raise ValueError("minutes or seconds with more than two digits")
                numbers = [int(p) for p in parts] + [0] * (3 - len(parts))
                out.time = (numbers[0], numbers[1], numbers[2], ticks)
                i = k
                continue
            following = at(skip_ws(i + 1))
            if following[0] == "word" and following[1].lower() in ("am", "pm"):
                if out.time is not None or len(piece) > 2:
                    raise ValueError("a second time of day")
                out.time = (int(piece), 0, 0, 0)
                i += 1
                continue
            out.numbers.append(piece)
        elif kind == "word":
            folded = piece.lower()
            month, weekday = _month_of(piece), _weekday_of(piece)
            if folded in ("am", "pm"):
                if out.pm is not None or out.time is None or out.iso:
                    raise ValueError("a misplaced AM/PM")
                out.pm = folded.startswith("p")
            elif month is not None:
                if out.month is not None:
                    raise ValueError("two month names")
                out.month = month
                if at(i + 1) == ("sep", "."):
                    i += 1
            elif weekday is not None:
                if out.weekday is not None:
                    raise ValueError("two day names")
                out.weekday = weekday
                if at(i + 1) == ("sep", "."):
                    i += 1
            elif folded == "z" or (folded == "gmt" and not out.iso):
                if out.offset is not None:
                    raise ValueError("two time zones")
                out.offset = 0
            elif folded == "t" and at(i + 1)[0] == "num":
                # ISO 8601: after a year-first date, 'T' starts a strict hh:mm[:ss[.f]] time
                if not nums_year_first(out) or out.time is not None:
                    raise ValueError("a 'T' that does not follow a year-first date")
                match = _ISO_TIME.match(text_after(i + 1))
                if not match:
                    raise ValueError("a time after 'T' that is not hh:mm[:ss[.fffffff]]")
                out.time = (
                    int(match["H"]), int(match["M"]), int(match["S"] or 0),
                    int(((match["F"] or "") + "0000000")[:7]),
                )  # fmt: skip
                out.iso = True
                consumed = match.end()
                k = i + 1
                while consumed > 0:
                    consumed -= len(tokens[k][1])
                    k += 1
                i = k
                continue
            else:
                raise ValueError(f"the word {piece!r}")
        elif kind == "sep" and piece in "+-":
            nxt = at(i + 1)
            date_done = len(out.numbers) >= 3 or (out.month is not None and len(out.numbers) >= 2)
            if nxt[0] == "num" and (piece == "+" or out.time is not None or date_done):
                if out.offset not in (None, 0) or (out.offset == 0 and piece == "-"):
                    raise ValueError("two time zones")
                digits = nxt[1]
                k = i + 2
                if at(k) == ("sep", ":") and at(k + 1)[0] == "num":
                    hours, minutes = int(digits), int(at(k + 1)[1])
                    if len(digits) > 2 or len(at(k + 1)[1]) != 2:
                        raise ValueError("a broken offset")
                    k += 2
                elif len(digits) <= 2:
                    hours, minutes = int(digits), 0
                elif len(digits) == 4:
                    hours, minutes = int(digits[:2]), int(digits[2:])
                else:
                    raise ValueError("a broken offset")
                if hours > 14 or minutes > 59 or hours * 60 + minutes > 14 * 60:
                    raise ValueError("an offset beyond 14 hours")
                out.offset = (hours * 60 + minutes) * (-1 if piece == "-" else 1)
                i = k
                continue
            if piece == "+":
                raise ValueError("a misplaced '+'")
        elif kind == "sep" and piece not in "/.,":
            raise ValueError(f"the character {piece!r}")
        i += 1
    return out


def _year(text: str, window: int) -> int:
    year = int(text)
    if len(text) <= 2:
        year += (window // 100 - (year > window % 100)) * 100
    return year


def _resolve(lexed: _Lexed, today: date, window: int) -> tuple[int, int, int]:
    nums = lexed.numbers
    if any(len(n) > 4 for n in nums):
        raise ValueError("a number with more than four digits")
    if lexed.time is not None and len(nums) + (lexed.month is not None) == 2:
        raise ValueError("a time after a date without a day or a year")
    if lexed.month is not None:
        month = lexed.month
        if not nums:
            raise ValueError("a month name alone")
        if len(nums) == 1:
            if len(nums[0]) >= 3:
                return _year(nums[0], window), month, 1
            return today.year, month, int(nums[0])
        if len(nums) == 2:
            first, second = nums
            if len(first) >= 3:
                return _year(first, window), month, int(second)
            year = _year(second, window)
            if len(second) <= 2 and not 1 <= int(first) <= calendar.monthrange(year, month)[1]:
                return _year(first, window), month, int(second)  # .NET then tries year first
            return year, month, int(first)
        raise ValueError("too many numbers")
    if len(nums) == 3:
        first, second, third = nums
        if len(first) >= 3:
            return _year(first, window), int(second), int(third)
        return _year(third, window), int(first), int(second)
    if len(nums) == 2:
        first, second = nums
        if len(first) >= 3:
            return _year(first, window), int(second), 1
        if len(second) >= 3:
            return _year(second, window), int(first), 1
        return today.year, int(first), int(second)
    if not nums and lexed.time is not None:
        return today.year, today.month, today.day
    raise ValueError("no date")


def parse_date(
    value: str, today: date | None = None, two_digit_year_max: int | None = None
) -> datetime:
    """Parse a date/time string as CDate does (``DateTime.Parse``, invariant culture); the
    result is an aware UTC datetime.

    Dates are month-first (``3/16/2020``) unless they start with the year (``2020-03-16``);
    month names and day names are English; a date without a year takes ``today``'s year (the
    evaluation clock; without one, year 1) and a time without a date takes ``today``; two-digit
    years use the window of :data:`~.dotnet_format.TWO_DIGIT_YEAR_MAX`. Text with an offset or
    ``Z``/``GMT`` is converted to UTC; without one it is UTC already (the service's time zone).

    Raises:
        ExpressionError: ``invalid-date``.
    """
    from . import dotnet_format

    window = dotnet_format.TWO_DIGIT_YEAR_MAX if two_digit_year_max is None else two_digit_year_max
    today = today or date(1, 1, 1)
    text = value.strip("".join(NET_WHITE))
    try:
        if not text:
            raise ValueError("empty")
        lexed = _lex(text)
        year, month, day = _resolve(lexed, today, window)
        hour, minute, second, ticks = lexed.time or (0, 0, 0, 0)
        if lexed.pm is not None:
            if hour > 12:
                raise ValueError("a 12-hour clock hour above 12")
            hour = hour % 12 + (12 if lexed.pm else 0)
        local = datetime(year, month, day, hour, minute, second, ticks // 10)
        if lexed.weekday is not None and local.weekday() != lexed.weekday:
            raise ValueError("the day of the week does not match the date")
        offset = timedelta(minutes=lexed.offset or 0)
        if local.date() == date(1, 1, 1) and local - datetime(1, 1, 1) < offset:
            offset -= timedelta(days=1)  # .NET wraps a time on day one around midnight
        return (local - offset).replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise _bad_date(value, f"not a date/time .NET reads ({exc})") from None


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
