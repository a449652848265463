"""Run the `test` blocks of .prov files through the generated evaluators.

A test's `given` records are processed in order against an in-memory target directory that starts
with the `existing` user (if any): a record matches a user by the job's matching attributes, as in
a provisioning cycle, so a second record for the same worker updates what the first created. The
`expect` line judges the outcome of the LAST given record. Every test runs with a fixed clock
(`now`, default 2025-01-01T00:00:00Z) and seed (`seed`, default 0), so results are reproducible.
"""

from __future__ import annotations

import fnmatch
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from syncrules.api import CheckResult, check_paths
from syncrules.backends.python.load import load_evaluator
from syncrules.diagnostics import Diagnostic
from syncrules.ir.nodes import Job, TestCase
from syncrules.runtime.text import ignore_case

DEFAULT_NOW = datetime(2025, 1, 1, tzinfo=UTC)
DEFAULT_SEED = 0


@dataclass
class TestResult:
    name: str
    file: str
    line: int
    col: int
    job: str
    status: str  # "passed" | "failed" | "error"
    failures: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # scoping, matching, processing narrative
    duration: float = 0.0

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Coverage:
    probes: list[str]
    hit: set[str]

    @property
    def covered(self) -> int:
        return sum(1 for p in self.probes if p in self.hit)

    @property
    def total(self) -> int:
        return len(self.probes)

    def percent_text(self) -> str:
        if not self.total:
            return "100.00"
        # floor to two decimals: a report never rounds up to a pass
        hundredths = self.covered * 10000 // self.total
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    def meets(self, threshold: float) -> bool:
        """covered/total >= threshold/100, computed exactly (no floating point, no rounding)."""
        from fractions import Fraction

        if not self.total:
            return True
        return Fraction(self.covered, self.total) * 100 >= Fraction(str(threshold))

    def missed(self) -> list[str]:
        return [p for p in self.probes if p not in self.hit]


@dataclass
class TestReport:
    results: list[TestResult]
    diagnostics: list[Diagnostic]
    check: CheckResult
    coverage: Coverage | None = None

    @property
    def ok(self) -> bool:
        return self.check.ok and all(r.status == "passed" for r in self.results)


def collect(paths: Sequence[str | Path]) -> tuple[CheckResult, list[tuple[Job, TestCase]]]:
    """Check the paths and list (job, test) pairs, each test once (files may import each other)."""
    result = check_paths(paths)
    seen: set[tuple[str, int, int]] = set()
    cases = []
    for job in result.jobs:
        for case in job.tests:
            key = (case.span.file, case.span.line, case.span.col)
            if key in seen:
                continue
            seen.add(key)
            cases.append((job, case))
    return result, cases


class _Directory:
    """Target users of one test, matched by the job's matching attributes."""

    def __init__(self, existing: object | None) -> None:
        self.users: list[dict[str, Any]] = []
        if isinstance(existing, dict):
            self.users.append(dict(existing))

    def find(self, keys: list[tuple[str, Any]]) -> dict[str, Any] | None:
        for attribute, value in keys:
            wanted = ignore_case(str(value))
            for user in self.users:
                if attribute in user and ignore_case(str(user[attribute])) == wanted:
                    return user
        return None

    def taken(self, ctx: Any, extra: frozenset[str]) -> Any:
        def is_taken(value: str) -> bool:
            folded = ignore_case(value)
            if folded in extra:
                return True
            return any(ignore_case(str(u.get(ctx.target, ""))) == folded for u in self.users)

        return is_taken

    def apply(self, outcome: Any, existing: dict[str, Any] | None) -> None:
        if outcome.action == "create":
            self.users.append(dict(outcome.values))
        elif outcome.action == "delete" and existing is not None:
            self.users.remove(existing)
        elif outcome.action in ("update", "enable", "disable") and existing is not None:
            for attribute, (_old, new) in outcome.changes.items():
                existing[attribute] = new


