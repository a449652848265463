"""`prov run` over the sample csv-with-1000-records.csv (tests/data) ("done when" of the issue).

Expected counts are computed here from the CSV with a small independent model of the job in
tests/run/jobs/workday_csv.prov, not from syncrules' code.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from syncrules.run.cycle import Cycle
from syncrules.run.directory import Store
from syncrules.run.settle import Settling
from tests.run.conftest import SAMPLES, actions, export, normalised, prov, records, run

CSV_1000 = SAMPLES / "csv-with-1000-records.csv"

#: job mapping (Always flow) -> CSV column; accountEnabled comes from WorkerStatus.
ALWAYS = {
    "employeeId": "WorkerID",
    "givenName": "FirstName",
    "surname": "LastName",
    "displayName": "FullName",
    "jobTitle": "JobTitle",
    "department": "Department",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_counts(rows: list[dict[str, str]]) -> Counter[str]:
    """create / skip / enable / disable exact; 'update+none' together (a manager reference can
    only turn a no-change into an update)."""
    state: dict[str, dict[str, object]] = {}
    counts: Counter[str] = Counter()
    for row in rows:
        worker = row["WorkerID"]
        in_scope = row["WorkerType"] != "Intern"
        if not in_scope:
            if worker in state and state[worker]["accountEnabled"] is True:
                counts["disable"] += 1
                state[worker]["accountEnabled"] = False
            else:
                counts["skip"] += 1
            continue
        values: dict[str, object] = {k: row[c] for k, c in ALWAYS.items() if row[c] != ""}
        values["accountEnabled"] = row["WorkerStatus"] == "Active"
        if worker not in state:
            counts["create"] += 1
            state[worker] = values
            continue
        current = state[worker]
        changed = {
            k: v for k, v in values.items()
            if not (isinstance(v, str) and isinstance(current.get(k), str)
                    and v.casefold() == str(current[k]).casefold())
            and v != current.get(k)
        }
        if "accountEnabled" in changed:
            counts["enable" if changed["accountEnabled"] else "disable"] += 1
        else:
            counts["update+none"] += 1
        current.update(changed)
    return counts


def _grouped(counter: Counter[str]) -> Counter[str]:
    grouped = Counter(counter)
    grouped["update+none"] = grouped.pop("update", 0) + grouped.pop("none", 0)
    return +grouped


def test_plan_counts_follow_from_the_rules(csv_job: Path, tmp_path: Path) -> None:
    rows = _rows(CSV_1000)
    db = tmp_path / "dir.sqlite"
    recs = records(run(csv_job, CSV_1000, db))
    assert len(recs) == len(rows) == 1000
    assert sorted(r["syncrulesOperation"]["index"] for r in recs) == list(range(1, 1001))
    expected = expected_counts(rows)
    assert _grouped(actions(recs)) == +expected
    # duplicates never create twice: one create per distinct in-scope worker
    in_scope_workers = {r["WorkerID"] for r in rows if r["WorkerType"] != "Intern"}
    assert actions(recs)["create"] == len(in_scope_workers)
    assert not db.exists(), "a plan must not create the directory file"


def test_apply_twice_creates_nothing_and_leaves_the_directory_identical(
    csv_job: Path, tmp_path: Path
) -> None:
    db = tmp_path / "dir.sqlite"
    first = records(run(csv_job, CSV_1000, db, "--apply"))
    assert actions(first)["create"] > 0
    before = export(db)
    second = records(run(csv_job, CSV_1000, db, "--apply"))
    assert len(second) == 1000
    assert actions(second)["create"] == 0
    assert export(db) == before
    assert Store.open(db, writable=False).verify() == []


def test_input_without_repeated_workers_updates_nothing_on_the_second_run(
    csv_job: Path, tmp_path: Path
) -> None:
    rows = _rows(CSV_1000)
    seen: set[str] = set()
    unique = [r for r in rows if not (r["WorkerID"] in seen or seen.add(r["WorkerID"]))]
    path = tmp_path / "unique.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(unique)
    db = tmp_path / "dir.sqlite"
    first = records(run(csv_job, path, db, "--apply"))
    assert actions(first)["create"] == sum(r["WorkerType"] != "Intern" for r in unique)
    second = records(run(csv_job, path, db, "--apply"))
    counts = actions(second)
    assert set(counts) <= {"none", "skip"}, counts
    assert counts["none"] == actions(first)["create"]
    # unresolvable managers are reported every time, but never as a change
    warned = [r for r in second if r["provisioningStatusInfo"]["status"] == "warning"]
    assert warned and all(r["modifiedProperties"] == [] for r in warned)


def test_interrupted_run_leaves_a_consistent_directory_and_a_rerun_converges(
    csv_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = tmp_path / "clean.sqlite"
    records(run(csv_job, CSV_1000, clean, "--apply"))

    db = tmp_path / "dir.sqlite"
    original = Cycle.process

    def interrupted(self: Cycle, op: object) -> None:
        if op.index == 640:  # type: ignore[attr-defined]
            raise KeyboardInterrupt
        original(self, op)  # type: ignore[arg-type]

    monkeypatch.setattr(Cycle, "process", interrupted)
    result = prov("run", csv_job, "--input", CSV_1000, "--directory", db, "--apply",
                  "--batch-size", "100", "--format", "json")
    assert result.exit_code == 130
    monkeypatch.setattr(Cycle, "process", original)
    store = Store.open(db, writable=False)
    assert store.verify() == []
    assert 0 < store.count() < Store.open(clean, writable=False).count()
    store.close()

    records(run(csv_job, CSV_1000, db, "--apply"))
    assert normalised(db) == normalised(clean)
    third = records(run(csv_job, CSV_1000, db, "--apply"))
    assert actions(third)["create"] == 0


def test_run_interrupted_while_the_cycle_ends_converges(
    csv_job: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end of the cycle commits too (every --batch-size settled references): stopped there,
    the directory is consistent and a rerun gives the state of an uninterrupted run."""
    clean = tmp_path / "clean.sqlite"
    records(run(csv_job, CSV_1000, clean, "--apply"))

    db = tmp_path / "dir.sqlite"
    original = Settling._settle_references
    settled = 0

    def interrupted(self: Cycle, *args: object) -> None:
        nonlocal settled
        settled += 1
        if settled == 25:
            raise KeyboardInterrupt
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Settling, "_settle_references", interrupted)
    result = prov("run", csv_job, "--input", CSV_1000, "--directory", db, "--apply",
                  "--batch-size", "10", "--format", "json")
    assert result.exit_code == 130
    assert settled == 25  # the cycle did reach its end
    monkeypatch.setattr(Settling, "_settle_references", original)
    store = Store.open(db, writable=False)
    assert store.verify() == []
    store.close()

    records(run(csv_job, CSV_1000, db, "--apply"))
    assert normalised(db) == normalised(clean)


def test_text_output_has_a_line_per_record_and_a_summary(csv_job: Path, tmp_path: Path) -> None:
    result = prov("run", csv_job, "--input", CSV_1000, "--directory", tmp_path / "d.sqlite",
                  "--now", "2024-05-01T09:00:00Z", "--output", tmp_path / "log.jsonl")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("total ")
    assert "plan only" in result.stdout
    body = [line for line in lines if line[:6].strip().isdigit()]
    assert len(body) == 1000
    logged = (tmp_path / "log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(logged) == 1000
