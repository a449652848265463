"""Run the `test` blocks of .prov files through the generated evaluators.

A test's `given` records are one provisioning cycle: they go through the same cycle code as
`prov run` (``run.replay``: link to the source anchor first, then the matching keys, the UPN
conflict check, references with escrow, the deletion threshold) against an in-memory directory
that starts with the `existing user` records (in `prov directory import` form: attributes plus
optional ``_id`` and ``_anchor``) and the `taken` values, so a second record for the same worker
updates what the first created. The `expect` line judges the LAST given record: its action as
the run's log record has it, and the values it provisions. Every test runs with a fixed clock
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
from syncrules.ir.params import ParamValues

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


def collect(
    paths: Sequence[str | Path], params: ParamValues | None = None
) -> tuple[CheckResult, list[tuple[Job, TestCase]]]:
    """Check the paths and list (job, test) pairs, each test once (files may import each other).

    Parameters the environment leaves unset are deferred: a test may set them itself
    (``param name = value``); ``run_tests`` lowers such a test's job again with its values."""
    deferred = ParamValues(
        dict(params.values) if params else {}, params.origin if params else None, deferred=True
    )
    result = check_paths(paths, deferred)
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


def run_case(
    module: ModuleType, job: Job, case: TestCase, default_domain: str | None = None
) -> TestResult:
    """Replay the test's `given` records through the `prov run` cycle (``run.replay``) against
    an in-memory directory seeded with its `existing user` records and `taken` values, and
    judge the last record by its log record and outcome. ``default_domain`` (the
    environment's) applies unless the test sets `domain`."""
    from syncrules.run.cycle import RunOptions
    from syncrules.run.directory import import_users
    from syncrules.run.memory import MemoryStore
    from syncrules.run.replay import replay

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
    if not case.given:
        result.status = "error"
        result.failures.append("the test has no `given user` record")
        return result
    for index, record in enumerate(case.given, 1):
        if not isinstance(record, dict):
            result.status = "error"
            result.failures.append(f"given record {index} is not a JSON object")
            return result
    users = import_users(list(case.existing), "existing user")
    if isinstance(users, str):
        result.status = "error"
        result.failures.append(users.replace("existing user: [", "existing user [", 1))
        return result
    directory = MemoryStore(users, reserved=case.taken)
    options = RunOptions(now=now, seed=case.seed if case.seed is not None else DEFAULT_SEED,
                         default_domain=case.domain if case.domain is not None else default_domain,
                         apply=True)
    many = len(case.given) > 1
    replayed = replay(job, module, case.given, options, directory,
                      location=lambda i: f"given record {i}" if many else "given record")
    for item in replayed:
        label = f"record {item.index}" if many else "record"
        result.steps.extend(f"{label}: {line}" for line in explain_steps(item.result))
    _judge(job, case, replayed[-1], result)
    result.duration = time.perf_counter() - started
    return result


def explain_steps(result: Any) -> list[str]:
    """A log record's steps as a test failure explains them: ``kind: description``, with the
    status when it is a warning or a failure."""
    lines = []
    for kind, status, description, _ in result.steps:
        mark = f" [{status}]" if status in ("warning", "failure") else ""
        lines.append(f"{kind}: {description}{mark}")
    return lines


def _dropped(job: Job, outcome: Any, name: str) -> bool:
    """The attribute does not flow: IgnoreFlowIfNullOrEmpty fired, or its mapping is `on create`
    only and the record was not created."""
    if name in outcome.no_flow:
        return True
    if outcome.action != "create":
        return any(m.target == name and m.flow.value == "ObjectAddOnly" for m in job.mappings)
    return False


def _judge(job: Job, case: TestCase, replayed: Any, result: TestResult) -> None:
    record, outcome = replayed.result, replayed.outcome
    if record.action != case.action:
        result.failures.append(f"action: expected {case.action}, got {record.action}")
        if record.error_code is not None and record.status == "failure":
            result.failures.append(f"error: {record.error_code}: {record.error_reason}")
    scope_group = outcome.scope.group if outcome is not None else None
    if case.group is not None and scope_group != case.group:
        result.failures.append(
            f"scope group: expected {_show(case.group)}, got {_show(scope_group)}"
        )
    references = [m.target for m in evaluator_references(job)]
    flowing = replayed.flowing(references)
    no_flow = outcome.no_flow if outcome is not None else []
    for check in case.expectations:
        before = len(result.failures)
        name = check.attribute
        present = name in flowing
        actual = flowing.get(name)
        if check.kind == "equals":
            if not present:
                why = "does not flow" if name in no_flow else "is not set"
                result.failures.append(f"{name}: expected {_show(check.value)}, but it {why}")
            elif not _same(check.value, actual):
                result.failures.append(
                    f"{name}: expected {_show(check.value)}, got {_show(actual)}"
                )
        elif check.kind == "not_set":
            if present:
                result.failures.append(f"{name}: expected not set, got {_show(actual)}")
            elif outcome is not None and _dropped(job, outcome, name):
                result.failures.append(
                    f"{name}: expected not set (NULL), but it does not flow "
                    "(IgnoreFlowIfNullOrEmpty or an `on create` mapping on update)"
                )
        elif present:
            result.failures.append(f"{name}: expected not to flow, got {_show(actual)}")
        elif outcome is None or not _dropped(job, outcome, name):
            result.failures.append(
                f"{name}: expected not to flow, but it is simply not set (its value is NULL)"
            )
        _point_at(check, result.failures, before)
    if result.failures:
        result.status = "failed"


