"""Name checks: source and target attributes, duplicates, extensions, functions, placeholders."""

from __future__ import annotations

import re

from syncrules.catalogue import functions as fncat
from syncrules.catalogue.attributes import source_attributes
from syncrules.check.context import CheckContext, did_you_mean
from syncrules.diagnostics import Code, DiagnosticBag, Severity
from syncrules.ir.nodes import AttrRef, Call, Expr, Job, Str
from syncrules.ir.visitor import iter_nodes
from syncrules.runtime.scoping import ACCOUNT_STATE
from syncrules.source import Span

_PLACEHOLDER = re.compile(r"<[A-Za-z][A-Za-z0-9 _-]*>")

#: Paths a `source csv` block may fill besides the source attributes themselves.
_SCIM_EXTRA = ("active", "externalId", "userName", "displayName")


def _attr_refs(expr: Expr) -> list[AttrRef]:
    return [n for n in iter_nodes(expr) if isinstance(n, AttrRef)]


def check_source_ref(ref: AttrRef, ctx: CheckContext, bag: DiagnosticBag) -> None:
    if ctx.source(ref.name) is not None:
        return
    if _PLACEHOLDER.search(ref.name):
        bag.add(Code.PLACEHOLDER, ref.span, text=f"[{ref.name}]")
        return
    bag.add(
        Code.UNKNOWN_SOURCE_ATTRIBUTE,
        ref.span,
        name=ref.name,
        hint=did_you_mean(ref.name, ctx.sources)
        or 'declare it in an `extension "urn:..." { Name: string }` block',
    )


def check_functions(expr: Expr, bag: DiagnosticBag) -> None:
    for node in iter_nodes(expr):
        if not isinstance(node, Call):
            continue
        fn = fncat.get(node.name)
        if fn is None:
            bag.add(
                Code.UNKNOWN_FUNCTION,
                node.name_span,
                name=node.name,
                hint=did_you_mean(node.name, list(fncat.all_functions())),
            )
        elif fn.engine != "app":
            bag.add(Code.CLOUD_SYNC_FUNCTION, node.name_span, name=fn.name)


def check_placeholders(expr: Expr, bag: DiagnosticBag) -> None:
    for node in iter_nodes(expr):
        if isinstance(node, Str) and _PLACEHOLDER.fullmatch(node.value.strip()):
            bag.add(Code.PLACEHOLDER, node.span, text=node.value)


def check_names(job: Job, ctx: CheckContext, bag: DiagnosticBag) -> None:
    _check_extensions(job, ctx, bag)
    seen_targets: dict[str, Span] = {}
    for mapping in job.mappings:
        target_span = Span(
            mapping.span.file,
            mapping.span.line,
            mapping.span.col,
            mapping.span.line,
            mapping.span.col + len(mapping.target),
        )
        if mapping.matching_priority:
            # `match EXPR -> target`: point at the whole line.
            target_span = mapping.span
        if ctx.target(mapping.target) is None:
            bag.add(
                Code.UNKNOWN_TARGET_ATTRIBUTE,
                target_span,
                name=mapping.target,
                target=job.target.value,
                hint=did_you_mean(mapping.target, ctx.targets),
            )
        first = seen_targets.get(mapping.target)
        if first is not None:
            bag.add(
                Code.DUPLICATE_TARGET,
                target_span,
                name=mapping.target,
                hint=f"first mapped at {first.file}:{first.line}:{first.col}",
            )
        else:
            seen_targets[mapping.target] = target_span
        for ref in _attr_refs(mapping.expression):
            check_source_ref(ref, ctx, bag)
        check_functions(mapping.expression, bag)
        check_placeholders(mapping.expression, bag)
    for group in job.scope:
        for clause in group.clauses:
            if ctx.source(clause.attribute) is None:
                bag.add(
                    Code.UNKNOWN_SOURCE_ATTRIBUTE,
                    clause.span,
                    name=clause.attribute,
                    hint=did_you_mean(clause.attribute, ctx.sources),
                )
    for entry in job.csv:
        if ctx.source(entry.path) is None and entry.path not in _SCIM_EXTRA:
            bag.add(
                Code.UNKNOWN_SCIM_PATH,
                entry.span,
                name=entry.path,
                hint=did_you_mean(entry.path, ctx.sources),
            )
        check_functions(entry.expression, bag)
    _check_expectations(job, ctx, bag)


def _check_expectations(job: Job, ctx: CheckContext, bag: DiagnosticBag) -> None:
    """PROV114: a test expectation on an attribute the job never writes (a typo such as
    ``userPrincipleName`` would otherwise fail, or pass, whatever the rules do)."""
    written = [m.target for m in job.mappings]
    written.append(ACCOUNT_STATE.get(job.target.value, ("accountEnabled", True))[0])
    known = set(written)
    for test in job.tests:
        for expectation in test.expectations:
            if expectation.attribute in known:
                continue
            hint = did_you_mean(expectation.attribute, sorted(known))
            if hint is None and ctx.target(expectation.attribute) is not None:
                hint = f"map it (`{expectation.attribute} <- ...`) or drop the expectation"
            at = expectation.span
            bag.add(
                Code.UNMAPPED_EXPECTATION,
                Span(at.file, at.line, at.col, at.line, at.col + len(expectation.attribute)),
                test=test.name,
                name=expectation.attribute,
                hint=hint,
            )


def _check_extensions(job: Job, ctx: CheckContext, bag: DiagnosticBag) -> None:
    core = source_attributes()
    declared: dict[str, tuple[str, bool]] = {}
    for ext in job.extensions:
        seen: set[str] = set()
        for attr in ext.attributes:
            if attr.name in seen:
                bag.add(Code.DUPLICATE_EXTENSION_ATTRIBUTE, attr.span, name=attr.full_name)
                continue
            seen.add(attr.name)
            if attr.full_name in core:
                bag.add(
                    Code.EXTENSION_CLASH,
                    attr.span,
                    detail=f"'{attr.full_name}' is already a source attribute of the API schema",
                    severity=Severity.ERROR,
                )
                continue
            shape = (attr.type.value, attr.multivalued)
            previous = declared.get(attr.full_name)
            if previous is not None and previous != shape:
                bag.add(
                    Code.EXTENSION_CLASH,
                    attr.span,
                    detail=f"'{attr.full_name}' is declared again with another type",
                )
            declared.setdefault(attr.full_name, shape)
