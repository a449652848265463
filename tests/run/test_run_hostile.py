"""Records that attack the evaluator: a regular expression that runs out of time (in a scoping
clause, a matching key, a mapping), a replacement that multiplies its input, an integer too long
to read. Each fails its own record, with the reason, in `prov run` and in `prov test`; the
others are processed and, with --apply, committed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.run.conftest import by_index, prov, run, users

SLOW = "^(a|aa)+$"  # exponential backtracking in the `regex` package on "aaa...a!"
SLOW_TEXT = "a" * 60 + "!"

JOB = f"""
job "Hostile" {{
    target entra
    actions create, update
}}
match Replace([externalId], , "{SLOW}", , "k", , ) -> employeeId
scope {{
    group "All" {{
        [displayName] REGEX MATCH "{SLOW}"
    }}
}}
map {{
    displayName <- [displayName]
    jobTitle <- Replace([title], , "{SLOW}", , "x", , )
    department <- Replace([nickName], , "(.)", , "$_$_", , )
}}
"""


def _write(tmp_path: Path, extra: str = "") -> Path:
    job = tmp_path / "hostile.prov"
    job.write_text(JOB + extra, encoding="utf-8")
    return job


def _lines(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_each_hostile_record_fails_alone_with_its_reason(tmp_path: Path) -> None:
    job = _write(tmp_path)
    source = _lines(
        tmp_path,
        {"externalId": "1", "displayName": "aa"},
        {"externalId": "2", "displayName": SLOW_TEXT},  # scoping clause
        {"externalId": SLOW_TEXT, "displayName": "aa"},  # matching key
        {"externalId": "4", "displayName": "aa", "title": SLOW_TEXT},  # mapping
        {"externalId": "5", "displayName": "aa", "nickName": "d" * 20_000},  # $_ blow-up
        '{"externalId": "6", "displayName": "aa", "x": ' + "7" * 5000 + "}\n",  # huge integer
        {"externalId": "7", "displayName": "aaa"},
    )
    db = tmp_path / "dir.sqlite"
    result = run(job, source, db, "--apply")
    assert result.exit_code == 0, result.stderr
    recs = by_index(result)
    assert [r["syncrulesAction"] for r in recs] == [
        "create", "fail", "fail", "fail", "fail", "fail", "create"
    ]
    text = json.dumps(recs)
    assert "scoping clause [displayName] REGEX MATCH" in text
    assert f"the regular expression '{SLOW}' ran longer than 1 s" in text
    assert "no value for any matching attribute" not in text
    assert "jobTitle <- Replace" in text
    assert "longer than any target attribute holds" in text
    assert "an integer of 5000 digits is too long to read" in text
    # what succeeded is in the directory; nothing of the failed records is
    assert sorted(u["employeeId"] for u in users(db)) == ["1", "7"]


def test_prov_test_reports_the_timeout_as_the_failure(tmp_path: Path) -> None:
    job = _write(tmp_path, f"""
test "slow scoping fails the record" {{
    given user {{ "externalId": "1", "displayName": "{SLOW_TEXT}" }}
    expect fail
}}
test "slow matching key fails the record" {{
    given user {{ "externalId": "{SLOW_TEXT}", "displayName": "aa" }}
    expect fail
}}
test "a multiplying replacement fails the record" {{
    given user {{ "externalId": "3", "displayName": "aa", "nickName": "{"d" * 20_000}" }}
    expect fail
}}
""")
    result = prov("test", job, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    text = json.dumps(report)
    assert "ran longer than 1 s" in text
    assert "no value for any matching attribute" not in text


def test_after_kill_9_the_log_claims_nothing_the_directory_lacks(tmp_path: Path) -> None:
    """Records are logged once their batch is committed: kill the run part-way and every
    create the log reports is in the directory."""
    import os
    import signal
    import subprocess
    import sys

    from tests.run.conftest import JOBS

    source = tmp_path / "many.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for n in range(4000):
            handle.write(json.dumps({
                "externalId": f"E{n:05d}", "userName": f"u{n}@contoso.com",
                # jobTitle holds 128 characters
                "displayName": f"User {n}", "active": True, "title": "x" * 120,
            }) + "\n")
    db = tmp_path / "dir.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncrules", "run", str(JOBS / "scim_entra.prov"), "--input",
         str(source), "--directory", str(db), "--apply", "--batch-size", "1000",
         "--format", "json", "--now", "2024-05-01T09:00:00Z"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    logged: list[dict[str, object]] = []
    try:
        for line in proc.stdout:
            logged.append(json.loads(line))
            if len(logged) >= 256:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    # everything the run wrote before it died is the log, also what the test had not read yet
    for line in proc.stdout.read().splitlines():
        try:
            logged.append(json.loads(line))
        except ValueError:  # the one line the kill cut in two
            continue
    # whatever the kill cut short, a record the log says was created is in the directory
    created = {r["sourceIdentity"]["id"] for r in logged  # type: ignore[index]
               if r["syncrulesAction"] == "create" and r["provisioningStatusInfo"]["status"]  # type: ignore[index]
               == "success"}
    assert len(created) >= 256
    in_directory = {u["_anchor"] for u in users(db)}
    assert created <= in_directory


def test_a_failed_export_leaves_the_previous_one(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A full disk while writing `directory export -o` keeps the previous export whole."""
    import errno

    job = _write(tmp_path)
    db = tmp_path / "dir.sqlite"
    assert run(job, _lines(tmp_path, {"externalId": "1", "displayName": "aa"}), db,
               "--apply").exit_code == 0
    target = tmp_path / "export.json"
    assert prov("directory", "export", "--directory", db, "-o", target).exit_code == 0
    before = target.read_bytes()
    assert run(job, _lines(tmp_path, {"externalId": "2", "displayName": "aa"}), db,
               "--apply").exit_code == 0

    from syncrules.run.directory import Store

    real = Store.export_chunks

    def full(self):  # type: ignore[no-untyped-def]
        chunks = real(self)
        yield next(chunks)  # part of the export reaches the disk, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Store, "export_chunks", full)
    result = prov("directory", "export", "--directory", db, "-o", target)
    assert result.exit_code == 1
    assert "No space left on device; nothing was changed" in result.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export")) == []
    monkeypatch.undo()
    assert prov("directory", "export", "--directory", db, "-o", target).exit_code == 0
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 2


def test_run_apply_refuses_another_programs_database_unchanged(tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    other = tmp_path / "crm.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts (id INTEGER, name TEXT)")
    conn.execute("INSERT INTO accounts VALUES (1, 'x')")
    conn.commit()
    conn.close()
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"not a database at all\n")
    job = _write(tmp_path)
    source = _lines(tmp_path, {"externalId": "1", "displayName": "aa"})
    exported = tmp_path / "users.json"
    exported.write_text('[{"_id": "u1", "_anchor": "1", "displayName": "aa"}]', encoding="utf-8")
    for path, why in ((other, "an SQLite database with other tables: accounts"),
                      (junk, "not an SQLite database")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        for args in (("run", job, "--input", source, "--directory", path, "--apply"),
                     ("directory", "import", exported, "--directory", path)):
            result = prov(*args)
            assert result.exit_code == 1, (args, result.stdout)
            assert f"is not a syncrules directory ({why}); it was left unchanged" in result.stderr
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [
            path.name
        ]
