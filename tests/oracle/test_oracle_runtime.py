"""The oracle itself: it starts, it is .NET Core 3.1 with ICU, and it guards the process."""

from __future__ import annotations

import pytest

from tests.oracle.dotnet import Net, net_str


def test_runtime_is_net_core_3_1_with_icu(dotnet: Net) -> None:
    assert dotnet.version.startswith("3.1.")
    assert str(dotnet.System.Environment.Version).startswith("3.1.")
    # ICU casing, not invariant-mode ASCII casing.
    assert dotnet.System.String("éa").ToUpperInvariant() == "ÉA"


def test_strings_count_utf16_code_units(dotnet: Net) -> None:
    assert dotnet.System.String(net_str("😀")).Length == 2


def test_named_groups_are_numbered_after_unnamed_ones(dotnet: Net) -> None:
    replaced = dotnet.Regex.Replace("John Smith", r"(?<first>\w+) (\w+)", "$2, $1")
    assert replaced == "John, Smith"


def test_lone_surrogates_never_cross() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        net_str("a\ud800b")
