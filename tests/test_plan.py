"""`prov plan`: exactly the change made, on rules and on fixture records; exit 0/1/2."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.api import compile_paths
from syncrules.backends.jobconfig.emit import dumps
from syncrules.cli import main
from tests.conftest import ROOT

EXAMPLE = "examples/contoso-hr/contoso-hr.prov"


def _changed_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "contoso-hr"
    shutil.copytree(ROOT / "examples/contoso-hr", target)
    prov = target / "contoso-hr.prov"
    text = prov.read_text(encoding="utf-8")
    assert old in text
    prov.write_text(text.replace(old, new), encoding="utf-8")
    return prov


def test_one_changed_mapping_is_exactly_reported(tmp_path: Path) -> None:
    changed = _changed_copy(
        tmp_path, 'companyName       <- "Contoso"', 'companyName       <- "Contoso Ltd"'
    )
    result = CliRunner().invoke(main, ["plan", EXAMPLE, str(changed), "--format", "json"])
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert doc["settings"] == []
    assert [(c["area"], c["kind"], c["subject"]) for c in doc["changes"]] == [
        ("mapping", "changed", "companyName")
    ]
    assert doc["changes"][0]["details"] == ['source: "Contoso"  ->  "Contoso Ltd"']
    assert doc["records"] == [
        {
            "fixture": "new-hires.json",
            "record": 1,
            "externalId": "2001",
            "changes": ['companyName: "Contoso" -> "Contoso Ltd"'],
        }
    ]
    assert "full (initial) cycle" in result.stderr


def test_identical_inputs_exit_zero() -> None:
    result = CliRunner().invoke(main, ["plan", EXAMPLE, EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "no changes" in result.stdout


def test_scope_and_action_changes_show_on_records(tmp_path: Path) -> None:
    changed = _changed_copy(
        tmp_path,
        "[contoso:BadgeId] IS NOT NULL",
        "[contoso:BadgeId] IS NULL",
    )
    result = CliRunner().invoke(main, ["plan", EXAMPLE, str(changed)])
    assert result.exit_code == 2
    assert "scoping group Badged contractors" in result.stdout
    # record 2 of the fixture is a contractor without a badge: it comes into scope
    assert "record 2" in result.stdout and "action: skip -> create" in result.stdout


def test_compiled_json_side(tmp_path: Path) -> None:
    [(_, document)] = compile_paths([EXAMPLE], None, ("json",)).documents
    old = tmp_path / "old.json"
    old.write_text(dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(old), EXAMPLE])
    assert result.exit_code == 0, result.output
    changed = _changed_copy(
        tmp_path, 'jobTitle          <- [title]  default "Staff"', "jobTitle          <- [title]"
    )
    result = CliRunner().invoke(main, ["plan", str(old), str(changed)])
    assert result.exit_code == 2
    assert 'default: "Staff" -> (none)' in result.stdout


def test_git_revision_side() -> None:
    result = CliRunner().invoke(main, ["plan", f"HEAD:{EXAMPLE}", EXAMPLE])
    assert result.exit_code in (0, 2), result.output
    assert "plan: HEAD:" in result.stdout


def test_temporary_files_of_a_plan_are_removed(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON side is decompiled and a git side extracted into a temporary folder: gone when
    the plan ends."""
    [(_, document)] = compile_paths([EXAMPLE], None, ("json",)).documents
    old = tmp_path / "old.json"
    old.write_text(dumps(document), encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for before in (str(old), f"HEAD:{EXAMPLE}"):
        result = CliRunner().invoke(main, ["plan", before, EXAMPLE])
        assert result.exit_code in (0, 2), result.output
        assert list(scratch.iterdir()) == []


def test_errors_exit_one(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["plan", "missing.prov", EXAMPLE]).exit_code == 1
    result = runner.invoke(
        main, ["plan", "tests/cases/invalid/many/01_several_mistakes/input.prov", EXAMPLE]
    )
    assert result.exit_code == 1 and "PROV101" in result.stderr
    result = runner.invoke(main, ["plan", "NOSUCHREV:examples/contoso-hr/contoso-hr.prov", EXAMPLE])
    assert result.exit_code == 1 and "error:" in result.stderr
