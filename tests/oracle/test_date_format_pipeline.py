"""Differential: the ``FormatDateTime`` pipeline on the format pairs HR feeds use.

``FormatDateTime(source, [styles], inputFormat, outputFormat)`` is ``DateTime.ParseExact(source,
inputFormat, InvariantCulture, styles).ToString(outputFormat, InvariantCulture)``; syncrules'
runtime function (with the evaluation clock set to .NET's clock, since formats without a year
take the current year) is compared with exactly that. Sources are values rendered with the input
format, often damaged. Excluded class: ``two-digit-year-window`` (see ``test_date_parse_exact``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from syncrules.runtime.context import EvalContext
from syncrules.runtime.date_functions import fn_FormatDateTime
from syncrules.runtime.dotnet_format import DEFAULT_STYLES
from tests.oracle.date_cases import AGREE, STYLE_NAMES, net_styles, outcome, run_family
from tests.oracle.dotnet import Net, net_str
from tests.oracle.test_date_parse_exact import TICKS, damage

HR_INPUTS = (
    "yyyyMMddHHmmss.fZ", "yyyy-MM-dd", "yyyy-MM-ddzzz", "yyyy-MM-ddTHH:mm:ss", "M/d/yyyy",
    "MM/dd/yyyy", "M/d/yyyy h:mm:ss tt", "MM/dd/yyyy hh:mm:ss tt", "dd.MM.yyyy", "yyyyMMdd",
    "yyyy-MM-ddTHH:mm:ss.fffffffK", "yyyy-MM-ddTHH:mm:ss.FFFK", "yyyy-MM-ddTHH:mm:ssK", "o", "s",
    "HH:mm:ssFFF", "HH:mm", "hh:mm", "MM/dd", "d-MMM-yy", "dd-MMM-yyyy", "dddd, MMMM d, yyyy",
    "yyyy-MM-dd HH:mm:ss", "yyyyMMddHHmmss", "dd/MM/yyyy", "MMM d, yyyy", "u", "r",
)  # fmt: skip
HR_OUTPUTS = (*HR_INPUTS, "yyyy", "HH", "MM", "dd", "dddd", "yyyy-MM-ddTHH:mm:ss.fffffffZ", "")
CASES = st.tuples(
    st.sampled_from(HR_INPUTS),
    st.sampled_from(HR_OUTPUTS),
    TICKS,
    st.sampled_from(["none", "none", "none", "none", "drop", "lead", "trail", "z", "offset", "pm"]),
    st.integers(0, 40),
    st.one_of(st.none(), st.frozensets(st.sampled_from(STYLE_NAMES), max_size=3)),
)


def test_format_datetime_pipeline_agrees_with_dotnet(dotnet: Net) -> None:
    System = dotnet.System

    def compare(case: tuple[str, str, int, str, int, frozenset[str] | None]) -> str:
        in_fmt, out_fmt, ticks, how, at, styles = case
        source = net_str(
            damage(str(System.DateTime(ticks).ToString(in_fmt, dotnet.invariant)), how, at)
        )
        now = System.DateTime.UtcNow
        ctx = EvalContext(now=datetime(now.Year, now.Month, now.Day, tzinfo=UTC), seed=1)
        names = None if styles is None else ", ".join(sorted(styles)) or "None"
        net_style = net_styles(dotnet, DEFAULT_STYLES if styles is None else styles)

        def ours() -> str | None:
            if names is None:
                return fn_FormatDateTime(ctx, source, in_fmt, out_fmt)
            return fn_FormatDateTime(ctx, source, names, in_fmt, out_fmt)

        def net() -> str:
            value = System.DateTime.ParseExact(source, in_fmt, dotnet.invariant, net_style)
            return str(value.ToString(out_fmt, dotnet.invariant))

        result, _, theirs = outcome(ours, net)
        if result != AGREE and "y" in in_fmt:
            from syncrules.runtime import dotnet_format

            saved = dotnet_format.TWO_DIGIT_YEAR_MAX
            dotnet_format.TWO_DIGIT_YEAR_MAX = 2029
            try:
                core, _, _ = outcome(ours, lambda: theirs)
            finally:
                dotnet_format.TWO_DIGIT_YEAR_MAX = saved
            if core == AGREE:
                return "excluded:two-digit-year-window"
        return result

    run_family(
        "FormatDateTime pipeline", CASES, compare, 1000, frozenset({"two-digit-year-window"})
    )
