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


def test_the_scoping_timeout_is_named_in_the_text_log(tmp_path: Path) -> None:
    job = _write(tmp_path)
    source = _lines(tmp_path, {"externalId": "2", "displayName": SLOW_TEXT})
    result = prov("run", job, "--input", source, "--directory", tmp_path / "d.sqlite")
    assert result.exit_code == 0, result.stderr
    assert "fail     failure" in result.stdout
    assert "scoping clause [displayName] REGEX MATCH" in result.stdout
