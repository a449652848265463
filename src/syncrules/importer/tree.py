"""Graph ``attributeMappingSource`` trees → IR expressions.

The structured tree is authoritative (real exports carry constants whose ``expression`` is null
and parents whose ``expression`` silently drops them); the ``expression`` text is used only when it
parses to the same tree, to keep details the tree cannot carry (bare numbers, trailing empty slots).
"""

from __future__ import annotations

import re
from typing import Any

from syncrules.catalogue import functions as fncat
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str

IIF_KEYS = ("one", "two", "three", "four", "five")
COMPARE_OPS = ("=", "<>", "<", "<=", ">", ">=")


# As the grammar (grammar/prov.tx) reads an attribute reference and a function name: a name that
# cannot be written back is refused rather than written as text that does not parse.
ATTR_REF = re.compile(r'\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*"|\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*")*\])*\]')
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TreeError(ValueError):
    """A source tree that cannot be written as an expression."""


#: The deepest nesting of function calls imported. The .prov parser reads somewhat deeper (about
#: 55 nested IIFs, more for simpler calls, within Python's recursion limit); no real mapping comes
#: near either, and a deeper tree is refused with a reason instead of written as a file that
#: cannot be read back.
MAX_CALL_DEPTH = 40


def tree_problem(source: dict[str, Any]) -> str | None:
    """Why a source tree cannot be read (a part of the wrong JSON type, or function calls nested
    past MAX_CALL_DEPTH), naming the part by its path below the tree; None when it can. Walks
    the tree without recursion, so any depth of JSON is safe."""
    from syncrules.run.jsoncodec import json_kind

    stack: list[tuple[Any, str, int]] = [(source, "", 0)]
    while stack:
        node, at, depth = stack.pop()
        if node is None:
            continue
        if not isinstance(node, dict):
            return f"{at.lstrip('.') or 'the source'} must be an object, not {json_kind(node)}"
        if node.get("type") == "Function":
            depth += 1
            if depth > MAX_CALL_DEPTH:
                return f"function calls nest more than {MAX_CALL_DEPTH} deep"
        params = node.get("parameters")
        if not isinstance(params, list | None):
            return f"{at}.parameters must be a list, not {json_kind(params)}".lstrip(".")
        for index, param in enumerate(params or ()):
            where = f"{at}.parameters[{index}]"
            if not isinstance(param, dict):
                return f"{where} must be an object, not {json_kind(param)}".lstrip(".")
            stack.append((param.get("value"), f"{where}.value", depth))
    return None


def expression_from_tree(source: dict[str, Any]) -> Expr:
    """The IR expression of a Graph source tree (preferring its text when it agrees)."""
    problem = tree_problem(source)
    if problem is not None:
        raise TreeError(problem)
    built = _build(source)
    text = source.get("expression")
    if isinstance(text, str) and text.strip():
        parsed = parse_expression(text, bag=DiagnosticBag())
        if parsed is not None and _agrees(parsed, built):
            return parsed
    return built


def _params(source: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    params = source.get("parameters")
    if not isinstance(params, list | None):
        raise TreeError(f"the parameters of {source.get('name')!r} are not a list")
    for param in params or []:
        if not isinstance(param, dict) or not isinstance(param.get("value"), dict):
            raise TreeError(f"a parameter of {source.get('name')!r} has no value")
        out.append((str(param.get("key")), param["value"]))
    return out


_MACRO = re.compile(r"%[A-Za-z_][A-Za-z0-9_]*%")

def _build(source: dict[str, Any]) -> Expr:
    kind = source.get("type") or "Attribute"
    name = source.get("name")
    if not isinstance(name, str):
        raise TreeError("a source without a name")
    if kind == "Attribute":
        if not ATTR_REF.fullmatch(f"[{name}]"):
            raise TreeError(f"the attribute name {name!r} cannot be written in .prov")
        return AttrRef(name=name)
    if kind == "Constant":
        if source.get("expression") is None and _MACRO.fullmatch(name):
            return Str(value=name, raw=name)  # %DomainFQDN%: a macro constant, kept as such
        return Str(value=name)
    if kind != "Function":
        raise TreeError(f"unknown source type {kind!r}")
    if not _FUNCTION_NAME.fullmatch(name):
        raise TreeError(f"{name!r} is not a function name")
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
