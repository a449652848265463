"""The generated ``evaluate`` (the job-specialised, fused path) gives exactly the Outcome of the
generic ``decide(JOB, ...)``: every shipped job (rules/, examples/, valid test cases), over
varied SCIM users (clean and messy: other-case names, extension objects and flat URN keys,
"True" strings, numbers, lists, manager objects, work-filtered entries), against no user and
against existing users, with and without ``find``."""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from syncrules.api import check_paths
from syncrules.backends.python.load import load_evaluator
from syncrules.ir.nodes import AttrRef, Job
from syncrules.ir.printer import compact
from syncrules.runtime import scim
from syncrules.runtime.scoping import clause_holds

ROOT = Path(__file__).parents[2]
NOW = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
USERS_PER_JOB = 150


def _jobs() -> list[Job]:
    paths = [
        *sorted((ROOT / "rules").glob("*.prov")),
        *sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()),
        *sorted(p for p in (ROOT / "tests" / "cases" / "valid").glob("*/*") if p.is_dir()),
    ]
    jobs = []
    for path in paths:
        result = check_paths([path])
        assert result.ok, [d.message for d in result.diagnostics]
        jobs.extend(result.compiled_jobs())
    return jobs


JOBS = _jobs()

STRINGS: list[Any] = [
    "Ada", "", " spaced out ", "Ünïcödé", "ada@acme.com", "123456", "svc-robot", "Employee",
    "Intern", "2024-01-15", "2024-01-15T10:00:00Z", "20240115", "7", "-3", "&HF", 42, 3.5, 10,
    True, False, ["only"], ["a", "b"], [], {"value": "x"}, None, "True", "false",
]
BOOLEANS: list[Any] = [True, False, "True", "true", "FALSE", "yes", 1, 0, None, [True], ""]
REFERENCES: list[Any] = [
    {"value": "W1"}, {"Value": "W2"}, "W3", {"value": None}, None, {"value": 7},
]
MULTI: list[Any] = [["a", "b"], ["x"], [], "single", None, ["", "a"], [1, True]]


def _value(rng: random.Random, type_: str, multi: bool, operands: list[str]) -> Any:
    if multi:
        return copy.deepcopy(rng.choice(MULTI))
    if type_ == "Boolean":
        return rng.choice(BOOLEANS)
    if type_ == "Reference":
        return copy.deepcopy(rng.choice(REFERENCES))
    if operands and rng.random() < 0.4:
        return rng.choice(operands)
    return copy.deepcopy(rng.choice(STRINGS))


def _case(rng: random.Random, key: str) -> str:
    return rng.choice([key, key, key, key.lower(), key.upper()])


def _put(rng: random.Random, user: dict[str, Any], name: str, value: Any) -> None:
    """Place ``value`` at the SCIM path ``name``, cleanly or in one of the messy shapes."""
    if "[" in name:  # collection[key eq "wanted"].field
        collection, rest = name.split("[", 1)
        key, wanted = rest.split(" eq ")[0].strip(), rest.split('"')[1]
        field = name.rsplit(".", 1)[1]
        entry = {_case(rng, key): rng.choice([wanted, wanted.title(), "home"]),
                 _case(rng, field): value}
        shape = rng.randrange(4)
        if shape == 0:
            user[_case(rng, collection)] = [{key: "other", field: "nope"}, entry]
        elif shape == 1:
            user[collection] = entry  # an object where a list is expected
        elif shape == 2:
            user[collection] = [entry, {key: wanted, field: "second"}]
        else:
            user[collection] = "not a list"
        return
    if name.startswith("urn:"):
        urn, _, attr = name.rpartition(":")
        shape = rng.randrange(5)
        if shape == 3:
            user[name] = value  # flat key
        elif shape == 4:
            user[urn] = "not an object"
        else:
            ext = user.setdefault(_case(rng, urn) if shape == 2 else urn, {})
            if isinstance(ext, dict):
                ext[_case(rng, attr)] = value
        return
    parts = name.split(".")
    if len(parts) == 1:
        user[_case(rng, name)] = value
        return
    parent = user.setdefault(_case(rng, parts[0]), {})
    if isinstance(parent, dict):
        parent[_case(rng, parts[1])] = value
    if rng.random() < 0.05:
        user[parts[0]] = "not an object"


