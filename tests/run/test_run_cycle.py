"""`prov run` end to end on small inputs made here: escrow, threshold, conflicts, bad operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.run.conftest import (
    ENTERPRISE,
    SAMPLES,
    actions,
    bulk,
    by_index,
    jsonl,
    prov,
    records,
    run,
    scim_user,
    users,
    write_job,
)

JOB_HEAD = """
job "Scoped" {{
    target entra
    actions {actions}
    {threshold}
}}
match [externalId] -> employeeId
scope {{
    group "Staff" {{
        [userType] EQUALS "Employee"
    }}
}}
map {{
    accountEnabled    <- [active]
    displayName       <- [displayName]
    userPrincipalName <- [userName]  on create
}}
"""


def scoped_job(tmp_path: Path, actions: str = "create, update", threshold: str = "") -> Path:
    text = JOB_HEAD.format(actions=actions, threshold=threshold)
    return write_job(tmp_path / "scoped.prov", text)


def staff(ext_id: str, kind: str = "Employee", active: bool = True) -> dict[str, object]:
    user = scim_user(ext_id, "U", ext_id, active=active)
    user["userType"] = kind
    return user


def seed_directory(tmp_path: Path, n: int) -> Path:
    db = tmp_path / "dir.sqlite"
    items = [
        {"_id": f"id-{i}", "_anchor": f"e{i}", "employeeId": f"e{i}", "accountEnabled": True,
         "displayName": f"U e{i}", "userPrincipalName": f"u.e{i}@contoso.com"}
        for i in range(1, n + 1)
    ]
    (tmp_path / "seed.json").write_text(json.dumps(items), encoding="utf-8")
    assert prov("directory", "import", tmp_path / "seed.json", "--directory", db).exit_code == 0
    return db


# ---- manager references ------------------------------------------------------------------------


def test_manager_later_in_the_input_is_escrowed_and_resolved(
    scim_job: Path, tmp_path: Path
) -> None:
    path = bulk(
        tmp_path / "in.json",
        scim_user("r1", "Rae", "Report", manager="m1"),
        scim_user("m1", "Max", "Manager"),
        scim_user("r2", "Roy", "Orphan", manager="nobody"),
    )
    db = tmp_path / "dir.sqlite"
    result = run(scim_job, path, db, "--apply")
    recs = records(result)
    # the manager's record comes out at once, the escrowed ones when the cycle ends
    assert [r["syncrulesOperation"]["index"] for r in recs] == [2, 1, 3]
    report, manager, orphan = by_index(result)
    assert report["provisioningStatusInfo"]["status"] == "success"
    steps = {s["provisioningStepType"]: s for s in report["provisioningSteps"]}
    assert steps["referenceResolution"]["status"] == "success"
    assert "end of the cycle" in steps["referenceResolution"]["description"]
    assert {"displayName": "manager", "oldValue": None,
            "newValue": manager["targetIdentity"]["id"]} in report["modifiedProperties"]
    assert orphan["provisioningAction"] == "create"
    assert orphan["provisioningStatusInfo"]["status"] == "warning"
    assert orphan["provisioningStatusInfo"]["errorInformation"]["errorCode"] == "ReferenceNotFound"
    by_anchor = {u["_anchor"]: u for u in users(db)}
    assert by_anchor["r1"]["manager"] == by_anchor["m1"]["_id"]
    assert "manager" not in by_anchor["r2"]


def test_manager_already_in_the_directory_resolves_at_once(scim_job: Path, tmp_path: Path) -> None:
    db = tmp_path / "dir.sqlite"
    records(run(scim_job, jsonl(tmp_path / "a.jsonl", scim_user("m1", "Max", "M")), db, "--apply"))
    recs = records(run(scim_job, jsonl(tmp_path / "b.jsonl",
                                       scim_user("r1", "Rae", "R", manager="m1")), db))
    [rec] = recs
    assert rec["provisioningStatusInfo"]["status"] == "success"
    assert any(s["provisioningStepType"] == "referenceResolution" and s["status"] == "success"
               for s in rec["provisioningSteps"])


def test_later_resolvable_manager_supersedes_an_escrowed_one(
    scim_job: Path, tmp_path: Path
) -> None:
    db = tmp_path / "dir.sqlite"
    records(run(scim_job, jsonl(tmp_path / "a.jsonl", scim_user("m0", "Old", "Boss")), db,
                "--apply"))
    path = jsonl(
        tmp_path / "b.jsonl",
        scim_user("r1", "Rae", "R", manager="m1"),  # m1 comes later: escrowed
        scim_user("r1", "Rae", "R", manager="m0"),  # resolves now: the newer value wins
        scim_user("m1", "New", "Boss"),
    )
    recs = by_index(run(scim_job, path, db, "--apply"))
    assert any("superseded by operation 2" in s["description"]
               for s in recs[0]["provisioningSteps"])
    by_anchor = {u["_anchor"]: u for u in users(db)}
    assert by_anchor["r1"]["manager"] == by_anchor["m0"]["_id"]


# ---- the same worker twice, plan mode ----------------------------------------------------------


def test_second_record_of_a_worker_matches_the_first_even_in_a_plan(
    scim_job: Path, tmp_path: Path
) -> None:
    path = jsonl(
        tmp_path / "in.jsonl",
        scim_user("w1", "Ada", "Lovelace", title="Analyst"),
        scim_user("w1", "Ada", "Lovelace", title="Analyst"),
        scim_user("w1", "Ada", "Lovelace", title="Engineer"),
        scim_user("w1", "Ada", "Lovelace", title="Engineer", active=False),
    )
    db = tmp_path / "dir.sqlite"
    recs = by_index(run(scim_job, path, db))
    assert [r["syncrulesAction"] for r in recs] == ["create", "none", "update", "disable"]
    assert [r["provisioningAction"] for r in recs] == ["create", "other", "update", "disable"]
    assert recs[1]["provisioningStatusInfo"]["status"] == "skipped"
    assert "RedundantExport" in json.dumps(recs[1]["provisioningSteps"])
    assert recs[2]["modifiedProperties"] == [
        {"displayName": "jobTitle", "oldValue": "Analyst", "newValue": "Engineer"}
    ]
    assert len({r["targetIdentity"]["id"] for r in recs}) == 1
    assert not db.exists()


def test_a_linked_worker_is_matched_by_its_link_first(scim_job: Path, tmp_path: Path) -> None:
    """The service keeps source/target links between cycles: a worker already linked to a user
    is that user even when its matching value no longer finds it (here employeeId was changed
    in the target), so the run updates it instead of creating a duplicate."""
    db = tmp_path / "dir.sqlite"
    start = tmp_path / "start.json"
    start.write_text(json.dumps([{"_id": "u1", "_anchor": "w1", "employeeId": "OLD",
                                  "accountEnabled": True, "displayName": "Ada Lovelace"}]),
                     encoding="utf-8")
    assert prov("directory", "import", start, "--directory", db).exit_code == 0
    [rec] = records(run(scim_job, jsonl(tmp_path / "a.jsonl", scim_user("w1", "Ada", "Lovelace")),
                        db, "--apply"))
    assert rec["syncrulesAction"] == "update" and rec["targetIdentity"]["id"] == "u1"
    matching = [s for s in rec["provisioningSteps"] if s["provisioningStepType"] == "matching"]
    assert "link to source anchor 'w1'" in matching[0]["description"]
    assert [u["employeeId"] for u in users(db)] == ["w1"]


def test_a_matched_user_no_source_owned_is_linked_and_stays_linked(
    scim_job: Path, tmp_path: Path
) -> None:
    """A user matched by employeeId that no source owned yet is linked to the worker's anchor
    (the directory's anchor column and its index change together, even when nothing else
    does): the next cycle finds it by the link."""
    db = tmp_path / "dir.sqlite"
    start = tmp_path / "start.json"
    start.write_text(json.dumps([{"_id": "u1", "_anchor": None, "employeeId": "w1",
                                  "accountEnabled": True, "displayName": "Ada Lovelace"}]),
                     encoding="utf-8")
    assert prov("directory", "import", start, "--directory", db).exit_code == 0
    path = jsonl(tmp_path / "a.jsonl", scim_user("w1", "Ada", "Lovelace"))
    [first] = records(run(scim_job, path, db, "--apply"))
    assert first["targetIdentity"]["id"] == "u1"
    assert [(u["_id"], u["_anchor"]) for u in users(db)] == [("u1", "w1")]
    [again] = records(run(scim_job, path, db, "--apply"))
    matching = [s for s in again["provisioningSteps"] if s["provisioningStepType"] == "matching"]
    assert "link to source anchor 'w1'" in matching[0]["description"]


def test_enable_maps_to_update(scim_job: Path, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "in.jsonl", scim_user("w1", "A", "B", active=False),
                 scim_user("w1", "A", "B", active=True))
    recs = by_index(run(scim_job, path, tmp_path / "d.sqlite"))
    assert [(r["syncrulesAction"], r["provisioningAction"]) for r in recs] == [
        ("create", "create"), ("enable", "update")]


# ---- scoping and the deletion threshold --------------------------------------------------------


def test_out_of_scope_record_is_skipped_with_the_failing_clause(tmp_path: Path) -> None:
    job = scoped_job(tmp_path)
    recs = records(run(job, jsonl(tmp_path / "in.jsonl", staff("x1", "Intern")),
                       tmp_path / "d.sqlite"))
    [rec] = recs
    assert (rec["provisioningAction"], rec["provisioningStatusInfo"]["status"]) == (
        "other", "skipped")
    scoping = next(s for s in rec["provisioningSteps"] if s["provisioningStepType"] == "scoping")
    assert scoping["status"] == "skipped"
    assert 'group "Staff": [userType] EQUALS "Employee" is false' in scoping["description"]


def test_provisioned_user_leaving_scope_is_disabled(tmp_path: Path) -> None:
    db = seed_directory(tmp_path, 1)
    recs = records(run(scoped_job(tmp_path), jsonl(tmp_path / "in.jsonl", staff("e1", "Intern")),
                       db, "--apply"))
    assert [r["syncrulesAction"] for r in recs] == ["disable"]
    assert users(db)[0]["accountEnabled"] is False


def test_deletes_over_the_threshold_are_staged(tmp_path: Path) -> None:
    db = seed_directory(tmp_path, 4)
    before = users(db)
    job = scoped_job(tmp_path, "create, update, delete", "deletion threshold 2")
    path = jsonl(tmp_path / "in.jsonl", staff("e1", "Intern"), staff("e2", "Intern"),
                 staff("e3", "Intern"), staff("e4"))
    recs = by_index(run(job, path, db, "--apply"))
    staged = recs[:3]
    assert {r["provisioningAction"] for r in staged} == {"stagedDelete"}
    assert {r["provisioningStatusInfo"]["status"] for r in staged} == {"skipped"}
    assert {r["syncrulesAction"] for r in staged} == {"delete"}
    assert staged[0]["provisioningStatusInfo"]["errorInformation"]["errorCode"] == (
        "DeletionThresholdExceeded")
    assert recs[3]["syncrulesAction"] == "none"
    assert users(db) == before


def test_deletes_within_the_threshold_are_applied(tmp_path: Path) -> None:
    db = seed_directory(tmp_path, 4)
    job = scoped_job(tmp_path, "create, update, delete", "deletion threshold 2")
    path = jsonl(tmp_path / "in.jsonl", staff("e1", "Intern"), staff("e2", "Intern"))
    recs = by_index(run(job, path, db, "--apply"))
    assert [(r["provisioningAction"], r["provisioningStatusInfo"]["status"]) for r in recs] == [
        ("delete", "success"), ("delete", "success")]
    assert sorted(u["_anchor"] for u in users(db)) == ["e3", "e4"]


def test_disables_count_towards_the_threshold(tmp_path: Path) -> None:
    db = seed_directory(tmp_path, 3)
    job = scoped_job(tmp_path, "create, update", "deletion threshold 1")
    path = jsonl(tmp_path / "in.jsonl", staff("e1", active=False), staff("e2", "Intern"))
    recs = by_index(run(job, path, db, "--apply"))
    assert [(r["syncrulesAction"], r["provisioningAction"]) for r in recs] == [
        ("disable", "stagedDelete"), ("disable", "stagedDelete")]
    assert all(u["accountEnabled"] is True for u in users(db))


# ---- conflicts and failures --------------------------------------------------------------------


def test_upn_collision_fails_the_create(scim_job: Path, tmp_path: Path) -> None:
    db = tmp_path / "dir.sqlite"
    records(run(scim_job, jsonl(tmp_path / "a.jsonl", scim_user("a1", "Ada", "L")), db, "--apply"))
    path = jsonl(tmp_path / "b.jsonl",
                 scim_user("a2", "ADA", "l"),  # the same UPN, other case: a conflict
                 scim_user("b1", "Bo", "B"), scim_user("b2", "Bo", "B"))
    recs = by_index(run(scim_job, path, db, "--apply"))
    assert [(r["syncrulesAction"], r["provisioningAction"]) for r in recs] == [
        ("fail", "create"), ("create", "create"), ("fail", "create")]
    info = recs[0]["provisioningStatusInfo"]
    assert info["status"] == "failure"
    assert info["errorInformation"]["errorCode"] == "AzureActiveDirectoryConflict"
    assert "ada.l@contoso.com" in info["errorInformation"]["reason"]
    assert len(users(db)) == 2


def test_bad_operations_fail_alone(scim_job: Path, tmp_path: Path) -> None:
    good = scim_user("g1", "Good", "One")
    document = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "operations": [
            {"method": "PATCH", "path": "/Users", "data": good},
            {"method": "POST", "path": "/Groups", "data": good},
            {"method": "POST", "path": "/Users"},
            "not an object",
            {"method": "post", "bulkId": "ok", "path": "/users", "data": good},
            {"method": "POST", "path": "/Users", "data": {"displayName": "no keys"}},
        ],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    recs = by_index(run(scim_job, path, tmp_path / "d.sqlite"))
    assert [r["syncrulesAction"] for r in recs] == ["fail"] * 4 + ["create", "fail"]
    codes = [r["provisioningStatusInfo"]["errorInformation"]["errorCode"]
             for r in recs if r["syncrulesAction"] == "fail"]
    assert codes == ["InvalidOperation"] * 4 + ["MissingMatchingValue"]
    reasons = [r["provisioningStatusInfo"]["errorInformation"]["reason"] for r in recs[:4]]
    assert "only POST" in reasons[0] and "/Groups" in reasons[1] and "data is missing" in reasons[2]
    assert recs[4]["syncrulesOperation"]["bulkId"] == "ok"


def test_bad_json_lines_fail_alone_with_file_and_line(scim_job: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(scim_user("a", "A", "A")) + "\n{not json\n\n[1, 2]\n"
                    + json.dumps(scim_user("b", "B", "B")) + "\n", encoding="utf-8")
    recs = by_index(run(scim_job, path, tmp_path / "d.sqlite"))
    assert [r["syncrulesAction"] for r in recs] == ["create", "fail", "fail", "create"]
    assert recs[1]["syncrulesOperation"]["location"] == f"{path}:2"
    assert recs[2]["syncrulesOperation"]["location"] == f"{path}:4"


def test_redacted_values_are_hidden(tmp_path: Path) -> None:
    job = write_job(tmp_path / "r.prov", """
