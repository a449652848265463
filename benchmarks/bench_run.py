"""Benchmark of `prov run`: generated evaluator vs tree walker vs hand-written floor, and the
whole cycle end to end with the SQLite directory.

    python benchmarks/bench_run.py                      # --quick: 10k and 100k records
    python benchmarks/bench_run.py --records 10000 100000 1000000

For each size N it writes N synthetic HR records (SCIM users, JSON Lines, streamed to a temp
folder; each manager is a random other worker, so about half come after their reports) and
measures, in one run:

* evaluator: the generated evaluator's ``evaluate(user)`` (empty directory: all creates);
* interpreter: the same job, each mapping evaluated by walking the IR
  (``syncrules.reference_interpreter``) inside the same runtime ``decide``; and the mappings
  alone, compiled vs walked;
* floor: a hand-written Python function doing the same work: it computes what the Outcome
  holds (action, reason, scope, keys, values, changes, flat attributes) as plain data, checked
  equal to the evaluator's (and the tree walker's) on every sampled record;
* run: ``prov run --apply`` end to end (SQLite directory, log written to /dev/null), in a
  subprocess per size that reports its wall time and peak RSS; then the same input again over
  the directory it left ("rerun": every worker matched, nothing to change, the daily case).
* cycle floor: the least per-record work any cycle written in CPython must do (parse the line,
  evaluate, the three indexed lookups, buffered inserts, one log record), hand-written, in a
  subprocess too: how close to the evaluator's rate a run can get in this runtime at all.

The in-process rates use up to 50,000 records held in memory (a rate, not a total; the best of
three passes, the functions taking turns). Prints a markdown table, then the targets and whether
they are met.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
NOW = "2024-05-01T09:00:00Z"
SAMPLE = 50_000
#: Records over which the cycle floor is checked to write what `prov run` writes.
CHECKED = 20_000

JOB = """
job "Bench HR to Entra" {
    target entra
    actions create, update
}

match [externalId] -> employeeId

scope {
    group "Staff" {
        [userType] NOT EQUALS "Intern"
    }
}

