"""Generated evaluator packages: importable without syncrules, deterministic, safe against hostile
text, and behaving as the rules say."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from syncrules.api import check_paths, compile_paths
from syncrules.backends.python.load import load_evaluator
from syncrules.ir.expressions import escape


def _isolated_path(tmp_path: Path) -> Path:
    """A folder holding only the `regex` package: the generated code's one dependency."""
    deps = tmp_path / "deps"
    deps.mkdir()
    (deps / "regex").symlink_to(Path(regex.__file__).parent, target_is_directory=True)
    return deps


def test_package_runs_without_syncrules(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert compile_paths(["examples/contoso-hr"], out, ("python",)).ok
    deps = _isolated_path(tmp_path)
    script = (
        "import json, sys\n"
        "import contoso_hr_to_entra_id as job\n"
        "assert 'syncrules' not in sys.modules\n"
        "user = {'externalId': '1', 'userName': 'ada@example.com', 'active': True,\n"
        "        'name': {'givenName': 'Ada', 'familyName': 'Lovelace'},\n"
        "        'urn:ietf:params:scim:schemas:extension:contoso:1.0:User':"
        " {'WorkerType': 'Employee'}}\n"
        "o = job.evaluate(user)\n"
        "print(json.dumps([o.action, o.values['displayName'], o.values['userPrincipalName'],\n"
        "                  job.scope(user).group, job.matching_keys(user)]))\n"
    )
    (out / "contoso-hr-to-entra-id").rename(out / "contoso_hr_to_entra_id")
    env = {"PYTHONPATH": os.pathsep.join([str(out), str(deps)]), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-S", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        "create",
        "Ada Lovelace",
        "ada@contoso.com",
        "Employees",
        [["employeeId", "1"]],
    ]


def test_hostile_prov_text_stays_data(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = f'__import__("pathlib").Path({str(marker)!r}).touch()'
    hostile = f"\"\"\"\n{payload}\n#'''\\\n{payload}"
    prov = tmp_path / "hostile.prov"
    prov.write_text(
        f"""
job {escape(hostile)} {{
    target entra
    actions create, update
}}
extension {escape("urn:x:" + hostile.replace(chr(10), " "))} {{
    Attr: string
}}
match [externalId] -> employeeId
scope {{
    group {escape(hostile)} {{
        [displayName] EQUALS {escape(hostile)}
    }}
}}
map {{
    displayName <- Join({escape(hostile)}, [displayName], {escape(hostile)})
    jobTitle    <- [title]  default {escape(hostile)}
}}
""",
        encoding="utf-8",
    )
    result = compile_paths([prov], tmp_path / "out")
    assert result.ok, [d.message for d in result.diagnostics]
    assert not marker.exists()
    [job] = check_paths([prov]).jobs
    module = load_evaluator(job)
    assert not marker.exists()
    assert module.JOB.name == hostile
    outcome = module.evaluate({"externalId": "1", "displayName": hostile})
    assert not marker.exists()
    assert outcome.values["jobTitle"] == hostile
    assert outcome.scope.group == hostile
    assert outcome.values["displayName"] == hostile + hostile + hostile
    # the out-of-scope decision is a module-level constant: its texts are literals too
    left = module.evaluate({"externalId": "2", "displayName": "someone else"}).scope
    assert not marker.exists()
    assert left.failed[0][0] == hostile and hostile in left.reason
    assert left == module.scope({"externalId": "2", "displayName": "someone else"})


def test_constant_scope_decisions_are_shared_and_immutable(tmp_path: Path) -> None:
    """A one-group job's decisions are built once, at import; sharing them is safe because a
    ScopeDecision cannot be changed."""
    prov = tmp_path / "one.prov"
    prov.write_text(
        'job "One" {\n target entra\n actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        'scope {\n group "Staff" {\n [userType] NOT EQUALS "Intern"\n }\n}\n'
        "map {\n displayName <- [displayName]\n}\n",
        encoding="utf-8",
    )
    [job] = check_paths([prov]).jobs
    module = load_evaluator(job)
    staff = [module.evaluate({"externalId": str(n), "userType": "Employee"}) for n in range(2)]
    interns = [module.evaluate({"externalId": str(n), "userType": "Intern"}) for n in range(2)]
    assert staff[0].scope is staff[1].scope and staff[0].scope.in_scope
    assert interns[0].scope is interns[1].scope and not interns[0].scope.in_scope
    assert interns[0].scope.failed == (("Staff", '[userType] NOT EQUALS "Intern"'),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        staff[0].scope.in_scope = False  # type: ignore[misc]


def test_generated_package_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert compile_paths(["examples"], a, ("python",)).ok
    assert compile_paths(["examples"], b, ("python",)).ok
    files_a = sorted(p.relative_to(a) for p in a.rglob("*.py"))
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*.py"))
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes()
    header = (a / "contoso-hr-to-entra-id" / "evaluator.py").read_text(encoding="utf-8")
    assert header.startswith(
        "# -*- coding: utf-8 -*-\n# Generated by syncrules 0.1.0. Do not edit.\n"
        "# Source: examples/contoso-hr/contoso-hr.prov\n"
    )
    assert "# examples/contoso-hr/contoso-hr.prov:38:5: accountEnabled <- [active]" in header


def test_hostile_test_data_stays_data(tmp_path: Path) -> None:
    """Test blocks' records and expectations are data for the generated evaluator, never code."""
    from syncrules.testing.runner import run_tests

    marker = tmp_path / "pwned"
    payload = f'__import__("pathlib").Path({str(marker)!r}).touch()'
    quoted = json.dumps(payload)
    prov = tmp_path / "job.prov"
    prov.write_text(
        f"""
job "J" {{
    target entra
    actions create, update
}}
match [externalId] -> employeeId
map {{
    displayName <- [displayName]
}}
test {escape(payload)} {{
    given user {{ "externalId": "1", "displayName": {quoted}, {quoted}: {quoted} }}
    expect create {{
        displayName == {quoted}
    }}
}}
""",
        encoding="utf-8",
    )
    report = run_tests([prov])
    assert not marker.exists()
    assert [r.status for r in report.results] == ["passed"]
    assert report.results[0].name == payload
