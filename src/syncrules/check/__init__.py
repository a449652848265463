"""Semantic checks over the IR. Each pass is ``(job, ctx, bag) -> None`` and reports everything it
finds; passes never raise for user mistakes.

Order: names first (they build the symbol table the later passes read), then expressions (types,
functions, literals), then rule-level logic (matching, scoping, actions).
Checks run over the IR, not the textX model, because the IR carries a span on every node and the
same checks then serve jobs that did not come from text (``prov import``).
"""

from __future__ import annotations

from collections.abc import Callable

from syncrules.check.context import CheckContext
from syncrules.check.names import check_names
from syncrules.check.rules import check_rules
from syncrules.check.types import check_expressions
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.nodes import Job

Pass = Callable[[Job, CheckContext, DiagnosticBag], None]

CHECKS: tuple[tuple[str, Pass], ...] = (
    ("names", check_names),
    ("expressions", check_expressions),
    ("rules", check_rules),
)


def check_job(job: Job, bag: DiagnosticBag) -> CheckContext:
    ctx = CheckContext.for_job(job)
    for _name, run in CHECKS:
        run(job, ctx, bag)
    return ctx
