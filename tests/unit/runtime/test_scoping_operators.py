"""The scoping operators are listed once (``runtime.scoping.OPERATORS``): the grammar, the editor
grammar and the job-config JSON Schema, which cannot import it, spell the same set, and every
operator has a meaning in ``clause_holds``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from syncrules.backends.jobconfig.schema import schema
from syncrules.backends.python.fused import _CLAUSES
from syncrules.runtime.scoping import (
    BOOLEAN,
    FLAGS,
    INTEGER,
    OPERATORS,
    PRESENCE,
    REGEX,
    UNARY,
    clause_holds,
)

ROOT = Path(__file__).resolve().parents[3]


def _alternatives(pattern: str) -> set[str]:
    """The words of a regex alternation, ``\\s+`` read as one space."""
    return {alt.replace(r"\s+", " ") for alt in pattern.split("|")}


def test_the_grammar_accepts_exactly_the_operators() -> None:
    grammar = (ROOT / "grammar" / "prov.tx").read_text(encoding="utf-8")
    found = re.search(r"^ScopeOperator: name=/\((.*?)\)\(\?!", grammar, re.MULTILINE)
    assert found is not None
    assert _alternatives(found.group(1)) == set(OPERATORS)


def test_the_editor_grammar_colours_exactly_the_operators() -> None:
    path = ROOT / "editors" / "vscode" / "syntaxes" / "prov.tmLanguage.json"
    pattern = json.loads(path.read_text(encoding="utf-8"))["repository"]["scope-operators"]["match"]
    found = re.fullmatch(r"\\b\((.*?)\)\\b\|(.*)", pattern)
    assert found is not None
    symbols = {re.sub(r"\(\?!.*\)$", "", alt) for alt in found.group(2).split("|")}
    assert _alternatives(found.group(1)) | symbols == set(OPERATORS)


def _enums(node: Any) -> list[list[Any]]:
    if isinstance(node, dict):
        own = [node["enum"]] if isinstance(node.get("enum"), list) else []
        return own + [e for value in node.values() for e in _enums(value)]
    if isinstance(node, list):
        return [e for value in node for e in _enums(value)]
    return []


def test_the_json_schema_allows_exactly_the_operators() -> None:
    [enum] = [e for e in _enums(schema()) if "EQUALS" in e]
    assert enum == list(OPERATORS)


def test_the_kinds_are_operators() -> None:
    for kind in (UNARY, PRESENCE, BOOLEAN, INTEGER, REGEX, FLAGS, tuple(_CLAUSES)):
        assert set(kind) <= set(OPERATORS)
    assert set(PRESENCE) | set(BOOLEAN) == set(UNARY)


@pytest.mark.parametrize("operator", OPERATORS)
def test_every_operator_has_a_meaning(operator: str) -> None:
    operand = None if operator in UNARY else "1"
    assert clause_holds(operator, "1", operand) in (True, False)
    assert clause_holds(operator, None, operand) is (operator == "IS NULL")


def test_another_operator_has_none() -> None:
    with pytest.raises(ValueError, match="unknown scoping operator"):
        clause_holds("CONTAINS", "1", "1")
