"""`prov test`, fixture snapshots and `prov plan` decide records as `prov run` does (one cycle over
an in-memory directory): UPN collisions, renamed workers, `taken` values, unresolved managers,
and the context (`--default-domain`, `--now`, `--seed`, a fixture file's own `context`)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from syncrules.cli import main
from syncrules.testing.runner import run_tests

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

JOB = """job "Core" {
    target entra
    actions create, update
}

match [userName] -> mail

map {
    displayName       <- Join(" ", [name.givenName], [name.familyName])
    userPrincipalName <- Join("", ToLower([name.givenName]), ".", ToLower([name.familyName]),
                              "@contoso.com")
    manager           <- [urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager]
}
"""


def _user(external_id: str, user_name: str, given: str = "John", family: str = "Smith",
          manager: str | None = None) -> str:
    record: dict[str, object] = {
        "externalId": external_id, "userName": user_name,
        "name": {"givenName": given, "familyName": family},
    }
    if manager is not None:
        record[ENTERPRISE] = {"manager": {"value": manager}}
    return json.dumps(record)


def _run(tmp_path: Path, body: str) -> object:
    prov = tmp_path / "core.prov"
    prov.write_text(JOB + '\ntest "t" {\n' + body + "\n}\n", encoding="utf-8")
    report = run_tests([prov])
    assert report.check.ok, [d.message for d in report.diagnostics]
    [result] = report.results
    return result


def test_a_second_john_smith_fails_with_the_reason(tmp_path: Path) -> None:
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith1@hr.example')}",
        f"    given user {_user('2', 'jsmith2@hr.example')}",
        "    expect fail",
    ]))
    assert result.status == "passed", result.failures
    assert any(s.startswith("record 2: export: userPrincipalName 'john.smith@contoso.com' is "
                            "already used by another user") and s.endswith("[failure]")
               for s in result.steps), result.steps
    # expecting a create shows the reason of the failure
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith1@hr.example')}",
        f"    given user {_user('2', 'jsmith2@hr.example')}",
        "    expect create",
    ]))
    assert result.status == "failed"
    assert result.failures[0] == "action: expected create, got fail"
    assert result.failures[1].startswith("error: AzureActiveDirectoryConflict: userPrincipalName "
                                         "'john.smith@contoso.com' is already used")


def test_existing_user_and_taken_values_seed_the_directory(tmp_path: Path) -> None:
    existing = '    existing user {"mail": "other@hr.example", "userPrincipalName": ' \
               '"john.smith@contoso.com"}'
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith1@hr.example')}", existing, "    expect fail",
    ]))
    assert result.status == "passed", result.failures
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith1@hr.example')}",
        '    taken "John.Smith@contoso.com"',
        "    expect fail",
    ]))
    assert result.status == "passed", result.failures
    assert any("used by a user outside the directory (taken)" in s for s in result.steps)
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith1@hr.example')}", "    expect create",
    ]))
    assert result.status == "passed", result.failures


def test_a_renamed_worker_is_an_update(tmp_path: Path) -> None:
    # the matching attribute (userName -> mail) changes; the source anchor links the user
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith@hr.example')}",
        f"    given user {_user('1', 'john.smith-jones@hr.example', family='Smith-Jones')}",
        "    expect update {",
        '        mail == "john.smith-jones@hr.example"',
        '        displayName == "John Smith-Jones"',
        '        userPrincipalName == "john.smith-jones@contoso.com"',
        "    }",
    ]))
    assert result.status == "passed", (result.failures, result.steps)
    assert any("by its link to source anchor '1'" in s for s in result.steps)


def test_an_existing_user_linked_by_anchor(tmp_path: Path) -> None:
    existing = ('    existing user {"_id": "u-1", "_anchor": "1", "mail": "old@hr.example", '
                '"displayName": "John Smith", "userPrincipalName": "john.smith@contoso.com"}')
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'new@hr.example')}", existing,
        '    expect update {\n        mail == "new@hr.example"\n    }',
    ]))
    assert result.status == "passed", (result.failures, result.steps)
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'new@hr.example')}",
        '    existing user {"_anchor": 7}', "    expect update",
    ]))
    assert result.status == "error"
    assert "_anchor must be a string or null" in result.failures[0]


def test_an_unresolved_manager_shows_in_the_explanation(tmp_path: Path) -> None:
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('1', 'jsmith@hr.example', manager='42')}",
        '    expect create {\n        manager == "42"\n    }',
    ]))
    assert result.status == "failed"
    [failure] = result.failures  # at the expectation's own position (file:line:col:)
    assert failure.endswith(':18:9: manager: expected "42", but it is not set')
    assert ("record: referenceResolution: manager not set: no user provisioned from externalId "
            "'42' exists by the end of the cycle [warning]") in result.steps
    # a manager later in the same records resolves at the end of the cycle
    result = _run(tmp_path, "\n".join([
        f"    given user {_user('2', 'ann@hr.example', 'Ann', 'Lee')}",
        f"    given user {_user('1', 'jsmith@hr.example', manager='2')}",
        "    expect create",
    ]))
    assert result.status == "passed", result.failures
    assert any("manager: '2' resolved to user" in s for s in result.steps)


# ---- prov plan and fixtures: the context ---------------------------------------------------------

DOMAIN_JOB = """job "Domain" {
    target entra
    actions create, update
}

