"""prov pull against the loopback fake Graph; configuration and error messages."""

from __future__ import annotations

import json
from pathlib import Path

from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, assert_no_secret, live_schema


def test_pull_writes_the_live_schema(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    target = tmp_path / "out" / "live.json"
    result = cli.run("pull", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    written = json.loads(target.read_text(encoding="utf-8"))
    expected = live_schema()
    expected["@odata.context"] = f"{fake_graph.url}/$metadata#synchronizationSchema"
    assert written == expected
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n") and text == json.dumps(expected, indent=2, sort_keys=True) + "\n"
    (get,) = fake_graph.requests
    assert get.method == "GET"
    assert get.path == f"/v1.0/servicePrincipals/{SP}/synchronization/jobs/{JOB}/schema"
    assert "authorization" not in get.headers
    assert str(target) in result.stdout
    assert_no_secret(result, tmp_path)


def test_pull_to_stdout(cli: Cli) -> None:
    result = cli.run("pull")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "API2AAD"


def test_options_beat_environment_beat_prov_block(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = tmp_path / "job.prov"
    prov.write_text(
        'job "Block job" {\n    target entra\n    actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        "map {\n    displayName <- [displayName]\n}\n"
        f'graph {{\n    service principal "{SP}"\n    job "{JOB}"\n}}\n',
        encoding="utf-8",
    )
    # only the block (and the fake server's URL): works
    result = cli.run(
        "pull",
        "--prov",
        str(prov),
        PROV_SERVICE_PRINCIPAL_ID=None,
        PROV_JOB_ID=None,
    )
    assert result.exit_code == 0, result.stderr
    # the environment beats the block: an unknown job -> 404
    result = cli.run("pull", "--prov", str(prov), PROV_JOB_ID="nope")
    assert result.exit_code == 1
    assert "not found: no synchronization job 'nope'" in result.stderr
    # the option beats the environment
    result = cli.run("pull", "--prov", str(prov), "--job", JOB, PROV_JOB_ID="nope")
    assert result.exit_code == 0, result.stderr
    paths = [r.path for r in fake_graph.requests]
    assert paths[1].endswith("/jobs/nope/schema") and paths[2].endswith(f"/jobs/{JOB}/schema")


def test_missing_ids_are_a_usage_error(cli: Cli, fake_graph: FakeGraph) -> None:
    result = cli.run("pull", PROV_SERVICE_PRINCIPAL_ID=None, PROV_JOB_ID=None)
    assert result.exit_code == 2
    assert "missing the service principal id" in result.stderr
    assert "PROV_JOB_ID" in result.stderr
    assert fake_graph.requests == []


def test_bad_token_gives_the_clear_message(cli: Cli) -> None:
    result = cli.run("pull", PROV_ACCESS_TOKEN="expired-token-value")
    assert result.exit_code == 1
    assert "the access token was rejected (expired or wrong tenant?)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "expired-token-value" not in result.stderr + result.stdout


def test_forbidden_names_the_permission(cli: Cli, fake_graph: FakeGraph) -> None:
    fake_graph.fail("schema", 403)
    result = cli.run("pull")
    assert result.exit_code == 1
    assert "Synchronization.ReadWrite.All" in result.stderr
    assert "Application.ReadWrite.OwnedBy" in result.stderr
    assert len(fake_graph.requests) == 1  # 403 is not retried


def test_unknown_service_principal_is_not_found(cli: Cli) -> None:
    result = cli.run("pull", "--service-principal", "00000000-0000-0000-0000-000000000000")
    assert result.exit_code == 1
    assert "not found" in result.stderr and "00000000-0000-0000-0000-000000000000" in result.stderr


def test_no_token_and_no_azure_identity(cli: Cli, fake_graph: FakeGraph) -> None:
    from click.testing import CliRunner

    from syncrules.graph.session import GraphRuntime

    def missing(env: object) -> object:
        raise ImportError("No module named 'azure'")

    runtime = GraphRuntime(
        credential_factory=missing, sleep=cli.fake_time.sleep, clock=cli.fake_time.clock
    )
    result = CliRunner().invoke(
        cli.group, ["pull"], env=cli.env(PROV_ACCESS_TOKEN=None), obj=runtime
    )
    assert result.exit_code == 2
    assert 'pip install "syncrules[graph]"' in result.stderr
    assert fake_graph.requests == []


def test_unreachable_server_is_retried_then_reported(cli: Cli, fake_graph: FakeGraph) -> None:
    url = fake_graph.url
    fake_graph.stop()
    result = cli.run("pull", "--max-attempts", "3", PROV_GRAPH_URL=url)
    assert result.exit_code == 1
    assert "could not reach" in result.stderr and "after 3 attempts" in result.stderr
    assert cli.fake_time.sleeps == [1.0, 2.0]
    assert TOKEN not in result.stderr
