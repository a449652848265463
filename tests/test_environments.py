"""Environments and parameters: prov.toml / [tool.syncrules], `param NAME: TYPE`, `$NAME`,
--env and PROV_ENV on check, compile, test, run and plan; CI formats of check and test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from syncrules.cli import main
from syncrules.project import ProjectProblem, find_project, load_project, select_environment

DATA = Path(__file__).parent / "data" / "environments"
HR = "tests/data/environments/hr.prov"  # relative: as users type it, and as it is shown


def prov(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"PROV_ENV": None, **(env or {})})


def _compiled(out: Path) -> str:
    return (out / "contoso-hr.json").read_text(encoding="utf-8")


def test_one_file_compiles_to_the_constants_of_each_environment(tmp_path: Path) -> None:
    dev = prov("compile", HR, "--env", "dev", "-o", str(tmp_path / "dev"), "--target", "json")
    prod = prov("compile", HR, "--env", "prod", "-o", str(tmp_path / "prod"), "--target", "json")
    assert dev.exit_code == 0, dev.output
    assert prod.exit_code == 0, prod.output
    dev_json, prod_json = _compiled(tmp_path / "dev"), _compiled(tmp_path / "prod")
    assert '\\"dev.contoso.com\\"' in dev_json and '"Contoso (test)"' in dev_json
    assert "dev.contoso.com" not in prod_json and '"Contoso"' in prod_json
    assert '\\"contoso.com\\"' in prod_json
    doc = json.loads(prod_json)
    rule = doc["schema"]["synchronizationRules"][0]
    mapping = rule["objectMappings"][0]
    company = next(
        m for m in mapping["attributeMappings"] if m["targetAttributeName"] == "companyName"
    )
    assert company["source"]["type"] == "Constant"
    assert company["source"]["expression"] == '"Contoso"'
    clause = mapping["scope"]["groups"][0]["clauses"][0]
    assert clause["targetOperand"]["values"] == ["contoso.com"]
    # PROV_ENV does what --env does
    by_variable = prov(
        "compile", HR, "-o", str(tmp_path / "var"), "--target", "json", env={"PROV_ENV": "dev"}
    )
    assert by_variable.exit_code == 0 and _compiled(tmp_path / "var") == dev_json


def test_a_missing_value_is_a_diagnostic_with_a_location() -> None:
    none = prov("check", HR)
    assert none.exit_code == 1
    assert "hr.prov:14:30: error[PROV121]: parameter 'domain' has no value" in none.stderr
    assert "no environment is chosen" in none.stderr and "Traceback" not in none.output
    broken = prov("compile", HR, "--env", "broken", "--target", "json", "-o", "unused")
    assert broken.exit_code == 1
    assert "hr.prov:21:26: error[PROV121]: parameter 'company' has no value" in broken.stderr
    assert "environment 'broken' in" in broken.stderr
    assert not Path("unused").exists()


def test_environment_problems_are_usage_errors(tmp_path: Path) -> None:
    unknown = prov("check", HR, "--env", "staging")
    assert unknown.exit_code == 2
    assert "no environment 'staging'" in unknown.stderr and "broken, dev, prod" in unknown.stderr
    lonely = tmp_path / "alone"
    lonely.mkdir()
    (lonely / ".git").mkdir()  # the repository root: the search stops here
    shutil.copy(DATA / "hr.prov", lonely / "hr.prov")
    missing = prov("check", str(lonely / "hr.prov"), env={"PROV_ENV": "dev"})
    assert missing.exit_code == 2 and "PROV_ENV dev: no project file" in missing.stderr
    for text, expected in (
        ("[environments.dev\n", "is not valid TOML"),
        ("[environments.dev]\ngrpah = {}\n", "unknown key 'grpah'"),
        ("[environments.dev.params]\nratio = 0.5\n", "must be a string or an integer"),
        ("[environments.dev]\ngraph = { job = 5 }\n", "graph.job must be a non-empty string"),
        ("[other]\n", "unknown key 'other'"),
    ):
        (lonely / "prov.toml").write_text(text, encoding="utf-8")
        result = prov("check", str(lonely / "hr.prov"), "--env", "dev")
        assert result.exit_code == 2, (text, result.output)
        assert expected in result.stderr and "Traceback" not in result.output


def test_pyproject_tool_table_and_the_search_upwards(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "rules"\n\n[tool.syncrules.environments.prod.params]\n'
        'domain = "contoso.com"\ncompany = "Contoso"\n',
        encoding="utf-8",
    )
    rules = tmp_path / "rules" / "hr"
    rules.mkdir(parents=True)
    shutil.copy(DATA / "hr.prov", rules / "hr.prov")
    assert find_project(rules / "hr.prov") == (tmp_path / "pyproject.toml").resolve()
    chosen = select_environment("prod", rules, env={})
    assert not isinstance(chosen, ProjectProblem) and chosen is not None
    assert dict(chosen.params) == {"domain": "contoso.com", "company": "Contoso"}
    result = prov("check", str(rules), "--env", "prod")
    assert result.exit_code == 0, result.output
    # a pyproject.toml without the table is not a project file
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "rules"\n', encoding="utf-8")
    assert find_project(rules) is None


def test_graph_settings_per_job() -> None:
    project = load_project(DATA / "prov.toml")
    assert not isinstance(project, ProjectProblem)
    prod = project.environments["prod"]
    assert prod.graph.job == "API2AAD.prod" and prod.default_domain == "contoso.com"
    assert prod.graph_for("Contoso HR") == prod.graph


def test_tests_take_the_environment_or_set_their_own_values() -> None:
    dev = prov("test", HR, "--env", "dev", "-v")
    assert dev.exit_code == 0, dev.output
    assert "2 passed, 0 failed" in dev.stderr
    prod = prov("test", HR, "--env", "prod")
    assert prod.exit_code == 1
    assert 'companyName: expected "Contoso (test)", got "Contoso"' in prod.stderr
    # without an environment the first test cannot run; the second sets its own values
    alone = prov("test", HR, "-v")
    assert alone.exit_code == 1
    assert "ERROR tests/data/environments/hr.prov:24:1 the company follows" in alone.stderr
    assert "error[PROV121]" in alone.stderr
    assert "PASS tests/data/environments/hr.prov:35:1 a test sets its own values" in alone.stderr


def test_plan_compares_two_environments() -> None:
    result = prov("plan", "--env", "dev", "--env", "prod", HR)
    assert result.exit_code == 2, result.output
    assert f"plan: {HR} (--env dev) -> {HR} (--env prod)" in result.stdout
    assert '"Contoso (test)"' in result.stdout and "~ mapping companyName" in result.stdout
    same = prov("plan", "--env", "dev", HR, HR)
    assert same.exit_code == 0, same.output
    assert prov("plan", HR).exit_code == 2  # one path needs two environments


def test_run_takes_values_and_the_default_domain_from_the_environment(tmp_path: Path) -> None:
    users = tmp_path / "users.jsonl"
    users.write_text(
        json.dumps({"externalId": "7", "userName": "cy@dev.contoso.com", "active": True}) + "\n",
        encoding="utf-8",
    )
    args = ["run", HR, "--input", str(users), "--format", "json", "--now", "2025-01-01T00:00:00Z"]
    result = prov(*args, "--env", "dev", "--directory", str(tmp_path / "d.sqlite"))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    changed = json.dumps(record)
    assert "Contoso (test)" in changed and "cy@dev.contoso.com" in changed
    failed = prov(*args, "--directory", str(tmp_path / "e.sqlite"))
    assert failed.exit_code == 1 and "PROV121" in failed.stderr


def test_fmt_keeps_parameters_and_eval_refuses_them(tmp_path: Path) -> None:
    copy = tmp_path / "hr.prov"
    shutil.copy(DATA / "hr.prov", copy)
    assert prov("fmt", "--check", str(copy)).exit_code == 0
    squashed = tmp_path / "squashed.prov"
    squashed.write_text(
        'param   domain :string\njob "J" { target entra }\nmatch [externalId] -> employeeId\n'
        'map { mail <- Join("@",[userName],   $domain) }\n'
        'test "t" { param   domain="x.org" given user {"externalId": "1"} expect create }\n',
        encoding="utf-8",
    )
    assert prov("fmt", str(squashed)).exit_code == 0
    text = squashed.read_text(encoding="utf-8")
    assert "param domain: string\n" in text
    assert 'mail <- Join("@", [userName], $domain)' in text
    assert '    param domain = "x.org"\n' in text
    evaluated = prov("eval", 'Join("@", [userName], $domain)')
    assert evaluated.exit_code == 1 and "PROV120" in evaluated.stderr


# ---- CI formats ----------------------------------------------------------------------------------


SEVERAL = "tests/cases/invalid/many/01_several_mistakes/input.prov"


def test_check_format_github_annotates_the_exact_lines() -> None:
    result = prov("check", HR, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={HR},line=14,col=30::PROV121 unset-parameter: parameter 'domain' has no"
    )
    assert all(line.startswith("::error file=") for line in lines)
    assert "%0Ahelp: choose an environment" in lines[0]  # the hint, newline escaped
    assert "error[PROV121]" in result.stderr  # the readable form stays in the log
    several = prov("check", SEVERAL, "--format", "github")
    for line in several.stdout.splitlines():
        head, _, message = line.partition("::")[2].partition("::")
        level, _, props = head.partition(" ")
        assert level in ("error", "warning", "notice"), line
        assert props.startswith("file=") and ",line=" in props and ",col=" in props, line
        assert message.startswith("PROV")
    clean = prov("check", HR, "--env", "dev", "--format", "github")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_check_format_azure_devops_writes_logging_commands() -> None:
    result = prov("check", HR, "--format", "azure-devops")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"##vso[task.logissue type=error;sourcepath={HR};linenumber=14;columnnumber=30;"
        "code=PROV121][PROV121] parameter 'domain' has no value"
    )


def test_ci_escaping() -> None:
    from syncrules.diagnostics.ci import azure_line, github_line

    assert (
        github_line("warning", "100% a\nb", file="a,b:c.prov", line=1, col=2)
        == "::warning file=a%2Cb%3Ac.prov,line=1,col=2::100%25 a%0Ab"
    )
    assert (
        azure_line("error", "50% x\r\ny", file="a;b].prov", line=3, col=4, code="PROV1")
        == "##vso[task.logissue type=error;sourcepath=a%3Bb%5D.prov;linenumber=3;"
        "columnnumber=4;code=PROV1]50%AZP25 x%0D%0Ay"
    )


def test_test_failures_as_annotations_and_sarif() -> None:
    github = prov("test", HR, "--env", "prod", "--format", "github")
    assert github.exit_code == 1
    (line,) = github.stdout.splitlines()
    assert line.startswith(
        f"::error file={HR},line=24,col=1::test failed: the company follows the environment"
    )
    assert "FAILED" in github.stderr
    azure = prov("test", HR, "--env", "prod", "--format", "azure-devops")
    assert azure.stdout.startswith(
        f"##vso[task.logissue type=error;sourcepath={HR};linenumber=24;columnnumber=1]test failed"
    )
    sarif = prov("test", HR, "--env", "prod", "--format", "sarif")
    assert sarif.exit_code == 1
    doc = json.loads(sarif.stdout)
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "prov-test-failed"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (24, 1)
    assert 'companyName: expected "Contoso (test)", got "Contoso"' in result["message"]["text"]
    passing = prov("test", HR, "--env", "dev", "--format", "sarif")
    assert passing.exit_code == 0 and json.loads(passing.stdout)["runs"][0]["results"] == []


@pytest.mark.parametrize("fmt", ["github", "azure-devops"])
def test_test_format_reports_rule_errors_as_annotations(fmt: str) -> None:
    result = prov("test", SEVERAL, "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout.strip() and "error: the rules have errors" in result.stderr


def _pytest(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "PROV_ENV"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=cwd,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_pytest_plugin_honours_prov_env(tmp_path: Path) -> None:
    repo = tmp_path / "rules"
    shutil.copytree(DATA, repo)
    (repo / ".git").mkdir()
    (repo / "pytest.ini").write_text("[pytest]\nprov_tests = true\n", encoding="utf-8")
    dev = _pytest(repo, {"PROV_ENV": "dev"})
    assert dev.returncode == 0, dev.stdout + dev.stderr
    assert "2 passed" in dev.stdout
    prod = _pytest(repo, {"PROV_ENV": "prod"})
    assert prod.returncode == 1
    assert 'companyName: expected "Contoso (test)", got "Contoso"' in prod.stdout
    assert "1 failed, 1 passed" in prod.stdout
    none = _pytest(repo, {})  # the test that sets its own values still runs
    assert none.returncode == 1 and "PROV121" in none.stdout and "1 passed" in none.stdout
    unknown = _pytest(repo, {"PROV_ENV": "qa"})
    assert unknown.returncode == 1 and "no environment 'qa'" in unknown.stdout
