"""The `prov` command line: exit codes, stdout/stderr split, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules import __version__
from syncrules.cli import main

APPENDIX_A = "tests/cases/valid/appendix/01_contoso_hr/input.prov"
SEVERAL = "tests/cases/invalid/many/01_several_mistakes/input.prov"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_help_documents_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for line in ("0  success", "1  errors found", "2  usage error", "3  internal error"):
        assert line in result.output


def test_check_clean(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", APPENDIX_A])
    assert result.exit_code == 0
    assert "ok: 1 job checked" in result.stderr
    assert result.stdout == ""


def test_check_reports_every_mistake_as_text(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", SEVERAL])
    assert result.exit_code == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(SEVERAL)]
    positions = [ln.split(": ")[0].removeprefix(SEVERAL + ":") for ln in lines]
    assert positions == ["2:1", "10:20", "11:5", "12:20", "13:20", "14:39"]
    assert "did you mean 'name.givenName'?" in result.stderr
    assert "5 errors, 1 warning" in result.stderr


def test_check_reports_every_mistake_as_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", SEVERAL, "--format", "json"])
    assert result.exit_code == 1
    diags = json.loads(result.stdout)
    assert [(d["code"], d["line"], d["col"]) for d in diags] == [
        ("PROV307", 2, 1),
        ("PROV101", 10, 20),
        ("PROV102", 11, 5),
        ("PROV106", 12, 20),
        ("PROV201", 13, 20),
        ("PROV203", 14, 39),
    ]
    keys = {
        "code",
        "slug",
        "severity",
        "message",
        "file",
        "line",
        "col",
        "end_line",
        "end_col",
        "hint",
    }
    assert all(set(d) == keys for d in diags)
    assert diags[1]["end_col"] == 35


def test_check_sarif(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", SEVERAL, "--format", "sarif"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    results = doc["runs"][0]["results"]
    assert len(results) == 6
    assert results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 10


def test_strict_turns_warnings_into_failure(runner: CliRunner) -> None:
    path = "tests/cases/invalid/rules/prov307_delete_without_threshold/input.prov"
    assert runner.invoke(main, ["check", path]).exit_code == 0
    assert runner.invoke(main, ["check", path, "--strict"]).exit_code == 1


def test_missing_file(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "does/not/exist.prov"])
    assert result.exit_code == 1
    assert "PROV002" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_directory_without_prov_files(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "no .prov files" in result.stderr


def test_unknown_flag_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "--frobnicate", APPENDIX_A])
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_bad_format_value_is_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(main, ["check", APPENDIX_A, "--format", "xml"]).exit_code == 2


def test_binary_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bin.prov"
    path.write_bytes(b"\x00\x01\x02job")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "PROV002" in result.stderr


def test_compile_writes_json_and_package(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["compile", APPENDIX_A, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "contoso-hr-to-entra-id.json").is_file()
    assert (tmp_path / "contoso-hr-to-entra-id" / "evaluator.py").is_file()
    assert (tmp_path / "contoso-hr-to-entra-id" / "_runtime" / "functions.py").is_file()
    doc = json.loads((tmp_path / "contoso-hr-to-entra-id.json").read_text(encoding="utf-8"))
    assert (
        doc["schema"]["synchronizationRules"][0]["objectMappings"][0]["flowTypes"] == "Add, Update"
    )


def test_compile_with_errors_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["compile", SEVERAL, "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_explain_code_and_function(runner: CliRunner) -> None:
    result = runner.invoke(main, ["explain", "PROV101"])
    assert result.exit_code == 0 and "unknown-source-attribute" in result.output
    result = runner.invoke(main, ["explain", "replace"])
    assert result.exit_code == 0
    assert "Replace(" in result.output and "RegularExpression" in result.output
    assert "NULL" in result.output
    result = runner.invoke(main, ["explain", "functions"])
    assert "SelectUniqueValue" in result.output
    assert runner.invoke(main, ["explain", "nonsense"]).exit_code == 1


def test_schema_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "syncrules compiled job configuration"


def test_eval_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "eval",
            'Join(" ", [givenName], [surname])',
            "--input",
            '{"givenName": "Ada", "surname": "Lovelace"}',
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"value": "Ada Lovelace", "flows": True}


def test_eval_no_flow(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "IgnoreFlowIfNullOrEmpty([title])", "--format", "json"])
    assert json.loads(result.stdout) == {"value": None, "flows": False}


def test_eval_input_from_file_and_types(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "in.json"
    data.write_text('{"n": "42568.75", "flag": null}', encoding="utf-8")
    result = runner.invoke(main, ["eval", "Len([n])", "--input", f"@{data}", "--format", "json"])
    assert json.loads(result.stdout) == {"value": 8, "flows": True}
    result = runner.invoke(
        main, ["eval", "IsNull([flag])", "--input", f"@{data}", "--format", "json"]
    )
    assert json.loads(result.stdout) == {"value": True, "flows": True}


def test_eval_syntax_error_points_inside_expression(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", 'Join(" ", [a]'])
    assert result.exit_code == 1
    assert "<expression>:1:" in result.stderr and "PROV001" in result.stderr


def test_eval_arity_error_at_function(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", 'Join(" ", Left([a]))'])
    assert result.exit_code == 1
    assert "<expression>:1:11: error[PROV201]" in result.stderr


def test_eval_runtime_error(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "eval",
            "SelectUniqueValue([a], [b])",
            "--input",
            '{"a": "x", "b": "y"}',
            "--existing-values",
            '["x", "y"]',
        ],
    )
    assert result.exit_code == 1
    assert "PROV220" in result.stderr


def test_eval_bad_input_json_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "[a]", "--input", "{not json"])
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr


def test_eval_bad_now_is_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "Now()", "--now", "yesterday"])
    assert result.exit_code == 2


def test_eval_now_and_seed(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "Now()", "--now", "2024-05-01T09:30:00Z"])
    assert result.stdout.strip() == "5/1/2024 9:30:00 AM"
    first = runner.invoke(main, ["eval", "RandomString(8, 2, 2, 2, 2)", "--seed", "7"])
    second = runner.invoke(main, ["eval", "RandomString(8, 2, 2, 2, 2)", "--seed", "7"])
    assert first.stdout == second.stdout and len(first.stdout.strip()) == 8


def test_internal_error_banner(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import syncrules.api

    def boom(paths: object, params: object = None) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(syncrules.api, "check_paths", boom)
    result = runner.invoke(main, ["check", APPENDIX_A])
    assert result.exit_code == 3
    assert "this is a bug" in result.stderr and "Traceback" not in result.stderr
    result = runner.invoke(main, ["--debug", "check", APPENDIX_A])
    assert result.exit_code == 3 and "simulated bug" in result.stderr


def test_schema_failure_is_a_bug(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import syncrules.backends.jobconfig.schema as schema

    monkeypatch.setattr(schema, "validate", lambda doc: ["schema: simulated drift"])
    result = runner.invoke(main, ["compile", APPENDIX_A, "-o", str(tmp_path), "--target", "json"])
    assert result.exit_code == 1
    assert "PROV902" in result.stderr and "simulated drift" in result.stderr
