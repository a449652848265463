"""From a repository to tenants, against the loopback fake Graph: environments (prov.toml) for
the Graph commands, drift checks (--dry-run --detailed-exitcode), restore from a backup, the
deletion threshold in the job's secrets, pull --all, token scopes by cloud and token refresh."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, assert_no_secret, live_schema, write_jsonl

from syncrules.graph.auth import (
    AzureIdentityToken,
    Redactor,
    build_credential,
    choose_credential,
    token_provider_from_env,
)
from syncrules.graph.clouds import cloud_for
from syncrules.graph.secrets import NOTIFICATION_KEY, notification_value, read_secret
from syncrules.graph.session import GraphRuntime
from syncrules.project import load_project

REPO = Path(__file__).resolve().parents[2]
CONTOSO_PROV = REPO / "tests/cases/valid/appendix/01_contoso_hr/input.prov"
NO_CONNECTION_ENV = {"PROV_SERVICE_PRINCIPAL_ID": None, "PROV_JOB_ID": None, "PROV_GRAPH_URL": None}


def _prov(tmp_path: Path, fake_graph: FakeGraph, extra_job_setting: str = "") -> Path:
    """The Contoso case with a graph block (and, optionally, one more job setting)."""
    text = CONTOSO_PROV.read_text(encoding="utf-8")
    if extra_job_setting:
        text = text.replace(
            "actions create, update", f"actions create, update\n    {extra_job_setting}", 1
        )
        assert extra_job_setting in text
    text += (
        f'\ngraph {{\n    service principal "{SP}"\n    job "{JOB}"\n}}\n'
    )  # the fake server's URL is not a Graph endpoint: it comes from PROV_GRAPH_URL (_deploy)
    path = tmp_path / "contoso.prov"
    path.write_text(text, encoding="utf-8")
    return path


def _deploy(cli: Cli, prov: Path, tmp_path: Path, *args: str, **env: str | None) -> Any:
    return cli.run(
        "deploy",
        str(prov),
        *args,
        "--backup-dir",
        str(tmp_path / "backups"),
        **{**NO_CONNECTION_ENV, "PROV_GRAPH_URL": cli.fake_graph.url, **env},
    )


# ---- drift ---------------------------------------------------------------------------------------


def test_detailed_exitcode_is_2_for_a_changed_job_and_0_once_deployed(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    drift = _deploy(cli, prov, tmp_path, "--dry-run", "--detailed-exitcode")
    assert drift.exit_code == 2, drift.output
    assert "dry run: nothing was sent" in drift.stdout
    assert [r.method for r in fake_graph.requests] == ["GET"]
    assert fake_graph.schema(SP, JOB) == live_schema()
    # without --detailed-exitcode the same dry run exits 0
    assert _deploy(cli, prov, tmp_path, "--dry-run").exit_code == 0
    deployed = _deploy(cli, prov, tmp_path, "--yes")
    assert deployed.exit_code == 0, deployed.output
    same = _deploy(cli, prov, tmp_path, "--dry-run", "--detailed-exitcode")
    assert same.exit_code == 0, same.output
    assert "no changes" in same.stdout
    assert_no_secret(same, tmp_path)


def test_detailed_exitcode_is_1_on_an_error_and_needs_dry_run(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    fake_graph.fail("schema", 403)
    failed = _deploy(cli, prov, tmp_path, "--dry-run", "--detailed-exitcode")
    assert failed.exit_code == 1
    assert "permission denied" in failed.stderr
    alone = _deploy(cli, prov, tmp_path, "--detailed-exitcode", "--yes")
    assert alone.exit_code == 2
    assert "--detailed-exitcode goes with --dry-run" in alone.stderr


# ---- restore -------------------------------------------------------------------------------------


def test_restore_puts_the_backup_back_after_a_plan_and_a_backup(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph)
    assert _deploy(cli, prov, tmp_path, "--yes").exit_code == 0
    (backup,) = (tmp_path / "backups").iterdir()
    deployed = fake_graph.schema(SP, JOB)
    assert deployed != live_schema()
    plan = _deploy(
        cli, prov, tmp_path, "--restore", str(backup), "--dry-run", "--detailed-exitcode"
    )
    assert plan.exit_code == 2, plan.output
    assert "mapping faxNumber" in plan.stdout  # the backup has it, the live job does not
    assert fake_graph.schema(SP, JOB) == deployed
    refused = _deploy(cli, prov, tmp_path, "--restore", str(backup))
    assert refused.exit_code == 2 and "without confirmation" in refused.stderr
    restored = cli.run(
        "deploy",
        "--restore",
        str(backup),
        "--yes",
        "--backup-dir",
        str(tmp_path / "backups"),
    )  # the connection from PROV_* variables: no .prov file needed
    assert restored.exit_code == 0, restored.output
    assert fake_graph.schema(SP, JOB) == live_schema()
    # the schema replaced by the restore was itself backed up first
    assert len(list((tmp_path / "backups").iterdir())) == 2
    again = cli.run("deploy", "--restore", str(backup), "--dry-run", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_restore_refuses_a_file_that_is_not_a_schema(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"value": []}', encoding="utf-8")
    result = cli.run("deploy", "--restore", str(bad), "--yes")
    assert result.exit_code == 1
    assert "is not a synchronizationSchema" in result.stderr
    assert "Traceback" not in result.output
    assert cli.run("deploy").exit_code == 2


# ---- the deletion threshold ----------------------------------------------------------------------


def test_deletion_threshold_25_is_written_to_the_secrets_alone(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.secrets[SP] = {"SkipOutOfScopeDeletions": "True", "SecretToken": "s3cr3t-value"}
    prov = _prov(tmp_path, fake_graph, "deletion threshold 25")
    plan = _deploy(cli, prov, tmp_path, "--dry-run")
    assert "deletion threshold 25: written to the job's synchronization secrets" in plan.stdout
    assert not fake_graph.calls("PUT")
    result = _deploy(cli, prov, tmp_path, "--yes")
    assert result.exit_code == 0, result.output
    (put,) = fake_graph.calls("PUT", "/synchronization/secrets")
    sent = put.json()
    assert [p["key"] for p in sent["value"]] == [NOTIFICATION_KEY]  # no other secret is sent
    value = json.loads(fake_graph.secrets[SP][NOTIFICATION_KEY])
    assert value["DeleteThresholdValue"] == 25 and value["DeleteThresholdEnabled"] is True
    assert fake_graph.secrets[SP]["SkipOutOfScopeDeletions"] == "True"
    assert fake_graph.secrets[SP]["SecretToken"] == "s3cr3t-value"
    # the masked current value could not be kept: said so
    assert "could not be read" in result.stderr
    assert "deletion threshold 25 written" in result.stdout
    assert_no_secret(result, tmp_path)


def test_readable_notification_settings_are_kept_and_an_unchanged_schema_still_gets_it(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.readable_secrets = True
    fake_graph.secrets[SP] = {
        NOTIFICATION_KEY: json.dumps(
            {"Enabled": True, "Recipients": "ops@contoso.com", "DeleteThresholdEnabled": False}
        )
    }
    prov = _prov(tmp_path, fake_graph, "deletion threshold 0")
    assert _deploy(cli, prov, tmp_path, "--yes").exit_code == 0
    value = json.loads(fake_graph.secrets[SP][NOTIFICATION_KEY])
    assert value == {
        "Enabled": True,
        "Recipients": "ops@contoso.com",
        "DeleteThresholdEnabled": True,
        "DeleteThresholdValue": 0,
    }
    # nothing left to change in the schema: the threshold is written again (it cannot be read)
    fake_graph.requests.clear()
    again = _deploy(cli, prov, tmp_path, "--yes")
    assert again.exit_code == 0, again.output
    assert "the live schema already matches" in again.stdout
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake_graph.requests] == [
        ("GET", "schema"),
        ("GET", "secrets"),
        ("PUT", "secrets"),
    ]


def test_a_failed_secrets_write_is_an_error(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    prov = _prov(tmp_path, fake_graph, "deletion threshold 10")
    fake_graph.fail("secrets", 403, method="PUT")
    result = _deploy(cli, prov, tmp_path, "--yes")
    assert result.exit_code == 1
    assert "the deletion threshold was not written: permission denied" in result.stderr


@pytest.mark.parametrize("status", [500, 503])
def test_a_secrets_write_that_failed_after_arriving_may_have_been_applied(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, status: int
) -> None:
    """A 5xx after the PUT reached Graph said "the deletion threshold was not written", though
    the server may have written it before failing (as for the schema)."""
    prov = _prov(tmp_path, fake_graph, "deletion threshold 10")
    fake_graph.fail("secrets", status, times=5, method="PUT")
    result = _deploy(cli, prov, tmp_path, "--yes", "--max-attempts", "1")
    assert result.exit_code == 1
    assert "the deletion threshold may or may not have been written" in result.stderr
    assert "was not written" not in result.stderr
    assert "SyncNotificationSettings" in result.stderr


def test_notification_value_units() -> None:
    assert notification_value(None, 5) == (
        '{"DeleteThresholdEnabled":true,"DeleteThresholdValue":5}',
        False,
    )
    assert notification_value("*****", 5)[1] is False
    kept, readable = notification_value('{"Enabled":false,"DeleteThresholdValue":9}', 7)
    assert readable and json.loads(kept) == {
        "Enabled": False,
        "DeleteThresholdValue": 7,
        "DeleteThresholdEnabled": True,
    }
    body = {"value": [{"key": "A", "value": "1"}, {"key": NOTIFICATION_KEY, "value": "x"}]}
    assert read_secret(body, NOTIFICATION_KEY) == "x"
    assert read_secret({"value": "nope"}, NOTIFICATION_KEY) is None


# ---- environments --------------------------------------------------------------------------------


def _project(tmp_path: Path, fake_graph: FakeGraph) -> None:
    (tmp_path / "prov.toml").write_text(
        f"""
