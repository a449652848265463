"""`prov test` and the pytest plugin: passing examples, readable failures, coverage thresholds,
JSON and JUnit output, fixture snapshots."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.testing.runner import Coverage, run_tests
from tests.conftest import ROOT


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_examples_and_rules_pass(runner: CliRunner) -> None:
    result = runner.invoke(main, ["test", "examples", "rules", "--coverage"])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.stderr
    assert "coverage: 100.00%" in result.stderr


def _broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "contoso-hr"
    shutil.copytree(ROOT / "examples/contoso-hr", target)
    prov = target / "contoso-hr.prov"
    text = prov.read_text(encoding="utf-8")
    broken = text.replace(
        'displayName       <- Join(" ", [name.givenName], [name.familyName])',
        'displayName       <- Join(" ", [name.familyName], [name.givenName])',
    )
    assert broken != text
    prov.write_text(broken, encoding="utf-8")
    return target


def test_broken_mapping_fails_readably(runner: CliRunner, tmp_path: Path) -> None:
    target = _broken_copy(tmp_path)
    result = runner.invoke(main, ["test", str(target)])
    assert result.exit_code == 1
    err = result.stderr
    assert "FAILED" in err and "an employee is created with a display name" in err
    assert 'displayName: expected "Barbara Jensen", got "Jensen Barbara"' in err
    assert 'scoping: in scope by group "Employees"' in err
    # the steps of the run's log record for the same record (prov run's cycle)
    assert "matching: No target user matched employeeId = '701984'" in err
    assert "processing: no user matched; created" in err


def test_json_and_junit(runner: CliRunner, tmp_path: Path) -> None:
    target = _broken_copy(tmp_path)
    result = runner.invoke(main, ["test", str(target), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["failed"] >= 1
    failed = [t for t in doc["tests"] if t["status"] == "failed"]
    assert failed[0]["line"] > 0 and failed[0]["failures"]
    result = runner.invoke(main, ["test", str(target), "--format", "junit"])
    suite = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert int(suite.get("failures")) >= 1
    assert suite.find("testcase/failure") is not None


def test_k_selects_tests(runner: CliRunner) -> None:
    result = runner.invoke(main, ["test", "examples", "-k", "disabled", "-v"])
    assert result.exit_code == 0
    assert "a leaver is disabled" in result.stderr
    assert "an employee is created" not in result.stderr
    assert "2 passed" in result.stderr


def test_threshold_is_exact() -> None:
    cov = Coverage(probes=[str(i) for i in range(3)], hit={"0", "1"})
    assert cov.percent_text() == "66.66"  # floored, never rounded up
    assert cov.meets(66.66) and not cov.meets(66.67)
    assert not Coverage(probes=["a", "b"] * 1 + ["c"], hit={"a", "b"}).meets(66.67)


def test_threshold_fails_below(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "contoso-hr"
    shutil.copytree(ROOT / "examples/contoso-hr", target)
    result = runner.invoke(
        main, ["test", str(target), "-k", "employee is created", "--threshold", "90"]
    )
    assert result.exit_code == 1
    assert "below the threshold of 90%" in result.stderr


def test_rules_with_errors_run_nothing(runner: CliRunner) -> None:
    result = runner.invoke(main, ["test", "tests/cases/invalid/many/01_several_mistakes"])
    assert result.exit_code == 1
    assert "no test was run" in result.stderr


def test_test_file_importing_a_job(tmp_path: Path) -> None:
    target = tmp_path / "contoso-hr"
    shutil.copytree(ROOT / "examples/contoso-hr", target)
    (target / "more-tests.prov").write_text(
        'import "contoso-hr.prov"\n\n'
        'test "separate file" {\n'
        '    given user { "externalId": "3", "active": true, "userName": "cy@example.com",\n'
        '        "name": { "givenName": "Cy", "familyName": "Young" },\n'
        '        "urn:ietf:params:scim:schemas:extension:contoso:1.0:User":'
        ' { "WorkerType": "Employee" } }\n'
        '    expect create group "Employees" { companyName == "Contoso" }\n'
        "}\n",
        encoding="utf-8",
    )
    report = run_tests([target])
    names = [r.name for r in report.results]
    assert names.count("separate file") == 1
    assert names.count("a leaver is disabled") == 1
    assert report.ok


def _pytest(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pytest_plugin_runs_a_rules_repository(tmp_path: Path) -> None:
    repo = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", repo)
    done = _pytest([], repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "snapshot" in done.stdout and "passed" in done.stdout
    # a rule change shows up as a failing test item at its .prov line and as a snapshot diff
    prov = repo / "contoso-hr" / "contoso-hr.prov"
    prov.write_text(
        prov.read_text(encoding="utf-8")
        .replace('companyName       <- "Contoso"', 'companyName       <- "Contoso Ltd"')
        .replace(
            'Join(" ", [name.givenName], [name.familyName])',
            'Join(" ", [name.familyName], [name.givenName])',
        ),
        encoding="utf-8",
    )
    done = _pytest([], repo)
    assert done.returncode == 1
    assert 'displayName: expected "Barbara Jensen", got "Jensen Barbara"' in done.stdout
    assert "contoso-hr.prov::an employee is created with a display name" in done.stdout
    assert "fixture[new-hires]" in done.stdout
    assert "Contoso Ltd" in done.stdout  # the snapshot diff
    done = _pytest(["--snapshot-update", "-k", "fixture"], repo)
    assert done.returncode == 0, done.stdout
    snapshot = next((repo / "contoso-hr" / "contoso-hr.fixtures" / "__snapshots__").rglob("*.json"))
    assert "Contoso Ltd" in snapshot.read_text(encoding="utf-8")


def test_not_set_and_does_not_flow_are_distinct(runner: CliRunner, tmp_path: Path) -> None:
    prov = tmp_path / "job.prov"
    prov.write_text(
        'job "J" {\n    target entra\n    actions create, update\n}\n\n'
        "match [externalId] -> employeeId\n\n"
        "map {\n    jobTitle   <- IgnoreFlowIfNullOrEmpty([title])\n"
        "    department <- [title]\n}\n\n"
        'test "wrong way round" {\n    given user { "externalId": "1" }\n'
        "    expect create {\n        jobTitle not set\n"
        "        department does not flow\n    }\n}\n\n"
        'test "right way round" {\n    given user { "externalId": "1" }\n'
        "    expect create {\n        jobTitle does not flow\n"
        "        department not set\n    }\n}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["test", str(prov)])
    assert result.exit_code == 1
    assert "jobTitle: expected not set (NULL), but it does not flow" in result.stderr
    assert "department: expected not to flow, but it is simply not set" in result.stderr
    assert "1 passed, 1 failed" in result.stderr


def test_pytest_plugin_reports_a_broken_fixture_readably(tmp_path: Path) -> None:
    repo = tmp_path / "examples"
    shutil.copytree(ROOT / "examples", repo)
    (repo / "contoso-hr" / "contoso-hr.fixtures" / "broken.json").write_text(
        '{"Operations": [', encoding="utf-8"
    )
    done = _pytest(["-k", "broken"], repo)
    assert done.returncode == 1
    assert "broken.json:1:17: not valid JSON: expected a value" in done.stdout
    assert "Traceback" not in done.stdout


def test_k_that_selects_no_test_fails(runner: CliRunner) -> None:
    result = runner.invoke(main, ["test", "examples", "-k", "no such test anywhere"])
    assert result.exit_code == 1
    assert "error: no test matches -k 'no such test anywhere'" in result.stderr


def test_no_tests_without_k_is_not_an_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "job.prov").write_text(
        'job "J" {\n    target entra\n    actions create\n}\n\nmatch [externalId] -> employeeId\n',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 0
    assert "no tests found" in result.stderr


def test_a_failing_expectation_points_at_its_line(runner: CliRunner, tmp_path: Path) -> None:
    target = _broken_copy(tmp_path)
    prov = target / "contoso-hr.prov"
    lines = prov.read_text(encoding="utf-8").splitlines()
    [number] = [i for i, line in enumerate(lines, 1) if 'displayName == "Barbara Jensen"' in line]
    col = len(lines[number - 1]) - len(lines[number - 1].lstrip()) + 1
    result = runner.invoke(main, ["test", str(target), "--format", "json"])
    assert result.exit_code == 1
    tests = json.loads(result.stdout)["tests"]
    shown = tests[0]["file"]  # the file as diagnostics show it (relative to the current folder)
    assert Path(shown).resolve() == prov.resolve()
    expected = f'{shown}:{number}:{col}: displayName: expected "Barbara Jensen"'
    [failed] = [t for t in tests if any(f.startswith(expected) for f in t["failures"])]
    assert failed["status"] == "failed"
    assert failed["line"] < number  # the test's own line comes first


def test_check_reports_duplicate_job_names_like_compile(runner: CliRunner) -> None:
    case = "tests/cases/invalid/syntax/prov009_duplicate_job_name"
    checked = runner.invoke(main, ["check", case])
    compiled = runner.invoke(main, ["compile", case, "-o", "unused-out"])
    assert checked.exit_code == compiled.exit_code == 1
    assert "error[PROV009]" in checked.stderr
    assert checked.stderr == compiled.stderr
def test_pytest_plugin_fixture_context_options(tmp_path: Path) -> None:
    """Fixture snapshots take the context from the command line or the ini file, and a
    fixture file's own "context" wins over both."""
    repo = tmp_path / "repo"
    (repo / "domain.fixtures").mkdir(parents=True)
    (repo / "pytest.ini").write_text("[pytest]\nprov_tests = true\n", encoding="utf-8")
    (repo / "domain.prov").write_text(
        'job "Domain" {\n    target entra\n    actions create, update\n}\n\n'
        "match [externalId] -> employeeId\n\n"
        'map {\n    userPrincipalName <- Join("@", [userName], DefaultDomain())\n}\n',
        encoding="utf-8",
    )
    users = [{"externalId": "1", "userName": "ada"}]
    fixtures = repo / "domain.fixtures"
    (fixtures / "plain.json").write_text(json.dumps(users), encoding="utf-8")
    (fixtures / "own.json").write_text(
        json.dumps({"context": {"defaultDomain": "fabrikam.com"}, "users": users}),
        encoding="utf-8")
    done = _pytest(["--snapshot-update", "--prov-default-domain", "contoso.com"], repo)
    assert done.returncode == 0, done.stdout + done.stderr
    snapshots = fixtures / "__snapshots__"
    plain = next(snapshots.rglob("*plain*.json")).read_text(encoding="utf-8")
    own = next(snapshots.rglob("*own*.json")).read_text(encoding="utf-8")
    assert '"userPrincipalName": "ada@contoso.com"' in plain
    assert '"userPrincipalName": "ada@fabrikam.com"' in own
    # without the option the plain fixture fails DefaultDomain(): the snapshot no longer matches
    done = _pytest([], repo)
    assert done.returncode == 1 and "fixture[plain]" in done.stdout
    done = _pytest(["--prov-seed", "x"], repo)
    assert done.returncode == 4 and "--prov-seed / prov_seed: 'x' is not an integer" in (
        done.stdout + done.stderr)
