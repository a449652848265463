"""One semantic core: `prov test` replaying records 1..k expects exactly the action and values
`prov run` logs for record k.

Hypothesis generates short record streams over a few workers (collisions: two workers with the
same name get the same UPN; renames: the matching attribute changes while the source anchor
stays; leavers and rehires: ``active``; scope moves: ``userType`` Intern; late managers: a
manager who comes later in the stream, or never). Each stream goes through `prov run` (SQLite
directory, the library call the command makes); the last record's log record becomes a `test`
block (its `given` records, its action, one `==` per modified property), which `prov test` must
pass; the same block with another action must fail.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.api import check_paths
from syncrules.run.log import LogRecord
from syncrules.run.runner import RunRequest, run_job
from syncrules.testing.runner import run_tests
from tests.run.conftest import ENTERPRISE

NOW = "2024-05-01T09:00:00Z"

JOB = f"""
job "Replay" {{
    target entra
    actions create, update
    deletion threshold 2
}}

match [{ENTERPRISE}:employeeNumber] -> employeeId

scope {{
    group "Staff" {{
        [userType] NOT EQUALS "Intern"
    }}
}}

map {{
    displayName       <- Join(" ", [name.givenName], [name.familyName])
    userPrincipalName <- Join("", ToLower(Join(".", [name.givenName], [name.familyName])),
                              "@", DefaultDomain())
    accountEnabled    <- [active]
    department        <- [{ENTERPRISE}:department]
    manager           <- [{ENTERPRISE}:manager]
}}
"""

NAMES = (("John", "Smith"), ("Ann", "Lee"), ("Bo", "Kim"), ("Eva", "Ruiz"))


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A stream of 1-8 records about up to 3 workers (worker n is usually NAMES[n + 1]; now and
    then "John Smith", whom another worker may already be)."""
    out = []
    for _ in range(draw(st.integers(1, 8))):
        worker = draw(st.integers(0, 2))
        given, family = NAMES[draw(st.sampled_from([worker + 1] * 3 + [0]))]
        extension: dict[str, Any] = {
            # a rename: the matching attribute changes, the source anchor does not
            "employeeNumber": f"E{worker}" + draw(st.sampled_from(["", "", "r"])),
            "department": draw(st.sampled_from(["Tours", "Sales"])),
        }
        manager = draw(st.none() | st.integers(0, 3))  # W3 never comes: never found
        if manager is not None:
            extension["manager"] = {"value": f"W{manager}"}
        out.append({
            "externalId": f"W{worker}",
            "userName": f"w{worker}@hr.example",
            "active": draw(st.sampled_from([True, True, False])),
            "userType": draw(st.sampled_from(["Employee", "Employee", "Employee", "Intern"])),
            "name": {"givenName": given, "familyName": family},
            ENTERPRISE: extension,
        })
    return out


def _run(job_file: Path, stream: list[dict[str, Any]], folder: Path) -> LogRecord:
    """`prov run` over the stream (a fresh SQLite directory); the last record's log record."""
    job = check_paths([job_file]).jobs[0]
    source = folder / "stream.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in stream), encoding="utf-8")
    logged: dict[int, LogRecord] = {}
    request = RunRequest(job=job, input_path=source, directory=folder / "directory.sqlite",
                         now=datetime(2024, 5, 1, 9, tzinfo=UTC), default_domain="contoso.com",
                         apply=True)
    summary = run_job(request, lambda r: logged.__setitem__(r.result.index, r))
    assert not hasattr(summary, "message"), summary
    assert sorted(logged) == list(range(1, len(stream) + 1))
    return logged[len(stream)]


def _test_block(stream: list[dict[str, Any]], action: str, values: list[tuple[str, Any]]) -> str:
    lines = ['test "replay" {', f'    now "{NOW}"', '    domain "contoso.com"']
    lines += [f"    given user {json.dumps(r)}" for r in stream]
    lines.append(f"    expect {action} {{")
    lines += [f"        {name} == {json.dumps(value)}" for name, value in values]
    lines += ["    }", "}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records())
def test_prov_test_expects_what_prov_run_logs(stream: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        job_file = folder / "replay.prov"
        job_file.write_text(JOB, encoding="utf-8")
        logged = _run(job_file, stream, folder)
        action = logged.data()["syncrulesAction"]
        values = [(name, new) for name, _, new in logged.result.changes]
        test_file = folder / "replay_test.prov"
        test_file.write_text('import "replay.prov"\n\n' + _test_block(stream, action, values),
                             encoding="utf-8")
        report = run_tests([test_file])
        assert report.check.ok, [d.message for d in report.diagnostics]
        [result] = report.results
        assert result.status == "passed", (action, values, result.failures, result.steps)
        # and the same test with another action fails, naming both
        other = "update" if action != "update" else "create"
        test_file.write_text('import "replay.prov"\n\n' + _test_block(stream, other, []),
                             encoding="utf-8")
        [result] = run_tests([test_file]).results
        assert result.status == "failed"
        assert f"action: expected {other}, got {action}" in result.failures
