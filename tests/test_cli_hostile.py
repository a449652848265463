"""Hostile input at the command line: every case gives a message and a documented exit code,
never an internal error (PROV901, exit 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTOSO = ROOT / "examples" / "contoso-hr" / "contoso-hr.prov"
SCHEMA = ROOT / "tests" / "cases" / "valid" / "appendix" / "01_contoso_hr" / "input.prov"
DEEP_JSON = "[" * 100_000
NOT_UTF8_NAME = os.fsdecode(b"\xff-not-utf8.prov")  # what Python makes of such argv bytes
LONE_SURROGATE_JSON = '{"a": "\\ud800"}'


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _no_bug(result: object) -> None:
    text = getattr(result, "output", "") + getattr(result, "stderr", "")
    assert "PROV901" not in text and "Traceback" not in text


# ---- prov eval / prov fmt -e ------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--input", "--existing-values"])
def test_eval_deeply_nested_json_is_a_bad_value(
    runner: CliRunner, tmp_path: Path, option: str
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_JSON, encoding="utf-8")
    result = runner.invoke(main, ["eval", "[a]", option, f"@{deep}"])
    _no_bug(result)
    assert result.exit_code == 2
    assert "nested too deeply" in result.stderr


def test_eval_lone_surrogate_in_input_is_a_bad_value(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", "[a]", "--input", LONE_SURROGATE_JSON])
    _no_bug(result)
    assert result.exit_code == 2
    assert "lone UTF-16 surrogate" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["eval", '"\udcff"'],
        ["fmt", "-e", '"\udcff"'],
        ["eval", "[a]", "--input", '{"a": "\udcff"}'],
    ],
)
def test_arguments_that_are_not_utf8_are_bad_values(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args)
    _no_bug(result)
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr


@pytest.mark.parametrize("args", [["eval", "-"], ["fmt", "-e", "-"]])
def test_expression_on_stdin_that_is_not_utf8(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args, input=b'Join(" ",\n[a]\xff)')
    _no_bug(result)
    assert result.exit_code == 1
    assert "not UTF-8 text: byte 0xff at line 2, column 4" in result.stderr


# ---- prov test, prov explain ------------------------------------------------------------------


def test_threshold_nan_is_a_bad_value(runner: CliRunner) -> None:
    result = runner.invoke(main, ["test", str(CONTOSO), "--threshold", "nan"])
    _no_bug(result)
    assert result.exit_code == 2
    assert "--threshold" in result.stderr


def test_test_json_report_with_lone_surrogate_values(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "t.prov"
    rules.write_text(
        'job "x" {\n    target entra\n    actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        "map {\n    displayName <- [userName]\n}\n"
        'test "t" {\n    given user { "externalId": "\\ud800", "userName": "a" }\n'
        # prov run fails such a record alone (it is not Unicode text); so does prov test
        "    expect fail\n}\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["test", str(rules), "--format", "json"])
    _no_bug(result)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["tests"][0]["status"] == "passed"


def test_explain_unknown_topic_goes_to_stderr(runner: CliRunner) -> None:
    result = runner.invoke(main, ["explain", "\udcff"])
    _no_bug(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is neither a diagnostic code nor a function" in result.stderr


def test_explain_help_lists_semantics(runner: CliRunner) -> None:
    assert "semantics" in runner.invoke(main, ["explain", "--help"]).output


# ---- file names that are not UTF-8 in machine-readable output ---------------------------------


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_check_json_with_a_file_name_that_is_not_utf8(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(main, ["check", NOT_UTF8_NAME, "--format", fmt])
    _no_bug(result)
    assert result.exit_code == 1
    assert "not-utf8.prov" in json.dumps(json.loads(result.stdout))


# ---- prov import, prov directory import --------------------------------------------------------


def _compiled_schema(runner: CliRunner, folder: Path) -> Path:
    out = folder / "build"
    args = ["compile", str(SCHEMA), "-o", str(out), "--target", "json"]
    assert runner.invoke(main, args).exit_code == 0
    (schema,) = out.glob("*.json")
    return schema


def test_import_refuses_deep_json(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "schema.json"
    source.write_text(DEEP_JSON, encoding="utf-8")
    out = tmp_path / "out.prov"
    result = runner.invoke(main, ["import", str(source), "-o", str(out)])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"cannot import {source}: the JSON is nested too deeply" in result.stderr
    assert not out.exists()


def test_import_refuses_lone_surrogates(runner: CliRunner, tmp_path: Path) -> None:
    document = json.loads(_compiled_schema(runner, tmp_path).read_text(encoding="utf-8"))
    rule = document["schema"]["synchronizationRules"][0]
    rule["objectMappings"][0]["attributeMappings"][0]["source"] = {
        "type": "Constant",
        "value": "\ud800",
        "expression": '"\ud800"',
        "name": None,
        "parameters": [],
    }
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(document), encoding="utf-8")  # "\ud800" as an escape
    out = tmp_path / "out.prov"
    result = runner.invoke(main, ["import", str(source), "-o", str(out)])
    _no_bug(result)
    assert result.exit_code == 1
    assert "lone UTF-16 surrogate" in result.stderr
    assert not out.exists()


def test_import_of_a_folder_is_unreadable_input(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["import", str(tmp_path), "-o", str(tmp_path / "x.prov")])
    assert result.exit_code == 1
    assert f"cannot read {tmp_path}: is a folder, not a file" in result.stderr


def test_import_output_under_a_file(runner: CliRunner, tmp_path: Path) -> None:
    schema = _compiled_schema(runner, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["import", str(schema), "-o", str(blocker / "x.prov")])
    assert result.exit_code == 1
    assert f"{blocker} is a file, not a folder" in result.stderr


def test_directory_import_deep_json(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "users.json"
    source.write_text(DEEP_JSON, encoding="utf-8")
    result = runner.invoke(
        main, ["directory", "import", str(source), "--directory", str(tmp_path / "d.sqlite")]
    )
    _no_bug(result)
    assert result.exit_code == 1
    assert f"{source}: the JSON is nested too deeply to read" in result.stderr


def test_directory_import_of_a_folder_is_unreadable_input(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        main, ["directory", "import", str(tmp_path), "--directory", str(tmp_path / "d.sqlite")]
    )
    assert result.exit_code == 1
    assert f"cannot read {tmp_path}" in result.stderr


# ---- prov run ----------------------------------------------------------------------------------


HEADER = (
    "WorkerID,WorkerStatus,WorkerType,UserID,FirstName,LastName,JobTitle,Department,Country,"
    "ManagerID,HireDate,BadgeID\n"
)


def test_run_text_output_escapes_control_characters(runner: CliRunner, tmp_path: Path) -> None:
    workers = tmp_path / "workers.csv"
    workers.write_text(
        HEADER + "1001,Active,Employee,av\x1b]0;pwned\x07,Anna,Vogel,CEO,M,Germany,,2015-04-01,\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        main,
        ["run", str(CONTOSO), "--input", str(workers), "--directory", str(tmp_path / "d.sqlite")],
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "av\\x1b]0;pwned\\x07@contoso.com" in result.stdout


def test_run_output_under_a_file(runner: CliRunner, tmp_path: Path) -> None:
    workers = ROOT / "examples" / "contoso-hr" / "workers.csv"
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(
        main,
        [
            "run",
            str(CONTOSO),
            "--input",
            str(workers),
            "--directory",
            str(tmp_path / "d.sqlite"),
            "-o",
            str(blocker / "log.jsonl"),
        ],
    )
    assert result.exit_code == 1
    assert f"{blocker} is a file, not a folder" in result.stderr


def test_run_default_domain_that_is_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    workers = ROOT / "examples" / "contoso-hr" / "workers.csv"
    result = runner.invoke(
        main,
        ["run", str(CONTOSO), "--input", str(workers), "--default-domain", "\udcff.com"],
    )
    assert result.exit_code == 2
    assert "--default-domain" in result.stderr


# ---- prov upload -------------------------------------------------------------------------------


def test_upload_csv_problem_names_the_file_once(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(
        main,
        ["upload", str(empty), "--prov", str(CONTOSO), "--dry-run", "--out-dir", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert f"error: {empty}: the file is empty" in result.stderr
    assert f"{empty}: {empty}" not in result.stderr


def test_upload_to_a_closed_pipe_is_not_a_bug(tmp_path: Path) -> None:
    users = tmp_path / "users.jsonl"
    users.write_text(
        "".join(
            json.dumps({"externalId": str(i), "userName": f"u{i}@x"}) + "\n" for i in range(60)
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "syncrules",
            "upload",
            str(users),
            "--dry-run",
            "--out-dir",
            str(tmp_path / "p"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before anything is written
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "PROV901" not in stderr
    assert process.returncode == 1
