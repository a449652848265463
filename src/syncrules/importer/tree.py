"""Graph ``attributeMappingSource`` trees → IR expressions.

The structured tree is authoritative (real exports carry constants whose ``expression`` is null
and parents whose ``expression`` silently drops them); the ``expression`` text is used only when it
parses to the same tree, to keep details the tree cannot carry (bare numbers, trailing empty slots).
"""

from __future__ import annotations

from typing import Any

from syncrules.catalogue import functions as fncat
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str

IIF_KEYS = ("one", "two", "three", "four", "five")
COMPARE_OPS = ("=", "<>", "<", "<=", ">", ">=")


class TreeError(ValueError):
    """A source tree that cannot be written as an expression."""


def expression_from_tree(source: dict[str, Any]) -> Expr:
    """The IR expression of a Graph source tree (preferring its text when it agrees)."""
    built = _build(source)
    text = source.get("expression")
    if isinstance(text, str) and text.strip():
        parsed = parse_expression(text, bag=DiagnosticBag())
        if parsed is not None and _agrees(parsed, built):
            return parsed
    return built


def _params(source: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for param in source.get("parameters") or []:
        if not isinstance(param, dict) or not isinstance(param.get("value"), dict):
            raise TreeError(f"a parameter of {source.get('name')!r} has no value")
        out.append((str(param.get("key")), param["value"]))
    return out


def _build(source: dict[str, Any]) -> Expr:
    kind = source.get("type") or "Attribute"
    name = source.get("name")
    if not isinstance(name, str):
        raise TreeError("a source without a name")
    if kind == "Attribute":
        return AttrRef(name=name)
    if kind == "Constant":
        return Str(value=name)
    if kind != "Function":
        raise TreeError(f"unknown source type {kind!r}")
    params = _params(source)
    if name.upper() == "IIF":
        return _build_iif(params)
    if name.upper() == "CBOOL" and any(k == "one" for k, _ in params):
        condition = _condition({k: v for k, v in params})
        return Call(name="CBool", args=(condition,))
    fn = fncat.get(name)
    if fn is None:
        return Call(name=name, args=tuple(_build(v) for _, v in params))
    canonical = fn.name
    slots: list[Expr | None] = []
    remaining = list(params)
    # FormatDateTime without dateTimeStyles comes back in the documented 4-slot form with an
    # empty second slot, which compiles to the same parameters as the 3-slot form.
    order = [p.key for p in fn.params]
    repeating = {p.key for p in fn.params if p.repeating}
    for key in order:
        if key in repeating:
            taken = [v for k, v in remaining if k == key]
            remaining = [(k, v) for k, v in remaining if k != key]
            slots.extend(_build(v) for v in taken)
            continue
        match = next((i for i, (k, _) in enumerate(remaining) if k == key), None)
        if match is None:
            slots.append(None)
        else:
            slots.append(_build(remaining.pop(match)[1]))
    if remaining:
        unknown = ", ".join(k for k, _ in remaining)
        raise TreeError(f"{canonical} has parameters syncrules does not know: {unknown}")
    while slots and slots[-1] is None:
        slots.pop()
    return Call(name=canonical, args=tuple(slots))


def _build_iif(params: list[tuple[str, dict[str, Any]]]) -> Expr:
    by_key = {k: v for k, v in params}
    if set(by_key) - set(IIF_KEYS):
        raise TreeError(f"IIF with unexpected parameters {sorted(by_key)}")
    condition = _condition(by_key)
    yes = _build(by_key["four"]) if "four" in by_key else None
    no = _build(by_key["five"]) if "five" in by_key else None
    return Call(name="IIF", args=(condition, yes, no))


def _condition(by_key: dict[str, dict[str, Any]]) -> Expr:
    """A condition stored as one (operand or predicate) [, two (operator), three (operand)]."""
    if "one" not in by_key:
        raise TreeError("a condition without its first operand")
    condition: Expr = _build(by_key["one"])
    if "two" in by_key:
        op = by_key["two"].get("name")
        if op not in COMPARE_OPS or "three" not in by_key:
            raise TreeError(f"an unknown comparison {op!r}")
        condition = Compare(op=op, left=condition, right=_build(by_key["three"]))
    return condition


def _agrees(parsed: Expr | None, built: Expr | None) -> bool:
    """Same tree, where a bare number may stand for a constant and trailing slots may differ."""
    if parsed is None or built is None:
        return parsed is None and built is None
    if isinstance(parsed, Num) and isinstance(built, Str):
        return parsed.text == built.value
    if isinstance(parsed, Name) and isinstance(built, Str):
        return parsed.name == built.value
    if type(parsed) is not type(built):
        return False
    if isinstance(parsed, Call) and isinstance(built, Call):
        if parsed.name != built.name:
            return False
        a, b = list(parsed.args), list(built.args)
        while a and a[-1] is None:
            a.pop()
        while b and b[-1] is None:
            b.pop()
        if parsed.name == "FormatDateTime" and len(a) == 3 and len(b) == 4 and b[1] is None:
            b = [b[0], b[2], b[3]]  # the 3-slot form binds the same parameters
        return len(a) == len(b) and all(_agrees(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(parsed, Compare) and isinstance(built, Compare):
        return (
            parsed.op == built.op
            and _agrees(parsed.left, built.left)
            and _agrees(parsed.right, built.right)
        )
    return parsed == built