map {
    accountEnabled    <- [active]
    givenName         <- [name.givenName]
    surname           <- [name.familyName]
    displayName       <- Join(" ", [name.givenName], [name.familyName])
    jobTitle          <- [title]
    department        <- [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department]
    companyName       <- "Contoso"
    usageLocation     <- Switch([addresses[type eq "work"].country], "US",
                                    "Germany", "DE", "United Kingdom", "GB")
    userPrincipalName <- Join("", ToLower([userName]), "@contoso.com")  on create
    mailNickname      <- ToLower([userName])  on create
    manager           <- [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager]
}
"""

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Ken", "Frances", "John", "Radia"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Allen"]
TITLES = ["Engineer", "Analyst", "Manager", "Director", "Technician", None]
DEPTS = ["Sales", "Finance", "Engineering", "Operations", "Legal"]
COUNTRIES = ["Germany", "United Kingdom", "France", "United States"]
TYPES = ["Employee"] * 6 + ["Contractor"] * 3 + ["Intern"]


def synthetic(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(n):
        given, family = rng.choice(FIRST), rng.choice(LAST)
        user: dict[str, Any] = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
            "externalId": f"W{i:07d}",
            "userName": f"{given}.{family}.{i}",
            "name": {"givenName": given, "familyName": family},
            "displayName": f"{given} {family}",
            "active": rng.random() < 0.9,
            "userType": rng.choice(TYPES),
            "addresses": [{"type": "work", "country": rng.choice(COUNTRIES)}],
            ENT: {"department": rng.choice(DEPTS),
                  "manager": {"value": f"W{rng.randrange(n):07d}"}},
        }
        title = rng.choice(TITLES)
        if title:
            user["title"] = title
        yield user


def write_input(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for user in synthetic(n):
            handle.write(json.dumps(user) + "\n")


# ---- the hand-written floor -----------------------------------------------------------------

WORK_COUNTRY = 'addresses[type eq "work"].country'
USAGE_LOCATION = {"Germany": "DE", "United Kingdom": "GB"}
STAFF = 'in scope by group "Staff"'
NOT_STAFF = (("Staff", '[userType] NOT EQUALS "Intern"'),)
OUT_OF_SCOPE = 'out of scope: group "Staff": [userType] NOT EQUALS "Intern" is false'


def _work_country(user: dict[str, Any]) -> str | None:
    for address in user.get("addresses") or ():
        if address.get("type") == "work":
            return address.get("country")
    return None


def handwritten(user: dict[str, Any]) -> tuple[Any, ...]:
    """What the job does with one user against an empty directory, written by hand.

    It produces what the evaluator's Outcome holds (action, reason, scope group and failed
    clauses, matching keys, target values, changes, the flat source attributes), as plain data,
    so both do the same work; ``in_process`` checks the two agree on every sampled record. It
    reads exact-case keys only (the evaluator also handles other-case names).
    """
    attrs: dict[str, Any] = {}
    active = user.get("active")
    if active is not None:
        attrs["active"] = active
    country = _work_country(user)
    if country is not None:
        attrs[WORK_COUNTRY] = country
    external_id = user.get("externalId")
    if external_id is not None:
        attrs["externalId"] = external_id
    name = user.get("name") or {}
    given, family = name.get("givenName"), name.get("familyName")
    if family is not None:
        attrs["name.familyName"] = family
    if given is not None:
        attrs["name.givenName"] = given
    title = user.get("title")
    if title is not None:
        attrs["title"] = title
    ent = user.get(ENT) or {}
    department = ent.get("department")
    if department is not None:
        attrs[ENT + ":department"] = department
    manager = (ent.get("manager") or {}).get("value")
    if manager is not None:
        attrs[ENT + ":manager"] = manager
    user_name = user.get("userName")
    if user_name is not None:
        attrs["userName"] = user_name
    user_type = user.get("userType")
    if user_type is not None:
        attrs["userType"] = user_type
    keys = [("employeeId", external_id)] if external_id else []
    if not user_type or user_type == "Intern":
        return "skip", OUT_OF_SCOPE, None, NOT_STAFF, keys, {}, {}, attrs
    if not keys:
        return "fail", "no matching value", "Staff", (), keys, {}, {}, attrs
    values: dict[str, Any] = {"employeeId": external_id}
    if active is not None:
        values["accountEnabled"] = active
    if given:
        values["givenName"] = given
    if family:
        values["surname"] = family
    values["displayName"] = " ".join(filter(None, (given, family)))
    if title:
        values["jobTitle"] = title
    if department:
        values["department"] = department
    values["companyName"] = "Contoso"
    values["usageLocation"] = USAGE_LOCATION.get(country or "", "US")
    user_name = user_name or ""
    values["userPrincipalName"] = user_name.lower() + "@contoso.com"
    values["mailNickname"] = user_name.lower()
    if manager:
        values["manager"] = manager
    changes = {k: (None, v) for k, v in values.items()}
    return "create", "no user matched; created", "Staff", (), keys, values, changes, attrs


def outcome_data(out: Any) -> tuple[Any, ...]:
    """An Outcome as the floor's plain data."""
    return (out.action, out.reason, out.scope.group, out.scope.failed, out.keys, out.values,
            out.changes, out.attributes)


# ---- in-process measurements ----------------------------------------------------------------


