"""The diagnostic catalogue: every code has an explanation, an invalid case that shows it (or a
test of its own for codes that no .prov file can trigger), and `prov explain` knows it."""

from __future__ import annotations

from click.testing import CliRunner

from syncrules.cli import main
from syncrules.diagnostics.codes import CODES, Code, lookup
from tests.conftest import case_dirs

#: Codes not reachable from a .prov file through `prov check`, each tested elsewhere.
ELSEWHERE = {
    Code.EVALUATION_FAILED: "tests/test_cli.py::test_eval_runtime_error",
    Code.INTERNAL_ERROR: "tests/test_cli.py::test_internal_error_banner",
    Code.SCHEMA_VALIDATION: "tests/test_cli.py::test_schema_failure_is_a_bug",
    Code.GENERATED_CODE_INVALID: (
        "tests/unit/test_python_backend.py::test_compile_failure_is_reported"
    ),
}


def test_every_code_has_an_invalid_case() -> None:
    covered = {d.name.split("_")[0].upper() for d in case_dirs("invalid")}
    missing = [c.value for c in Code if c.value not in covered and c not in ELSEWHERE]
    assert missing == []


def test_every_code_is_explained() -> None:
    runner = CliRunner()
    for code, info in CODES.items():
        assert info.explanation and info.message and info.slug
        result = runner.invoke(main, ["explain", code.value])
        assert result.exit_code == 0
        assert code.value in result.output and info.slug in result.output
        assert lookup(info.slug) is code


def test_codes_are_unique() -> None:
    values = [c.value for c in Code]
    slugs = [i.slug for i in CODES.values()]
    assert len(set(values)) == len(values) and len(set(slugs)) == len(slugs)
    assert set(CODES) == set(Code)
