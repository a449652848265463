"""Evaluate one expression the way `prov eval` does: parse, check, then run the interpreter."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from syncrules.check.context import CheckContext
from syncrules.check.names import check_functions
from syncrules.check.types import check_expression
from syncrules.diagnostics import Code, Diagnostic, DiagnosticBag, Severity
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import Job, TargetKind
from syncrules.source import SourceFile

#: Diagnostics that describe a job's configuration, not the expression itself: not shown by eval.
_NOT_FOR_EVAL = {Code.SELECT_UNIQUE_TARGET, Code.NULLABLE_CONDITION, Code.SELECT_UNIQUE_MATCHING}

#: Misuse Microsoft warns about, yet prints in its own examples: `prov check` refuses it in a job,
#: `prov eval` warns and evaluates, so a documented example can still be tried.
_WARN_IN_EVAL = {
    Code.SELECT_UNIQUE_NESTED,
    Code.IGNOREFLOW_IN_CONDITION,
    Code.PREDICATE_SWITCH_SOURCE,
    Code.INVALID_ENUM_ARGUMENT,
}


@dataclass
class EvalRequest:
    expression: str
    attributes: dict[str, Any] = field(default_factory=dict)
    now: datetime | None = None
    seed: int | None = None
    default_domain: str | None = None
    taken: frozenset[str] = frozenset()


@dataclass
class EvalResult:
    source: SourceFile
    diagnostics: list[Diagnostic]
    value: Any = None
    flows: bool = False
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def _context_job() -> Job:
    return Job(
        name="eval",
        target=TargetKind.AD,
        actions=("create", "update"),
        deletion_threshold=None,
        extensions=(),
        mappings=(),
        scope=(),
        csv=(),
        graph=None,
        tests=(),
    )


def run_eval(request: EvalRequest) -> EvalResult:
    from syncrules.evaluate import evaluate_mapping
    from syncrules.runtime import EvalContext, ExpressionError

    source = SourceFile("<expression>", request.expression)
    bag = DiagnosticBag()
    expr = parse_expression(request.expression, "<expression>", bag)
    if expr is not None:
        check_functions(expr, bag)
        check_expression(expr, CheckContext.for_job(_context_job()), bag)
    diags = [
        dataclasses.replace(d, severity=Severity.WARNING) if d.code in _WARN_IN_EVAL else d
        for d in bag.sorted()
        if d.code not in _NOT_FOR_EVAL
    ]
    result = EvalResult(source, diags)
    if expr is None or not result.ok:
        return result
    kwargs: dict[str, Any] = {
        "seed": request.seed,
        "default_domain": request.default_domain,
        "taken": request.taken,
    }
    if request.now is not None:
        kwargs["now"] = request.now
    ctx = EvalContext(**kwargs)
    attributes = {k: v for k, v in request.attributes.items() if v is not None}
    try:
        flows, value = evaluate_mapping(expr, attributes, ctx)
    except ExpressionError as exc:
        extra = DiagnosticBag()
        extra.add(Code.EVALUATION_FAILED, expr.span, detail=exc.message)
        result.diagnostics = result.diagnostics + extra.items
        return result
    except RecursionError:
        extra = DiagnosticBag()
        extra.add(Code.EVALUATION_FAILED, expr.span, detail="expression is nested too deeply")
        result.diagnostics = result.diagnostics + extra.items
        return result
    if not flows:
        result.reason = "IgnoreFlowIfNullOrEmpty dropped the attribute"
    elif value is None:
        flows = False
        result.reason = "the result is NULL, which Entra does not provision"
    result.flows = flows
    result.value = value
    return result