def rates(
    fns: dict[str, Callable[[dict[str, Any]], Any]], users: list[dict[str, Any]], passes: int = 3
) -> dict[str, float]:
    """Records per second of each function: the best of ``passes`` passes, the functions taking
    turns (a shared machine is noisy, and its speed drifts: no function gets a better window)."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(passes):
        for name, fn in fns.items():
            start = time.perf_counter()
            for user in users:
                fn(user)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(users) / seconds for name, seconds in best.items()}


def in_process(job_path: Path, users: list[dict[str, Any]]) -> dict[str, float]:
    from syncrules.api import check_paths
    from syncrules.backends.python.load import load_evaluator
    from syncrules.reference_interpreter import evaluate as walk
    from syncrules.runtime import EvalContext

    job = check_paths([job_path]).compiled_jobs()[0]
    ev = load_evaluator(job)
    ctx = EvalContext(now=ev.EvalContext().now, seed=1)
    exprs = {m.target: m.expression for m in job.mappings}

    def walker(expr: Any) -> Callable[[Any, Any], Any]:
        return lambda a, c: walk(expr, a, c)

    walked = dataclasses.replace(ev.JOB, mappings=tuple(
        dataclasses.replace(m, fn=walker(exprs[m.target])) for m in ev.JOB.mappings))
    decide = ev.decide

    # the floor must do the same work: compare outcomes on every sampled record
    for user in users:
        expected = outcome_data(ev.evaluate(user, None, ctx))
        assert handwritten(user) == expected, (handwritten(user), expected, user)
        assert outcome_data(decide(walked, user, None, ctx)) == expected

    results = rates({  # each called the same way: through a lambda
        "evaluator": lambda u: ev.evaluate(u, None, ctx),
        "interpreter": lambda u: decide(walked, u, None, ctx),
        "floor": lambda u: handwritten(u),
    }, users)
    flat = [ev.source_values(ev.JOB, u) for u in users]
    fns = [m.fn for m in ev.JOB.mappings]
    trees = [exprs[m.target] for m in ev.JOB.mappings]
    start = time.perf_counter()
    for attrs in flat:
        for fn in fns:
            fn(attrs, ctx)
    results["mappings compiled"] = len(flat) / (time.perf_counter() - start)
    start = time.perf_counter()
    for attrs in flat:
        for tree in trees:
            walk(tree, attrs, ctx)
    results["mappings walked"] = len(flat) / (time.perf_counter() - start)
    return results


# ---- the floor of a whole cycle ----------------------------------------------------------------


def cycle_floor(job: str, input_path: str, db: str, log_path: str = os.devnull) -> None:
    """The least work any cycle written in CPython must do per record, timed like ``child``.

    It writes the same log and leaves the same directory as `prov run --apply` (``main``
    checks both, byte for byte and row for row, before anything is timed), but knows this one
    job and this one kind of input (new workers, an empty directory, no errors), so it can do
    each thing the cheapest way. Per line: parse it (orjson); the few type checks the source
    schema asks of the values this job reads; the generated ``evaluate`` with a ``find`` that
    is one indexed SELECT by source anchor; for a create, the UPN uniqueness check (one SELECT
    on the folded value), the target's rules for these eleven attributes (lengths, the UPN and
    mail-nickname syntax), the manager's anchor looked up; the user row and its two index rows
    buffered and written with ``executemany`` every 5000 records (the same schema, pragmas and
    commits as the directory); the log record with the same fields, ids and text as
    ``prov run``'s, encoded by orjson and written once its batch is committed.

    A manager that comes later in the input (about half of them) must still be set in the same
    cycle, and memory must stay flat, so such a record is kept, encoded, in a scratch SQLite
    table with the manager's anchor (written in batches); when the input ends each kept record
    is read back in input order, its manager looked up, the user's row updated in SQL
    (``json_set``, in batches of 5000) and the record completed (a reference step and the
    modified property, or a warning) and written. Nothing else: no plan mode, no deletion
    threshold, no matching of existing users, no handling of bad records, no other targets.
    ``prov run`` does all of those, so this is a floor, not a rival.
    """
    import re
    from datetime import UTC, datetime

    import orjson

    from syncrules.api import check_paths, slug
    from syncrules.backends.python.load import load_evaluator
    from syncrules.run.log import IdMaker, UserIds, stable_id
    from syncrules.runtime import EvalContext
    from syncrules.runtime.text import ignore_case

    start = time.perf_counter()  # as ``child``'s: compiling the job included
    compiled = check_paths([Path(job)]).compiled_jobs()[0]
    ev = load_evaluator(compiled)
    ctx = EvalContext(now=datetime.fromisoformat(NOW.replace("Z", "+00:00")).astimezone(UTC))
    # the log's ids, as prov run derives them (job, cycle 1, operation index)
    cycle_id = stable_id("cycle", slug(compiled.name), 1)
    record_id, change_id = IdMaker("record", cycle_id), IdMaker("change", cycle_id)
    user_id_of = UserIds(compiled.name, 1)
    head = {"activityDateTime": NOW, "cycleId": cycle_id, "jobId": slug(compiled.name),
            "jobName": compiled.name}
    source_system = {"id": None, "displayName": "API-driven provisioning", "details": {}}
    target_system = {"id": None, "displayName": "Microsoft Entra ID", "details": {}}
    alias_ok = re.compile(r"[A-Za-z0-9'._!#^~-]{1,64}").fullmatch
    domain_ok = re.compile(
        r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}").fullmatch
    country_ok = re.compile(r"[A-Za-z]{2}").fullmatch
    nickname_bad = re.compile(r'[\s@()\\\[\]";:<>,]|[^\x00-\x7f]').search
    longest = {"employeeId": 16, "givenName": 64, "surname": 64, "displayName": 256,
               "jobTitle": 128, "department": 64, "companyName": 64, "usageLocation": 2,
               "userPrincipalName": 113, "mailNickname": 64}

    def fold(value: str) -> str:
        return value.upper() if value.isascii() else ignore_case(value)

    def refused(values: dict[str, Any]) -> bool:
        for name, value in values.items():
            if value.__class__ is str:
                # UTF-16 code units, as .NET counts them
                units = len(value) if value.isascii() else len(value.encode("utf-16-le")) // 2
                if units > longest.get(name, 1 << 30):
                    return True
            elif name != "accountEnabled" or value.__class__ is not bool:
                return True
        if not values.get("displayName") or not values.get("userPrincipalName"):
            return True
        alias, _, domain = values["userPrincipalName"].rpartition("@")
        if (not alias_ok(alias) or alias[0] == "." or alias[-1] == "." or ".." in alias
                or not domain_ok(domain)):
            return True
        return bool(nickname_bad(values.get("mailNickname", ""))) or not country_ok(
            values.get("usageLocation", "US"))

    def bad_shape(user: dict[str, Any]) -> bool:
        """The source schema's types, for what this job reads."""
        name, ent = user.get("name", {}), user.get(ENT, {})
        return not (
            user.get("externalId").__class__ is str
            and user.get("active", True).__class__ is bool
            and name.__class__ is dict and ent.__class__ is dict
            and all(v.__class__ is str for v in name.values())
            and all(user.get(k, "").__class__ is str
                    for k in ("userName", "displayName", "title", "userType"))
            and ent.get("department", "").__class__ is str
            and ent.get("manager", {}).__class__ is dict
        )

    def text(value: Any) -> Any:
        return value if value.__class__ is str else ("True" if value else "False")

    def step(name: str, kind: str, status: str, description: str,
             details: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "description": description, "details": details,
                "provisioningStepType": kind, "status": status}

    def record(n: int, action: str, status: str, steps: list[Any], properties: list[Any],
               source: tuple[Any, Any], target: tuple[Any, Any], error: Any = None
               ) -> dict[str, Any]:
        return {
            "id": record_id(n), "activityDateTime": head["activityDateTime"],
            "cycleId": cycle_id, "changeId": change_id(n), "jobId": head["jobId"],
            "jobName": head["jobName"],
            "provisioningAction": "create" if action == "create" else "other",
            "provisioningStatusInfo": {"status": status, "errorInformation": error},
            "provisioningSteps": steps, "modifiedProperties": properties,
            "sourceIdentity": {"id": source[0], "displayName": source[1],
                               "identityType": "User", "details": {}},
            "targetIdentity": {"id": target[0], "displayName": target[1],
                               "identityType": "User", "details": {}},
            "sourceSystem": source_system, "targetSystem": target_system,
            "syncrulesAction": action,
            "syncrulesOperation": {"index": n, "bulkId": None, "location": source[2],
                                   "applied": action == "create"},
        }

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-32768")
    conn.executescript(
        "CREATE TABLE users (id TEXT PRIMARY KEY, anchor TEXT, attributes TEXT NOT NULL,"
        " enabled INTEGER NOT NULL, created_cycle INTEGER, updated_cycle INTEGER);"
        "CREATE INDEX users_by_anchor_id ON users(anchor, id);"
        "CREATE TABLE attr_values (attribute TEXT NOT NULL, value TEXT NOT NULL,"
        " user_id TEXT NOT NULL, PRIMARY KEY (attribute, value, user_id)) WITHOUT ROWID;"
    )
    by_anchor = "SELECT id FROM users WHERE anchor = ? LIMIT 1"
    upn_taken = ("SELECT 1 FROM attr_values WHERE attribute = 'userPrincipalName' AND value = ?"
                 " LIMIT 1")
    users: list[tuple[Any, ...]] = []
    values: list[tuple[str, str, str]] = []
    anchors: dict[str, str] = {}  # written since the last batch: lookups must see them
    upns: set[str] = set()
    lines_out: list[bytes] = []  # logged once their batch is committed
    # records waiting for a manager later in the input: (index, user id, anchor, encoded record)
    scratch = sqlite3.connect("", isolation_level=None)
    scratch.execute("PRAGMA journal_mode=OFF")
    scratch.execute("PRAGMA synchronous=OFF")
    scratch.execute("CREATE TABLE kept (op_index INTEGER PRIMARY KEY, user_id TEXT NOT NULL,"
                    " anchor TEXT NOT NULL, record BLOB NOT NULL)")
    scratch.execute("BEGIN")
    kept: list[tuple[int, str, str, bytes]] = []

    def lookup(anchor: str) -> str | None:
        found = anchors.get(anchor)
        if found is None:
            row = conn.execute(by_anchor, (anchor,)).fetchone()
            found = row[0] if row else None
        return found

    def find(keys: list[tuple[str, Any]]) -> tuple[Any, Any]:
        return (None, None) if not keys or lookup(keys[0][1]) is None else ({}, True)

    conn.execute("BEGIN")
    with open(input_path, "rb") as lines, open(log_path, "wb") as log:
        for n, line in enumerate(lines, start=1):
            user = orjson.loads(line)
            if bad_shape(user):
                raise SystemExit(f"line {n}: not of the source schema")  # the input has none
            anchor = user["externalId"]
            location = f"{input_path}:{n}"
            source = (anchor, user.get("displayName") or user.get("userName"), location)
            out = ev.evaluate(user, None, ctx, find=find)
            scope = out.scope
            steps = [
                step("Import from API", "import", "success",
                     f"Received User '{anchor}' ({location})",
                     {"bulkId": None, "SourceAnchor": anchor}),
                step("Determine if User is in scope", "scoping", "success", scope.reason,
                     {"ScopeEvaluationResult": "in scope", "Group": scope.group})
                if scope.in_scope else
                step("Determine if User is in scope", "scoping", "skipped", scope.reason,
                     {"ScopeEvaluationResult": "out of scope",
                      "FailedClauses": "; ".join(f"{g}: {c}" for g, c in scope.failed)}),
                step("Match user", "matching", "success",
                     f"No target user matched employeeId = '{anchor}'",
                     {"MatchingAttributes": f"employeeId = '{anchor}'"}),
            ]
            if out.action != "create":  # out of scope: skipped
                steps.append(step("Process user", "processing", "skipped", out.reason, {}))
                lines_out.append(orjson.dumps(record(
                    n, "skip", "skipped", steps, [], source, (None, None))))
            else:
                vals = dict(out.values)
                upn = vals.get("userPrincipalName", "")
                if refused(vals) or fold(upn) in upns or conn.execute(
                        upn_taken, (fold(upn),)).fetchone():
                    raise SystemExit(f"line {n}: refused")  # the synthetic input has none
                user_id = user_id_of(n)
                manager = vals.pop("manager", None)
                target = lookup(manager) if manager else None
                if target is not None:
                    vals["manager"] = target
                users.append((user_id, anchor, orjson.dumps(vals).decode(),
                              int(bool(vals.get("accountEnabled", True))), 1, 1))
                values.append(("employeeId", fold(anchor), user_id))
                values.append(("userPrincipalName", fold(upn), user_id))
                anchors[anchor] = user_id
                upns.add(fold(upn))
                steps.append(step("Process user", "processing", "success", out.reason,
                                  {"NoFlow": ", ".join(out.no_flow)} if out.no_flow else {}))
                if target is not None:
                    steps.append(step("Resolve references", "referenceResolution", "success",
                                      f"manager: '{manager}' resolved to user {target}",
                                      {"Attribute": "manager", "SourceAnchor": manager,
                                       "TargetId": target}))
                steps.append(step("Provision User", "export", "success",
                                  f"Created user {user_id}", {"Applied": "True"}))
                data = orjson.dumps(record(
                    n, "create", "success", steps,
                    [{"displayName": k, "oldValue": None, "newValue": text(v)}
                     for k, v in vals.items()],
                    source, (user_id, vals.get("displayName"))))
                if manager and target is None:
                    kept.append((n, user_id, manager, data))
                    if len(kept) >= 1000:
                        scratch.executemany("INSERT INTO kept VALUES (?, ?, ?, ?)", kept)
                        kept = []
                else:
                    lines_out.append(data)
            if n % 5000 == 0:
                conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", users)
                conn.executemany("INSERT INTO attr_values VALUES (?, ?, ?)", values)
                conn.execute("COMMIT")
                conn.execute("BEGIN")
                log.write(b"\n".join(lines_out) + b"\n")
                users, values, lines_out = [], [], []
                anchors.clear()
                upns.clear()
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", users)
        conn.executemany("INSERT INTO attr_values VALUES (?, ?, ?)", values)
        conn.execute("COMMIT")
        if lines_out:
            log.write(b"\n".join(lines_out) + b"\n")
        lines_out = []
        # the end of the cycle: the kept records, in input order, their managers set
        scratch.executemany("INSERT INTO kept VALUES (?, ?, ?, ?)", kept)
        anchors.clear()
        set_manager = ("UPDATE users SET attributes = json_set(attributes, '$.manager', ?)"
                       " WHERE id = ?")
        updates: list[tuple[str, str]] = []
        conn.execute("BEGIN")
        cursor = scratch.execute("SELECT user_id, anchor, record FROM kept ORDER BY op_index")
        while rows := cursor.fetchmany(1000):
            for user_id, manager, data in rows:
                done = orjson.loads(data)
                target = lookup(manager)
                steps = done["provisioningSteps"]
                if target is None:
                    reason = (f"manager not set: no user provisioned from externalId "
                              f"'{manager}' exists by the end of the cycle")
                    steps.insert(-1, step("Resolve references", "referenceResolution",
                                          "warning", reason,
                                          {"Attribute": "manager", "SourceAnchor": manager}))
                    done["provisioningStatusInfo"] = {
                        "status": "warning",
                        "errorInformation": {"errorCode": "ReferenceNotFound", "reason": reason,
                                             "additionalDetails": None,
                                             "errorCategory": "nonServiceFailure"}}
                else:
                    steps.insert(-1, step("Resolve references", "referenceResolution",
                                          "success", f"manager: '{manager}' resolved at the "
                                          f"end of the cycle to user {target}",
                                          {"Attribute": "manager", "SourceAnchor": manager,
                                           "TargetId": target}))
                    done["modifiedProperties"].append(
                        {"displayName": "manager", "oldValue": None, "newValue": target})
                    updates.append((target, user_id))
                lines_out.append(orjson.dumps(done))
                if len(updates) >= 5000:
                    conn.executemany(set_manager, updates)
                    conn.execute("COMMIT")
                    conn.execute("BEGIN")
                    log.write(b"\n".join(lines_out) + b"\n")
                    updates, lines_out = [], []
        conn.executemany(set_manager, updates)
        conn.execute("COMMIT")
        if lines_out:
            log.write(b"\n".join(lines_out) + b"\n")
    conn.close()
    scratch.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "maxrss_kib": peak_rss_kib()}))


