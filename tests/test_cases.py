"""Case folders: valid cases compile (JSON and Python snapshots), invalid cases report the
diagnostics in their snapshot. Adding a language feature means adding a folder, not a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncrules.api import check_paths, compile_paths
from syncrules.backends.jobconfig.emit import dumps
from syncrules.backends.jobconfig.schema import validate
from syncrules.diagnostics.render import render_text
from tests.conftest import ROOT, case_dirs, case_id

VALID = case_dirs("valid")
INVALID = case_dirs("invalid")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("case", VALID, ids=[case_id(c) for c in VALID])
def test_valid_checks_clean(case: Path) -> None:
    result = check_paths([_rel(case / "input.prov")])
    assert result.diagnostics == [], render_text(result.diagnostics, result.sources)


@pytest.mark.parametrize("case", VALID, ids=[case_id(c) for c in VALID])
def test_jobconfig(case: Path, json_snapshot) -> None:  # type: ignore[no-untyped-def]
    result = compile_paths([_rel(case / "input.prov")], None, ("json",))
    assert result.ok, render_text(result.diagnostics, result.sources)
    [(_, document)] = result.documents
    assert validate(document) == []
    assert dumps(document) == json_snapshot


@pytest.mark.parametrize("case", VALID, ids=[case_id(c) for c in VALID])
def test_python(case: Path, py_snapshot) -> None:  # type: ignore[no-untyped-def]
    from syncrules.backends.python.emit import emit_package
    from syncrules.diagnostics import DiagnosticBag

    result = check_paths([_rel(case / "input.prov")])
    [job] = result.jobs
    bag = DiagnosticBag()
    files = emit_package(job, "pkg", bag)
    assert not bag.items
    assert files["evaluator.py"] == py_snapshot


@pytest.mark.parametrize("case", INVALID, ids=[case_id(c) for c in INVALID])
def test_invalid(case: Path, text_snapshot) -> None:  # type: ignore[no-untyped-def]
    """Diagnostics of `prov check`, or of `prov compile` when checking passes (backend codes)."""
    result = check_paths([_rel(case / "input.prov")])
    if result.ok:  # backend diagnostics: compile the whole case folder
        result = compile_paths([_rel(case)], None, ("json", "python"))
    assert result.diagnostics, "an invalid case must produce diagnostics"
    expected_code = case.name.split("_")[0].upper()
    if expected_code.startswith("PROV"):
        assert expected_code in {d.code.value for d in result.diagnostics}
    text = render_text(result.diagnostics, result.sources, max_errors=None)
    as_json = json.dumps([d.to_json() for d in result.diagnostics], indent=2, ensure_ascii=False)
    assert text + "\n\n" + as_json + "\n" == text_snapshot
