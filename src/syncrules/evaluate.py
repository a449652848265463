"""The tree-walking interpreter: evaluate an IR expression against one source record.

Input: an IR ``Expr`` (``syncrules.ir.nodes``), the source attributes (name -> value; a missing
name is NULL) and an ``EvalContext``. Output: the value, as the runtime models it (``None`` for
NULL, ``str``, ``list[str]``, ``bool``, ``int``/``float``). Semantics live in
``syncrules.runtime`` (the same code the generated evaluators ship); this module only walks the
tree, decides what to evaluate and binds arguments. IIF, Switch, Coalesce and SelectUniqueValue are
lazy: only the arguments they use are evaluated, so an untaken branch cannot fail. Run-time
failures raise ``ExpressionError``; ``evaluate_mapping`` turns ``NoFlow`` into "does not flow".
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str
from syncrules.runtime import (
    CLOUD_SYNC_FUNCTIONS,
    CONTEXT_FUNCTIONS,
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

__all__ = ["evaluate", "evaluate_mapping"]

_BY_LOWER: dict[str, str] = {name.lower(): name for name in RUNTIME_FUNCTIONS}
_CLOUD_SYNC_BY_LOWER: dict[str, str] = {name.lower(): name for name in CLOUD_SYNC_FUNCTIONS}


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


def resolve_function(name: str) -> str:
    """The canonical runtime name of a function.

    Raises:
        ExpressionError: ``unknown-function`` (with a cloud-sync note when that applies).
    """
    canonical = _BY_LOWER.get(name.lower())
    if canonical is not None:
        return canonical
    cloud = _CLOUD_SYNC_BY_LOWER.get(name.lower())
    if cloud is not None:
        raise ExpressionError(
            "unknown-function",
            f"{cloud} is a cloud-sync only function; app provisioning has no {cloud}()",
        )
    raise ExpressionError("unknown-function", f"unknown function {name}()")


@functools.cache
def _arity(name: str) -> tuple[int, int | None]:
    """(minimum, maximum or None) user-visible arguments of a runtime function."""
    params = list(inspect.signature(RUNTIME_FUNCTIONS[name]).parameters.values())
    if name in CONTEXT_FUNCTIONS:
        params = params[1:]
    low = sum(
        1
        for p in params
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        and p.default is inspect.Parameter.empty
    )
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return low, None if variadic else len(params)


def _fit(name: str, slots: tuple[Any, ...]) -> tuple[Any, ...]:
    """The argument slots, trailing empty slots beyond the maximum dropped, arity checked."""
    low, high = _arity(name)
    if high is not None:
        while len(slots) > high and slots[-1] is None:
            slots = slots[:-1]
    if len(slots) < low or (high is not None and len(slots) > high):
        expected = f"{low}" if low == high else f"{low} to {high}" if high else f"at least {low}"
        raise ExpressionError(
            "invalid-argument", f"{name}() takes {expected} arguments, got {len(slots)}"
        )
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
        name = resolve_function(call.name)
        special = _LAZY.get(name)
        if special is not None:
            return special(self, _fit(name, call.args))
        args = tuple(self.eval(slot) for slot in _fit(name, call.args))
        fn = RUNTIME_FUNCTIONS[name]
        if name in CONTEXT_FUNCTIONS:
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