def _in_group(module: Any, rng: random.Random, group: Any) -> dict[str, Any]:
    """Values that make every clause of ``group`` hold (as far as candidates allow)."""
    types = {name: (type_, multi) for name, type_, multi in module.JOB.source_attributes}
    chosen: dict[str, Any] = {}
    for attribute in {c.attribute for c in group.clauses}:
        clauses = [c for c in group.clauses if c.attribute == attribute]
        candidates: list[Any] = [*STRINGS, *BOOLEANS, "4", "5", "10", "2", "a b", "x@acme.com",
                                 "C-1234"]
        for c in clauses:
            if c.operand is not None:
                candidates += [c.operand, "a" + c.operand, "a" + c.operand + "b", c.operand + "x"]
        rng.shuffle(candidates)
        type_, multi = types[attribute]
        for candidate in candidates:
            flat = scim.value(copy.deepcopy(candidate), type_, multi)
            if all(clause_holds(c.operator, flat, c.operand) for c in clauses):
                chosen[attribute] = candidate
                break
    return chosen


def _users(module: Any, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    operands: dict[str, list[str]] = {}
    for group in module.JOB.scope:
        for clause in group.clauses:
            if clause.operand is not None:
                operands.setdefault(clause.attribute, []).append(clause.operand)
                operands[clause.attribute].append(clause.operand + "x")
    users = []
    for _ in range(USERS_PER_JOB):
        user: dict[str, Any] = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}
        scoped = _in_group(module, rng, rng.choice(module.JOB.scope)) if (
            module.JOB.scope and rng.random() < 0.6) else {}
        for name, type_, multi in module.JOB.source_attributes:
            if name in scoped:
                _put(rng, user, name, copy.deepcopy(scoped[name]))
            elif rng.random() < 0.8:
                _put(rng, user, name, _value(rng, type_, multi, operands.get(name, [])))
        if rng.random() < 0.3 and "externalId" not in scoped:
            user["externalId"] = f"W{rng.randrange(1000):04d}"
        users.append(user)
    return users


def _existing(rng: random.Random, values: dict[str, Any]) -> dict[str, Any]:
    """A matched target user: the computed values, some changed, some missing, some re-cased."""
    existing = {}
    for name, value in values.items():
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.3:
            existing[name] = rng.choice(["other", True, False, None, ["x"], 1])
        elif roll < 0.4 and isinstance(value, str):
            existing[name] = value.upper()
        else:
            existing[name] = copy.deepcopy(value)
    if rng.random() < 0.5:
        existing["accountEnabled"] = rng.choice([True, False, "True", "false", None])
    if rng.random() < 0.3:
        existing["accountDisabled"] = rng.choice([True, False, "True", None])
    return existing


def _context(module: Any) -> Any:
    return module.EvalContext(now=NOW, seed=7, default_domain="contoso.com",
                              taken=frozenset({"ada", "ada.lovelace", "adalovelace"}))


@pytest.mark.parametrize("job", JOBS, ids=[j.source_path for j in JOBS])
def test_fused_evaluate_equals_generic_decide(job: Job) -> None:
    module = load_evaluator(job)
    assert "decide" not in module.evaluate.__code__.co_names  # the fused path itself
    rng = random.Random(1)
    compared = set()
    for n, user in enumerate(_users(module, seed=len(job.name))):
        created = module.decide(module.JOB, user, None, _context(module))
        targets: list[tuple[dict[str, Any] | None, bool | None]] = [(None, None)]
        for provisioned in (None, True, False):
            targets.append((_existing(rng, created.values), provisioned))
        for existing, provisioned in targets:
            expected = module.decide(module.JOB, copy.deepcopy(user), copy.deepcopy(existing),
                                     _context(module), was_provisioned=provisioned)
            fused = module.evaluate(user, existing, _context(module),
                                    was_provisioned=provisioned)
            assert fused == expected, (n, user, existing)
            found = module.evaluate(user, None, _context(module),
                                    find=lambda keys, e=existing, p=provisioned: (e, p))
            assert found == expected, (n, user, existing)
            compared.add((expected.action, expected.scope.in_scope))
    assert len(compared) > 1  # the users reach more than one kind of outcome


def test_the_shipped_jobs_reach_every_kind_of_outcome() -> None:
    """The varied users are varied enough: together they create, update, skip and fail."""
    actions = set()
    for job in JOBS:
        module = load_evaluator(job)
        rng = random.Random(2)
        for user in _users(module, seed=3):
            outcome = module.evaluate(user, None, _context(module))
            actions.add(outcome.action)
            if outcome.action == "create":
                existing = _existing(rng, outcome.values)
                actions.add(module.evaluate(user, existing, _context(module)).action)
    assert {"create", "update", "none", "skip", "fail"} <= actions, actions


