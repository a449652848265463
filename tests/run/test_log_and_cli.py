"""run.log records, run.report text, the fast scim.flatten, and `prov run` exit codes."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.run.cycle import Summary
from syncrules.run.directory import Store
from syncrules.run.log import NAMESPACE, IdMaker, OpResult, RunInfo, build_record, stable_id
from syncrules.run.report import record_line, summary_text
from syncrules.runtime.scim import _value, flatten, lookup
from tests.run.conftest import (
    ENTERPRISE,
    JOBS,
    NOW,
    SAMPLES,
    jsonl,
    prov,
    run,
    scim_user,
    write_job,
)

INFO = RunInfo(job_name="J", job_id="j", cycle=3, activity="2024-05-01T09:00:00Z",
               target="entra", apply=False, redacted=frozenset({"secret"}))


def test_ids_are_uuid5_and_stable() -> None:
    assert stable_id("a", 1) == str(uuid.uuid5(NAMESPACE, "a\x1f1"))
    assert IdMaker("record", "c")(7) == stable_id("record", "c", 7)
    assert INFO.record_id(1) != INFO.record_id(2)


def test_record_shape_and_redaction() -> None:
    result = OpResult(5, "b5", "in.json: Operations[4]", action="enable", status="success",
                      source_id="e5", source_name="Ada", target_id="t5",
                      changes=[("accountEnabled", False, True), ("secret", "x", "y"),
                               ("otherMails", None, ["a", "b"])])
    result.step("processing", "success", "enabled", Count=2)
    result.step("import", "success", "received")
    record = build_record(INFO, result)
    assert record["provisioningAction"] == "update"
    assert record["syncrulesAction"] == "enable"
    assert [s["provisioningStepType"] for s in record["provisioningSteps"]] == [
        "import", "processing"]
    assert record["provisioningSteps"][1]["details"] == {"Count": "2"}
    assert record["modifiedProperties"] == [
        {"displayName": "accountEnabled", "oldValue": "False", "newValue": "True"},
        {"displayName": "secret", "oldValue": "[Redact]", "newValue": "[Redact]"},
        {"displayName": "otherMails", "oldValue": None, "newValue": '["a", "b"]'},
    ]
    assert record["provisioningStatusInfo"] == {"status": "success", "errorInformation": None}
    assert record["syncrulesOperation"] == {"index": 5, "bulkId": "b5",
                                            "location": "in.json: Operations[4]",
                                            "applied": False}
    assert record["cycleId"] == stable_id("cycle", "j", 3)
    assert "enable" in record_line(record) and "Ada" in record_line(record)


def test_failed_and_staged_records() -> None:
    failed = OpResult(1, None, "x", attempted="create")
    failed.fail("export", "AzureActiveDirectoryConflict", "taken")
    record = build_record(INFO, failed)
    assert record["provisioningAction"] == "create"
    assert record["provisioningStatusInfo"]["errorInformation"]["errorCode"] == (
        "AzureActiveDirectoryConflict")
    staged = OpResult(2, None, "x", action="disable", status="skipped", staged=True,
                      error_code="DeletionThresholdExceeded", error_reason="over")
    assert build_record(INFO, staged)["provisioningAction"] == "stagedDelete"


def test_marshalled_rows_round_trip() -> None:
    result = OpResult(3, None, "loc", changes=[("a", None, ["x"])], waiting=1)
    result.step("referenceResolution", "warning", "w", Attribute="manager")
    again = OpResult.from_row(result.to_row())
    assert build_record(INFO, again) == build_record(INFO, result)


def test_summary_table_is_plain_aligned_text() -> None:
    summary = Summary("J", 3, False, Counter({("create", "create", "success"): 12,
                                              ("disable", "stagedDelete", "skipped"): 3,
                                              ("fail", "create", "failure"): 1}), total=16,
                      deletions=3, threshold=2, staged=True)
    text = summary_text(summary)
    lines = text.splitlines()
    assert "exceed the deletion threshold of 2" in lines[0]
    assert lines[1].split() == ["action", "success", "warning", "failure", "skipped", "total"]
    assert lines[2].split() == ["create", "12", "0", "0", "0", "12"]
    assert lines[3].split() == ["disable", "(staged)", "0", "0", "0", "3", "3"]
    assert lines[-1].split() == ["total", "12", "0", "1", "3", "16"]


MESSY: list[dict[str, Any]] = [
    {"externalId": 7, "Active": "TRUE", "USERNAME": "a@b", "name": {"GivenName": "Ada"},
     ENTERPRISE: {"Manager": {"value": "m"}, "department": None}, "title": None},
    {"externalId": "1", "active": False, "name": None,
     f"{ENTERPRISE}:department": "flat", "emails": {"type": "Work", "value": "x@y"},
     "addresses": [{"type": "home", "country": "FR"}, {"type": "work", "country": "DE"}]},
    {"externalId": ["1", "2"], "active": 1, "emails": [{"type": "work", "value": None}],
     ENTERPRISE: "not an object", "title": ["only"]},
]
ATTRS = (
    ("active", "Boolean", False), ("externalId", "String", False),
    ("userName", "String", False), ("name.givenName", "String", False),
    ("title", "String", False), ("emails[type eq \"work\"].value", "String", False),
    ("addresses[type eq \"work\"].country", "String", False),
    (f"{ENTERPRISE}:manager", "Reference", False), (f"{ENTERPRISE}:department", "String", False),
    ("externalId", "String", True),
)


@pytest.mark.parametrize("user", MESSY)
def test_fast_flatten_equals_the_reference_lookup(user: dict[str, Any]) -> None:
    expected = {}
    for name, type_, multi in ATTRS:
        value = _value(lookup(user, name), type_, multi)
        if value is not None:
            expected[name] = value
    assert flatten(user, ATTRS) == expected
    assert flatten(user, list(ATTRS)) == expected  # any iterable, not only the cached tuple


# ---- exit codes ---------------------------------------------------------------------------------


def test_rules_with_errors_exit_1(tmp_path: Path) -> None:
    job = write_job(tmp_path / "bad.prov", 'job "x" { target entra actions create }\n'
                    "map { displayName <- Nope([x]) }\n")
    result = prov("run", job, "--input", SAMPLES / "csv-with-2-records.csv",
                  "--directory", tmp_path / "d.sqlite")
    assert result.exit_code == 1 and result.stdout == ""


def test_unreadable_or_wrong_input_exits_1(scim_job: Path, tmp_path: Path) -> None:
    result = run(scim_job, tmp_path / "missing.jsonl", tmp_path / "d.sqlite")
    assert result.exit_code == 1 and "no such file" in result.stderr
    result = run(scim_job, SAMPLES / "csv-with-2-records.csv", tmp_path / "d.sqlite")
    assert result.exit_code == 1 and "no `source csv` block" in result.stderr
    assert result.stdout == ""
    path = tmp_path / "in.csv"
    path.write_text("A,B\n1,2\n", encoding="utf-8")
    result = run(JOBS / "workday_csv.prov", path, tmp_path / "d.sqlite")
    assert result.exit_code == 1 and "[WorkerID]" in result.stderr and result.stdout == ""
    result = run(scim_job, SAMPLES / "AttributeMapping.psd1", tmp_path / "d.sqlite")
    assert result.exit_code == 1 and "--input-format" in result.stderr


def test_a_directory_that_is_not_one_exits_1(scim_job: Path, tmp_path: Path) -> None:
    db = tmp_path / "d.sqlite"
    db.write_text("not sqlite", encoding="utf-8")
    result = run(scim_job, jsonl(tmp_path / "a.jsonl", scim_user("1", "A", "B")), db)
    assert result.exit_code == 1 and "not a syncrules directory" in result.stderr


def test_one_writer_at_a_time(scim_job: Path, tmp_path: Path) -> None:
    """Two `prov run --apply` on one directory would interleave their batches: the second is
    refused while the first holds the directory; a plan may still read it."""
    db = tmp_path / "d.sqlite"
    users = jsonl(tmp_path / "a.jsonl", scim_user("1", "A", "B"))
    holder = Store.open(db, writable=True)
    result = run(scim_job, users, db, "--apply")
    assert result.exit_code == 1 and "in use by another writer" in result.stderr
    assert run(scim_job, users, db).exit_code == 0  # a plan reads a copy
    holder.close()
    assert run(scim_job, users, db, "--apply").exit_code == 0


def test_a_sqlite_failure_mid_run_is_a_message_not_a_traceback(
    scim_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: Store, changes: object, prepared: object = None) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "write_batch", full)
    users = jsonl(tmp_path / "a.jsonl", scim_user("1", "A", "B"))
    result = run(scim_job, users, tmp_path / "d.sqlite", "--apply")
    assert result.exit_code == 1
    assert "SQLite: database or disk is full" in result.stderr
    assert "Traceback" not in result.stderr and "PROV901" not in result.stderr


def test_usage_errors_exit_2(scim_job: Path) -> None:
    assert prov("run", scim_job).exit_code == 2
    assert prov("run", scim_job, "--input", "x.json", "--input-format", "xml").exit_code == 2


def test_standard_input_is_read_with_its_format_given(scim_job: Path, tmp_path: Path) -> None:
    lines = "\n".join(json.dumps(u) for u in (
        scim_user("1", "Ada", "Lovelace"), scim_user("2", "Alan", "Turing", manager="1"))) + "\n"
    result = CliRunner().invoke(main, ["run", str(scim_job), "--input", "-", "--input-format",
                                       "jsonl", "--format", "json", "--now", NOW], input=lines)
    assert result.exit_code == 0, result.stderr
    logged = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["syncrulesAction"] for r in logged] == ["create", "create"]
    assert logged[1]["syncrulesOperation"]["location"] == "<stdin>:2"
    bulk = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                       "Operations": [{"method": "POST", "path": "/Users", "bulkId": "b",
                                       "data": scim_user("3", "Grace", "Hopper")}]})
    result = CliRunner().invoke(main, ["run", str(scim_job), "--input", "-", "--input-format",
                                       "bulk", "--format", "json", "--now", NOW], input=bulk)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["syncrulesOperation"]["bulkId"] == "b"
    missing = CliRunner().invoke(main, ["run", str(scim_job), "--input", "-"], input=lines)
    assert missing.exit_code == 2 and "--input-format" in missing.stderr


def test_input_format_override(scim_job: Path, tmp_path: Path) -> None:
    path = tmp_path / "users.txt"
    path.write_text(json.dumps(scim_user("1", "A", "B")) + "\n", encoding="utf-8")
    result = run(scim_job, path, tmp_path / "d.sqlite", "--input-format", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1


def test_failed_records_do_not_fail_the_command(scim_job: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("{oops\n", encoding="utf-8")
    result = run(scim_job, path, tmp_path / "d.sqlite")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["provisioningStatusInfo"]["status"] == "failure"
