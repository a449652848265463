"""The two diffs of a plan: semantic (the compiled rules) and behavioural (fixture records)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.backends.jobconfig.merge import Change, merge_schema
from syncrules.backends.python.load import load_evaluator
from syncrules.plan.sides import Side
from syncrules.testing.fixtures import (
    FixtureContext,
    entry_problem,
    evaluate_records,
    read_fixture,
)


@dataclass
class RecordChange:
    fixture: str
    record: int
    external_id: Any
    lines: list[str]


@dataclass
class Plan:
    settings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    records: list[RecordChange] = field(default_factory=list)
    fixtures_read: int = 0
    #: fixture entries that could not be evaluated: "<file> record <n>: <reason>"
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.settings or self.changes or self.records)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def semantic(old: Side, new: Side) -> tuple[list[str], list[Change]]:
    settings = []
    for key, label in (
        ("target", "target"),
        ("actions", "actions"),
        ("deletionThreshold", "deletion threshold"),
        ("name", "job name"),
    ):
        a, b = old.document["job"].get(key), new.document["job"].get(key)
        if a != b:
            settings.append(f"~ {label}: {_show(a)} -> {_show(b)}")
    merged = merge_schema(old.document["schema"], new.document["schema"])
    return settings, list(merged.changes)


def behavioural(
    old: Side, new: Side, fixtures: list[Path], problems: list[str] | None = None,
    context: FixtureContext | None = None,
) -> list[RecordChange]:
    """Records whose scope, action or values differ; entries that cannot be evaluated (not a
    JSON object, ...) go to ``problems`` with their position, and the others are compared."""
    old_module, new_module = load_evaluator(old.job), load_evaluator(new.job)
    out: list[RecordChange] = []
    for path in fixtures:
        records, own = read_fixture(path)
        for index, record in enumerate(records, 1):
            problem = entry_problem(record)
            if problem is not None and problems is not None:
                problems.append(f"{path.name} record {index}: {problem}; not evaluated")
        used = (context or FixtureContext()).over(own)
        before = evaluate_records(old.job, old_module, records, used)
        after = evaluate_records(new.job, new_module, records, used)
        for a, b in zip(before, after, strict=True):
            lines = _record_lines(a, b)
            if lines:
                out.append(RecordChange(path.name, a["record"], a.get("externalId"), lines))
    return out


def _record_lines(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    lines = []
    if a.get("scopeGroup") != b.get("scopeGroup") or (a["action"] == "skip") != (
        b["action"] == "skip"
    ):
        lines.append(f"scope: {_show(a.get('scopeGroup'))} -> {_show(b.get('scopeGroup'))}")
    if a["action"] != b["action"]:
        lines.append(f"action: {a['action']} -> {b['action']}")
    va = a.get("values") or {k: v["new"] for k, v in (a.get("changes") or {}).items()}
    vb = b.get("values") or {k: v["new"] for k, v in (b.get("changes") or {}).items()}
    for key in sorted(set(va) | set(vb)):
        if va.get(key) != vb.get(key):
            lines.append(f"{key}: {_show(va.get(key))} -> {_show(vb.get(key))}")
    if a.get("error") != b.get("error"):
        lines.append(f"error: {_show(a.get('error'))} -> {_show(b.get('error'))}")
    return lines


def fixture_paths(spec: Path | None, new: Side) -> list[Path]:
    if spec is None:
        from syncrules.testing.fixtures import fixture_files

        return fixture_files(new.job)
    if spec.is_dir():
        return sorted(spec.glob("*.json"))
    return [spec]


def make_plan(
    old: Side, new: Side, fixtures: Path | None, context: FixtureContext | None = None
) -> Plan:
    plan = Plan()
    plan.settings, plan.changes = semantic(old, new)
    paths = fixture_paths(fixtures, new)
    plan.fixtures_read = len(paths)
    plan.records = behavioural(old, new, paths, plan.problems, context)
    return plan
