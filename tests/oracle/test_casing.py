"""Differential: string casing (ToUpper, ToLower, and the comparisons that ignore case).

Every Unicode code point (in chunks, so the whole range takes a few calls) is upper- and
lower-cased by syncrules and by .NET, in the invariant culture (what ``ToUpper(x)`` without a
culture uses here) and in a Turkish and a non-Turkish culture. Random strings then check
``fn_ToUpper``/``fn_ToLower`` and ``ignore_case`` (.NET ``OrdinalIgnoreCase``).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from syncrules.runtime import functions as fn
from syncrules.runtime.text import ignore_case, simple_lower, simple_upper
from tests.oracle.dotnet import Net, net_str
from tests.oracle.support import ALPHABET, EXAMPLES, ORACLE_SETTINGS, Tally

EVERY_CHARACTER = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
CULTURES = (None, "en-US", "tr-TR", "az-Latn-AZ", "de-DE")


def _s(dotnet: Net, text: str) -> object:
    """``text`` as a .NET String: pythonnet passes a one-character Python string as a Char,
    which picks the ``ToUpper(char)`` overload and truncates a character outside the BMP."""
    return dotnet.System.String(net_str(text))


def test_every_character_cases_like_dotnet(dotnet: Net) -> None:
    tally = Tally("casing, every code point")
    # the invariant, a non-Turkish and a Turkish culture; all of them in a big run
    for culture in CULTURES if EXAMPLES >= 10000 else CULTURES[:3]:
        info = (dotnet.invariant if culture is None
                else dotnet.Globalization.CultureInfo(culture)).TextInfo
        for start in range(0, len(EVERY_CHARACTER), 8192):
            chunk = EVERY_CHARACTER[start : start + 8192]
            text = "".join(chunk)
            upper, lower = info.ToUpper(_s(dotnet, text)), info.ToLower(_s(dotnet, text))
            ours_upper, ours_lower = simple_upper(text, culture), simple_lower(text, culture)
            if upper == ours_upper and lower == ours_lower:
                tally.agreed += 2 * len(chunk)
                continue
            for ch in chunk:  # find the characters that differ
                for name, ours, theirs in (
                    ("upper", simple_upper(ch, culture), info.ToUpper(_s(dotnet, ch))),
                    ("lower", simple_lower(ch, culture), info.ToLower(_s(dotnet, ch))),
                ):
                    tally.record(ours == theirs, f"{name} U+{ord(ch):04X} in {culture}: "
                                 f"syncrules {ours!r}, .NET {theirs!r}")
    tally.check()
    assert tally.total_disagreed == 0  # casing is exact: no class is excluded


def test_functions_and_ordinal_ignore_case(dotnet: Net) -> None:
    tally = Tally("casing functions and OrdinalIgnoreCase")
    ordinal = dotnet.System.StringComparison.OrdinalIgnoreCase

    @ORACLE_SETTINGS
    @given(a=st.text(alphabet=ALPHABET, max_size=8), b=st.text(alphabet=ALPHABET, max_size=8),
           culture=st.sampled_from(CULTURES))
    def run(a: str, b: str, culture: str | None) -> None:
        info = (dotnet.invariant if culture is None
                else dotnet.Globalization.CultureInfo(culture)).TextInfo
        tally.record(fn.fn_ToUpper(a, culture) == info.ToUpper(_s(dotnet, a)),
                     f"ToUpper({a!r}, {culture!r})")
        tally.record(fn.fn_ToLower(a, culture) == info.ToLower(_s(dotnet, a)),
                     f"ToLower({a!r}, {culture!r})")
        theirs = dotnet.System.String.Equals(_s(dotnet, a), _s(dotnet, b), ordinal)
        tally.record((ignore_case(a) == ignore_case(b)) == theirs,
                     f"OrdinalIgnoreCase({a!r}, {b!r}): .NET {theirs}")
    run()
    tally.check()


def test_issue_examples(dotnet: Net) -> None:
    info = dotnet.invariant.TextInfo
    assert fn.fn_ToLower("İzmir") == info.ToLower(_s(dotnet, "İzmir")) == "İzmir"
    assert fn.fn_ToUpper("ıstanbul") == info.ToUpper(_s(dotnet, "ıstanbul")) == "ıSTANBUL"
