"""``prov pull --all`` without a service principal: every service principal of the tenant, against
the loopback fake Graph (its servicePrincipals listing is paged), then ``prov deploy --env`` with
the environment it wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fake_graph import FakeGraph
from graph_support import JOB, SP, TOKEN, Cli, assert_no_secret, live_schema

from syncrules.graph.bootstrap import _folder_name, _principal
from syncrules.project import Project, load_project

NO_PRINCIPAL = {"PROV_SERVICE_PRINCIPAL_ID": None, "PROV_JOB_ID": None}
SP2 = "22222222-aaaa-bbbb-cccc-000000000002"
SP3 = "33333333-aaaa-bbbb-cccc-000000000003"
SP4 = "44444444-aaaa-bbbb-cccc-000000000004"
SP5 = "55555555-aaaa-bbbb-cccc-000000000005"
SP6 = "06666666-aaaa-bbbb-cccc-000000000006"
JOB2 = JOB.replace("aaaabbbb", "22220000")


def _tenant(fake_graph: FakeGraph) -> None:
    """Six principals, listed 2 a page, not in id order: two with jobs (one job id on both),
    one without, one answering 404 and one 403 to their job lists, one without a display name."""
    fake_graph.page_size = 2
    fake_graph.add_principal(SP5, "Forbidden app", jobs_status=403)
    fake_graph.add_principal(SP2, "Fabrikam HR (API-driven) / Workday")
    fake_graph.add_principal(SP, "Contoso HR")
    fake_graph.add_principal(SP3, "Office 365 Exchange Online")
    fake_graph.add_principal(SP4, "No synchronization", jobs_status=404)
    fake_graph.add_principal(SP6, None)
    fake_graph.add_job(SP2, JOB2, live_schema())
    fake_graph.add_job(SP2, JOB, live_schema())  # the fixture's job id, on another principal


def _pull(cli: Cli, out: Path, *args: str, **env: str | None) -> Any:
    return cli.run("pull", "--all", "-o", str(out), *args, **{**NO_PRINCIPAL, **env})


def _project(path: Path) -> Project:
    project = load_project(path)
    assert isinstance(project, Project), project
    return project


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_pull_all_without_a_principal_writes_a_folder_per_principal_and_one_project_file(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _tenant(fake_graph)
    out = tmp_path / "repo"
    result = _pull(cli, out, "--env", "lab")
    assert result.exit_code == 0, result.output
    contoso = f"contoso-hr-{SP[:8]}"
    fabrikam = f"fabrikam-hr-api-driven-workday-{SP2[:8]}"
    assert sorted(p.name for p in out.iterdir()) == sorted([contoso, fabrikam, "prov.toml"])
    stem = JOB.lower().replace(".", "-")
    assert sorted(p.name for p in (out / contoso).iterdir()) == [
        f"{stem}.preserve.json",
        f"{stem}.prov",
    ]
    assert len(list((out / contoso).glob("*.prov"))) == 1
    assert len(list((out / fabrikam).glob("*.prov"))) == 2
    assert len(list((out / fabrikam).glob("*.preserve.json"))) == 2
    env = _project(out / "prov.toml").environments["lab"]
    assert env.graph.url == fake_graph.url and env.graph.service_principal is None
    # each job: its principal and its id; the job id both principals have is named apart
    assert {name: (t.service_principal, t.job) for name, t in env.jobs.items()} == {
        JOB: (SP, JOB),
        JOB2: (SP2, JOB2),
        f"{JOB} ({fabrikam})": (SP2, JOB),
    }
    from syncrules.api import check_paths

    checked = check_paths([out])
    assert checked.ok, checked.diagnostics
    assert sorted(j.name for j in checked.compiled_jobs()) == sorted(env.jobs)
    # the listing: $select and $top=999, 2 a page (6 principals: 3 pages, the next links followed)
    pages = fake_graph.calls("GET", "/servicePrincipals")
    assert len(pages) == 3
    assert all("$select=id,appId,displayName" in unquote(p.path) for p in pages)
    assert "$top=999" in unquote(pages[0].path) and "$skiptoken" in unquote(pages[2].path)
    # one job list per principal, in the order of their ids
    listed = [p.path.split("/")[-3] for p in fake_graph.calls("GET", "/synchronization/jobs")]
    assert listed == sorted([SP, SP2, SP3, SP4, SP5, SP6])
    # the 403 is reported (with the permission), the 404 and the empty list are not
    assert "warning: 1 of 6 service principals answered 403" in result.stderr
    assert f"'Forbidden app' ({SP5})" in result.stderr
    assert "Synchronization.Read.All" in result.stderr
    assert SP4 not in result.output and SP3 not in result.output
    assert "one request per service principal" in result.stderr
    assert "pulled 3 of 3 jobs of 2 service principals (6 checked)" in result.stdout
    assert "Traceback" not in result.output
    assert_no_secret(result, out)


def test_pull_all_tenant_output_is_stable_and_nothing_is_overwritten(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _tenant(fake_graph)
    first, second = tmp_path / "one", tmp_path / "two"
    assert _pull(cli, first).exit_code == 0
    fake_graph.page_size = 4  # other pages, the same principals: the same files
    assert _pull(cli, second).exit_code == 0
    assert _tree(first) == _tree(second)
    assert '[environments."imported"]' in (first / "prov.toml").read_text(encoding="utf-8")
    before = _tree(first)
    again = _pull(cli, first)
    assert again.exit_code == 1
    assert again.stderr.count("exists") == 3  # each job's files
    assert "prov.toml exists; add this environment to it" not in again.stdout  # none written
    assert _tree(first) == before
    # one job's files removed: it alone is written again, prov.toml is printed, not rewritten
    (fabrikam,) = first.glob("fabrikam-*")
    for path in fabrikam.glob(f"{JOB2.lower().replace('.', '-')}*"):
        path.unlink()
    partly = _pull(cli, first)
    assert partly.exit_code == 1
    assert "prov.toml exists; add this environment to it:" in partly.stdout
    assert f'service_principal = "{SP2}"' in partly.stdout
    assert _tree(first) == before


def test_deploy_with_the_pulled_environment_reaches_each_job_s_principal(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _tenant(fake_graph)
    out = tmp_path / "repo"
    assert _pull(cli, out, "--env", "lab").exit_code == 0
    (fabrikam,) = out.glob("fabrikam-*")
    # the job whose id is also the Contoso principal's: only the environment tells them apart
    shared = fabrikam / f"{JOB.lower().replace('.', '-')}.prov"
    assert f'job "{JOB} ({fabrikam.name})"' in shared.read_text(encoding="utf-8")
    fake_graph.requests.clear()

    def deploy(*args: str) -> Any:
        return cli.run(
            "deploy", str(shared), "--env", "lab", *args,
            "--backup-dir", str(tmp_path / "backups"),
            **NO_PRINCIPAL,
        )  # the fake server's URL is not a Graph endpoint: PROV_GRAPH_URL (cli.env) gives it

    same = deploy("--dry-run", "--detailed-exitcode")
    assert same.exit_code == 0, same.output
    (read,) = fake_graph.calls("GET", "/schema")
    assert read.path.startswith(f"/v1.0/servicePrincipals/{SP2}/synchronization/jobs/{JOB}/")
    # a changed rule goes to that job of that principal, and to no other
    text = shared.read_text(encoding="utf-8")
    changed = text.replace("jobTitle  <- [title]", 'jobTitle  <- "Staff"', 1)
    assert changed != text, text
    shared.write_text(changed, encoding="utf-8")
    result = deploy("--yes")
    assert result.exit_code == 0, result.output
    (put,) = fake_graph.calls("PUT", "/schema")
    assert put.path == f"/v1.0/servicePrincipals/{SP2}/synchronization/jobs/{JOB}/schema"
    assert "Staff" in json.dumps(fake_graph.schema(SP2, JOB))
    assert fake_graph.schema(SP, JOB) == live_schema()
    assert fake_graph.schema(SP2, JOB2) == live_schema()
    assert_no_secret(result, tmp_path)


@pytest.mark.parametrize(
    ("misbehaviour", "expected"),
    [
        ("html", "could not be read: a reply that is not Graph JSON ('text/html'"),
        ("truncated", "could not be read: a reply that is not Graph JSON"),
    ],
)
def test_a_garbage_page_of_principals_is_a_clear_error(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path, misbehaviour: str, expected: str
) -> None:
    _tenant(fake_graph)
    fake_graph.misbehave(misbehaviour, path="$skiptoken=skip-2")
    out = tmp_path / "repo"
    result = _pull(cli, out)
    assert result.exit_code == 1
    assert "error: cannot list the service principals:" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output and not out.exists()
    assert not fake_graph.calls("GET", "/synchronization/jobs")
    assert_no_secret(result)


def test_a_page_without_value_or_a_next_link_elsewhere_is_refused(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _tenant(fake_graph)
    fake_graph.next_link_base = "http://127.0.0.2:1/v1.0"
    result = _pull(cli, tmp_path / "a")
    assert result.exit_code == 1
    assert "next page of the service principal list is not below" in result.stderr
    assert "it was not followed" in result.stderr
    assert len(fake_graph.calls("GET", "/servicePrincipals")) == 1
    fake_graph.next_link_base = None
    fake_graph.misbehave("echo", path="/servicePrincipals?", transform=lambda token: "x")
    # "echo" answers a GET with a JSON object that has no 'value'
    odd = _pull(cli, tmp_path / "b")
    assert odd.exit_code == 1
    assert "not a JSON object with a 'value' array (page 1)" in odd.stderr
    assert "Traceback" not in odd.output and not (tmp_path / "b").exists()


def test_listing_the_principals_needs_its_permission(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.fail("servicePrincipals", 403)
    result = _pull(cli, tmp_path / "repo")
    assert result.exit_code == 1
    assert "cannot list the service principals: permission denied" in result.stderr
    assert "Application.Read.All" in result.stderr


def test_403_on_every_principal_is_a_failure_and_a_bad_token_stops(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    fake_graph.add_principal(SP, "Contoso HR", jobs_status=403)
    fake_graph.add_principal(SP3, "Other", jobs_status=403)
    denied = _pull(cli, tmp_path / "a")
    assert denied.exit_code == 1
    assert "error: 2 of 2 service principals answered 403" in denied.stderr
    assert "no synchronization jobs on the 2 service principals" in denied.stdout
    fake_graph.jobs_status.clear()
    fake_graph.fail("jobs", 401)
    stopped = _pull(cli, tmp_path / "b")
    assert stopped.exit_code == 1
    assert "access token was rejected" in stopped.stderr
    assert "stopped after 1 of 2 service principals" in stopped.stderr
    assert not (tmp_path / "b").exists()
    assert_no_secret(stopped)


def test_refused_jobs_are_skipped_and_the_others_written(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    cloud_sync = live_schema()
    cloud_sync["synchronizationRules"][0]["sourceDirectoryName"] = "Active Directory"
    fake_graph.add_principal(SP2, "Cloud Sync")
    fake_graph.add_job(SP2, "AD2AADProvisioning.0123.abcd", cloud_sync)
    out = tmp_path / "repo"
    result = _pull(cli, out)
    assert result.exit_code == 1
    assert "skipped: job 'AD2AADProvisioning.0123.abcd'" in result.stderr
    assert "not an API-driven" in result.stderr
    assert "pulled 1 of 2 jobs of 2 service principals (2 checked)" in result.stdout
    assert not list(out.glob("cloud-sync-*/*"))
    env = _project(out / "prov.toml").environments["imported"]
    assert set(env.jobs) == {JOB}


def test_progress_is_reported_every_100_principals(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    for n in range(205):
        fake_graph.add_principal(f"{n:08d}-0000-0000-0000-000000000000", f"App {n}")
    result = _pull(cli, tmp_path / "repo")
    assert result.exit_code == 0, result.output
    assert "206 service principals" in result.stderr
    assert "checked 100 of 206 service principals (0 with synchronization jobs)" in result.stderr
    assert "checked 200 of 206 service principals (0 with synchronization jobs)" in result.stderr
    assert len(fake_graph.calls("GET", "/synchronization/jobs")) == 206
    assert len(fake_graph.calls("GET", "/servicePrincipals")) == 1  # 999 a page


def test_a_given_principal_keeps_the_one_principal_mode(
    cli: Cli, fake_graph: FakeGraph, tmp_path: Path
) -> None:
    _tenant(fake_graph)
    result = _pull(cli, tmp_path / "repo", "--service-principal", SP2)
    assert result.exit_code == 0, result.output
    assert not fake_graph.calls("GET", "/servicePrincipals")
    env = _project(tmp_path / "repo" / "prov.toml").environments["imported"]
    assert env.graph.service_principal == SP2 and set(env.jobs) == {JOB, JOB2}


def test_the_help_says_it_is_one_request_per_principal(cli: Cli) -> None:
    result = cli.run("pull", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "one request per service principal" in text and "Application.Read.All" in text


def test_folder_names_are_stable_and_unique() -> None:
    used: set[str] = set()
    assert _folder_name("Contoso HR", SP, used) == f"contoso-hr-{SP[:8]}"
    assert _folder_name("Contoso HR", SP[:8] + "-ffff", used) == f"contoso-hr-{SP[:8]}-ffff"
    assert _folder_name("", "ABCDEF12-x", used) == "service-principal-abcdef12"
    assert _folder_name("日本語", "ABCDEF12-y", used) == "service-principal-abcdef12-y"
    assert _folder_name("A" * 80, "12345678", used) == "a" * 48 + "-12345678"
    assert TOKEN not in " ".join(used)
    # names come from the tenant: printed with their control characters escaped
    assert _principal("Evil\x1b[2Japp\n", SP) == f"'Evil\\x1b[2Japp\\x0a' ({SP})"