# ---- end to end, in a subprocess --------------------------------------------------------------


def child(job: str, input_path: str, db: str, log_path: str = os.devnull) -> None:
    """Run `prov run --apply` in this process; print wall seconds and peak RSS as JSON."""
    from syncrules.cli import main

    start = time.perf_counter()
    try:
        main(["run", job, "--input", input_path, "--directory", db, "--apply", "--format",
              "json", "--output", log_path, "--now", NOW], standalone_mode=False)
    except SystemExit as exc:  # pragma: no cover
        if exc.code:
            raise
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "maxrss_kib": peak_rss_kib()}))


def peak_rss_kib() -> int:
    """This process's peak resident set (KiB). Linux: VmHWM, the high-water mark of this
    process's own memory; ``ru_maxrss`` would do elsewhere, but on Linux it keeps the parent's
    peak across fork + exec, so a child started by a big parent would report the parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux, bytes on macOS


def end_to_end(job: Path, input_path: Path, db: Path, mode: str = "--child",
               log: Path | None = None) -> dict[str, float]:
    """``child`` (or with ``mode="--floor"``, ``cycle_floor``) in a fresh interpreter; the log
    goes to ``log`` (default: nowhere)."""
    proc = subprocess.run(
        [sys.executable, __file__, mode, str(job), str(input_path), str(db),
         str(log or os.devnull)],
        capture_output=True, text=True, check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"prov run failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def check_floor(job: Path, folder: Path, n: int = CHECKED) -> None:
    """The cycle floor must do what `prov run --apply` does: over ``n`` records, both write the
    same log (byte for byte) and leave the same users and index rows in the directory. Raises
    SystemExit when they differ (then the floor's figures would mean nothing)."""
    input_path = folder / f"check-{n}.jsonl"
    write_input(input_path, n)
    logs, rows = [], []
    for mode in ("--child", "--floor"):
        db, log = folder / f"check{mode}.sqlite", folder / f"check{mode}.jsonl"
        end_to_end(job, input_path, db, mode, log)
        logs.append(log.read_bytes())
        conn = sqlite3.connect(db)
        rows.append((
            [(r[0], r[1], json.loads(r[2]), *r[3:]) for r in conn.execute(
                "SELECT id, anchor, attributes, enabled, created_cycle, updated_cycle FROM users"
                " ORDER BY id")],
            conn.execute("SELECT * FROM attr_values ORDER BY 1, 2, 3").fetchall(),
        ))
        conn.close()
    if logs[0] != logs[1]:
        run_lines, floor_lines = logs[0].splitlines(), logs[1].splitlines()
        pairs = zip(run_lines, floor_lines, strict=False)
        first = next((i for i, (a, b) in enumerate(pairs) if a != b),
                     min(len(run_lines), len(floor_lines)))
        raise SystemExit(f"the cycle floor's log differs from prov run's at line {first + 1} "
                         f"({len(floor_lines)} vs {len(run_lines)} lines)")
    if rows[0] != rows[1]:
        raise SystemExit("the cycle floor's directory differs from prov run's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", help="sizes (default: --quick)")
    parser.add_argument("--quick", action="store_true", help="10k and 100k (the default)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--floor", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.floor:
        cycle_floor(*args.floor)
        return
    sizes = args.records or [10_000, 100_000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        folder = Path(tmp)
        job = folder / "bench.prov"
        job.write_text(JOB, encoding="utf-8")
        check_floor(job, folder)
        for n in sizes:
            input_path = folder / f"users-{n}.jsonl"
            write_input(input_path, n)
            users = list(synthetic(min(n, SAMPLE)))
            rates = in_process(job, users)
            db = folder / f"dir-{n}.sqlite"
            e2e = end_to_end(job, input_path, db)
            rates["run"] = n / e2e["seconds"]
            again = end_to_end(job, input_path, db)  # the same input again: nothing changes
            rates["rerun"] = n / again["seconds"]
            floor = end_to_end(job, input_path, folder / f"floor-{n}.sqlite", "--floor")
            rates["cycle floor"] = n / floor["seconds"]
            rows.append((n, rates, e2e))
            input_path.unlink()
            print(f"... {n} records done", file=sys.stderr)
    report(rows)


def report(rows: list[tuple[int, dict[str, float], dict[str, float]]]) -> None:
    print("| records | evaluator rec/s | interpreter rec/s | floor rec/s | "
          "mappings compiled/walked | run --apply rec/s | run seconds | peak RSS MiB | "
          "rerun rec/s | cycle floor rec/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r, e in rows:
        print(f"| {n:,} | {r['evaluator']:,.0f} | {r['interpreter']:,.0f} | {r['floor']:,.0f} | "
              f"{r['mappings compiled']:,.0f} / {r['mappings walked']:,.0f} | {r['run']:,.0f} | "
              f"{e['seconds']:.1f} | {e['maxrss_kib'] / 1024:.0f} | {r['rerun']:,.0f} | "
              f"{r['cycle floor']:,.0f} |")
    n, r, _ = rows[-1]
    print()
    checks = [
        ("generated evaluator within 1.5x of the hand-written floor",
         r["floor"] / r["evaluator"], "<= 1.5", r["floor"] / r["evaluator"] <= 1.5),
        ("generated evaluator >= 3x the tree walker (whole record)",
         r["evaluator"] / r["interpreter"], ">= 3", r["evaluator"] / r["interpreter"] >= 3),
        ("compiled mappings >= 3x walked mappings",
         r["mappings compiled"] / r["mappings walked"], ">= 3",
         r["mappings compiled"] / r["mappings walked"] >= 3),
        ("run end to end >= 40% of evaluator-only",
         r["run"] / r["evaluator"], ">= 0.4", r["run"] / r["evaluator"] >= 0.4),
    ]
    floor = r["cycle floor"] / r["evaluator"]
    checks.append(("(context) the cycle floor, as a share of evaluator-only", floor, "-", None))
    by_size = {n: e for n, _, e in rows}
    if 100_000 in by_size and 1_000_000 in by_size:
        ratio = by_size[1_000_000]["maxrss_kib"] / by_size[100_000]["maxrss_kib"]
        checks.append(("peak memory 1M <= 1.5x 100k", ratio, "<= 1.5", ratio <= 1.5))
    print("| target | measured | wanted | met |")
    print("|---|---:|---|---|")
    for name, value, wanted, met in checks:
        verdict = "-" if met is None else "yes" if met else "NO"
        print(f"| {name} | {value:.2f} | {wanted} | {verdict} |")


if __name__ == "__main__":
    main()
