"""Differential: AD FILETIME both ways (``NumFromDate`` and ``DateFromNum``).

``NumFromDate`` is ``DateTime.ToFileTimeUtc`` (which throws before 1601) of a date anywhere in
years 1-9999; ``DateFromNum`` is ``DateTime.FromFileTimeUtc`` rendered as Entra renders DateTimes
(``M/d/yyyy h:mm:ss tt``), over numbers from negative to past year 9999.
"""

from __future__ import annotations

from hypothesis import strategies as st

from syncrules.runtime.date_functions import fn_DateFromNum
from syncrules.runtime.dates import FILETIME_MAX, to_filetime
from syncrules.runtime.dotnet_format import MAX_TICKS, from_ticks
from tests.oracle.date_cases import outcome, run_family
from tests.oracle.dotnet import Net

_FILETIME_START = 504_911_232_000_000_000  # 1601-01-01 in DateTime ticks


def test_num_from_date_agrees_with_dotnet(dotnet: Net) -> None:
    System = dotnet.System
    dates = st.one_of(
        st.integers(0, MAX_TICKS // 10),
        st.integers(_FILETIME_START // 10 - 10**12, _FILETIME_START // 10 + 10**12),
    ).map(lambda micro: micro * 10)

    def compare(ticks: int) -> str:
        value = System.DateTime(ticks, System.DateTimeKind.Utc)
        result, _, _ = outcome(
            lambda: to_filetime(from_ticks(ticks)), lambda: int(value.ToFileTimeUtc())
        )
        return result

    run_family("NumFromDate (FILETIME)", dates, compare, 2000)


def test_date_from_num_agrees_with_dotnet(dotnet: Net) -> None:
    System = dotnet.System
    numbers = st.one_of(
        st.integers(-(10**6), FILETIME_MAX + 10**6),
        st.integers(FILETIME_MAX - 100, FILETIME_MAX + 100),
        st.integers(-100, 100),
    )

    def compare(number: int) -> str:
        result, _, _ = outcome(
            lambda: fn_DateFromNum(number),
            lambda: str(System.DateTime.FromFileTimeUtc(number).ToString(
                "M/d/yyyy h:mm:ss tt", dotnet.invariant)),
        )  # fmt: skip
        return result

    run_family("DateFromNum (FILETIME)", numbers, compare, 2000)
