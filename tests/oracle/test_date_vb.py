"""Differential: VB ``DateAdd`` and ``DateDiff`` (Microsoft.VisualBasic.DateAndTime), all intervals.

Both go through VB's string-interval overloads (``DateAdd("ww", 2, date)``; ``DateDiff`` with
Sunday as the first day of the week and January 1st as the first week, VB's defaults), over dates
anywhere in years 1-9999 (to the microsecond, as syncrules' dates carry) and numbers from small
to beyond Int32, fractions included.
"""

from __future__ import annotations

from hypothesis import strategies as st

from syncrules.runtime.dates import INTERVALS, date_add, date_diff
from syncrules.runtime.dotnet_format import MAX_TICKS, from_ticks, to_ticks
from tests.oracle.date_cases import outcome, run_family
from tests.oracle.dotnet import Net

INTERVAL_TEXT = st.sampled_from(sorted(INTERVALS)).flatmap(
    lambda key: st.sampled_from([key, key.upper(), key.capitalize()])
) | st.sampled_from(["x", "", " d", "dd"])
DATES = st.one_of(
    st.integers(0, MAX_TICKS // 10),
    st.integers(630_000_000_000_000_00, 640_000_000_000_000_00),
    st.integers(0, 40 * 86_400 * 10**6),
).map(lambda micro: micro * 10)
NUMBERS = st.one_of(
    st.integers(-400, 400),
    st.integers(-(2**33), 2**33),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([2**31 - 1, -(2**31), 2**31, 357_913_942, 715_827_883, 1e300]),
)


def test_date_add_agrees_with_vb(dotnet: Net) -> None:
    System, vb = dotnet.System, dotnet.VB.DateAndTime

    def compare(case: tuple[str, float, int]) -> str:
        interval, number, ticks = case
        result, _, _ = outcome(
            lambda: to_ticks(date_add(interval, number, from_ticks(ticks))),
            lambda: int(vb.DateAdd(interval, float(number), System.DateTime(ticks)).Ticks),
        )
        return result

    run_family("VB DateAdd", st.tuples(INTERVAL_TEXT, NUMBERS, DATES), compare, 2000)


def test_date_diff_agrees_with_vb(dotnet: Net) -> None:
    System, VB = dotnet.System, dotnet.VB
    close = st.tuples(DATES, st.integers(-(10**13), 10**13)).map(
        lambda pair: (pair[0], min(max(pair[0] + pair[1] * 10, 0), MAX_TICKS // 10 * 10))
    )

    def compare(case: tuple[str, tuple[int, int]]) -> str:
        interval, (first, second) = case
        result, _, _ = outcome(
            lambda: date_diff(interval, from_ticks(first), from_ticks(second)),
            lambda: int(
                VB.DateAndTime.DateDiff(
                    interval,
                    System.DateTime(first),
                    System.DateTime(second),
                    VB.FirstDayOfWeek.Sunday,
                    VB.FirstWeekOfYear.Jan1,
                )
            ),
        )
        return result

    pairs = st.one_of(st.tuples(DATES, DATES), close)
    run_family("VB DateDiff", st.tuples(INTERVAL_TEXT, pairs), compare, 2000)
