"""The reference interpreter: node kinds, laziness, argument binding, errors and flow."""

from __future__ import annotations

from typing import Any

import pytest

from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import Call, Name, Num, Str
from syncrules.reference_interpreter import evaluate, evaluate_mapping, resolve_function
from syncrules.runtime import EvalContext, ExpressionError, NoFlow


def run(text: str, **attributes: Any) -> Any:
    expr = parse_expression(text)
    assert expr is not None
    return evaluate(expr, attributes, EvalContext(seed=1))


@pytest.mark.parametrize(
    ("num", "value"), [("42", 42), ("-10", -10), ("42568.75", 42568.75), ("&HF", 15), ("&HF7", 247)]
)
def test_numbers(num: str, value: float) -> None:
    assert evaluate(Num(text=num), {}, EvalContext()) == value


def test_name_is_its_word() -> None:
    assert evaluate(Name(name="vbTextCompare"), {}, EvalContext()) == "vbTextCompare"


def test_attribute_lookup_is_case_sensitive() -> None:
    assert run("[Description]", description="x") is None
    assert run("[description]", description="x") == "x"


def test_function_names_are_matched_without_case() -> None:
    assert resolve_function("instr").name == "InStr"
    assert run('join(",", "a", "b")') == "a,b"


def test_unknown_and_cloud_sync_functions() -> None:
    with pytest.raises(ExpressionError) as caught:
        resolve_function("DNComponent")
    assert caught.value.reason == "unknown-function" and "cloud-sync" in caught.value.message
    with pytest.raises(ExpressionError) as caught:
        evaluate(Call(name="Nope", args=()), {}, EvalContext())
    assert caught.value.message == "unknown function Nope()"


def test_arity_is_the_catalogue_s_and_empty_slots_count() -> None:
    """As in the compiled code and the checker (PROV201): an empty slot is a slot."""
    assert run('Left("abc", 2)') == "ab"
    for text in ('Left("abc", 2, , )', 'Left("abc", 2, 3)'):
        with pytest.raises(ExpressionError) as caught:
            run(text)
        assert caught.value.reason == "invalid-argument"
        assert "Left cannot take" in caught.value.message
    with pytest.raises(ExpressionError):
        run("Now(1)")


def test_lazy_forms_do_not_evaluate_unused_arguments() -> None:
    boom = Call(name="Item", args=(Str(value="x"), Num(text="9")))
    ctx = EvalContext(taken=frozenset())
    assert (
        evaluate(Call(name="IIF", args=(Str(value="True"), Str(value="y"), boom)), {}, ctx) == "y"
    )
    assert evaluate(Call(name="Coalesce", args=(Str(value="c"), boom)), {}, ctx) == "c"
    assert evaluate(Call(name="SelectUniqueValue", args=(Str(value="u"), boom)), {}, ctx) == "u"
    switch = Call(
        name="Switch",
        args=(Str(value="k"), boom, Str(value="k"), Str(value="v"), Str(value="z"), boom),
    )
    assert evaluate(switch, {}, ctx) == "v"
    with pytest.raises(ExpressionError):  # the chosen branch is evaluated
        evaluate(Call(name="IIF", args=(Str(value="False"), Str(value="y"), boom)), {}, ctx)


def test_evaluate_mapping_flow() -> None:
    expr = parse_expression("IgnoreFlowIfNullOrEmpty([x])")
    assert expr is not None
    assert evaluate_mapping(expr, {}, EvalContext()) == (False, None)
    assert evaluate_mapping(expr, {"x": "v"}, EvalContext()) == (True, "v")
    with pytest.raises(NoFlow):
        evaluate(expr, {}, EvalContext())
    null = parse_expression("[missing]")
    assert null is not None
    assert evaluate_mapping(null, {}, EvalContext()) == (True, None)


def test_comparison_node() -> None:
    assert run("[a] = 1", a="1") is True
    assert run("[a] <> [b]", a="x") is False
