"""The date functions of the Entra library: CDate, DateAdd, DateDiff, DateFromNum, FormatDateTime,
Now and NumFromDate.

Contract: imports only the standard library and sibling runtime modules; same calling convention as
``functions`` (which registers these callables): evaluated arguments positionally, NULL = ``None``,
``ctx`` first for all but DateFromNum (the evaluation clock supplies the date a text without a
year or without a date lacks, where .NET takes the machine's clock). DateTimes leave as
``M/d/yyyy h:mm:ss tt`` strings.
"""

from __future__ import annotations

import re
from typing import Any

from . import dates
from .context import EvalContext
from .dotnet_format import (
    DATETIME_STYLES,
    DEFAULT_STYLES,
    format_ticks,
    parse_exact_ticks,
    to_ticks,
)
from .errors import ExpressionError
from .values import to_int, to_number, to_str

_s = to_str


def _date(ctx: EvalContext, value: Any, what: str) -> Any:
    rendered = _s(value)
    if rendered is None:
        return None
    if isinstance(value, bool | int | float):
        raise ExpressionError("invalid-date", f"{what}: {rendered!r} is not a date")
    # A date without a year (or a time without a date) takes the evaluation clock's date.
    return dates.parse_date(rendered, today=ctx.now.date())


def fn_CDate(ctx: EvalContext, expression: Any) -> str | None:
    parsed = _date(ctx, expression, "CDate")
    return None if parsed is None else dates.render(parsed)


def fn_DateAdd(ctx: EvalContext, interval: Any, value: Any, dateTime: Any) -> str | None:
    number = to_number(value, "DateAdd value")
    parsed = _date(ctx, dateTime, "DateAdd")
    if parsed is None:
        return None
    return dates.render(dates.date_add(_s(interval) or "", number, parsed))


def fn_DateDiff(ctx: EvalContext, interval: Any, date1: Any, date2: Any) -> int | None:
    first, second = _date(ctx, date1, "DateDiff"), _date(ctx, date2, "DateDiff")
    if first is None or second is None:
        return None
    return dates.date_diff(_s(interval) or "", first, second)


def fn_DateFromNum(value: Any) -> str | None:
    if value is None:
        return None
    return dates.render(dates.from_filetime(to_int(value, "DateFromNum value")))


def fn_NumFromDate(ctx: EvalContext, value: Any) -> str | None:
    parsed = _date(ctx, value, "NumFromDate")
    return None if parsed is None else str(dates.to_filetime(parsed))


def fn_Now(ctx: EvalContext) -> str:
    return dates.render(ctx.now)


def _styles(value: Any) -> frozenset[str]:
    rendered = _s(value)
    if rendered is None or not rendered.strip():
        return DEFAULT_STYLES
    names = frozenset(part.strip() for part in re.split(r"[,|]", rendered) if part.strip())
    unknown = sorted(names - DATETIME_STYLES)
    if unknown:
        raise ExpressionError(
            "invalid-argument", f"unknown DateTimeStyles {', '.join(unknown)} in FormatDateTime"
        )
    return names


def fn_FormatDateTime(ctx: EvalContext, *args: Any) -> str | None:
    if len(args) == 4 and args[3] is None and args[1] is not None and args[2] is not None:
        args = args[:3]  # the 3-argument form written with a trailing empty slot
    if len(args) == 3:
        source, styles, input_format, output_format = args[0], None, args[1], args[2]
    elif len(args) == 4:
        source, styles, input_format, output_format = args
    else:
        raise ExpressionError(
            "invalid-argument",
            "FormatDateTime takes (source, inputFormat, outputFormat) or "
            f"(source, dateTimeStyles, inputFormat, outputFormat), got {len(args)} arguments",
        )
    value = _s(source)
    if value is None:
        return None
    out_fmt = _s(output_format)
    if out_fmt is None:
        raise ExpressionError("invalid-argument", "FormatDateTime needs an outputFormat")
    in_fmt = _s(input_format)
    if in_fmt is None:
        ticks, kind = to_ticks(dates.parse_date(value, today=ctx.now.date())), "utc"
    else:
        ticks, kind = parse_exact_ticks(value, in_fmt, _styles(styles), today=ctx.now.date())
    return format_ticks(ticks, out_fmt, kind)
