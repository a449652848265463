"""Rule-level checks: matching pairs, scoping clauses, actions."""

from __future__ import annotations

from syncrules.check.context import CheckContext
from syncrules.diagnostics import Code, DiagnosticBag
from syncrules.ir.nodes import INT32_MAX, Clause, FlowType, Job
from syncrules.runtime.scoping import BOOLEAN, INTEGER, REGEX, UNARY

#: The largest value of a Graph Int32 (deletion threshold, matching priority).


def check_rules(job: Job, ctx: CheckContext, bag: DiagnosticBag) -> None:
    _check_matching(job, bag)
    _check_numbers(job, bag)
    _check_test_text(job, bag)
    for group in job.scope:
        for clause in group.clauses:
            _check_clause(clause, ctx, bag)
    seen: dict[str, object] = {}
    for group in job.scope:
        if group.name in seen:
            bag.add(Code.DUPLICATE_SCOPE_GROUP, group.span, name=group.name)
        seen[group.name] = group
    if "delete" in job.actions and job.deletion_threshold is None:
        bag.add(
            Code.DELETE_WITHOUT_THRESHOLD,
            job.span,
            hint="add `deletion threshold N` to the job block",
        )


def _check_numbers(job: Job, bag: DiagnosticBag) -> None:
    """Matching priorities the job configuration carries as Graph Int32 values, within their
    range (the compiled schema would not validate otherwise). The deletion threshold and test
    seeds are checked where they are read (``ir.lower``), at the number itself."""
    for mapping in job.mappings:
        priority = mapping.matching_priority
        if priority and not 1 <= priority <= INT32_MAX:
            bag.add(
                Code.NUMBER_OUT_OF_RANGE,
                mapping.span,
                what="matching priority",
                value=priority,
                low=1,
            )


def _check_test_text(job: Job, bag: DiagnosticBag) -> None:
    """Strings of test records and expected values are JSON text: a lone surrogate escape
    (``"\\ud800"``) there is not Unicode text, which `prov run` refuses."""
    from syncrules.jsontext import LONE_SURROGATE, has_lone_surrogate

    for test in job.tests:
        records = [("a `given user` record", r) for r in test.given]
        records.extend(("an `existing user` record", r) for r in test.existing)
        for what, record in records:
            if has_lone_surrogate(record):
                bag.add(
                    Code.NOT_UNICODE_TEXT,
                    test.span,
                    detail=f"test {test.name!r}: {what}: {LONE_SURROGATE}",
                )
        for expectation in test.expectations:
            if has_lone_surrogate(expectation.value):
                bag.add(
                    Code.NOT_UNICODE_TEXT,
                    expectation.span,
                    detail=f"test {test.name!r}: the expected value of "
                    f"{expectation.attribute}: {LONE_SURROGATE}",
                )


def _check_matching(job: Job, bag: DiagnosticBag) -> None:
    matching = [m for m in job.mappings if m.matching_priority]
    if not matching:
        bag.add(
            Code.NO_MATCHING_PAIR,
            job.span,
            hint="add `match [externalId] -> employeeId` (the API-driven default)",
        )
    by_priority: dict[int, object] = {}
    for mapping in matching:
        if mapping.matching_priority in by_priority:
            bag.add(
                Code.DUPLICATE_MATCHING_PRIORITY, mapping.span, priority=mapping.matching_priority
            )
        by_priority[mapping.matching_priority] = mapping
        if mapping.flow is FlowType.OBJECT_ADD_ONLY:
            bag.add(Code.MATCHING_ON_CREATE, mapping.span)


def _check_clause(clause: Clause, ctx: CheckContext, bag: DiagnosticBag) -> None:
    op = clause.operator
    count = len(clause.values)
    if op in UNARY and count:
        bag.add(Code.SCOPE_OPERATOR_ARITY, clause.span, detail=f"{op} takes no value")
    elif op not in UNARY and count != 1:
        bag.add(
            Code.SCOPE_OPERATOR_ARITY,
            clause.span,
            detail=f"{op} takes exactly one value, got {count}",
        )
    defn = ctx.source(clause.attribute)
    if defn is None:
        return  # reported by the names pass
    if defn.multivalued:
        bag.add(Code.SCOPE_UNSUPPORTED_ATTRIBUTE, clause.span, what="multi-valued", name=defn.name)
    elif defn.type == "Reference":
        bag.add(Code.SCOPE_UNSUPPORTED_ATTRIBUTE, clause.span, what="reference", name=defn.name)
    elif defn.type == "DateTime":
        bag.add(Code.SCOPE_UNSUPPORTED_ATTRIBUTE, clause.span, what="date", name=defn.name)
    if op in BOOLEAN and defn.type != "Boolean":
        bag.add(
            Code.SCOPE_OPERAND_TYPE,
            clause.span,
            detail=f"{op} needs a Boolean attribute; '{defn.name}' is {defn.type}",
            hint=f'compare the text instead: [{defn.name}] EQUALS "True"',
        )
    if op in INTEGER:
        for value in clause.values:
            try:
                int(value)
            except ValueError:
                bag.add(
                    Code.SCOPE_OPERAND_TYPE,
                    clause.span,
                    detail=f"{op} compares integers; '{value}' is not an integer",
                )
        if defn.type not in ("Integer", "String"):
            bag.add(
                Code.SCOPE_OPERAND_TYPE,
                clause.span,
                detail=f"{op} compares integers; '{defn.name}' is {defn.type}",
            )
    if op in REGEX:
        from syncrules.runtime import regexes

        for value in clause.values:
            problem = regexes.pattern_problem(value)
            if problem and problem[0] == "unsupported-regex":
                bag.add(Code.UNSUPPORTED_REGEX, clause.span, detail=problem[1])
            elif problem:
                detail = problem[1].removeprefix("invalid regular expression ")
                bag.add(Code.SCOPE_INVALID_REGEX, clause.span, detail=detail)
