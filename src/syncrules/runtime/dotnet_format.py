""".NET custom and standard date/time format strings (invariant culture), both ways.

Contract: imports only the standard library and sibling runtime modules. This is a port of .NET's
``DateTimeFormat.FormatCustomized`` and ``DateTimeParse.DoStrictParse`` (``DateTime.ToString`` and
``DateTime.ParseExact`` with ``CultureInfo.InvariantCulture``), checked against a real .NET runtime
by ``tests/oracle``. Values are .NET *ticks* (100-nanosecond units since 0001-01-01) so the 7th
fraction digit survives a ``FormatDateTime``; :func:`format_datetime` and :func:`parse_exact`
are the ``datetime`` views of :func:`format_ticks` and :func:`parse_exact_ticks`.

A value carries a *kind* ("utc", "local", "unspecified") as .NET's DateTime does. The service runs
in UTC, so "local" time is UTC as well and only the ``K`` specifier tells the kinds apart.

Two deliberate differences from the .NET Core 3.1 the tests run (listed in ``prov explain
semantics``): the two-digit-year window ends at :data:`TWO_DIGIT_YEAR_MAX` (2049, Windows' setting,
not Core's 2029), and a date format without a year takes the year of the evaluation clock
(``EvalContext.now``) instead of the machine's clock, so that outputs are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .errors import ExpressionError

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NET_DAYS = DAYS[6:] + DAYS[:6]  # .NET's DayOfWeek order: Sunday = 0

# Invariant-culture patterns of the standard (one-character) format strings.
STANDARD_FORMATS: dict[str, str] = {
    "d": "MM/dd/yyyy",
    "D": "dddd, dd MMMM yyyy",
    "f": "dddd, dd MMMM yyyy HH:mm",
    "F": "dddd, dd MMMM yyyy HH:mm:ss",
    "g": "MM/dd/yyyy HH:mm",
    "G": "MM/dd/yyyy HH:mm:ss",
    "m": "MMMM dd",
    "M": "MMMM dd",
    "o": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "O": "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
    "r": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "R": "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
    "s": "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
    "t": "HH:mm",
    "T": "HH:mm:ss",
    "u": "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
    "U": "dddd, dd MMMM yyyy HH:mm:ss",
    "y": "yyyy MMMM",
    "Y": "yyyy MMMM",
}

DATETIME_STYLES = frozenset(
    {
        "None", "AllowLeadingWhite", "AllowTrailingWhite", "AllowInnerWhite", "AllowWhiteSpaces",
        "NoCurrentDateDefault", "AdjustToUniversal", "AssumeLocal", "AssumeUniversal",
        "RoundtripKind",
    }
)  # fmt: skip
DEFAULT_STYLES = frozenset({"RoundtripKind", "AllowLeadingWhite", "AllowTrailingWhite"})

TWO_DIGIT_YEAR_MAX = 2049  # Windows' GregorianCalendar.TwoDigitYearMax (.NET Core 3.1 says 2029)

# Where syncrules knowingly differs from the .NET Core 3.1 runtime its differential tests run
# (tests/oracle), keeping what Entra's service does; each name is the class those tests exclude.
DOTNET_DIFFERENCES: tuple[tuple[str, str], ...] = (
    (
        "two-digit-year-window",
        "a two-digit year ('yy' in FormatDateTime, '4/7/23' in CDate) falls in 1950-2049, "
        "Windows' default window that the service's .NET Framework reads; .NET Core 3.1 uses "
        "1930-2029.",
    ),
)
CLOCK_RULE = (
    "a date without a year ('MM/dd', 'March 16') takes the year of the evaluation clock, and a "
    "time without a date takes its date (the clock of prov eval/run --now, or prov test's fixed "
    "clock), where .NET reads the machine's clock; so results are deterministic for a clock."
)
PRECISION_RULE = (
    "FormatDateTime keeps .NET's 100-nanosecond ticks (the 7th fraction digit survives); the "
    "other date functions carry microseconds, which their M/d/yyyy h:mm:ss tt results never show."
)

TICKS_PER_SECOND = 10_000_000
TICKS_PER_DAY = 86_400 * TICKS_PER_SECOND
MAX_TICKS = 3_652_059 * TICKS_PER_DAY - 1  # 9999-12-31 23:59:59.9999999
_MAX_OFFSET = 14 * 3600 * TICKS_PER_SECOND
_EPOCH = datetime(1, 1, 1)

# char.IsWhiteSpace (Python's str.isspace also takes U+001C-U+001F).
NET_WHITE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _bad(fmt: str, why: str) -> ExpressionError:
    return ExpressionError("invalid-format", f"invalid .NET date/time format {fmt!r}: {why}")


def to_ticks(value: datetime) -> int:
    """.NET ``DateTime.Ticks`` of ``value`` (aware values are taken in UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value - _EPOCH) // timedelta(microseconds=1) * 10


