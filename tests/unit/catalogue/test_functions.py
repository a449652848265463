"""The function catalogue: completeness, well-formed entries, arity against the documentation
vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncrules.catalogue.functions import (
    Function,
    VType,
    all_functions,
    arity,
    canonical_name,
    get,
    slot_params,
)
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import Call, Compare, Expr

VECTORS = Path(__file__).parents[2] / "conformance" / "docs-vectors.json"

APP_FUNCTIONS = """\
Append AppRoleAssignmentsComplex AssertiveAppRoleAssignmentsComplex BitAnd CBool
CDate Coalesce ConvertToBase64 ConvertToUTF8Hex Count CStr DateAdd DateDiff DateFromNum
DefaultDomain FormatDateTime Guid IgnoreFlowIfNullOrEmpty IIF InStr IsNull IsNullOrEmpty IsPresent
IsString Item Join Left Len Mid NormalizeDiacritics Not Now NumFromDate PCase RandomString Redact
RemoveDuplicates Replace SelectUniqueValue SingleAppRoleAssignment Split StripSpaces Switch ToLower
ToUpper Word""".split()  # noqa: SIM905  (the reference's list, as written)
CLOUD_SYNC_FUNCTIONS = (
    "ConvertFromBase64",
    "DNComponent",
    "Error",
    "StringFromSID",
    "Trim",
    "CRef",
    "Contains",
)
NO_PARAMS = {"DefaultDomain", "Guid", "Now"}

FUNCTIONS = all_functions()
ALL = sorted(FUNCTIONS.values(), key=lambda f: f.name)


def calls(expr: Expr | None) -> list[Call]:
    """Every Call in ``expr``, outermost first."""
    if isinstance(expr, Call):
        found = [expr]
        for arg in expr.args:
            found += calls(arg)
        return found
    if isinstance(expr, Compare):
        return calls(expr.left) + calls(expr.right)
    return []


def parse(text: str) -> Expr:
    bag = DiagnosticBag()
    expr = parse_expression(text, bag=bag)
    assert expr is not None, f"{text!r} does not parse: {bag}"
    return expr


def in_range(fn: Function, count: int) -> bool:
    low, high = arity(fn)
    return low <= count and (high is None or count <= high)


def test_catalogue_is_exactly_the_documented_functions() -> None:
    assert sorted(FUNCTIONS) == sorted([*APP_FUNCTIONS, *CLOUD_SYNC_FUNCTIONS])
    assert {f.name for f in ALL if f.engine == "app"} == set(APP_FUNCTIONS)
    assert {f.name for f in ALL if f.engine == "cloud-sync"} == set(CLOUD_SYNC_FUNCTIONS)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.name)
def test_entry_is_complete(fn: Function) -> None:
    assert bool(fn.params) == (fn.name not in NO_PARAMS)
    for text in (fn.description, fn.null_rule):
        assert text.strip() and "\n" not in text
    assert all(note.strip() for note in fn.notes)
    assert all(p.name and p.key for p in fn.params)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.name)
def test_keys_and_names_are_unique(fn: Function) -> None:
    keys = [p.key for p in fn.params]
    names = [p.name for p in fn.params]
    assert len(set(keys)) == len(keys)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.name)
def test_choices_exactly_on_enum_params(fn: Function) -> None:
    for p in fn.params:
        assert bool(p.choices) == (p.type is VType.ENUM), p.name


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.name)
def test_repeating_param_is_last(fn: Function) -> None:
    # slot binding gives every remaining slot to the repeating parameter
    assert all(not p.repeating for p in fn.params[:-1])


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.name)
def test_example_parses_calls_the_function_and_fits_the_arity(fn: Function) -> None:
    expression, arrow, result = fn.example.partition(" -> ")
    assert arrow and result.strip()
    found = calls(parse(expression))
    assert fn.name in {c.name for c in found}
    for call in found:
        assert in_range(FUNCTIONS[call.name], len(call.args)), call.name


def test_every_vector_call_fits_its_function_arity() -> None:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    checked = 0
    for vector in vectors:
        if vector.get("engine") == "cloud-sync":
            continue
        for call in calls(parse(vector["expression"])):
            fn = get(call.name)
            assert fn is not None, (vector["id"], call.name)
            assert fn.engine == "app", (vector["id"], call.name)
            assert in_range(fn, len(call.args)), (vector["id"], call.name, len(call.args))
            assert slot_params(fn, len(call.args)) is not None
            checked += 1
    assert checked > 1000  # every non-cloud-sync vector was walked, nested calls included


def test_cloud_sync_vectors_name_catalogued_functions() -> None:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    names = {v["function"] for v in vectors if v.get("engine") == "cloud-sync"}
    assert names <= set(FUNCTIONS)
    assert {n for n in names if FUNCTIONS[n].engine == "cloud-sync"} >= {"Trim", "DNComponent"}


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("instr", "InStr"),
        ("Instr", "InStr"),
        ("IIf", "IIF"),
        ("switch", "Switch"),
        ("CSTR", "CStr"),
        ("stringfromsid", "StringFromSID"),
        ("join", "Join"),
    ],
)
def test_canonical_name_ignores_case(written: str, canonical: str) -> None:
    assert canonical_name(written) == canonical
    assert get(written) is FUNCTIONS[canonical]


def test_unknown_function() -> None:
    assert canonical_name("AppRoleAssignments") is None
    assert get("Concatenate") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Coalesce", (1, None)),
        ("Join", (2, None)),
        ("Switch", (4, None)),
        ("SelectUniqueValue", (2, None)),
        ("RandomString", (5, 6)),
        ("Replace", (2, 7)),
        ("ToLower", (1, 2)),
        ("ToUpper", (1, 2)),
        ("PCase", (1, 2)),
        ("InStr", (2, 4)),
        ("Split", (1, 2)),
        ("Mid", (3, 3)),
        ("Word", (3, 3)),
        ("FormatDateTime", (3, 4)),
        ("IIF", (3, 3)),
        ("Now", (0, 0)),
        ("Left", (2, 2)),
    ],
)
def test_arity(name: str, expected: tuple[int, int | None]) -> None:
    assert arity(FUNCTIONS[name]) == expected


def keys(name: str, count: int) -> list[str] | None:
    bound = slot_params(FUNCTIONS[name], count)
    return None if bound is None else [p.key for p in bound]


def test_slot_binding() -> None:
    assert keys("FormatDateTime", 3) == ["source", "inputFormat", "outputFormat"]
    assert keys("FormatDateTime", 4) == ["source", "dateTimeStyles", "inputFormat", "outputFormat"]
    assert keys("Switch", 6) == ["source", "defaultValue"] + ["switchValue"] * 4
    assert keys("Join", 3) == ["separator", "source", "source"]
    assert keys("Replace", 7) == [
        "source",
        "Find",
        "RegularExpression",
        "RegularExpressionGroupName",
        "Replacement",
        "ReplacementPropertyName",
        "Template",
    ]
    assert keys("Replace", 2) == ["source", "Find"]
    assert keys("IIF", 3) == ["one", "four", "five"]
    assert keys("Mid", 2) is None
    assert keys("Word", 4) is None


def test_documented_keys() -> None:
    assert keys("BitAnd", 2) == ["left", "right"]
    assert keys("Item", 2) == ["source", "index"]
    assert keys("Left", 2) == ["source", "length"]
    assert keys("Mid", 3) == ["source", "start", "length"]
    assert keys("Append", 2) == ["source", "suffix"]
    assert keys("Error", 1) == ["message"]


def test_behaviour_flags() -> None:
    assert {f.name for f in ALL if not f.deterministic} == {
        "Now",
        "Guid",
        "RandomString",
        "SelectUniqueValue",
        "DefaultDomain",
    }
    assert {f.name for f in ALL if f.needs_context} == {
        "Now",
        "Guid",
        "RandomString",
        "DefaultDomain",
        "SelectUniqueValue",
        "Replace",
        "FormatDateTime",  # a time-only inputFormat takes the date from the context clock
        # a date without a year (or a time without a date) takes the context clock's date
        "CDate",
        "DateAdd",
        "DateDiff",
        "NumFromDate",
    }
    assert {f.name for f in ALL if f.lazy} == {"IIF", "Switch", "Coalesce", "SelectUniqueValue"}
    assert {f.name: f.result_from for f in ALL if f.result_from} == {
        "Coalesce": "every argument",
        "IgnoreFlowIfNullOrEmpty": "every argument",
        "Redact": "every argument",
        "IIF": "the branches",
        "Switch": "the default and values",
    }
    assert {f.name: f.targets for f in ALL if f.targets is not None} == {
        "SelectUniqueValue": frozenset({"ad"}),
    }


def test_enum_choices() -> None:
    intervals = ("yyyy", "m", "d", "ww", "h", "n", "s")
    assert FUNCTIONS["DateAdd"].params[0].choices == intervals
    assert FUNCTIONS["DateDiff"].params[0].choices == intervals
    assert set(FUNCTIONS["InStr"].params[3].choices) == {"vbBinaryCompare", "vbTextCompare"}


def test_format_date_time_documents_the_three_slot_form() -> None:
    assert any("3 arguments" in note for note in FUNCTIONS["FormatDateTime"].notes)
