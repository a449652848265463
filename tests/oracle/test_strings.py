"""Differential: string lengths and positions count UTF-16 code units, as .NET does.

``Len``, ``Left``, ``Mid`` and ``InStr`` against Visual Basic's ``Strings`` module (what Entra's
functions are modelled on) over random strings with characters outside the BMP.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from syncrules.runtime import functions as fn
from tests.oracle.dotnet import Net, net_str
from tests.oracle.support import ALPHABET, ORACLE_SETTINGS, Tally, utf16_call

texts = st.text(alphabet=ALPHABET, max_size=12)


def test_positions_count_utf16_code_units(dotnet: Net) -> None:
    strings = dotnet.VB.Strings
    left = utf16_call(dotnet, strings, "Left", "si")
    mid = utf16_call(dotnet, strings, "Mid", "sii")
    binary = dotnet.VB.CompareMethod.Binary
    tally = Tally("UTF-16 positions (Len, Left, Mid, InStr)")

    @ORACLE_SETTINGS
    @given(text=texts, needle=st.text(alphabet=ALPHABET, max_size=3),
           count=st.integers(0, 14), start=st.integers(1, 14))
    def run(text: str, needle: str, count: int, start: int) -> None:
        pairs: list[tuple[str, Any, Any]] = [
            ("Len", fn.fn_Len(text), dotnet.System.String(net_str(text)).Length),
            ("Left", fn.fn_Left(text, count), left(text, count)),
            ("Mid", fn.fn_Mid(text, start, count), mid(text, start, count)),
        ]
        if text:  # VB's InStr gives 0 for an empty String1 whatever the rest; Entra's is not VB's
            pairs.append(("InStr", fn.fn_InStr(text, needle, start),
                          strings.InStr(start, net_str(text), net_str(needle), binary)))
        for name, ours, theirs in pairs:
            tally.record(ours == theirs, f"{name}({text!r}, {needle!r}, {count}, {start}): "
                         f"syncrules {ours!r}, .NET {theirs!r}")

    run()
    tally.check()
