"""``canonical`` writes exactly what ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)``
writes, whichever encoder it takes."""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syncrules.canonicaljson import _plain, canonical


def _reference(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def test_every_code_point_in_keys_and_values() -> None:
    points = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    value = {points[i : i + 512]: [points[i : i + 512]] for i in range(0, len(points), 512)}
    assert _plain(value)
    assert canonical(value) == _reference(value)


def test_keys_sort_by_code_point() -> None:
    keys = [chr(c) for c in range(0, 0x110000, 97) if not 0xD800 <= c <= 0xDFFF]
    value = {k + "x": {k: 1, k * 2: 2} for k in reversed(keys)}
    assert canonical(value) == _reference(value)


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    "value",
    [
        {"f": 1.5, "g": [1e16, 1e-7, -0.0, 2.0]},  # floats: the two spell some differently
        {"nan": float("nan"), "inf": float("inf")},
        {"big": 2**64, "small": -(2**63) - 1, "ok": 2**63},
        {1: "int keys", 2: "are written as strings"},
        {"lone": "\ud800"},
        {"enum": Colour.RED, "level": Level.HIGH},
        OrderedDict([("b", 1), ("a", 2)]),
        ("a", ("tuple",)),
        {"deep": [[[[[[[[[[[[["x"]]]]]]]]]]]]]},
        [],
        {},
        "text",
        None,
    ],
)
def test_what_the_fast_encoder_does_not_take_is_still_identical(value: Any) -> None:
    assert canonical(value) == _reference(value)


def test_unserialisable_values_fail_as_before() -> None:
    with pytest.raises(TypeError):
        canonical({"x": {1, 2}})
    with pytest.raises(TypeError):
        canonical({"x": object()})
    with pytest.raises(TypeError):  # keys of two types cannot be sorted
        canonical({1: "int key", "2": "str key"})


_json = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_generated_documents(value: Any) -> None:
    assert canonical(value) == _reference(value)
