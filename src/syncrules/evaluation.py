"""Evaluate one expression the way `prov eval` does: parse, check, compile, run.

The expression runs through the same compiled code the generated evaluators ship
(``backends/python/compile_expr.py``), so `prov eval` answers what `prov test` and `prov run`
would compute. The tree walker in ``syncrules.reference_interpreter`` is the reference the
differential tests compare that code against (and what `prov lsp` shows live values with).
"""

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
    from syncrules.backends.python.compile_expr import compile_callable
    from syncrules.runtime import EvalContext, ExpressionError, NoFlow

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
    flows = True
    try:
        value = compile_callable(expr)(attributes, ctx)
    except NoFlow:
        flows, value = False, None
    except ExpressionError as exc:
        return _failed(result, expr, exc.message)
    except (RecursionError, MemoryError, SyntaxError):
        # Python's compiler and the evaluation have a nesting limit (about 200 levels)
        return _failed(result, expr, "expression is nested too deeply")
    if not flows:
        result.reason = "IgnoreFlowIfNullOrEmpty dropped the attribute"
    elif value is None:
        flows = False
        result.reason = "the result is NULL, which Entra does not provision"
    result.flows = flows
    result.value = value
    return result


def _failed(result: EvalResult, expr: Any, detail: str) -> EvalResult:
    extra = DiagnosticBag()
    extra.add(Code.EVALUATION_FAILED, expr.span, detail=detail)
    result.diagnostics = result.diagnostics + extra.items
    return result