job "Redacting" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
map {
    displayName <- [displayName]
    userPrincipalName <- [userName]
    jobTitle <- Redact(
        [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department])
    employeeHireDate <- Redact([title])
}
""")
    user = scim_user("s1", "Sec", "Ret")
    user[ENTERPRISE] = {"department": "Secret"}
    [rec] = records(run(job, jsonl(tmp_path / "in.jsonl", user), tmp_path / "d.sqlite"))
    props = {p["displayName"]: p["newValue"] for p in rec["modifiedProperties"]}
    assert props["jobTitle"] == "[Redact]"
    assert "Secret" not in json.dumps(rec)
    # a redacted value the target refuses fails the record without showing the value
    user = scim_user("s2", "Sec", "Ret", title="Confidential")
    [rec] = records(run(job, jsonl(tmp_path / "in2.jsonl", user), tmp_path / "d2.sqlite"))
    assert rec["syncrulesAction"] == "fail"
    reason = rec["provisioningStatusInfo"]["errorInformation"]["reason"]
    assert "employeeHireDate: [Redact] is not an ISO 8601 date" in reason
    assert "Confidential" not in json.dumps(rec)


def test_select_unique_value_skips_taken_values(tmp_path: Path) -> None:
    job = write_job(tmp_path / "ad.prov", """
