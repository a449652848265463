"""Run expression vectors (those from Microsoft's documentation and our own) through the parser,
the compiled code (what `prov eval`, `prov test` and the generated evaluators run) and the
reference interpreter, which must agree with it on every vector.

A vector is a JSON object: ``expression``, ``inputs`` (flat name -> value; null = absent; lists are
multi-valued), and one outcome: ``expected`` (or ``computed_expected`` when ``doc_suspect``),
``flow: "ignored"``, ``expected_regex`` / ``expected_constraints`` (random results),
``expected_error`` (an ``ExpressionError`` reason slug; for ``engine: "cloud-sync"`` vectors the
evaluator must refuse the function). Optional: ``now`` (ISO 8601), ``context`` with
``existingTargetValues``, ``defaultDomain``, ``seed``, ``regexTimeout``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from syncrules.backends.python.compile_expr import compile_callable
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import Expr
from syncrules.reference_interpreter import evaluate_mapping as reference_mapping
from syncrules.runtime import EvalContext, ExpressionError, NoFlow
from syncrules.runtime.functions import SPECIAL_CHARACTERS

ROOT = Path(__file__).resolve().parents[2]
DOCS_VECTORS = Path(__file__).resolve().parent / "docs-vectors.json"
OWN_VECTORS = Path(__file__).resolve().parent / "vectors"
CLOUD_SYNC_REASONS = ("unknown-function", "unsupported-function")


def load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path}: a vector file holds a JSON list"
    return data


def own_vectors() -> list[dict[str, Any]]:
    vectors = []
    for path in sorted(OWN_VECTORS.glob("*.json")):
        for vector in load(path):
            vectors.append({**vector, "file": path.name})
    return vectors


def param(vector: dict[str, Any]) -> Any:
    return pytest.param(vector, id=vector["id"])


def context_for(vector: dict[str, Any], seed: int | None = None) -> EvalContext:
    extra = vector.get("context") or {}
    kwargs: dict[str, Any] = {
        "seed": extra.get("seed", seed if seed is not None else 0),
        "default_domain": extra.get("defaultDomain"),
        "taken": frozenset(extra.get("existingTargetValues") or ()),
    }
    if "regexTimeout" in extra:
        kwargs["regex_timeout"] = extra["regexTimeout"]
    if vector.get("now"):
        kwargs["now"] = datetime.fromisoformat(vector["now"].replace("Z", "+00:00"))
    return EvalContext(**kwargs)


def attributes(vector: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (vector.get("inputs") or {}).items() if v is not None}


def same(actual: Any, expected: Any) -> bool:
    """Equality that keeps kinds apart: True is not 1, "5" is not 5, but 5 == 5.0."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual is expected
    if isinstance(expected, int | float):
        return isinstance(actual, int | float) and actual == expected
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return type(actual) is type(expected) and actual == expected


def _compiled_mapping(expr: Expr, attrs: dict[str, Any], ctx: EvalContext) -> tuple[bool, Any]:
    try:
        return True, compile_callable(expr)(attrs, ctx)
    except NoFlow:
        return False, None


def evaluate_mapping(expr: Expr, attrs: dict[str, Any], ctx: EvalContext) -> tuple[bool, Any]:
    """``(flows, value)`` from the compiled code, after checking that the reference interpreter
    gives the same (or fails with the same reason). Raises ExpressionError as both do."""
    outcomes = []
    for run in (_compiled_mapping, reference_mapping):
        try:
            outcomes.append(("value", run(expr, attrs, dataclasses.replace(ctx))))
        except ExpressionError as exc:
            outcomes.append(("error", exc))
    (kind, got), (ref_kind, ref) = outcomes
    if kind == "error":
        assert ref_kind == "error" and ref.reason == got.reason, (got, ref)
        raise got
    assert ref_kind == "value", ref
    assert same(got[1], ref[1]) and got[0] == ref[0], f"compiled {got!r}, reference {ref!r}"
    return got  # type: ignore[no-any-return]


def check_constraints(value: str, rules: dict[str, int]) -> None:
    assert len(value) == rules["length"], value
    assert sum(ch.isdigit() for ch in value) >= rules.get("minDigits", 0), value
    assert sum(ch in SPECIAL_CHARACTERS for ch in value) >= rules.get("minSpecial", 0), value
    assert sum(ch.isupper() for ch in value) >= rules.get("minUpper", 0), value
    assert sum(ch.islower() for ch in value) >= rules.get("minLower", 0), value


def run(vector: dict[str, Any]) -> None:
    """Assert that ``vector`` behaves as it says."""
    bag = DiagnosticBag()
    expr = parse_expression(vector["expression"], bag=bag)
    if vector.get("engine") == "cloud-sync":
        if expr is None:  # a cloud-sync-only operator such as '&' is refused by the parser
            hints = " ".join(d.hint or "" for d in bag.items)
            assert "cloud sync" in hints.lower(), [str(d) for d in bag.items]
            return
        with pytest.raises(ExpressionError) as caught:
            evaluate_mapping(expr, attributes(vector), context_for(vector))
        assert caught.value.reason in CLOUD_SYNC_REASONS, caught.value
        assert "cloud-sync" in caught.value.message, caught.value.message
        return
    assert expr is not None, [str(d) for d in bag.items]
    if "expected_error" in vector:
        with pytest.raises(ExpressionError) as caught:
            evaluate_mapping(expr, attributes(vector), context_for(vector))
        assert caught.value.reason == vector["expected_error"], caught.value
        return
    if vector.get("expected_regex") or vector.get("expected_constraints"):
        for seed in range(20):
            flows, value = evaluate_mapping(expr, attributes(vector), context_for(vector, seed))
            assert flows and isinstance(value, str), value
            if vector.get("expected_regex"):
                assert re.search(vector["expected_regex"], value), value
            if vector.get("expected_constraints"):
                check_constraints(value, vector["expected_constraints"])
        return
    flows, value = evaluate_mapping(expr, attributes(vector), context_for(vector))
    if vector.get("flow") == "ignored":
        assert not flows, value
        return
    assert flows
    expected = vector["computed_expected"] if vector.get("doc_suspect") else vector["expected"]
    assert same(value, expected), f"got {value!r}, expected {expected!r}"
