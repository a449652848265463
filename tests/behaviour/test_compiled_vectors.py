"""The same vectors through the compiled path (the code the Python backend generates) and through
the interpreter: identical results, errors and flow decisions (cel-python's two-runner habit)."""

from __future__ import annotations

from typing import Any

import pytest

from syncrules.backends.python.compile_expr import compile_callable
from syncrules.ir.expressions import escape, parse_expression
from syncrules.reference_interpreter import evaluate_mapping
from syncrules.runtime import ExpressionError, NoFlow
from tests.conformance.runner import (
    DOCS_VECTORS,
    attributes,
    context_for,
    load,
    own_vectors,
    param,
    same,
)

VECTORS = [v for v in [*load(DOCS_VECTORS), *own_vectors()] if v.get("engine") != "cloud-sync"]


def _interpreted(vector: dict[str, Any]) -> tuple[str, Any]:
    expr = parse_expression(vector["expression"])
    assert expr is not None
    try:
        flows, value = evaluate_mapping(expr, attributes(vector), context_for(vector))
    except ExpressionError as exc:
        return "error", exc.reason
    return ("value", value) if flows else ("noflow", None)


def _compiled(vector: dict[str, Any]) -> tuple[str, Any]:
    expr = parse_expression(vector["expression"])
    assert expr is not None
    fn = compile_callable(expr)
    try:
        value = fn(attributes(vector), context_for(vector))
    except NoFlow:
        return "noflow", None
    except ExpressionError as exc:
        return "error", exc.reason
    return "value", value


@pytest.mark.parametrize("vector", [param(v) for v in VECTORS])
def test_compiled_equals_interpreted(vector: dict[str, Any]) -> None:
    kind_i, value_i = _interpreted(vector)
    kind_c, value_c = _compiled(vector)
    assert kind_c == kind_i, (value_i, value_c)
    if kind_i == "value":
        assert same(value_c, value_i), f"compiled {value_c!r} != interpreted {value_i!r}"
    else:
        assert value_c == value_i


def test_hostile_strings_do_not_become_code() -> None:
    """Constants and attribute names that look like Python stay data."""
    constant = '"); __import__("os").system("echo pwned"); ("'
    attribute = "x'); __import__('os').system('echo pwned'); ('y"
    text = 'Join("", ' + escape(constant) + ", [" + attribute + "])"
    expr = parse_expression(text)
    assert expr is not None
    fn = compile_callable(expr)
    assert fn({attribute: "v"}, context_for({})) == constant + "v"