job "To AD" {
    target ad
    actions create, update
}
match [externalId] -> employeeID
map {
    sAMAccountName <- SelectUniqueValue(
        ToLower(Join("", [name.givenName], [name.familyName])),
        ToLower(Join(".", [name.givenName], [name.familyName])),
        ToLower(Join("", [name.givenName], [name.familyName], "2")))  on create
    displayName <- [displayName]
}
""")
    db = tmp_path / "dir.sqlite"
    seed = [{"_id": "old", "_anchor": None, "sAMAccountName": "AdaLovelace"}]
    (tmp_path / "seed.json").write_text(json.dumps(seed), encoding="utf-8")
    assert prov("directory", "import", tmp_path / "seed.json", "--directory", db).exit_code == 0
    path = jsonl(tmp_path / "in.jsonl", scim_user("a1", "Ada", "Lovelace"),
                 scim_user("a2", "Ada", "Lovelace"), scim_user("a3", "Ada", "Lovelace"),
                 scim_user("a4", "Ada", "Lovelace"))
    recs = by_index(run(job, path, db))
    names = [{p["displayName"]: p["newValue"] for p in r["modifiedProperties"]}.get(
        "sAMAccountName") for r in recs[:3]]
    assert names == ["ada.lovelace", "adalovelace2", None]
    assert recs[3]["syncrulesAction"] == "fail"
    info = recs[3]["provisioningStatusInfo"]["errorInformation"]
    assert info["errorCode"] == "ExpressionEvaluationFailed"
    assert "already taken" in info["reason"] and "sAMAccountName" in info["reason"]


def test_json_format_prints_only_records_on_stdout(scim_job: Path, tmp_path: Path) -> None:
    result = run(scim_job, SAMPLES / "Extended-SCIM-bulk-request-Core+Enterprise.json",
                 tmp_path / "d.sqlite")
    recs = records(result)
    assert len(recs) == 3
    assert "total" in result.stderr
    # the sample repeats a bulkId and spells userName "username": both are accepted; two of its
    # userNames ("DoeJane", "DuckD") are no user principal names, which Entra refuses
    assert actions(recs) == {"create": 1, "fail": 2}
    codes = {r["provisioningStatusInfo"]["errorInformation"]["errorCode"]
             for r in recs if r["syncrulesAction"] == "fail"}
    assert codes == {"AzureActiveDirectoryInvalidUserPrincipalName"}
    first = by_index(result)[0]
    assert first["sourceIdentity"] == {"id": "701984", "displayName": "Babs Jensen",
                                       "identityType": "User", "details": {}}
    assert first["jobId"] == "scim-to-entra-id"
    for key in ("id", "activityDateTime", "cycleId", "changeId", "provisioningAction",
                "provisioningStatusInfo", "provisioningSteps", "modifiedProperties",
                "targetIdentity", "syncrulesAction"):
        assert key in first
    assert first["activityDateTime"] == "2024-05-01T09:00:00Z"


def test_the_same_run_writes_the_same_log(scim_job: Path, tmp_path: Path) -> None:
    path = SAMPLES / "Sample-CSV-2-SCIM-payload.json"
    one = run(scim_job, path, tmp_path / "d.sqlite").stdout
    two = run(scim_job, path, tmp_path / "d.sqlite").stdout
    assert one == two and one


def test_an_applied_run_keeps_at_most_a_batch_of_records_in_memory(
    scim_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records are held until the directory commits what they report, and every batch commits,
    the end of the cycle included: the records kept for escrowed managers (here every one) go out
    a batch at a time, not all at the last commit."""
    from datetime import UTC, datetime

    from syncrules.api import check_paths
    from syncrules.run import runner

    most = 0
    hold = runner.HeldRecords.hold

    def counting_hold(self: runner.HeldRecords, record: Any) -> None:
        nonlocal most
        hold(self, record)
        most = max(most, len(self._held))

    monkeypatch.setattr(runner.HeldRecords, "hold", counting_hold)
    # each worker's manager comes later in the input: every record waits for the end
    workers = [scim_user(f"W{i}", f"G{i}", f"F{i}", manager=f"W{i + 1}") for i in range(60)]
    source = jsonl(tmp_path / "in.jsonl", *workers)
    job = check_paths([scim_job]).compiled_jobs()[0]
    emitted: list[Any] = []
    summary = runner.run_job(
        runner.RunRequest(job=job, input_path=source, directory=tmp_path / "d.sqlite",
                          now=datetime(2024, 5, 1, 9, tzinfo=UTC), apply=True, batch_size=7),
        emitted.append,
    )
    assert not isinstance(summary, runner.RunProblem), summary
    assert len(emitted) == 60
    assert 0 < most <= 7
