"""Every shipped .prov (rules/, examples/) checks with zero diagnostics and compiles: schema-valid
JSON and compile()-able Python (textX's test_examples habit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncrules.api import check_paths, compile_paths
from syncrules.backends.jobconfig.schema import validate
from syncrules.diagnostics.render import render_text
from tests.conftest import ROOT

SHIPPED = sorted([*(ROOT / "rules").rglob("*.prov"), *(ROOT / "examples").rglob("*.prov")])


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", SHIPPED, ids=[_rel(p) for p in SHIPPED])
def test_shipped_file_checks_clean(path: Path) -> None:
    result = check_paths([_rel(path)])
    assert result.diagnostics == [], render_text(result.diagnostics, result.sources)


@pytest.mark.parametrize("folder", ["rules", "examples"])
def test_shipped_folder_compiles(folder: str, tmp_path: Path) -> None:
    result = compile_paths([folder], tmp_path)
    assert result.ok, render_text(result.diagnostics, result.sources)
    assert result.documents
    for _name, document in result.documents:
        assert validate(document) == []
    for rel in result.written:
        if rel.suffix == ".py":
            text = (tmp_path / rel).read_text(encoding="utf-8")
            compile(text, str(rel), "exec")
    jobs = {p.stem for p in tmp_path.glob("*.json")}
    assert len(jobs) == len(result.documents)


def test_appendix_expressions_are_canonical(tmp_path: Path) -> None:
    """The appendix files compile with their expressions printed canonically."""
    result = compile_paths(["tests/cases/valid/appendix"], None, ("json",))
    assert result.ok
    expressions = {
        m["targetAttributeName"]: m["source"]["expression"]
        for _, doc in result.documents
        for m in doc["schema"]["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
    }
    assert (
        expressions["mailNickname"] == 'Replace([userName], , "(?<Suffix>@(.)*)", "Suffix", "", , )'
    )
    assert expressions["displayName"] in ('Join(" ", [name.givenName], [name.familyName])',)
    assert expressions["sAMAccountName"].startswith("SelectUniqueValue(Left(Join(")


def test_shipped_files_are_formatted() -> None:
    from click.testing import CliRunner

    from syncrules.cli import main

    result = CliRunner().invoke(main, ["fmt", "--check", "rules", "examples"])
    assert result.exit_code == 0, result.output