match [externalId] -> employeeId

map {
    userPrincipalName <- Join("@", [userName], DefaultDomain())
    displayName       <- [displayName]
}
"""


def _plan_sides(tmp_path: Path) -> tuple[Path, Path, Path]:
    old = tmp_path / "old.prov"
    new = tmp_path / "new.prov"
    old.write_text(DOMAIN_JOB, encoding="utf-8")
    new.write_text(DOMAIN_JOB.replace('Join("@", [userName], DefaultDomain())',
                                      'Join("@", ToLower([userName]), DefaultDomain())'),
                   encoding="utf-8")
    fixtures = tmp_path / "workers.json"
    fixtures.write_text(json.dumps([
        {"externalId": "1", "userName": "BJensen", "displayName": "Barbara Jensen"},
        {"externalId": "2", "userName": "kvogel", "displayName": "Kai Vogel"},
    ]), encoding="utf-8")
    return old, new, fixtures


def test_plan_with_default_domain_reports_value_changes(tmp_path: Path) -> None:
    old, new, fixtures = _plan_sides(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["plan", str(old), str(new), "--fixtures", str(fixtures),
                                  "--default-domain", "contoso.com", "--format", "json"])
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert [(r["record"], r["changes"]) for r in doc["records"]] == [
        (1, ['userPrincipalName: "BJensen@contoso.com" -> "bjensen@contoso.com"'])
    ]
    # without a default domain every record fails alike in both versions
    result = runner.invoke(main, ["plan", str(old), str(new), "--fixtures", str(fixtures),
                                  "--format", "json"])
    assert json.loads(result.stdout)["records"] == []


def test_plan_context_options_and_a_fixture_file_context(tmp_path: Path) -> None:
    old, new, fixtures = _plan_sides(tmp_path)
    users = json.loads(fixtures.read_text(encoding="utf-8"))
    fixtures.write_text(json.dumps({"context": {"defaultDomain": "fabrikam.com"},
                                    "users": users}), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["plan", str(old), str(new), "--fixtures", str(fixtures),
                                  "--default-domain", "contoso.com", "--format", "json"])
    assert result.exit_code == 2, result.output
    [record] = json.loads(result.stdout)["records"]
    assert record["changes"] == ['userPrincipalName: "BJensen@fabrikam.com" -> '
                                 '"bjensen@fabrikam.com"']
    result = runner.invoke(main, ["plan", str(old), str(new), "--fixtures", str(fixtures),
                                  "--now", "yesterday"])
    assert result.exit_code == 2 and "--now" in result.stderr
    fixtures.write_text(json.dumps({"context": {"seed": -1}, "users": users}), encoding="utf-8")
    result = runner.invoke(main, ["plan", str(old), str(new), "--fixtures", str(fixtures)])
    assert result.exit_code == 1
    assert "context: seed must be an integer from 0 to 2147483647, not -1" in result.stderr


def test_fixture_snapshot_takes_the_context(tmp_path: Path) -> None:
    from syncrules.api import check_paths
    from syncrules.backends.python.load import load_evaluator
    from syncrules.testing.fixtures import FixtureContext, fixture_snapshot

    _, new, fixtures = _plan_sides(tmp_path)
    job = check_paths([new]).jobs[0]
    module = load_evaluator(job)
    plain = json.loads(fixture_snapshot(job, module, fixtures))
    assert [r["action"] for r in plain] == ["fail", "fail"]
    assert "DefaultDomain" in plain[0]["reason"]
    given = json.loads(fixture_snapshot(job, module, fixtures,
                                        FixtureContext(default_domain="contoso.com")))
    assert [r["values"]["userPrincipalName"] for r in given] == [
        "bjensen@contoso.com", "kvogel@contoso.com"]
