"""The fast schema check gives jsonschema's verdict: on every compiled document, and on documents
broken in every place the schema constrains (each kind of location, every kind of wrong value)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syncrules.api import check_paths
from syncrules.backends.jobconfig.emit import build_document
from syncrules.backends.jobconfig.fastcheck import SchemaChecker, equal
from syncrules.backends.jobconfig.schema import _checker, _validator, explain, schema, validate
from tests.conftest import ROOT, case_dirs

SOURCES = sorted(
    [c / "input.prov" for c in case_dirs("valid")]
    + [p for p in (ROOT / "examples").rglob("*.prov") if "common" not in p.name]
    + sorted((ROOT / "rules").rglob("*.prov")),
)

#: Wrong (or differently right) values tried at every location.
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    2.5,
    "",
    "x",
    "Always",
    "Constant",
    "Function",
    "Attribute",
    [],
    [None],
    ["create", "create"],
    {},
    {"key": "k", "value": None},
)


def _document(path: Path) -> dict[str, Any]:
    jobs = check_paths([path]).compiled_jobs()
    assert jobs, path
    return build_document(jobs[0])


def _jsonschema_ok(document: Any) -> bool:
    return bool(_validator().is_valid(document))


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(ROOT).as_posix() for p in SOURCES])
def test_every_compiled_document_is_valid_for_both(path: Path) -> None:
    document = _document(path)
    assert _checker()(document) is True
    assert _jsonschema_ok(document)
    assert validate(document) == []


def _trimmed(document: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's attribute lists cut to three (they repeat one shape); the rest intact."""
    doc = copy.deepcopy(document)
    for directory in doc["schema"]["directories"]:
        for obj in directory["objects"]:
            obj["attributes"] = obj["attributes"][:3]
    return doc


def _locations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _locations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _locations(item, (*path, index))


def _kind(path: tuple[Any, ...], value: Any) -> tuple[Any, ...]:
    """Where the value is (list positions left out) and what it is (a node type by its name)."""
    shape = value if path and path[-1] == "type" else type(value).__name__
    return (*("[]" if isinstance(p, int) else p for p in path), shape)


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``path`` (only the containers on the path are
    copied; the rest is shared, and never changed)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    copied = copy.copy(document)
    copied[head] = _set(document[head], rest, value)
    return copied


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _mutants(document: dict[str, Any], seen: set[tuple[Any, ...]]) -> Iterator[Any]:
    for path in _locations(document):
        here = _at(document, path)
        kind = _kind(path, here)
        if kind in seen:
            continue
        seen.add(kind)
        for odd in ODD_VALUES:
            yield _set(document, path, odd)
        if isinstance(here, dict):
            for key in here:
                smaller = copy.deepcopy(here)
                del smaller[key]
                yield _set(document, path, smaller)
            yield _set(document, path, {**here, "unexpected": 1})
        if isinstance(here, list):
            yield _set(document, path, [])
            if here:
                yield _set(document, path, [*here, here[0]])
                yield _set(document, path, here[:1])


BROKEN = ("appendix/01_contoso_hr", "expressions/01_iif_and_constants", "scoping/01_all_operators")


def test_broken_documents_get_the_same_verdict() -> None:
    checker = _checker()
    compared = invalid = 0
    seen: set[tuple[Any, ...]] = set()  # each kind of location once, over all the documents
    for case in BROKEN:
        document = _trimmed(_document(ROOT / "tests/cases/valid" / case / "input.prov"))
        for mutant in _mutants(document, seen):
            verdict = checker(mutant)
            assert verdict == _jsonschema_ok(mutant), explain(mutant) or "jsonschema: valid"
            compared += 1
            invalid += not verdict
    assert compared > 1000 and invalid > compared // 3  # it did break documents


def test_json_equality_follows_json_schema() -> None:
    assert equal(1, 1.0) and not equal(1, True) and not equal(0, False)
    assert equal({"a": [1, "x"]}, {"a": [1.0, "x"]}) and not equal({"a": 1}, {"a": 1, "b": 2})
    assert not equal([1], [1, 1]) and not equal("1", 1)


def test_a_keyword_it_does_not_implement_is_refused() -> None:
    with pytest.raises(ValueError, match="patternProperties"):
        SchemaChecker({"type": "object", "patternProperties": {"^x": {}}})
    with pytest.raises(ValueError, match="ref"):
        SchemaChecker({"$ref": "https://example.com/other.json"})


def test_the_packaged_schema_is_built_by_the_fast_check() -> None:
    assert SchemaChecker(schema())({"job": {}, "schema": {}}) is False
