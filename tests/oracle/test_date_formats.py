"""Differential: custom and standard .NET date/time format strings (``DateTime.ToString``).

syncrules' ``format_ticks`` against ``DateTime.ToString(format, InvariantCulture)`` over random
values (to the tick, with all three kinds) and random format strings: specifiers repeated 1-8
times, quotes (terminated or not), escapes, ``%``, separators and other literals; plus every
one-character (standard) format. Also: the check-time validation of an outputFormat literal
agrees with whether .NET throws for it.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from syncrules.runtime.dotnet_format import MAX_TICKS, format_ticks, validate_format
from tests.oracle.date_cases import AGREE, KINDS, outcome, run_family
from tests.oracle.dotnet import Net, net_str

_SPECIFIER = st.builds(lambda c, n: c * n, st.sampled_from("dfFghHKmMstyz"), st.integers(1, 8))
_LITERAL = st.sampled_from(
    [" ", ":", "/", ".", ",", "-", "T", "'", '"', "\\", "%", "a", "é", "Z", "GMT", "'at '", '"h"',
     "\\d", "%d", "%H", "'", "\\'", "''", "%%"]
)  # fmt: skip
FORMATS = st.one_of(
    st.sampled_from(string.ascii_letters),
    st.lists(st.one_of(_SPECIFIER, _SPECIFIER, _LITERAL), min_size=1, max_size=8).map("".join),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
TICKS = st.one_of(
    st.integers(0, MAX_TICKS),
    st.integers(0, 2**32).map(lambda t: 637_000_000_000_000_000 + t * 1_000_001),
    st.integers(0, 86_400 * 10**7 - 1),
)
CASES = st.tuples(TICKS, st.sampled_from(sorted(KINDS)), FORMATS)


def test_format_strings_agree_with_dotnet(dotnet: Net) -> None:
    System = dotnet.System

    def compare(case: tuple[int, str, str]) -> str:
        ticks, kind, fmt = case
        value = System.DateTime(ticks, getattr(System.DateTimeKind, KINDS[kind]))
        result, _, _ = outcome(
            lambda: format_ticks(ticks, fmt, kind),
            lambda: str(value.ToString(net_str(fmt), dotnet.invariant)),
        )
        return result

    run_family("date formats", CASES, compare, 1200)


def test_output_format_validation_agrees_with_dotnet(dotnet: Net) -> None:
    value = dotnet.System.DateTime(637_000_000_000_000_000)

    def compare(fmt: str) -> str:
        try:
            value.ToString(net_str(fmt), dotnet.invariant)
            refused = False
        except Exception:
            refused = True
        ours = validate_format(fmt) is not None
        return AGREE if ours == refused else f"syncrules refuses={ours}, .NET refuses={refused}"

    run_family("output format validation", FORMATS, compare, 1000)
