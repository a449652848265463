""".NET custom and standard date/time format strings (invariant culture), both ways.

Contract: imports only the standard library and sibling runtime modules. ``tokenize`` turns a
format string into tokens (or raises ``ExpressionError("invalid-format")``); ``format_datetime``
renders a UTC datetime; ``parse_exact`` implements ``DateTime.ParseExact`` for one format with the
``DateTimeStyles`` flags FormatDateTime accepts. A date/time value carries a *kind* ("utc",
"local", "unspecified") as .NET does; the service runs in UTC, so "local" means UTC as well and
only the ``K`` specifier tells them apart.
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

_SPECIFIERS = frozenset("dfFghHKmMstyz")
TWO_DIGIT_YEAR_MAX = 2049  # .NET GregorianCalendar.TwoDigitYearMax (invariant culture)


@dataclass(frozen=True, slots=True)
class Token:
    """A literal (``spec`` empty, ``text`` set) or a specifier repeated ``count`` times."""

    spec: str = ""
    count: int = 0
    text: str = ""


def _bad(fmt: str, why: str) -> ExpressionError:
    return ExpressionError("invalid-format", f"invalid .NET date/time format {fmt!r}: {why}")


def tokenize(fmt: str) -> list[Token]:
    """Tokens of a custom (or, when one character long, standard) format string.

    Raises:
        ExpressionError: ``invalid-format`` with the reason.
    """
    if fmt == "":
        raise _bad(fmt, "the format is empty")
    if len(fmt) == 1:
        if fmt not in STANDARD_FORMATS:
            raise _bad(fmt, f"{fmt!r} is not a standard format specifier")
        fmt = STANDARD_FORMATS[fmt]
    tokens: list[Token] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in _SPECIFIERS:
            j = i
            while j < len(fmt) and fmt[j] == ch:
                j += 1
            count = j - i
            if ch == "K":
                tokens.extend(Token(spec="K", count=1) for _ in range(count))
            else:
                if ch in "fF" and count > 7:
                    raise _bad(fmt, f"'{ch * count}' has more than 7 fraction digits")
                tokens.append(Token(spec=ch, count=count))
            i = j
        elif ch in "'\"":
            j = i + 1
            text = []
            while j < len(fmt) and fmt[j] != ch:
                if fmt[j] == "\\" and j + 1 < len(fmt):
                    j += 1
                text.append(fmt[j])
                j += 1
            if j >= len(fmt):
                raise _bad(fmt, f"unterminated quoted text starting at position {i + 1}")
            tokens.append(Token(text="".join(text)))
            i = j + 1
        elif ch == "%":
            if i + 1 >= len(fmt) or fmt[i + 1] == "%":
                raise _bad(fmt, "'%' must be followed by one format specifier")
            nxt = fmt[i + 1]
            tokens.append(Token(spec=nxt, count=1) if nxt in _SPECIFIERS else Token(text=nxt))
            i += 2
        elif ch == "\\":
            if i + 1 >= len(fmt):
                raise _bad(fmt, "a trailing backslash escapes nothing")
            tokens.append(Token(text=fmt[i + 1]))
            i += 2
        else:
            tokens.append(Token(text=ch))
            i += 1
    return tokens


def validate_format(fmt: str) -> str | None:
    """An error message if ``fmt`` is not a valid .NET date/time format, else ``None``."""
    try:
        tokenize(fmt)
    except ExpressionError as exc:
        return exc.message
    return None


def _offset_text(count: int) -> str:
    # The service runs in UTC, so the local offset is always zero.
    return {1: "+0", 2: "+00"}.get(count, "+00:00")


def format_datetime(value: datetime, fmt: str, kind: str = "utc") -> str:
    """Render ``value`` (UTC) with a .NET format string, invariant culture.

    Raises:
        ExpressionError: ``invalid-format`` when ``fmt`` is invalid.
    """
    value = value.astimezone(UTC) if value.tzinfo else value
    out: list[str] = []
    for tok in tokenize(fmt):
        if not tok.spec:
            out.append(tok.text)
            continue
        c, n = tok.spec, tok.count
        if c == "d":
            if n <= 2:
                out.append(f"{value.day:0{n}d}")
            else:
                name = DAYS[value.weekday()]
                out.append(name[:3] if n == 3 else name)
        elif c == "M":
            if n <= 2:
                out.append(f"{value.month:0{n}d}")
            else:
                name = MONTHS[value.month - 1]
                out.append(name[:3] if n == 3 else name)
        elif c == "y":
            year = value.year % 100 if n <= 2 else value.year
            out.append(f"{year:0{n}d}")
        elif c == "h":
            out.append(f"{(value.hour % 12) or 12:0{min(n, 2)}d}")
        elif c == "H":
            out.append(f"{value.hour:0{min(n, 2)}d}")
        elif c == "m":
            out.append(f"{value.minute:0{min(n, 2)}d}")
        elif c == "s":
            out.append(f"{value.second:0{min(n, 2)}d}")
        elif c == "f":
            out.append(f"{value.microsecond:06d}0"[:n])
        elif c == "F":
            digits = f"{value.microsecond:06d}0"[:n].rstrip("0")
            if digits:
                out.append(digits)
            elif out and out[-1].endswith("."):
                out[-1] = out[-1][:-1]  # .NET drops a '.' directly before an all-zero F
        elif c == "t":
            marker = "AM" if value.hour < 12 else "PM"
            out.append(marker[0] if n == 1 else marker)
        elif c == "z":
            out.append(_offset_text(n))
        elif c == "K":
            out.append({"utc": "Z", "local": "+00:00"}.get(kind, ""))
        elif c == "g":
            out.append("A.D.")
    return "".join(out)


@dataclass(slots=True)
class _Fields:
    year: int | None = None
    two_digit_year: bool = False
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    hour: int = 0
    pm: bool | None = None
    minute: int = 0
    second: int = 0
    micro: int = 0
    offset: timedelta | None = None
    utc: bool = False


class _Cursor:
    def __init__(self, text: str, source: str, fmt: str) -> None:
        self.text, self.pos, self.source, self.fmt = text, 0, source, fmt

    def fail(self, why: str) -> ExpressionError:
        return ExpressionError(
            "invalid-date", f"{self.source!r} does not match the format {self.fmt!r}: {why}"
        )

    def digits(self, low: int, high: int, what: str) -> int:
        end = self.pos
        while end < len(self.text) and end - self.pos < high and self.text[end].isdigit():
            end += 1
        if end - self.pos < low:
            raise self.fail(
                f"expected {low if low == high else f'{low}-{high}'} digit(s) for {what}"
            )
        number = int(self.text[self.pos : end])
        self.pos = end
        return number

    def word(self, names: tuple[str, ...], what: str) -> int:
        rest = self.text[self.pos :].lower()
        for index, name in sorted(enumerate(names), key=lambda item: -len(item[1])):
            if rest.startswith(name.lower()):
                self.pos += len(name)
                return index
        raise self.fail(f"expected a {what} name")

    def literal(self, text: str, inner_white: bool) -> None:
        for ch in text:
            if ch.isspace() and inner_white:
                while self.pos < len(self.text) and self.text[self.pos].isspace():
                    self.pos += 1
                continue
            if self.text[self.pos : self.pos + 1] != ch:
                raise self.fail(f"expected {ch!r} at position {self.pos + 1}")
            self.pos += 1

    def sign(self) -> int:
        ch = self.text[self.pos : self.pos + 1]
        if ch not in ("+", "-"):
            raise self.fail("expected a time-zone offset (+hh:mm)")
        self.pos += 1
        return -1 if ch == "-" else 1


def _parse_token(cur: _Cursor, tok: Token, f: _Fields, inner_white: bool) -> None:
    c, n = tok.spec, tok.count
    if not c:
        if tok.text == "Z":  # .NET treats a literal Z as the UTC designator
            cur.literal("Z", False)
            f.utc, f.offset = True, timedelta(0)
        else:
            cur.literal(tok.text, inner_white)
    elif c == "y":
        if n <= 2:
            f.year, f.two_digit_year = cur.digits(n, 2, "year"), True
        else:
            f.year = cur.digits(n, n, "year")
    elif c == "M":
        f.month = (
            cur.digits(n, 2, "month")
            if n <= 2
            else cur.word(MONTHS if n > 3 else tuple(m[:3] for m in MONTHS), "month") + 1
        )
    elif c == "d":
        if n <= 2:
            f.day = cur.digits(n, 2, "day")
        else:
            f.weekday = cur.word(DAYS if n > 3 else tuple(d[:3] for d in DAYS), "day")
    elif c in "hH":
        f.hour = cur.digits(min(n, 2), 2, "hour")
        if c == "h" and f.hour > 12:
            raise cur.fail("12-hour clock hour above 12")
    elif c == "m":
        f.minute = cur.digits(min(n, 2), 2, "minute")
    elif c == "s":
        f.second = cur.digits(min(n, 2), 2, "second")
    elif c in "fF":
        start = cur.pos
        cur.digits(n if c == "f" else 0, n, "fraction")
        text = cur.text[start : cur.pos]
        f.micro = int((text + "000000")[:6]) if text else 0
    elif c == "t":
        marker = cur.text[cur.pos : cur.pos + (1 if n == 1 else 2)].upper()
        if marker not in (("A", "P") if n == 1 else ("AM", "PM")):
            raise cur.fail("expected AM or PM")
        cur.pos += len(marker)
        f.pm = marker.startswith("P")
    elif c in "zK":
        if c == "K" and cur.text[cur.pos : cur.pos + 1] == "Z":
            cur.pos += 1
            f.utc, f.offset = True, timedelta(0)
            return
        if c == "K" and cur.text[cur.pos : cur.pos + 1] not in ("+", "-"):
            return
        sign = cur.sign()
        hours = cur.digits(1 if n == 1 else 2, 2, "offset hours")
        minutes = 0
        if n >= 3 or c == "K":
            cur.literal(":", False)
            minutes = cur.digits(2, 2, "offset minutes")
        f.offset = sign * timedelta(hours=hours, minutes=minutes)
    elif c == "g":
        for era in ("A.D.", "AD"):
            if cur.text.startswith(era, cur.pos):
                cur.pos += len(era)
                return
        raise cur.fail("expected the era A.D.")


def parse_exact(
    text: str, fmt: str, styles: frozenset[str] = DEFAULT_STYLES, today: date | None = None
) -> tuple[datetime, str]:
    """``DateTime.ParseExact(text, fmt, InvariantCulture, styles)``.

    Returns:
        the instant as an aware UTC datetime, and its kind ("utc", "local" or "unspecified").

    Raises:
        ExpressionError: ``invalid-format`` for a bad format, ``invalid-date`` when ``text`` does
        not match or names an impossible date.
    """
    tokens = tokenize(fmt)
    white = "AllowWhiteSpaces" in styles
    if white or "AllowLeadingWhite" in styles:
        text = text.lstrip()
    if white or "AllowTrailingWhite" in styles:
        text = text.rstrip()
    cur = _Cursor(text, text, fmt)
    fields = _Fields()
    inner = white or "AllowInnerWhite" in styles
    for tok in tokens:
        _parse_token(cur, tok, fields, inner)
    if cur.pos != len(text):
        raise cur.fail(f"unexpected text {text[cur.pos :]!r}")
    return _build(fields, cur, styles, today)


def _build(
    f: _Fields, cur: _Cursor, styles: frozenset[str], today: date | None
) -> tuple[datetime, str]:
    if f.year is None and f.month is None and f.day is None:
        base = date(1, 1, 1) if "NoCurrentDateDefault" in styles or today is None else today
    else:
        base = date(1, 1, 1)
    year = base.year if f.year is None else f.year
    if f.two_digit_year and f.year is not None:
        year = f.year + (TWO_DIGIT_YEAR_MAX // 100) * 100
        if year > TWO_DIGIT_YEAR_MAX:
            year -= 100
    hour = f.hour
    if f.pm is not None:
        hour = hour % 12 + (12 if f.pm else 0)
    try:
        local = datetime(
            year,
            base.month if f.month is None else f.month,
            base.day if f.day is None else f.day,
            hour,
            f.minute,
            f.second,
            f.micro,
        )
    except ValueError as exc:
        raise cur.fail(str(exc)) from None
    if f.weekday is not None and local.weekday() != f.weekday:
        raise cur.fail("the day of the week does not match the date")
    if f.offset is None:
        if "AdjustToUniversal" in styles:
            return local.replace(tzinfo=UTC), "utc"
        kind = "local" if "AssumeUniversal" in styles or "AssumeLocal" in styles else "unspecified"
        return local.replace(tzinfo=UTC), kind
    try:
        instant = (local - f.offset).replace(tzinfo=UTC)
    except OverflowError:
        raise cur.fail("the date is out of range") from None
    # RoundtripKind keeps a 'Z' value UTC; any other offset becomes local time (= UTC here).
    if "AdjustToUniversal" in styles or (f.utc and "RoundtripKind" in styles):
        return instant, "utc"
    return instant, "local"