@pytest.mark.parametrize("job", JOBS, ids=[j.source_path for j in JOBS])
def test_instrumented_builds_are_the_fused_evaluate_with_probes(job: Job) -> None:
    """Coverage instruments the evaluate `prov run` executes (a build switch of the one
    emitter): the instrumented evaluate is the fused one, gives the same outcomes, and its
    probes record what the generic decide's record."""
    import sys

    plain, module = load_evaluator(job), load_evaluator(job, instrument=True)
    assert "decide" not in module.evaluate.__code__.co_names
    lazy = sys.modules[module.__name__.rsplit(".", 1)[0] + "._runtime.lazy"]
    rng = random.Random(3)
    fused_hits: set[str] = set()
    generic_hits: set[str] = set()
    try:
        for user in _users(module, seed=5):
            created = plain.evaluate(copy.deepcopy(user), None, _context(plain))
            for existing in (None, _existing(rng, created.values)):
                lazy.COVERAGE = fused_hits
                fused = module.evaluate(copy.deepcopy(user), copy.deepcopy(existing),
                                        _context(module))
                lazy.COVERAGE = generic_hits
                generic = module.decide(module.JOB, copy.deepcopy(user), copy.deepcopy(existing),
                                        _context(module))
                assert fused == generic
                # the two builds have their own runtime copies (classes): compare the text
                assert repr(fused) == repr(plain.evaluate(
                    copy.deepcopy(user), copy.deepcopy(existing), _context(plain)))
    finally:
        lazy.COVERAGE = None
    assert fused_hits == generic_hits
    assert fused_hits <= set(module.COVERAGE_PROBES) and fused_hits


def test_each_expression_is_compiled_once() -> None:
    """A generated module carries each mapping's expression once (``_eN``): evaluate and the
    job model's mapping functions both call it."""
    from syncrules.backends.python.emit import emit_package
    from syncrules.diagnostics import DiagnosticBag

    job = next(j for j in JOBS if any("Join(" in compact(m.expression) for m in j.mappings))
    text = emit_package(job, "pkg", DiagnosticBag())["evaluator.py"]
    for mapping in job.mappings:
        if isinstance(mapping.expression, AttrRef):
            continue
        comment = f"# {mapping.span.file}:{mapping.span.line}:{mapping.span.col}: "
        assert text.count(comment) <= 2  # its function, and where evaluate calls it
    assert text.count("fn_Join(") + text.count(".join(filter(None") == sum(
        compact(m.expression).count("Join(") for m in job.mappings)


RISKY_JOB = """job "Normalising after a mapping" {
    target entra
    actions create, update
}

extension "urn:ietf:params:scim:schemas:extension:acme:1.0:User" as acme {
    Tags: string[]
}

match [externalId] -> employeeId

map {
    displayName <- Join(" ", [name.givenName], [name.familyName])
    otherMails <- [acme:Tags]
    jobTitle <- FormatDateTime([title], , "yyyyMMdd", "yyyy-MM-dd")
}
"""


def test_an_error_normalising_a_value_is_not_the_previous_mappings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target values run in one ``try`` where ``w`` names the mapping being evaluated; an
    error while normalising a value after it (``w`` is None again) is evaluate's own errored
    outcome, as it was when each mapping had its own ``try``, not a failure of that mapping.
    A later mapping's error still names that mapping."""
    path = tmp_path / "job.prov"
    path.write_text(RISKY_JOB, encoding="utf-8")
    [job] = check_paths([path]).compiled_jobs()
    module = load_evaluator(job)
    user = {
        "externalId": "1",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "title": "garbage",
        "urn:ietf:params:scim:schemas:extension:acme:1.0:User": {"Tags": ["a"]},
    }
    failed = module.evaluate(user, None, _context(module))
    assert failed.action == "fail" and "jobTitle <- FormatDateTime" in failed.reason
    assert failed == module.decide(module.JOB, user, None, _context(module))

    error = module.ExpressionError("invalid-argument", "cannot normalise")

    def normalise(*args: Any) -> Any:
        raise error

    monkeypatch.setitem(module.evaluate.__globals__, "normalise", normalise)
    outcome = module.evaluate(user, None, _context(module))
    assert outcome == module.errored(error, module.source_values(module.JOB, user))
    assert "displayName" not in outcome.reason