[environments.test]
graph = {{ service_principal = "{SP}", url = "{fake_graph.url}", tenant = "tenant-test" }}
[environments.test.params]
domain = "test.contoso.com"
[environments.test.jobs."Contoso HR to Entra ID"]
job = "{JOB}"

[environments.prod]
graph = {{ service_principal = "{SP}", job = "no-such-job", url = "{fake_graph.url}" }}
[environments.prod.params]
domain = "contoso.com"
""",
        encoding="utf-8",
    )


def _param_prov(tmp_path: Path) -> Path:
    text = CONTOSO_PROV.read_text(encoding="utf-8")
    text = "param domain: string\n" + text.replace('"@contoso.com"', "$domain")
    assert "$domain" in text
    path = tmp_path / "hr.prov"
    path.write_text(text, encoding="utf-8")
    return path


def test_deploy_with_env_takes_the_job_and_the_values_from_prov_toml(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _project(tmp_path, fake_graph)
    prov = _param_prov(tmp_path)
    missing = _deploy(cli, prov, tmp_path, "--dry-run")
    assert missing.exit_code == 1
    assert "PROV121" in missing.stderr and "Traceback" not in missing.output
    result = _deploy(cli, prov, tmp_path, "--env", "test", "--yes")
    assert result.exit_code == 0, result.output
    sent = json.dumps(fake_graph.schema(SP, JOB))
    assert "test.contoso.com" in sent
    # prod names another job: the fake Graph has no such job (404), so nothing is sent
    prod = _deploy(cli, prov, tmp_path, "--dry-run", PROV_ENV="prod")
    assert prod.exit_code == 1 and "no-such-job" in prod.stderr
    unknown = _deploy(cli, prov, tmp_path, "--env", "staging", "--dry-run")
    assert unknown.exit_code == 2
    assert "no environment 'staging'" in unknown.stderr and "test" in unknown.stderr


# ---- pull --all ----------------------------------------------------------------------------------


def test_pull_all_writes_one_prov_file_per_job_and_a_project_file(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    second = JOB.replace("aaaabbbb", "99998888")
    fake_graph.add_job(SP, second, live_schema())
    out = tmp_path / "repo"
    result = cli.run("pull", "--all", "-o", str(out), "--env", "prod", PROV_JOB_ID=None)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "prov.toml" in names
    assert len([n for n in names if n.endswith(".prov")]) == 2
    assert len([n for n in names if n.endswith(".preserve.json")]) == 2
    project = load_project(out / "prov.toml")
    assert not hasattr(project, "message"), project
    env = project.environments["prod"]  # type: ignore[union-attr]
    assert env.graph.service_principal == SP and env.graph.url == fake_graph.url
    assert {t.job for t in env.jobs.values()} == {JOB, second}
    from syncrules.api import check_paths

    checked = check_paths([out])
    assert checked.ok, checked.diagnostics
    assert sorted(j.name for j in checked.compiled_jobs()) == sorted([JOB, second])
    # pulling again never overwrites
    again = cli.run("pull", "--all", "-o", str(out), PROV_JOB_ID=None)
    assert again.exit_code == 1 and "exists" in again.stderr
    assert_no_secret(result, out)


def test_pull_all_refuses_a_job_option(cli: Cli, tmp_path: Path) -> None:
    result = cli.run("pull", "--all", "--job", JOB, "-o", str(tmp_path))
    assert result.exit_code == 2 and "leave out --job" in result.stderr


# ---- sign-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "scope", "authority"),
    [
        (
            "https://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com/.default",
            "login.microsoftonline.com",
        ),
        (
            "https://graph.microsoft.us/v1.0",
            "https://graph.microsoft.us/.default",
            "login.microsoftonline.us",
        ),
        (
            "https://dod-graph.microsoft.us/beta",
            "https://dod-graph.microsoft.us/.default",
            "login.microsoftonline.us",
        ),
        (
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "https://microsoftgraph.chinacloudapi.cn/.default",
            "login.chinacloudapi.cn",
        ),
        (
            "http://127.0.0.1:8080/v1.0",
            "https://graph.microsoft.com/.default",
            "login.microsoftonline.com",
        ),
    ],
)
def test_the_scope_follows_the_graph_url(url: str, scope: str, authority: str) -> None:
    cloud = cloud_for(url)
    assert (cloud.scope, cloud.authority) == (scope, authority)
    asked: list[str] = []

    class Credential:
        def get_token(self, wanted: str) -> Any:
            asked.append(wanted)
            return type("T", (), {"token": "tok-abcdef", "expires_on": 10**10})()

    provider = token_provider_from_env({}, Redactor(), factory=lambda env: Credential(), url=url)
    assert provider.get() == "tok-abcdef"
    assert asked == [scope]


_IDS = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"}


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({}, "default"),
        ({**_IDS, "AZURE_CLIENT_SECRET": "s"}, "client-secret"),
        ({**_IDS, "AZURE_CLIENT_CERTIFICATE_PATH": "/c.pem"}, "certificate"),
        (
            {
                **_IDS,
                "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "r",
            },
            "github-oidc",
        ),
        (
            {
                "AZURESUBSCRIPTION_TENANT_ID": "t",
                "AZURESUBSCRIPTION_CLIENT_ID": "c",
                "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID": "sc",
                "SYSTEM_ACCESSTOKEN": "x",
            },
            "azure-pipelines",
        ),
        ({**_IDS, "AZURE_FEDERATED_TOKEN_FILE": "/f"}, "default"),  # DefaultAzureCredential has it
        ({"PROV_AUTH": "device-code"}, "device-code"),
        ({"PROV_AUTH": "Managed-Identity", **_IDS, "AZURE_CLIENT_SECRET": "s"}, "managed-identity"),
        ({"PROV_AUTH": "azure-cli"}, "azure-cli"),
    ],
)
def test_the_credential_is_chosen_from_the_environment(env: dict[str, str], kind: str) -> None:
    assert choose_credential(env) == kind


def test_a_bad_prov_auth_is_a_clear_failure_not_a_traceback() -> None:
    with pytest.raises(ValueError, match="is not one of"):
        choose_credential({"PROV_AUTH": "kerberos"})
    with pytest.raises(ValueError, match="needs AZURE_TENANT_ID, AZURE_CLIENT_ID"):
        choose_credential({"PROV_AUTH": "workload-identity", "AZURE_FEDERATED_TOKEN_FILE": "/f"})

    def factory(env: Mapping[str, str]) -> Any:
        choose_credential(env)

    failure = AzureIdentityToken({"PROV_AUTH": "kerberos"}, Redactor(), factory=factory).get()
    assert not isinstance(failure, str) and "kerberos" in failure.message


class _FakeIdentity:
    """Stands for the azure.identity module: records which class was built with what."""

    def __init__(self) -> None:
        self.built: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        def make(*args: Any, **kwargs: Any) -> str:
            self.built.append((name, args, kwargs))
            return name

        return make


def test_credentials_are_built_for_the_cloud_authority() -> None:
    identity = _FakeIdentity()
    env = {**_IDS, "AZURE_CLIENT_SECRET": "s"}
    assert build_credential("client-secret", env, identity, authority="login.chinacloudapi.cn") == (
        "ClientSecretCredential"
    )
    assert identity.built[-1] == (
        "ClientSecretCredential",
        ("t", "c", "s"),
        {"authority": "login.chinacloudapi.cn"},
    )
    shown: list[str] = []
    build_credential("device-code", {}, identity, authority="a", prompt=shown.append)
    name, _, kwargs = identity.built[-1]
    assert name == "DeviceCodeCredential" and "client_id" not in kwargs
    kwargs["prompt_callback"]("https://microsoft.com/devicelogin", "ABCD-1234", 0)
    assert shown == [
        "to sign in, open https://microsoft.com/devicelogin and enter the code ABCD-1234"
    ]
    build_credential("default", {}, identity, authority="login.microsoftonline.us")
    assert identity.built[-1] == (
        "DefaultAzureCredential",
        (),
        {"authority": "login.microsoftonline.us"},
    )


def test_tokens_are_refreshed_during_a_long_upload(fake_graph: FakeGraph, tmp_path: Path) -> None:
    """Each token expires within the minute: every request gets a fresh one, none is printed."""
    issued: list[str] = []

    class Credential:
        def get_token(self, scope: str) -> Any:
            import time

            token = f"refreshed-token-{len(issued) + 1:04d}-SECRET"
            issued.append(token)
            fake_graph.tokens.add(token)
            return type("T", (), {"token": token, "expires_on": time.time() + 30})()

    import click

    from syncrules.graph.commands import register

    group = click.Group("prov")
    register(group)
    runtime = GraphRuntime(sleep=lambda s: None, credential_factory=lambda env: Credential())
    users = write_jsonl(tmp_path / "users.jsonl", _users(120))
    env = {
        "PROV_ACCESS_TOKEN": None,
        "PROV_GRAPH_URL": fake_graph.url,
        "PROV_SERVICE_PRINCIPAL_ID": SP,
        "PROV_JOB_ID": JOB,
    }
    result = CliRunner().invoke(group, ["upload", str(users)], env=env, obj=runtime)
    assert result.exit_code == 0, result.output
    posts = fake_graph.calls("POST", "/bulkUpload")
    assert len(posts) == 3 and len(issued) == 3
    for token in issued:
        assert token not in result.stdout and token not in result.stderr


def _users(count: int) -> list[dict[str, Any]]:
    from graph_support import users

    return users(count)


def test_a_static_token_still_wins(fake_graph: FakeGraph) -> None:
    provider = token_provider_from_env(
        {"PROV_ACCESS_TOKEN": TOKEN}, Redactor(), url="https://graph.microsoft.us/v1.0"
    )
    assert provider.get() == TOKEN


def test_debug_tracebacks_are_redacted(
    fake_graph: FakeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from syncrules.cli import main
    from syncrules.graph import commands

    def broken(path: Path) -> Any:
        raise RuntimeError(f"boom with {TOKEN} and the CI job token ci-job-token-123")

    monkeypatch.setattr(commands, "iter_records", broken)
    users = write_jsonl(tmp_path / "u.jsonl", _users(1))
    env = {
        "PROV_ACCESS_TOKEN": TOKEN,
        "SYSTEM_ACCESSTOKEN": "ci-job-token-123",
        "PROV_GRAPH_URL": fake_graph.url,
        "PROV_SERVICE_PRINCIPAL_ID": SP,
        "PROV_JOB_ID": JOB,
    }
    result = CliRunner().invoke(main, ["--debug", "upload", str(users)], env=env)
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "boom with ***" in result.stderr
    assert TOKEN not in result.stderr and "ci-job-token-123" not in result.stderr
