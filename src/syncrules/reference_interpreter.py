"""The reference interpreter: a tree walker over an IR expression, for one source record.

Not a production path. `prov eval`, `prov test`, `prov run` and the generated evaluators all run
the compiled code (``backends/python/compile_expr.py``); this walker exists so that the
differential tests (``tests/behaviour/test_compiled_differential.py``,
``tests/behaviour/test_function_implementations.py``) and the conformance vectors can compare the
compiled code against a plain, obviously-correct reading of the same rules. `prov lsp` shows a
mapping's value for a sample record with it (no compile on every keystroke).

Input: an IR ``Expr`` (``syncrules.ir.nodes``), the source attributes (name -> value; a missing
name is NULL) and an ``EvalContext``. Output: the value, as the runtime models it (``None`` for
NULL, ``str``, ``list[str]``, ``bool``, ``int``/``float``). Semantics live in
``syncrules.runtime`` (the same code the generated evaluators ship); everything about a function's
shape (arity, laziness, whether it takes the context, whether it is cloud-sync only) comes from
the function catalogue, as in the compiled code. This module only walks the tree, decides what to
evaluate and binds arguments. IIF, Switch, Coalesce and SelectUniqueValue are lazy: only the
arguments they use are evaluated, so an untaken branch cannot fail. Run-time failures raise
``ExpressionError``; ``evaluate_mapping`` turns ``NoFlow`` into "does not flow".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from syncrules.catalogue import functions as fncat
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str
from syncrules.runtime import (
    RUNTIME_FUNCTIONS,
    EvalContext,
    ExpressionError,
    NoFlow,
    coalesce,
    compare,
    parse_number,
    select_unique,
    switch_match,
    switch_pairs,
    to_bool,
)
from syncrules.runtime.lazy import bad_arity, unknown

__all__ = ["evaluate", "evaluate_mapping"]


def evaluate(expr: Expr, attributes: Mapping[str, Any], ctx: EvalContext) -> Any:
    """The value of ``expr`` for the record ``attributes``.

    Args:
        expr: the expression.
        attributes: source attribute values; a missing name is NULL.
        ctx: clock, randomness, tenant and target state.

    Returns:
        the value; ``None`` means NULL.

    Raises:
        ExpressionError: the expression fails at run time (``.reason`` says why).
        NoFlow: ``IgnoreFlowIfNullOrEmpty`` dropped the attribute (see ``evaluate_mapping``).
    """
    return _Walker(attributes, ctx).eval(expr)


def evaluate_mapping(
    expr: Expr, attributes: Mapping[str, Any], ctx: EvalContext
) -> tuple[bool, Any]:
    """``(flows, value)`` for a mapping expression.

    ``flows`` is False when IgnoreFlowIfNullOrEmpty dropped the attribute (value ``None``). A NULL
    result flows as ``None``: whether NULL is provisioned is the caller's decision (Entra skips it).

    Raises:
        ExpressionError: the expression fails at run time.
    """
    try:
        return True, evaluate(expr, attributes, ctx)
    except NoFlow:
        return False, None


def resolve_function(name: str) -> fncat.Function:
    """The catalogue entry of an app-provisioning function, matched without regard to case.

    Raises:
        ExpressionError: ``unknown-function`` (with a cloud-sync note when that applies), with
            the message the compiled code gives (``runtime.lazy.unknown``).
    """
    fn = fncat.get(name)
    if fn is None or fn.engine != "app" or fn.name not in RUNTIME_FUNCTIONS:
        unknown(fn.name if fn else name, fn is not None and fn.engine != "app")
    assert fn is not None
    return fn


def _fit(fn: fncat.Function, slots: tuple[Any, ...]) -> tuple[Any, ...]:
    """The argument slots, when the catalogue's arity allows their number (empty slots count).

    Raises:
        ExpressionError: ``invalid-argument``, as the compiled code (``runtime.lazy.bad_arity``).
    """
    low, high = fncat.arity(fn)
    if len(slots) < low or (high is not None and len(slots) > high):
        bad_arity(fn.name, len(slots))
    return slots


class _Walker:
    __slots__ = ("attributes", "ctx")

    def __init__(self, attributes: Mapping[str, Any], ctx: EvalContext) -> None:
        self.attributes = attributes
        self.ctx = ctx

    def eval(self, expr: Expr | None) -> Any:
        if expr is None:
            return None
        if isinstance(expr, Str):
            return expr.value
        if isinstance(expr, AttrRef):
            return self.attributes.get(expr.name)
        if isinstance(expr, Call):
            return self.call(expr)
        if isinstance(expr, Compare):
            return compare(expr.op, self.eval(expr.left), self.eval(expr.right))
        if isinstance(expr, Num):
            number = parse_number(expr.text)
            if number is None:
                raise ExpressionError("invalid-argument", f"{expr.text!r} is not a number")
            return number
        if isinstance(expr, Name):
            return expr.name
        raise AssertionError(f"unexpected expression node {type(expr).__name__}")

    def lazy(self, slots: tuple[Expr | None, ...]) -> Iterator[Any]:
        return (self.eval(slot) for slot in slots)

    def call(self, call: Call) -> Any:
        entry = resolve_function(call.name)
        slots = _fit(entry, call.args)
        if entry.lazy:
            return _LAZY[entry.name](self, slots)
        args = tuple(self.eval(slot) for slot in slots)
        fn = RUNTIME_FUNCTIONS[entry.name]
        if entry.needs_context:
            return fn(self.ctx, *args)
        return fn(*args)

    def iif(self, slots: tuple[Expr | None, ...]) -> Any:
        if to_bool(self.eval(slots[0])):
            return self.eval(slots[1])
        return self.eval(slots[2]) if len(slots) > 2 else None

    def switch(self, slots: tuple[Expr | None, ...]) -> Any:
        pairs = switch_pairs(slots[2:])
        index = switch_match(self.eval(slots[0]), self.lazy(pairs[0::2]))
        return self.eval(slots[1] if index is None else pairs[2 * index + 1])

    def coalesce(self, slots: tuple[Expr | None, ...]) -> Any:
        return coalesce(self.lazy(slots))

    def select_unique(self, slots: tuple[Expr | None, ...]) -> Any:
        return select_unique(self.ctx, self.lazy(slots))


_LAZY: dict[str, Callable[[_Walker, tuple[Expr | None, ...]], Any]] = {
    "IIF": _Walker.iif,
    "Switch": _Walker.switch,
    "Coalesce": _Walker.coalesce,
    "SelectUniqueValue": _Walker.select_unique,
}
