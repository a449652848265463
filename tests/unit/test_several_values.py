"""PROV218: a multi-valued source value flowing to a single-valued target is warned about,
through the functions that pass an argument on; choosing or joining values is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncrules.api import check_paths
from syncrules.diagnostics import Code

HEADER = """job "Several" {
    target entra
    actions create, update
}
extension "urn:x:User" as x {
    M: string[]
    S: string
}
match [externalId] -> employeeId
"""


def _codes(tmp_path: Path, mapping: str) -> list[tuple[str, str]]:
    path = tmp_path / "several.prov"
    path.write_text(HEADER + "map {\n    " + mapping + "\n}\n", encoding="utf-8")
    return [(d.code, d.message) for d in check_paths([path]).diagnostics]


@pytest.mark.parametrize("mapping", [
    "department <- [x:M]",
    "department <- Redact([x:M])",
    'department <- Switch([x:S], "d", "a", [x:M])',
    'department <- Coalesce([x:S], [x:M])',
    'department <- IgnoreFlowIfNullOrEmpty(Split([x:S], ","))',
])
def test_several_values_for_one_target_are_warned_about(tmp_path: Path, mapping: str) -> None:
    [(code, message)] = _codes(tmp_path, mapping)
    assert code == Code.SEVERAL_VALUES_FOR_ONE
    assert message.startswith("department takes one value, but ")
    assert message.endswith("is multi-valued: a record with several values fails")


@pytest.mark.parametrize("mapping", [
    'department <- Join(",", [x:M])',
    "department <- Item([x:M], 1)",
    "department <- [x:S]",
    'businessPhones <- [x:M]',
    'department <- IIF(IsPresent([x:M]), "yes", "no")',
])
def test_choosing_joining_or_a_multi_valued_target_is_fine(tmp_path: Path, mapping: str) -> None:
    assert _codes(tmp_path, mapping) == []