def from_ticks(ticks: int) -> datetime:
    """The aware UTC datetime of ``ticks`` (the 7th fraction digit is dropped)."""
    return (_EPOCH + timedelta(microseconds=ticks // 10)).replace(tzinfo=UTC)


def _one_unit(fmt: str) -> bool:
    """One UTF-16 code unit long: .NET reads such a format as a standard one."""
    return len(fmt) == 1 and ord(fmt) < 0x10000


def _repeat(fmt: str, i: int) -> int:
    ch, j = fmt[i], i
    while j < len(fmt) and fmt[j] == ch:
        j += 1
    return j - i


def _quoted(fmt: str, i: int) -> tuple[str, int] | None:
    """The text of the quoted string starting at ``fmt[i]`` and its length with the quotes."""
    quote, pos = fmt[i], i + 1
    out: list[str] = []
    while pos < len(fmt):
        ch = fmt[pos]
        pos += 1
        if ch == quote:
            return "".join(out), pos - i
        if ch == "\\":
            if pos >= len(fmt):
                return None
            out.append(fmt[pos])
            pos += 1
        else:
            out.append(ch)
    return None


# ---------------------------------------------------------------------------------------- format


def _offset_text(count: int) -> str:
    # The service runs in UTC, so the local offset is always zero.
    return "+0" if count <= 1 else "+00" if count == 2 else "+00:00"


def _format_custom(ticks: int, fmt: str, kind: str, out: list[str], whole: str) -> None:
    day_number, rest = divmod(ticks, TICKS_PER_DAY)
    day = date.fromordinal(day_number + 1)
    seconds, fraction = divmod(rest, TICKS_PER_SECOND)
    hour, minute, second = seconds // 3600, seconds // 60 % 60, seconds % 60
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        n = 1
        if ch in "dfFghHKmMstyz":
            n = 1 if ch == "K" else _repeat(fmt, i)
        if ch == "d":
            if n <= 2:
                out.append(f"{day.day:0{n}d}")
            else:
                name = DAYS[day.weekday()]
                out.append(name[:3] if n == 3 else name)
        elif ch == "M":
            if n <= 2:
                out.append(f"{day.month:0{n}d}")
            else:
                name = MONTHS[day.month - 1]
                out.append(name[:3] if n == 3 else name)
        elif ch == "y":
            out.append(f"{day.year % 100:0{n}d}" if n <= 2 else f"{day.year:0{n}d}")
        elif ch == "h":
            out.append(f"{(hour % 12) or 12:0{min(n, 2)}d}")
        elif ch in "Hms":
            value = hour if ch == "H" else minute if ch == "m" else second
            out.append(f"{value:0{min(n, 2)}d}")
        elif ch in "fF":
            if n > 7:
                raise _bad(whole, f"'{ch * n}' has more than 7 fraction digits")
            digits = f"{fraction:07d}"[:n]
            if ch == "F":
                digits = digits.rstrip("0")
            if digits:
                out.append(digits)
            else:
                text = "".join(out)
                if text.endswith("."):  # .NET drops a '.' directly before an all-zero F
                    out[:] = [text[:-1]]
        elif ch == "t":
            marker = "AM" if hour < 12 else "PM"
            out.append(marker[0] if n == 1 else marker)
        elif ch == "z":
            out.append(_offset_text(n))
        elif ch == "K":
            out.append({"utc": "Z", "local": "+00:00"}.get(kind, ""))
        elif ch == "g":
            out.append("A.D.")
        elif ch in "'\"":
            quoted = _quoted(fmt, i)
            if quoted is None:
                raise _bad(whole, f"unterminated quoted text starting at position {i + 1}")
            out.append(quoted[0])
            n = quoted[1]
        elif ch == "%":
            if i + 1 >= len(fmt) or fmt[i + 1] == "%":
                raise _bad(whole, "'%' must be followed by one format specifier")
            _format_custom(ticks, fmt[i + 1], kind, out, whole)
            n = 2
        elif ch == "\\":
            if i + 1 >= len(fmt):
                raise _bad(whole, "a trailing backslash escapes nothing")
            out.append(fmt[i + 1])
            n = 2
        else:
            out.append(ch)
        i += n


def format_ticks(ticks: int, fmt: str, kind: str = "utc") -> str:
    """``DateTime.ToString(fmt, InvariantCulture)`` of a value of ``ticks`` and ``kind``.

    Raises:
        ExpressionError: ``invalid-format`` when ``fmt`` is invalid.
    """
    if fmt == "":
        fmt = "G"  # DateTime.ToString("") is the general format
    if _one_unit(fmt):
        if fmt not in STANDARD_FORMATS:
            raise _bad(fmt, f"{fmt!r} is not a standard format specifier")
        if fmt == "U":
            kind = "utc"
        fmt = STANDARD_FORMATS[fmt]
    out: list[str] = []
    _format_custom(ticks, fmt, kind, out, fmt)
    return "".join(out)


def format_datetime(value: datetime, fmt: str, kind: str = "utc") -> str:
    """Render ``value`` (UTC) with a .NET format string, invariant culture.

    Raises:
        ExpressionError: ``invalid-format`` when ``fmt`` is invalid.
    """
    return format_ticks(to_ticks(value), fmt, kind)


def _parse_format_problem(fmt: str) -> str | None:
    """Why ``ParseExact`` refuses ``fmt`` whatever the input, or ``None``."""
    if fmt == "":
        return "the format is empty"
    if _one_unit(fmt):
        return None if fmt in STANDARD_FORMATS else f"{fmt!r} is not a standard format specifier"
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in "'\"":
            quoted = _quoted(fmt, i)
            if quoted is None:
                return f"unterminated quoted text starting at position {i + 1}"
            i += quoted[1]
        elif ch == "%":
            if i + 1 >= len(fmt) or fmt[i + 1] == "%":
                return "'%' must be followed by one format specifier"
            i += 1
        elif ch == "\\":
            if i + 1 >= len(fmt):
                return "a trailing backslash escapes nothing"
            i += 2
        elif ch in "fF" and _repeat(fmt, i) > 7:
            return f"'{ch * _repeat(fmt, i)}' has more than 7 fraction digits"
        else:
            i += _repeat(fmt, i) if ch in "dfFghHmMstyz" else 1
    return None


def validate_format(fmt: str, parsing: bool = False) -> str | None:
    """An error message if .NET refuses ``fmt`` as an output (or, with ``parsing``, an input)
    date/time format, else ``None``."""
    if parsing:
        problem = _parse_format_problem(fmt)
        return None if problem is None else _bad(fmt, problem).message
    try:
        format_ticks(0, fmt)
    except ExpressionError as exc:
        return exc.message
    return None


# ----------------------------------------------------------------------------------------- parse


@dataclass(slots=True)
class _Result:
    year: int = -1
    month: int = -1
    day: int = -1
    hour: int = -1
    minute: int = -1
    second: int = -1
    fraction: int = -1  # in ticks
    weekday: int = -1  # .NET DayOfWeek
    pm: bool | None = None
    hour12: bool = False
    two_digit_year: bool = False
    tz_used: bool = False
    tz_utc: bool = False
    offset: int = 0  # ticks


class _Fail(Exception):
    """The input does not match (message = the reason)."""


class _Parser:
    def __init__(self, text: str, fmt: str, styles: frozenset[str]) -> None:
        self.s, self.p = text, 0
        self.f, self.i = fmt, 0
        self.r = _Result()
        self.inner = "AllowInnerWhite" in styles or "AllowWhiteSpaces" in styles
        self.trailing = "AllowTrailingWhite" in styles or "AllowWhiteSpaces" in styles

    # --- the input
    def match(self, ch: str) -> bool:
        if self.s[self.p : self.p + 1] == ch:
            self.p += 1
            return True
        return False

    def skip_white(self) -> None:
        while self.p < len(self.s) and self.s[self.p] in NET_WHITE:
            self.p += 1

    def digits(self, low: int, high: int, what: str) -> int:
        end = self.p
        while end < len(self.s) and end - self.p < high and "0" <= self.s[end] <= "9":
            end += 1
        if end - self.p < low:
            raise _Fail(f"expected {low if low == high else f'{low}-{high}'} digit(s) for {what}")
        number = int(self.s[self.p : end])
        self.p = end
        return number

    def count_digits(self, n: int, what: str) -> int:
        return self.digits(1, 2, what) if n == 1 else self.digits(n, n, what)

    def word_at(self, word: str) -> bool:
        piece = self.s[self.p : self.p + len(word)]
        return len(piece) == len(word) and piece.lower() == word.lower()

    def names(self, names: tuple[str, ...], longest: bool, what: str) -> int:
        best = -1
        for index, name in enumerate(names):
            if self.word_at(name) and (best < 0 or len(name) > len(names[best])):
                best = index
                if not longest:
                    break
        if best < 0:
            raise _Fail(f"expected a {what} name")
        self.p += len(names[best])
        return best

    def offset(self, n: int) -> int:
        sign = self.s[self.p : self.p + 1]
        if sign not in ("+", "-"):
            raise _Fail("expected a time-zone offset (+hh:mm)")
        self.p += 1
        minutes = 0
        if n <= 2:
            hours = self.count_digits(n, "offset hours")
        else:
            hours = self.digits(1, 2, "offset hours")
            self.match(":")
            minutes = self.digits(2, 2, "offset minutes")
            if minutes >= 60:
                raise _Fail("offset minutes above 59")
        ticks = (hours * 60 + minutes) * 60 * TICKS_PER_SECOND
        return -ticks if sign == "-" else ticks

    # --- the result
    @staticmethod
    def check(current: int, new: int, what: str) -> int:
        if current not in (-1, new):
            raise _Fail(f"the {what} is given twice with different values")
        return new

    def set_offset(self, ticks: int, utc: bool = False) -> None:
        r = self.r
        if utc:
            if r.tz_used and r.offset != 0:
                raise _Fail("the time zone is given twice")
            r.tz_utc = True
        elif r.tz_used and ticks != r.offset:
            raise _Fail("the time zone is given twice with different values")
        r.tz_used, r.offset = True, ticks

    # --- the format
    def step(self) -> None:
        f, ch, r = self.f, self.f[self.i], self.r
        n = _repeat(f, self.i) if ch in "dfFghHmMstyz" else 1
        self.i += n
        if ch == "y":
            if n <= 2:
                r.two_digit_year = True
            r.year = self.check(r.year, self.count_digits(n, "year"), "year")
        elif ch == "M":
            if n <= 2:
                value = self.count_digits(n, "month")
            else:
                short = tuple(m[:3] for m in MONTHS)
                value = self.names(short if n == 3 else MONTHS, True, "month") + 1
            r.month = self.check(r.month, value, "month")
        elif ch == "d":
            if n <= 2:
                r.day = self.check(r.day, self.count_digits(n, "day"), "day")
            else:
                short = tuple(d[:3] for d in _NET_DAYS)
                weekday = self.names(short if n == 3 else _NET_DAYS, False, "day")
                r.weekday = self.check(r.weekday, weekday, "day of the week")
        elif ch == "g":
            for era in ("A.D.", "AD"):
                if self.word_at(era):
                    self.p += len(era)
                    break
            else:
                raise _Fail("expected the era A.D.")
        elif ch in "hHms":
            value = self.count_digits(
                1 if n < 2 else 2, {"m": "minute", "s": "second"}.get(ch, "hour")
            )
            if ch == "m":
                r.minute = self.check(r.minute, value, "minute")
            elif ch == "s":
                r.second = self.check(r.second, value, "second")
            else:
                r.hour12 = r.hour12 or ch == "h"
                r.hour = self.check(r.hour, value, "hour")
        elif ch in "fF":
            if n > 7:
                raise _Fail(f"'{ch * n}' has more than 7 fraction digits")
            start = self.p
            while self.p < len(self.s) and self.p - start < n and "0" <= self.s[self.p] <= "9":
                self.p += 1
            digits = self.s[start : self.p]
            if ch == "f" and len(digits) < n:
                raise _Fail(f"expected {n} fraction digit(s)")
            value = int((digits + "0000000")[:7]) if digits else 0
            if r.fraction not in (-1, value):
                raise _Fail("the fraction is given twice with different values")
            r.fraction = value
        elif ch == "t":
            rest = self.s[self.p :]
            if n == 1:
                if rest[:1] not in ("A", "P"):
                    raise _Fail("expected A or P")
                pm, self.p = rest[0] == "P", self.p + 1
            elif self.word_at("AM") or self.word_at("PM"):
                pm, self.p = rest[0] in "pP", self.p + 2
            else:
                raise _Fail("expected AM or PM")
            if r.pm is not None and r.pm != pm:
                raise _Fail("AM/PM is given twice with different values")
            r.pm = pm
        elif ch == "z":
            self.set_offset(self.offset(n))
        elif ch == "Z":
            self.set_offset(0, utc=True)
            for name in ("GMT", "Z"):
                after = self.s[self.p + len(name) : self.p + len(name) + 1]
                if self.word_at(name) and not after.isalpha():
                    self.p += len(name)
                    break
            else:
                raise _Fail("expected Z or GMT")
        elif ch == "K":
            if self.match("Z"):
                self.set_offset(0, utc=True)
            elif self.s[self.p : self.p + 1] in ("+", "-"):
                self.set_offset(self.offset(3))
        elif ch in "'\"":
            quoted = _quoted(f, self.i - 1)
            if quoted is None:
                raise _bad(f, f"unterminated quoted text starting at position {self.i}")
            self.i += quoted[1] - 1
            for c in quoted[0]:
                if c == " " and self.inner:
                    self.skip_white()
                elif not self.match(c):
                    raise _Fail(f"expected {quoted[0]!r}")
        elif ch == "%":
            if self.i >= len(f) or f[self.i] == "%":
                raise _bad(f, "'%' must be followed by one format specifier")
        elif ch == "\\":
            if self.i >= len(f):
                raise _bad(f, "a trailing backslash escapes nothing")
            self.i += 1
            if not self.match(f[self.i - 1]):
                raise _Fail(f"expected {f[self.i - 1]!r}")
        elif ch == ".":
            if not self.match("."):
                # An optional ".F": .NET looks for the F one character further than it should,
                # so ".FF" is optional, ".F" alone is not, and ".xF" skips the x.
                if self.i + 1 < len(f) and f[self.i + 1] == "F":
                    self.i += 1 + _repeat(f, self.i + 1)
                else:
                    raise _Fail("expected '.'")
        elif ch == " ":
            if not self.inner and not self.match(" "):
                if self.trailing and self.i < len(f):
                    self.step()  # .NET tries the next specifier once more
                    return
                raise _Fail("expected ' '")
        elif f[self.i - 1 : self.i + 2].upper() == "GMT":
            self.i += 2
            self.r.tz_used, self.r.offset = True, 0
            if self.s[self.p : self.p + 3] != "GMT":
                raise _Fail("expected GMT")
            self.p += 3
        elif not self.match(ch):
            raise _Fail(f"expected {ch!r} at position {self.p + 1}")


def _number(text: str, start: int, end: int) -> int:
    piece = text[start:end]
    if not all("0" <= c <= "9" for c in piece):
        raise _Fail(f"expected digits at position {start + 1}")
    return int(piece)


def _create(year: int, month: int, day: int, hour: int, minute: int, second: int) -> datetime:
    try:
        return datetime(year, month, day, hour, minute, second)
    except (ValueError, OverflowError) as exc:
        raise _Fail(str(exc)) from None


def _parse_r(text: str) -> tuple[int, str]:
    """.NET Core's strict 'r' parser (styles None): exactly ``ddd, dd MMM yyyy HH:mm:ss GMT``."""
    if len(text) != 29 or text[3:5] != ", " or text[26:] != "GMT":
        raise _Fail("not in the RFC 1123 form 'ddd, dd MMM yyyy HH:mm:ss GMT'")
    if any(
        text[i] != c for i, c in ((7, " "), (11, " "), (16, " "), (19, ":"), (22, ":"), (25, " "))
    ):
        raise _Fail("not in the RFC 1123 form 'ddd, dd MMM yyyy HH:mm:ss GMT'")
    weekdays = [d[:3].lower() for d in DAYS]
    months = [m[:3].lower() for m in MONTHS]
    if text[:3].lower() not in weekdays or text[8:11].lower() not in months:
        raise _Fail("unknown day or month name")
    value = _create(
        _number(text, 12, 16), months.index(text[8:11].lower()) + 1, _number(text, 5, 7),
        _number(text, 17, 19), _number(text, 20, 22), _number(text, 23, 25),
    )  # fmt: skip
    if value.weekday() != weekdays.index(text[:3].lower()):
        raise _Fail("the day of the week does not match the date")
    return to_ticks(value), "unspecified"


def _parse_o(text: str) -> tuple[int, str]:
    """.NET Core's strict 'o' parser (styles None): ``yyyy-MM-ddTHH:mm:ss.fffffff[Z|+hh:mm]``."""
    shape = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."))
    if len(text) < 27 or any(text[i] != c for i, c in shape):
        raise _Fail("not in the round-trip form 'yyyy-MM-ddTHH:mm:ss.fffffffK'")
    value = _create(
        _number(text, 0, 4), _number(text, 5, 7), _number(text, 8, 10),
        _number(text, 11, 13), _number(text, 14, 16), _number(text, 17, 19),
    )  # fmt: skip
    ticks = to_ticks(value) + _number(text, 20, 27)
    if len(text) == 27:
        return ticks, "unspecified"
    if text[27:] == "Z":
        offset = 0
    elif len(text) == 33 and text[27] in "+-" and text[30] == ":":
        offset = (_number(text, 28, 30) * 60 + _number(text, 31, 33)) * 60 * TICKS_PER_SECOND
        offset = -offset if text[27] == "-" else offset
        if abs(offset) > _MAX_OFFSET:
            raise _Fail("the time-zone offset is beyond 14 hours")
    else:
        raise _Fail("not in the round-trip form 'yyyy-MM-ddTHH:mm:ss.fffffffK'")
    adjusted = ticks - offset
    if ticks < TICKS_PER_DAY and adjusted < 0:
        adjusted += TICKS_PER_DAY  # a time of day wraps around, as in .NET
    if not 0 <= adjusted <= MAX_TICKS:
        raise _Fail("the date is out of range")
    return adjusted, "local"


def _strip_end(text: str) -> str:
    end = len(text)
    while end and text[end - 1] in NET_WHITE:
        end -= 1
    return text[:end]


def _lead_white(text: str) -> int:
    i = 0
    while i < len(text) and text[i] in NET_WHITE:
        i += 1
    return i


def check_styles(styles: frozenset[str]) -> str | None:
    """Why ``DateTimeFormatInfo.ValidateStyles`` refuses ``styles``, or ``None``."""
    if "AssumeLocal" in styles and "AssumeUniversal" in styles:
        return "the DateTimeStyles AssumeLocal and AssumeUniversal cannot be used together"
    if "RoundtripKind" in styles and styles & {
        "AssumeLocal",
        "AssumeUniversal",
        "AdjustToUniversal",
    }:
        return (
            "the DateTimeStyles RoundtripKind cannot be used with AssumeLocal, AssumeUniversal "
            "or AdjustToUniversal"
        )
    return None


def parse_exact_ticks(
    text: str,
    fmt: str,
    styles: frozenset[str] = DEFAULT_STYLES,
    today: date | None = None,
    two_digit_year_max: int | None = None,
) -> tuple[int, str]:
    """``DateTime.ParseExact(text, fmt, InvariantCulture, styles)`` as ticks and kind.

    ``today`` stands in for ``DateTime.Now`` where the format has no year (or no date); without
    it, year 1 January 1st. ``two_digit_year_max`` ends the window of ``yy`` years (default:
    :data:`TWO_DIGIT_YEAR_MAX`).

    Raises:
        ExpressionError: ``invalid-format`` for a bad format, ``invalid-argument`` for a
        conflicting combination of styles, ``invalid-date`` when ``text`` does not match or names
        an impossible date.
    """
    problem = check_styles(styles)
    if problem:
        raise ExpressionError("invalid-argument", problem)
    if fmt == "":
        raise _bad(fmt, "the format is empty")
    try:
        window = TWO_DIGIT_YEAR_MAX if two_digit_year_max is None else two_digit_year_max
        return _parse(text, fmt, styles, today, window)
    except _Fail as exc:
        raise ExpressionError(
            "invalid-date", f"{text!r} does not match the format {fmt!r}: {exc}"
        ) from None


def _parse(
    text: str, fmt: str, styles: frozenset[str], today: date | None, window: int
) -> tuple[int, str]:
    if fmt in ("r", "R", "o", "O") and not styles - {"None"}:
        return _parse_r(text) if fmt in "rR" else _parse_o(text)  # .NET Core's fast paths
    utc_format = False
    if _one_unit(fmt):
        if fmt not in STANDARD_FORMATS:
            raise _bad(fmt, f"{fmt!r} is not a standard format specifier")
        utc_format = fmt == "U"
        fmt = STANDARD_FORMATS[fmt]
    if text == "":
        raise _Fail("the text is empty")
    parser = _Parser(text, fmt, styles)
    if utc_format:
        parser.set_offset(0, utc=True)
    white = "AllowWhiteSpaces" in styles
    if parser.trailing:
        fmt = _strip_end(fmt)
        if len(fmt) > 2 and fmt[-1] in "'\"" and fmt[-2] in NET_WHITE:
            fmt = _strip_end(fmt[:-1]) + fmt[-1]
        parser.f = fmt
        parser.s = _strip_end(parser.s)
    if white or "AllowLeadingWhite" in styles:
        parser.i = _lead_white(fmt)
        if len(fmt) > 2 and fmt[0] in "'\"":
            lead = _lead_white(fmt[1:])
            parser.f = fmt = fmt[0] + fmt[1 + lead :]
        parser.skip_white()
    while parser.i < len(parser.f):
        if parser.inner:
            parser.skip_white()
        parser.step()
    if parser.p < len(parser.s):
        raise _Fail(f"unexpected text {parser.s[parser.p :]!r}")
    return _build(parser.r, styles, today, window)


def _build(r: _Result, styles: frozenset[str], today: date | None, window: int) -> tuple[int, str]:
    if r.two_digit_year:
        if r.year >= 100:
            raise _Fail("a two-digit year above 99")
        r.year += (window // 100 - (r.year > window % 100)) * 100
    if r.hour12:
        if r.pm is None:
            r.pm = False  # 'h' without 't' means AM, as in .NET
        if r.hour > 12:
            raise _Fail("12-hour clock hour above 12")
        r.hour = r.hour % 12 + (12 if r.pm else 0)
    elif (r.pm is not None and r.hour != -1 and (r.hour >= 12) != r.pm) or (
        r.pm is True and r.hour == -1
    ):
        raise _Fail("the AM/PM designator contradicts the 24-hour clock hour")
    now = today or date(1, 1, 1)
    if -1 in (r.year, r.month, r.day):
        if r.month == -1 and r.day == -1:
            if r.year == -1:
                if "NoCurrentDateDefault" in styles:
                    r.year = r.month = r.day = 1
                else:
                    r.year, r.month, r.day = now.year, now.month, now.day
            else:
                r.month = r.day = 1
        else:
            r.year = now.year if r.year == -1 else r.year
            r.month = 1 if r.month == -1 else r.month
            r.day = 1 if r.day == -1 else r.day
    try:
        parsed = datetime(
            r.year, r.month, r.day, max(r.hour, 0), max(r.minute, 0), max(r.second, 0)
        )
    except (ValueError, OverflowError) as exc:
        raise _Fail(str(exc)) from None
    ticks = to_ticks(parsed) + max(r.fraction, 0)
    if r.weekday != -1 and (parsed.weekday() + 1) % 7 != r.weekday:
        raise _Fail("the day of the week does not match the date")
    if abs(r.offset) > _MAX_OFFSET:
        raise _Fail("the time-zone offset is beyond 14 hours")
    if not r.tz_used:
        if "AssumeLocal" in styles:
            if "AdjustToUniversal" not in styles:
                return ticks, "local"
            r.tz_used, r.offset = True, 0
        elif "AssumeUniversal" in styles:
            if "AdjustToUniversal" in styles:
                return ticks, "utc"
            r.tz_used, r.offset = True, 0
        else:
            return ticks, "unspecified"
    if "RoundtripKind" in styles and r.tz_utc:
        return ticks, "utc"
    adjusted = ticks - r.offset
    if "AdjustToUniversal" in styles:
        if adjusted < 0:
            adjusted += TICKS_PER_DAY
        kind = "utc"
    else:
        if ticks < TICKS_PER_DAY and adjusted < 0:
            adjusted += TICKS_PER_DAY
        kind = "local"
    if not 0 <= adjusted <= MAX_TICKS:
        raise _Fail("the date is out of range")
    return adjusted, kind


def parse_exact(
    text: str, fmt: str, styles: frozenset[str] = DEFAULT_STYLES, today: date | None = None
) -> tuple[datetime, str]:
    """``DateTime.ParseExact(text, fmt, InvariantCulture, styles)``.

    Returns:
        the instant as an aware UTC datetime (microseconds), and its kind ("utc", "local" or
        "unspecified").

    Raises:
        ExpressionError: as :func:`parse_exact_ticks`.
    """
    ticks, kind = parse_exact_ticks(text, fmt, styles, today)
    return from_ticks(ticks), kind
