"""prov deploy against the loopback fake Graph: plan, dry run, confirmation, backup, raw PUT."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fake_graph import FakeGraph
from graph_support import (
    CONTOSO,
    JOB,
    SP,
    TOKEN,
    Cli,
    FakeTime,
    assert_no_secret,
    compiled_document,
    live_schema,
    make_runtime,
)

from syncrules.graph.auth import Redactor, StaticToken
from syncrules.graph.client import GraphClient
from syncrules.graph.config import GraphSettings
from syncrules.graph.deploy import deploy_document
from syncrules.graph.session import Console

REPO = Path(__file__).resolve().parents[2]
CONTOSO_PROV = REPO / "tests/cases/valid/appendix/01_contoso_hr/input.prov"
STAMP = "20240501T123045Z"


def _prov(tmp_path: Path, fake_graph: FakeGraph) -> Path:
    """The Contoso case plus a graph block naming the job (the fake server's URL comes from
    PROV_GRAPH_URL: a .prov file may only name Microsoft Graph itself)."""
    text = CONTOSO_PROV.read_text(encoding="utf-8")
    text += f'\ngraph {{\n    service principal "{SP}"\n    job "{JOB}"\n}}\n'

    path = tmp_path / "contoso.prov"
    path.write_text(text, encoding="utf-8")
    return path


def _env_from_block() -> dict[str, None]:
    return {"PROV_SERVICE_PRINCIPAL_ID": None, "PROV_JOB_ID": None}


def test_dry_run_shows_the_plan_and_sends_nothing(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    backups = tmp_path / "backups"
    result = cli.run(
        "deploy", str(prov), "--dry-run", "--backup-dir", str(backups), **_env_from_block()
    )
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert f"plan for job '{JOB}'" in out
    assert "+ mapping userPrincipalName <- " in out
    assert "- mapping faxNumber <- [userName]" in out
    assert "~ flowTypes Add, Update, Delete -> Add, Update" in out
    assert f"+ extension attribute {CONTOSO}:Skills" in out
    assert f"- extension attribute {CONTOSO}:OldCode" in out
    assert "+ scoping group Employees" in out
    assert "dry run: nothing was sent" in out
    assert [r.method for r in fake_graph.requests] == ["GET"]
    assert fake_graph.schema(SP, JOB) == live_schema()
    assert not backups.exists()
    assert_no_secret(result, tmp_path)


def test_yes_puts_the_merged_schema_and_keeps_a_backup(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    backups = tmp_path / "backups"
    result = cli.run(
        "deploy", str(prov), "--yes", "--backup-dir", str(backups), **_env_from_block()
    )
    assert result.exit_code == 0, result.stderr
    assert [r.method for r in fake_graph.requests] == ["GET", "PUT"]
    put = fake_graph.requests[1]
    assert put.path.endswith(f"/jobs/{JOB}/schema")
    assert put.headers["content-type"] == "application/json"
    sent = put.json()
    assert "@odata.context" not in sent
    live = live_schema()
    # the parts syncrules does not model survive
    for key in ("id", "version", "customProperty"):
        assert sent[key] == live[key]
    rule = sent["synchronizationRules"][0]
    assert rule["metadata"] == live["synchronizationRules"][0]["metadata"]
    assert rule["objectMappings"][1] == live["synchronizationRules"][0]["objectMappings"][1]
    user = rule["objectMappings"][0]
    assert user["metadata"] == [{"key": "Disposition", "value": "Normal"}]
    assert user["scope"]["inputFilterGroups"] == [{"name": "experimental", "clauses": []}]
    assert sent["directories"][1] == live["directories"][1]
    api_user = sent["directories"][0]["objects"][0]
    hire = next(a for a in api_user["attributes"] if a["name"] == f"{CONTOSO}:HireDate")
    assert hire["metadata"] == [{"key": "note", "value": "x"}]
    # our parts replaced theirs
    targets = [m["targetAttributeName"] for m in user["attributeMappings"]]
    assert "userPrincipalName" in targets and "faxNumber" not in targets
    assert user["flowTypes"] == "Add, Update"
    assert fake_graph.schema(SP, JOB) == sent
    # the backup holds the live schema as it was before the PUT
    (backup,) = backups.iterdir()
    assert backup.name == f"{JOB}-{STAMP}.schema.json"
    saved = json.loads(backup.read_text(encoding="utf-8"))
    saved.pop("@odata.context")
    assert saved == live
    assert f"backup of the live schema: {backup}" in result.stdout
    assert "deployed" in result.stdout
    assert_no_secret(result, tmp_path)
    # deploying again: nothing to do, nothing sent
    again = cli.run("deploy", str(prov), "--yes", "--backup-dir", str(backups), **_env_from_block())
    assert again.exit_code == 0, again.stderr
    assert "nothing to deploy" in again.stdout
    assert [r.method for r in fake_graph.requests] == ["GET", "PUT", "GET"]


def test_without_yes_and_without_a_terminal_it_refuses(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    result = cli.run("deploy", str(prov), "--backup-dir", str(tmp_path / "b"), **_env_from_block())
    assert result.exit_code == 2
    assert "refusing to replace the live schema without confirmation" in result.stderr
    assert "--yes" in result.stderr
    assert [r.method for r in fake_graph.requests] == ["GET"]
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("answer", "code", "methods"), [("y\n", 0, ["GET", "PUT"]), ("n\n", 1, ["GET"])]
)
def test_confirmation_on_a_terminal(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, answer: str, code: int, methods: list[str]
) -> None:
    prov = _prov(tmp_path, fake_graph)
    result = cli.run(
        "deploy",
        str(prov),
        "--backup-dir",
        str(tmp_path / "b"),
        tty=True,
        input=answer,
        **_env_from_block(),
    )
    assert result.exit_code == code, result.stderr
    assert "Replace the live schema with the merged schema?" in result.stderr
    assert [r.method for r in fake_graph.requests] == methods


def test_a_failed_put_is_reported(cli: Cli, fake_graph: FakeGraph, tmp_path: Path) -> None:
    prov = _prov(tmp_path, fake_graph)
    fake_graph.fail("schema", 403, method="PUT")
    result = cli.run(
        "deploy", str(prov), "--yes", "--backup-dir", str(tmp_path / "b"), **_env_from_block()
    )
    assert result.exit_code == 1
    assert "the schema was not replaced" in result.stderr
    assert "Synchronization.ReadWrite.All" in result.stderr
    assert [r.method for r in fake_graph.requests] == ["GET", "PUT"]
    assert fake_graph.schema(SP, JOB) == live_schema()
    assert len(list((tmp_path / "b").iterdir())) == 1  # the backup was written first


def test_a_prov_file_with_errors_sends_nothing(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = tmp_path / "broken.prov"
    prov.write_text(
        'job "x" {\n    target entra\n}\nmap {\n    displayName <- Jion([a])\n', encoding="utf-8"
    )
    result = cli.run("deploy", str(prov), "--yes")
    assert result.exit_code == 1
    assert "error" in result.stderr and "nothing was sent" in result.stderr
    assert fake_graph.requests == []


def test_deploy_document_directly(
    fake_graph: FakeGraph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The flow with a hand-built compiled document (no compiler involved)."""
    redactor = Redactor()
    settings = GraphSettings(service_principal=SP, job=JOB, url=fake_graph.url)
    fake_time = FakeTime()
    runtime = make_runtime(fake_time)
    console = Console(redactor)
    with GraphClient(
        settings,
        StaticToken(TOKEN, redactor),
        redactor,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    ) as client:
        code = deploy_document(
            compiled_document(),
            client=client,
            settings=settings,
            console=console,
            runtime=runtime,
            dry_run=False,
            yes=True,
            backup_dir=tmp_path / "b",
        )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "~ mapping jobTitle" in captured.out and "+ mapping companyName" in captured.out
    stored = fake_graph.schema(SP, JOB)
    mapping = stored["synchronizationRules"][0]["objectMappings"][0]
    assert [m["targetAttributeName"] for m in mapping["attributeMappings"]] == [
        "employeeId",
        "jobTitle",
        "companyName",
    ]
    assert TOKEN not in captured.out + captured.err
    assert (tmp_path / "b" / f"{JOB}-{STAMP}.schema.json").exists()


def test_patch_on_the_schema_is_not_found(fake_graph: FakeGraph) -> None:
    """The fake behaves like Graph: only PUT replaces the schema."""
    url = f"{fake_graph.url}/servicePrincipals/{SP}/synchronization/jobs/{JOB}/schema"
    response = httpx.patch(url, json={"id": "x"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404
    assert fake_graph.schema(SP, JOB) == live_schema()