def _parse_now(text: str | None) -> datetime:
    from syncrules.runtime.context import parse_instant

    return parse_instant(text) if text else DEFAULT_NOW


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return (
            expected is actual
            if isinstance(actual, bool)
            else str(actual).lower() == str(expected).lower()
        )
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return str(actual) == str(expected) or actual == expected
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def run_case(module: ModuleType, job: Job, case: TestCase) -> TestResult:
    started = time.perf_counter()
    result = TestResult(
        case.name, case.span.file, case.span.line, case.span.col, job.name, "passed"
    )
    try:
        now = _parse_now(case.now)
    except ValueError:
        result.status = "error"
        result.failures.append(f"`now {case.now}` is not an ISO-8601 time")
        return result
    directory = _Directory(case.existing)
    extra = frozenset(ignore_case(v) for v in case.taken)
    outcome = None
    for index, record in enumerate(case.given, 1):
        if not isinstance(record, dict):
            result.status = "error"
            result.failures.append(f"given record {index} is not a JSON object")
            return result
        ctx = module.EvalContext(
            now=now,
            seed=case.seed if case.seed is not None else DEFAULT_SEED,
            default_domain=case.domain,
        )
        ctx.taken = directory.taken(ctx, extra)
        found: list[Any] = []

        def find(keys: list[tuple[str, Any]], found: list[Any] = found) -> tuple[Any, None]:
            found.append(directory.find(keys))
            return found[-1], None

        # looked up through evaluate, as prov run does: a record whose scoping or matching
        # keys cannot be decided (a regex timeout) fails alone instead of raising
        outcome = module.evaluate(record, None, ctx, find=find)
        existing = found[0] if found else None
        label = f"record {index}" if len(case.given) > 1 else "record"
        result.steps.append(f"{label}: scoping: {outcome.scope.reason}")
        shown_keys = ", ".join(f"{k} = {_show(v)}" for k, v in outcome.keys) or "(none)"
        matched = "matched an existing user" if existing is not None else "no existing user"
        result.steps.append(f"{label}: matching: {shown_keys}: {matched}")
        result.steps.append(f"{label}: processing: {outcome.action}: {outcome.reason}")
        directory.apply(outcome, existing)
    if outcome is None:
        result.status = "error"
        result.failures.append("the test has no `given user` record")
        return result
    _judge(job, case, outcome, result)
    result.duration = time.perf_counter() - started
    return result


def _dropped(job: Job, outcome: Any, name: str) -> bool:
    """The attribute does not flow: IgnoreFlowIfNullOrEmpty fired, or its mapping is `on create`
    only and the record was not created."""
    if name in outcome.no_flow:
        return True
    if outcome.action != "create":
        return any(m.target == name and m.flow.value == "ObjectAddOnly" for m in job.mappings)
    return False


def _judge(job: Job, case: TestCase, outcome: Any, result: TestResult) -> None:
    if outcome.action != case.action:
        result.failures.append(f"action: expected {case.action}, got {outcome.action}")
        if outcome.error:
            result.failures.append(f"error: {outcome.error}")
    if case.group is not None and outcome.scope.group != case.group:
        result.failures.append(
            f"scope group: expected {_show(case.group)}, got {_show(outcome.scope.group)}"
        )
    flowing = dict(outcome.values)
    for attribute, (_old, new) in outcome.changes.items():
        flowing.setdefault(attribute, new)
    for check in case.expectations:
        name = check.attribute
        present = name in flowing
        actual = flowing.get(name)
        if check.kind == "equals":
            if not present:
                why = "does not flow" if name in outcome.no_flow else "is not set"
                result.failures.append(f"{name}: expected {_show(check.value)}, but it {why}")
            elif not _same(check.value, actual):
                result.failures.append(
                    f"{name}: expected {_show(check.value)}, got {_show(actual)}"
                )
        elif check.kind == "not_set":
            if present:
                result.failures.append(f"{name}: expected not set, got {_show(actual)}")
            elif _dropped(job, outcome, name):
                result.failures.append(
                    f"{name}: expected not set (NULL), but it does not flow "
                    "(IgnoreFlowIfNullOrEmpty or an `on create` mapping on update)"
                )
        elif present:
            result.failures.append(f"{name}: expected not to flow, got {_show(actual)}")
        elif not _dropped(job, outcome, name):
            result.failures.append(
                f"{name}: expected not to flow, but it is simply not set (its value is NULL)"
            )
    if result.failures:
        result.status = "failed"


def run_tests(
    paths: Sequence[str | Path], pattern: str | None = None, coverage: bool = False
) -> TestReport:
    check, cases = collect(paths)
    report = TestReport([], check.diagnostics, check)
    if not check.ok:
        return report
    if pattern:
        cases = [(j, c) for j, c in cases if _matches(pattern, c.name)]
    modules: dict[int, ModuleType] = {}
    probes: list[str] = []
    hits: set[str] = set()
    for job in check.jobs:
        if any(j is job for j, _ in cases) and id(job) not in modules:
            modules[id(job)] = load_evaluator(job, instrument=coverage)
    for job, case in cases:
        module = modules[id(job)]
        lazy = _runtime_lazy(module)
        if coverage:
            lazy.COVERAGE = hits
        try:
            report.results.append(run_case(module, job, case))
        finally:
            lazy.COVERAGE = None
    if coverage:
        for module in modules.values():
            for probe in module.COVERAGE_PROBES:
                if probe not in probes:
                    probes.append(probe)
        report.coverage = Coverage(sorted(probes), hits)
    return report


def _runtime_lazy(module: ModuleType) -> Any:
    package = module.__name__.rsplit(".", 1)[0]
    return sys.modules[f"{package}._runtime.lazy"]


def _matches(pattern: str, name: str) -> bool:
    """pytest -k style: a substring, or a glob when it has wildcards; case-insensitive."""
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatch(name.lower(), pattern.lower())
    return pattern.lower() in name.lower()