def _point_at(check: Any, failures: list[str], start: int) -> None:
    """Prefix the failures an expectation added with its own position (``file:line:col:``),
    so a failing test points at the failing line, not only at its `test` line."""
    at = check.span
    for index in range(start, len(failures)):
        failures[index] = f"{at.file}:{at.line}:{at.col}: {failures[index]}"


def evaluator_references(job: Job) -> list[Any]:
    """The job's mappings to reference attributes (``manager``): their values are resolved by
    the cycle, so a test sees the target id they resolve to."""
    from syncrules.catalogue.attributes import target_attributes

    targets = target_attributes(job.target.value)
    return [m for m in job.mappings
            if (d := targets.get(m.target)) is not None and d.type == "Reference"]


def job_for_case(
    job: Job,
    case: TestCase,
    params: ParamValues | None,
    jobs: dict[tuple[str, tuple[tuple[str, object], ...]], Job | list[Diagnostic]],
) -> Job | list[Diagnostic]:
    """The job a test runs against: lowered again (once per set of values) with the
    environment's parameter values and the test's own ``param`` steps over them; or the errors
    of that lowering (an unset parameter: PROV121)."""
    from syncrules.check import check_job
    from syncrules.diagnostics import DiagnosticBag
    from syncrules.ir.lower import load_job

    values: dict[str, str | int] = dict(params.values) if params else {}
    values.update(case.params)
    key = (job.source_path, tuple(sorted(values.items())))
    if key not in jobs:
        bag = DiagnosticBag()
        origin = params.origin if params else None
        shown = f"{origin} and the test" if origin and case.params else origin
        loaded = load_job(Path(job.source_path), bag, ParamValues(values, shown))
        if loaded.job is not None:
            check_job(loaded.job, bag)
        errors = [d for d in bag.sorted() if d.severity.value == "error"]
        jobs[key] = errors if errors or loaded.job is None else loaded.job
    return jobs[key]


def run_tests(
    paths: Sequence[str | Path],
    pattern: str | None = None,
    coverage: bool = False,
    params: ParamValues | None = None,
    default_domain: str | None = None,
) -> TestReport:
    check, cases = collect(paths, params)
    report = TestReport([], check.diagnostics, check)
    if not check.ok:
        return report
    if pattern:
        cases = [(j, c) for j, c in cases if _matches(pattern, c.name)]
    modules: dict[int, ModuleType] = {}
    probes: list[str] = []
    hits: set[str] = set()
    lowered: dict[tuple[str, tuple[tuple[str, object], ...]], Job | list[Diagnostic]] = {}
    resolved: list[tuple[Job, TestCase, list[Diagnostic]]] = []
    for job, case in cases:
        own = job_for_case(job, case, params, lowered) if job.params else job
        if isinstance(own, list):
            resolved.append((job, case, own))
            continue
        resolved.append((own, case, []))
        if id(own) not in modules:
            modules[id(own)] = load_evaluator(own, instrument=coverage)
    for job, case, errors in resolved:
        if errors:
            report.results.append(_unlowered(job, case, errors))
            continue
        module = modules[id(job)]
        lazy = _runtime_lazy(module)
        if coverage:
            lazy.COVERAGE = hits
        try:
            report.results.append(run_case(module, job, case, default_domain))
        finally:
            lazy.COVERAGE = None
    if coverage:
        for module in modules.values():
            for probe in module.COVERAGE_PROBES:
                if probe not in probes:
                    probes.append(probe)
        report.coverage = Coverage(sorted(probes), hits)
    return report


def _unlowered(job: Job, case: TestCase, errors: list[Diagnostic]) -> TestResult:
    """A test whose job cannot be compiled with its parameter values: an error, with why."""
    result = TestResult(case.name, case.span.file, case.span.line, case.span.col, job.name, "error")
    for d in errors:
        s = d.span
        hint = f" ({d.hint})" if d.hint else ""
        result.failures.append(
            f"{s.file}:{s.line}:{s.col}: error[{d.code.value}]: {d.message}{hint}"
        )
    return result


def _runtime_lazy(module: ModuleType) -> Any:
    package = module.__name__.rsplit(".", 1)[0]
    return sys.modules[f"{package}._runtime.lazy"]


def _matches(pattern: str, name: str) -> bool:
    """pytest -k style: a substring, or a glob when it has wildcards; case-insensitive."""
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatch(name.lower(), pattern.lower())
    return pattern.lower() in name.lower()
