"""Differential: ``CDate`` against ``DateTime.Parse(text, InvariantCulture)``.

Texts are HR-style date strings: dates in the orders HR systems export (ISO ``yyyy-MM-dd``, US
``M/d/yyyy``, ``16-Mar-2020``, ``March 16, 2020``, ``March 2020``, ``2020-03``, two-digit years,
dotted and slashed forms, with or without a day name), optionally followed by a time of day
(24- or 12-hour, seconds, fractions, AM/PM; not after a date without a year, which no HR
system exports and .NET reads in odd ways) and a time zone (``Z``, ``GMT``, ``+08:00``, Workday's
``-07:00`` straight after the date), in random letter case and spacing, sometimes damaged. The
clock is .NET's (a date without a year takes the current year). CDate's result is the instant in
UTC, compared to the microsecond (syncrules' datetimes carry microseconds; CDate renders to the
second) after converting .NET's local time (the service's time zone is UTC).
Excluded class: ``two-digit-year-window`` (see ``test_date_parse_exact``).
"""

from __future__ import annotations

from hypothesis import strategies as st

from syncrules.runtime import dates
from syncrules.runtime.dotnet_format import DAYS, MONTHS, to_ticks
from tests.oracle.date_cases import AGREE, net_today, outcome, run_family
from tests.oracle.dotnet import Net, net_str


@st.composite
def hr_dates(draw: st.DrawFn) -> str:
    """A date/time string in one of the shapes HR systems export, with random (sometimes
    impossible) field values."""
    year = draw(st.integers(1, 9999) | st.integers(1950, 2040))
    month = draw(st.integers(1, 12) | st.integers(0, 14))
    day = draw(st.integers(1, 28) | st.integers(0, 32))
    y4, y2 = f"{year:04d}", f"{year % 100:02d}"
    mm, m = f"{month:02d}", str(month)
    dd, d = f"{day:02d}", str(day)
    name = MONTHS[(month - 1) % 12]
    mon = draw(st.sampled_from([name, name[:3], name.upper(), name.lower(), name[:3].upper()]))
    iso = draw(st.sampled_from([f"{y4}-{mm}-{dd}", f"{y4}/{mm}/{dd}", f"{y4}.{mm}.{dd}"]))
    date_part = draw(
        st.sampled_from(
            [
                iso,
                iso,
                f"{m}/{d}/{y4}",
                f"{mm}/{dd}/{y4}",
                f"{m}/{d}/{y2}",
                f"{mm}-{dd}-{y4}",
                f"{d}-{mon}-{y4}",
                f"{dd}-{mon}-{y2}",
                f"{d} {mon} {y4}",
                f"{mon} {d}, {y4}",
                f"{mon} {d} {y4}",
                f"{mon} {y4}",
                f"{y4}-{mm}",
                f"{mm}/{y4}",
                f"{mon} {d}",
                f"{y4} {mon} {d}",
                f"{mm}/{dd}",
                "",
            ]
        )
    )
    without_year = date_part in (f"{mon} {d}", f"{mm}/{dd}")
    if draw(st.integers(0, 7)) == 0 and date_part:
        weekday = draw(st.sampled_from(DAYS))
        weekday = draw(st.sampled_from([weekday, weekday[:3]]))
        date_part = weekday + draw(st.sampled_from([", ", " "])) + date_part
    hour = draw(st.integers(0, 23) | st.integers(0, 25))
    minute, second = draw(st.integers(0, 59)), draw(st.integers(0, 60))
    fraction = draw(st.sampled_from(["", "", ".5", ".123", ".1234567"]))
    h12 = f"{(hour % 12) or 12}"
    ampm = draw(st.sampled_from(["AM", "PM", "am", "pm"]))
    time_part = draw(
        st.sampled_from(
            [
                f"{hour:02d}:{minute:02d}",
                f"{hour}:{minute:02d}:{second:02d}{fraction}",
                f"{hour:02d}:{minute:02d}:{second:02d}",
                f"{h12}:{minute:02d}:{second:02d} {ampm}",
                f"{h12}:{minute:02d} {ampm}",
            ]
        )
    )
    with_time = not without_year and draw(st.booleans())
    if date_part == "" or with_time:
        joiner = "T" if date_part == iso and draw(st.booleans()) else " "
        text = date_part + (joiner if date_part else "") + time_part
        if date_part == iso:
            text += draw(st.sampled_from(["", "", "Z", "+08:00", "-07:00", "+05:30", " GMT"]))
    else:
        text = date_part
        if date_part == iso:
            text += draw(st.sampled_from(["", "", "-07:00", "+08:00", "Z"]))  # Workday
    if draw(st.integers(0, 7)) == 0:
        text = draw(st.sampled_from(["  ", " ", "\t"])) + text + draw(st.sampled_from(["", " "]))
    return text


def test_cdate_agrees_with_dotnet(dotnet: Net) -> None:
    System = dotnet.System

    def compare(text: str) -> str:
        today = net_today(dotnet)

        def net() -> int:
            return (
                int(System.DateTime.Parse(net_str(text), dotnet.invariant).ToUniversalTime().Ticks)
                // 10
            )

        result, _, theirs = outcome(lambda: to_ticks(dates.parse_date(text, today)) // 10, net)
        if result != AGREE:
            core, _, _ = outcome(
                lambda: to_ticks(dates.parse_date(text, today, two_digit_year_max=2029)) // 10,
                lambda: theirs,
            )
            if core == AGREE:
                return "excluded:two-digit-year-window"
        return result

    run_family("CDate", hr_dates(), compare, 1000, frozenset({"two-digit-year-window"}))
