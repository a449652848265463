"""Lower textX expression objects to IR, and parse a standalone expression.

This module and ``lower.py`` are the only places (besides ``frontend``) that touch textX objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncrules.catalogue.functions import canonical_name
from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.frontend.parse import parse_expression_model
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, ParamRef, Str
from syncrules.source import SourceFile, Span, span_of


def unescape(raw: str) -> str:
    """Body of a string literal: only \\" and \\\\ are escapes; other backslashes stay."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] in '"\\':
            out.append(body[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def escape(value: str) -> str:
    """A string literal for ``value`` (the inverse of :func:`unescape`)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


AttrResolver = Callable[[str], str]
#: ``$name`` at a span -> the constant it stands for (job lowering; see ``ir/params.py``)
ParamResolver = Callable[[str, Span], Expr]


def _identity(name: str) -> str:
    return name


class ExpressionLowerer:
    """textX expression model → IR ``Expr`` (aliases expanded through ``resolve``)."""

    def __init__(
        self,
        source: SourceFile,
        resolve: AttrResolver = _identity,
        params: ParamResolver | None = None,
    ) -> None:
        self.source = source
        self.resolve = resolve
        # None keeps ``$name`` as a ParamRef (prov fmt prints it back as written)
        self.params = params

    def lower(self, obj: Any) -> Expr:
        kind = type(obj).__name__
        span = span_of(obj, self.source)
        if kind == "Expression":
            left = self.lower(obj.left)
            if obj.op is None:
                return left
            right = self.lower(obj.right)
            return Compare(op=obj.op.op, left=left, right=right, span=span)
        if kind == "Call":
            slots: list[Expr | None] = []
            first = self.lower(obj.first) if obj.first is not None else None
            slots.append(first)
            for slot in obj.rest:
                slots.append(self.lower(slot.value) if slot.value is not None else None)
            if len(slots) == 1 and slots[0] is None:
                slots = []
            raw_name = obj.name.name
            return Call(
                name=canonical_name(raw_name) or raw_name,
                args=tuple(slots),
                span=span,
                name_span=span_of(obj.name, self.source),
            )
        if kind == "AttrRef":
            return AttrRef(name=self.resolve(obj.raw[1:-1]), span=span)
        if kind == "StringLit":
            return Str(value=unescape(obj.raw), raw=obj.raw, span=span)
        if kind == "MacroLit":
            return Str(value=obj.raw, raw=obj.raw, span=span)
        if kind in ("NumberLit", "HexLit"):
            return Num(text=obj.raw, span=span)
        if kind == "BareName":
            return Name(name=obj.name, span=span)
        if kind == "ParamRef":
            name = obj.raw[1:]
            if self.params is None:
                return ParamRef(name=name, span=span)
            return self.params(name, span)
        raise AssertionError(f"unexpected expression node {kind}")


def parse_expression(
    text: str,
    file: str = "<expression>",
    bag: DiagnosticBag | None = None,
    *,
    keep_params: bool = False,
) -> Expr | None:
    """Parse one Entra expression. Syntax errors go to ``bag``; returns None on error.

    A ``$name`` parameter is kept as a ``ParamRef`` with ``keep_params`` (formatting); otherwise
    it is PROV120: a standalone expression has no declarations and no environment."""
    bag = bag if bag is not None else DiagnosticBag()
    source = SourceFile(file, text)
    model = parse_expression_model(source, bag)
    if model is None:
        return None

    used: list[str] = []

    def no_params(name: str, span: Span) -> Expr:
        used.append(name)
        bag.add(
            Code.UNDECLARED_PARAMETER,
            span,
            name=name,
            hint="parameters belong to .prov files; write the constant itself here",
        )
        return Str(value="", span=span)

    lowerer = ExpressionLowerer(source, params=None if keep_params else no_params)
    lower = lowerer.lower(model.expression)
    return None if used else lower
