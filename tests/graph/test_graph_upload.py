"""prov upload against the loopback fake Graph: batching, throttling, retries, bad records."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, assert_no_secret, make_runtime, users, write_jsonl

from syncrules.graph import commands
from syncrules.graph.commands import register
from syncrules.graph.upload import BULK_REQUEST_URN, ReadResult, UserRecord

LOGS = f"/auditLogs/provisioning?$filter=jobid eq '{JOB}'"


def _posts(fake_graph: FakeGraph) -> list[dict]:
    return [r.json() for r in fake_graph.calls("POST", "/bulkUpload")]


def test_120_users_make_three_requests_of_50_50_20(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "users.jsonl", users(120))
    result = cli.run("upload", str(source))
    assert result.exit_code == 0, result.stderr
    calls = fake_graph.calls("POST", "/bulkUpload")
    assert [len(r.json()["Operations"]) for r in calls] == [50, 50, 20]
    for call in calls:
        assert call.path == f"/v1.0/servicePrincipals/{SP}/synchronization/jobs/{JOB}/bulkUpload"
        assert call.headers["content-type"] == "application/scim+json"
        body = call.json()
        assert body["schemas"] == [BULK_REQUEST_URN]
        assert body["failOnErrors"] is None
        assert list(body) == ["schemas", "Operations", "failOnErrors"]
        for op in body["Operations"]:
            assert op["method"] == "POST" and op["path"] == "/Users"
            assert op["bulkId"] == op["data"]["externalId"]
    ids = [op["data"]["externalId"] for body in _posts(fake_graph) for op in body["Operations"]]
    assert ids == [u["externalId"] for u in users(120)]
    out = result.stdout
    assert "request 1/3: 50 operations: status 202" in out
    assert "request 3/3: 20 operations: status 202" in out
    assert f"provisioning logs: {fake_graph.url}{LOGS}" in out
    assert "sent 120 of 120 users in 3 of 3 requests" in out
    assert "ProvisioningLog.Read.All" in out
    assert cli.fake_time.sleeps == []
    assert_no_secret(result, tmp_path)


def test_bulk_request_input_with_lowercase_keys(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    source = tmp_path / "bulk.json"
    source.write_text(
        json.dumps(
            {
                "schemas": [BULK_REQUEST_URN],
                "operations": [
                    {"method": "post", "bulkId": "b-1", "path": "/users", "data": users(1)[0]},
                    {"method": "POST", "bulkId": "b-2", "path": "/Groups", "data": users(2)[1]},
                    {
                        "method": "POST",
                        "bulkId": "b-3",
                        "path": "/Users",
                        "data": {"userName": "x"},
                    },
                ],
                "failOnErrors": None,
            }
        ),
        encoding="utf-8",
    )
    result = cli.run("upload", str(source), "--batch-size", "10")
    assert result.exit_code == 1  # two records failed
    (body,) = _posts(fake_graph)
    assert [op["bulkId"] for op in body["Operations"]] == ["b-1"]
    assert f'{source}: Operations[1]: path is "/Groups": only "/Users" can be provisioned' in (
        result.stderr
    )
    assert f"{source}: Operations[2]: the user has no externalId" in result.stderr


def test_429_retry_after_is_honoured(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.fail("bulkUpload", 429, times=2, retry_after="1")
    source = write_jsonl(tmp_path / "users.jsonl", users(3))
    result = cli.run("upload", str(source))
    assert result.exit_code == 0, result.stderr
    assert cli.fake_time.sleeps == [1.0, 1.0]
    assert len(fake_graph.calls("POST")) == 3
    assert "429" in result.stderr and "retrying in 1 s (attempt 2 of 5)" in result.stderr
    assert "sent 3 of 3 users" in result.stdout


def test_500_is_retried_with_backoff(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.fail("bulkUpload", 500, times=2)
    fake_graph.fail("bulkUpload", 503, times=1)
    source = write_jsonl(tmp_path / "users.jsonl", users(3))
    result = cli.run("upload", str(source))
    assert result.exit_code == 0, result.stderr
    assert cli.fake_time.sleeps == [1.0, 2.0, 4.0]
    assert len(fake_graph.calls("POST")) == 4


def test_persistent_failure_is_reported_with_exit_1(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.fail("bulkUpload", 503, times=3)
    source = write_jsonl(tmp_path / "users.jsonl", users(60))
    result = cli.run("upload", str(source), "--max-attempts", "3")
    assert result.exit_code == 1
    assert "request 1/2: 50 operations: failed: Graph answered 503" in result.stderr
    assert "after 3 attempts" in result.stderr
    assert "request 2/2: 10 operations: status 202" in result.stdout
    assert "sent 10 of 60 users in 1 of 2 requests" in result.stdout
    assert cli.fake_time.sleeps == [1.0, 2.0]
    assert "Traceback" not in result.stderr


def test_401_stops_with_the_clear_message(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "users.jsonl", users(120))
    result = cli.run("upload", str(source), PROV_ACCESS_TOKEN="not-the-right-token")
    assert result.exit_code == 1
    assert "the access token was rejected (expired or wrong tenant?)" in result.stderr
    assert "the remaining 2 requests were not sent" in result.stderr
    assert len(fake_graph.calls("POST")) == 1
    assert "not-the-right-token" not in result.stdout + result.stderr


def test_403_names_the_upload_permission(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.fail("bulkUpload", 403)
    result = cli.run("upload", str(write_jsonl(tmp_path / "u.jsonl", users(2))))
    assert result.exit_code == 1
    assert "SynchronizationData-User.Upload" in result.stderr


def test_dry_run_writes_payload_files(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "users.jsonl", users(120))
    out_dir = tmp_path / "payloads"
    result = cli.run(
        "upload",
        str(source),
        "--dry-run",
        "--out-dir",
        str(out_dir),
        PROV_ACCESS_TOKEN=None,
        PROV_SERVICE_PRINCIPAL_ID=None,
        PROV_JOB_ID=None,
    )
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == ["payload-0001.json", "payload-0002.json", "payload-0003.json"]
    sizes = [
        len(json.loads((out_dir / f).read_text(encoding="utf-8"))["Operations"]) for f in files
    ]
    assert sizes == [50, 50, 20]
    assert fake_graph.requests == []
    again = tmp_path / "again"
    cli.run("upload", str(source), "--dry-run", "--out-dir", str(again))
    assert all((out_dir / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_a_bad_jsonl_line_fails_alone(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    good = users(3)
    source = tmp_path / "users.jsonl"
    source.write_text(
        json.dumps(good[0])
        + "\n"
        + "[1, 2]\n"
        + "{not json\n"
        + json.dumps({"userName": "nobody"})
        + "\n"
        + "\n"
        + json.dumps(good[1])
        + "\n"
        + json.dumps(good[2])
        + "\n",
        encoding="utf-8",
    )
    result = cli.run("upload", str(source))
    assert result.exit_code == 1
    err = result.stderr
    assert f"{source}:2: not a JSON object (a list)" in err
    assert f"{source}:3: not valid JSON at column 2: expected a property name" in err
    assert f"{source}:4: the user has no externalId" in err
    (body,) = _posts(fake_graph)
    assert [op["data"]["externalId"] for op in body["Operations"]] == [
        u["externalId"] for u in good
    ]
    assert "3 records failed before sending" in result.stdout


def test_the_rate_limit_is_respected(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "users.jsonl", users(45))
    result = cli.run("upload", str(source), "--batch-size", "1")
    assert result.exit_code == 0, result.stderr
    assert len(fake_graph.calls("POST")) == 45
    # the fake clock stands still: call 41 waits for the 5-second window to slide
    assert cli.fake_time.sleeps == [5.0]


def test_batch_size_above_50_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli.run(
        "upload", str(write_jsonl(tmp_path / "u.jsonl", users(1))), "--batch-size", "51"
    )
    assert result.exit_code == 2


def test_internal_errors_are_reported_without_traceback_or_secret(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path) -> ReadResult:
        raise RuntimeError(f"boom with {TOKEN}")

    monkeypatch.setattr(commands, "iter_records", broken)
    result = cli.run("upload", str(write_jsonl(tmp_path / "u.jsonl", users(1))))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom with ***" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


def test_csv_goes_through_the_hook(fake_graph: FakeGraph, tmp_path: Path) -> None:
    seen = []

    def reader(path: Path, job: object) -> ReadResult:
        seen.append((path.name, getattr(job, "name", None)))
        return ReadResult(
            (
                UserRecord(f"{path}:2", {"externalId": "42", "userName": "a@b.c"}),
                UserRecord(f"{path}:3", {"userName": "no id"}),
            )
        )

    group = click.Group("prov")
    register(group, csv_reader=reader)
    prov = tmp_path / "job.prov"
    prov.write_text(
        'job "CSV job" {\n    target entra\n    actions create, update\n}\n'
        "match [externalId] -> employeeId\nmap {\n    displayName <- [displayName]\n}\n",
        encoding="utf-8",
    )
    csv = tmp_path / "hr.csv"
    csv.write_text("id,name\n42,a\n,b\n", encoding="utf-8")
    from graph_support import FakeTime

    env = {
        "PROV_ACCESS_TOKEN": TOKEN,
        "PROV_GRAPH_URL": fake_graph.url,
        "PROV_SERVICE_PRINCIPAL_ID": SP,
        "PROV_JOB_ID": JOB,
    }
    runtime = make_runtime(FakeTime())
    without = CliRunner().invoke(group, ["upload", str(csv)], env=env, obj=runtime)
    assert without.exit_code == 2 and "--prov" in without.stderr
    result = CliRunner().invoke(
        group, ["upload", str(csv), "--prov", str(prov)], env=env, obj=runtime
    )
    assert result.exit_code == 1  # one record without externalId
    assert seen == [("hr.csv", "CSV job")]
    (body,) = _posts(fake_graph)
    op = body["Operations"][0]
    assert op["data"]["externalId"] == "42"
    assert op["data"]["schemas"][0] == "urn:ietf:params:scim:schemas:core:2.0:User"
    assert f"{csv}:3: the user has no externalId" in result.stderr
