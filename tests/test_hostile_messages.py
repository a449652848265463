"""Issue #18's messages and exit codes: hostile input gives one clear message, with a location,
worded the same by every command, the documented exit code and never an internal error.

Each test names the finding it guards: the command, the input, and what it did before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from syncrules.cli import main
from syncrules.source import display_path
from tests.conftest import ROOT

CONTOSO = ROOT / "examples" / "contoso-hr" / "contoso-hr.prov"
RULES = """job "M" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
map {
    displayName <- DISPLAY
}
"""
SP = ["--service-principal", "11111111-2222-3333-4444-555555555555", "--job", "j.1"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _no_bug(result: Result) -> str:
    text = result.output + result.stderr
    assert result.exit_code != 3 and "PROV901" not in text and "Traceback" not in text, text
    return text


def _rules(tmp_path: Path, display: str = "[displayName]", name: str = "m.prov") -> Path:
    path = tmp_path / name
    path.write_text(RULES.replace("DISPLAY", display), encoding="utf-8")
    return path


def _lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# ---- expressions: numbers that cannot be read, regular expressions ---------------------------


@pytest.mark.parametrize(
    "literal, message",
    [
        ("9" * 5000, "a number of 5000 digits is too long to read (at most 4300 digits)"),
        ("9" * 400 + ".5", "is past the range of a double"),
    ],
)
def test_a_number_literal_that_cannot_be_read_is_diagnosed(
    runner: CliRunner, tmp_path: Path, literal: str, message: str
) -> None:
    """check passed these; compile, run and eval stopped with an internal error (exit 3)."""
    rules = _rules(tmp_path, f'Left("abc", {literal})')
    users = _lines(tmp_path / "u.jsonl", '{"externalId": "1", "displayName": "x"}')
    commands = [
        ["check", str(rules)],
        ["compile", str(rules), "-o", str(tmp_path / "out")],
        ["run", str(rules), "--input", str(users)],
        ["eval", f'Left("abc", {literal})'],
    ]
    for args in commands:
        result = runner.invoke(main, args)
        text = _no_bug(result)
        assert result.exit_code == 1, (args, text)
        assert "error[PROV001]" in result.stderr and message in result.stderr, (args, text)


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 400 + ".5"])
def test_a_record_number_that_cannot_be_read_fails_alone(
    runner: CliRunner, tmp_path: Path, value: str
) -> None:
    """A record whose text is a number too long for a whole number, used where one is needed
    (Left's length), stopped the whole run with an internal error (exit 3)."""
    rules = _rules(tmp_path, 'Left("abc", [displayName])')
    users = _lines(
        tmp_path / "u.jsonl",
        json.dumps({"externalId": "1", "displayName": value}),
        json.dumps({"externalId": "2", "displayName": "2"}),
    )
    result = runner.invoke(main, ["run", str(rules), "--input", str(users), "--format", "json"])
    _no_bug(result)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["provisioningStatusInfo"]["status"] for r in records] == ["failure", "success"]
    reason = json.dumps(records[0]["provisioningStatusInfo"]["errorInformation"])
    assert "Left NumChars is past the range of a number" in reason
    evaluated = runner.invoke(
        main, ["eval", 'Left("abc", [a])', "--input", json.dumps({"a": value})]
    )
    _no_bug(evaluated)
    assert evaluated.exit_code == 1
    assert "Left NumChars is past the range of a number" in evaluated.stderr


def test_a_regular_expression_message_says_so_once(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", 'Replace([a], , "(", , "x", , )'])
    assert "invalid regular expression: '(': " in result.stderr
    assert "invalid regular expression: invalid regular expression" not in result.stderr


# ---- input files: one wording per problem, whatever the command ------------------------------


@pytest.mark.parametrize(
    "entry, reason",
    [
        ('{"_id": "a", "n": NaN}', "NaN is not JSON (JSON numbers are finite)"),
        ('{"_id": "a", "n": [1e999]}', "the number 1e999 is past the range of a double"),
        ('{"_id": "a", "n": 1' + "0" * 5000 + "}", "an integer of 5001 digits is too long"),
    ],
)
def test_directory_import_refuses_numbers_json_cannot_hold(
    runner: CliRunner, tmp_path: Path, entry: str, reason: str
) -> None:
    """NaN was stored as null without a word; a 5001-digit integer was an internal error."""
    source = tmp_path / "users.json"
    source.write_text(f'[{{"_id": "ok"}}, {entry}]', encoding="utf-8")
    result = runner.invoke(
        main, ["directory", "import", str(source), "--directory", str(tmp_path / "d.sqlite")]
    )
    _no_bug(result)
    assert result.exit_code == 1
    assert f"{source}: [1]: {reason}" in result.stderr


@pytest.mark.parametrize(
    "value, reason",
    [
        ('{"a": NaN}', "NaN is not JSON (JSON numbers are finite)"),
        ('{"a": -Infinity}', "-Infinity is not JSON"),
        ('{"a": 1e999}', "the number 1e999 is past the range of a double"),
        ("null", "must be a JSON object of attribute name to value, not null"),
    ],
)
def test_eval_input_refuses_what_is_not_a_json_object_of_values(
    runner: CliRunner, value: str, reason: str
) -> None:
    """NaN was accepted and `--format json` printed {"value": NaN}, which is not JSON; null was
    taken for no input while [] and 5 were refused."""
    result = runner.invoke(main, ["eval", "[a]", "--input", value, "--format", "json"])
    _no_bug(result)
    assert result.exit_code == 2
    assert f"Invalid value for '--input': {reason}" in result.stderr
    assert result.stdout == ""


def test_plan_fixture_record_with_nan_fails_alone(runner: CliRunner, tmp_path: Path) -> None:
    """A fixture record holding NaN was evaluated as if it were a number."""
    rules = _rules(tmp_path)
    fixtures = tmp_path / "users.json"
    fixtures.write_text(
        '[{"externalId": "1", "displayName": NaN}, {"externalId": "2", "displayName": "B"}]',
        encoding="utf-8",
    )
    result = runner.invoke(main, ["plan", str(rules), str(rules), "--fixtures", str(fixtures)])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"{fixtures.name} record 1: NaN is not JSON (JSON numbers are finite)" in result.stderr
    assert "record 2" not in result.stderr


def test_plan_fixture_operation_is_named_as_what_it_is(runner: CliRunner, tmp_path: Path) -> None:
    """An operation that was the number 1 was reported as "not a JSON object (null)"."""
    rules = _rules(tmp_path)
    fixtures = tmp_path / "bulk.json"
    fixtures.write_text(json.dumps({"Operations": [1, "x"]}), encoding="utf-8")
    result = runner.invoke(main, ["plan", str(rules), str(rules), "--fixtures", str(fixtures)])
    _no_bug(result)
    assert f"{fixtures.name} record 1: not a JSON object (a number)" in result.stderr
    assert f"{fixtures.name} record 2: not a JSON object (a string)" in result.stderr


def test_a_json_lines_null_is_called_null(runner: CliRunner, tmp_path: Path) -> None:
    """`prov run` called a `null` line "not a JSON number"; it now words it as `prov upload`."""
    rules = _rules(tmp_path)
    users = _lines(tmp_path / "u.jsonl", "null", "[1]")
    result = runner.invoke(main, ["run", str(rules), "--input", str(users)])
    _no_bug(result)
    assert f"{users}:1: not a JSON object (null)" in result.stdout
    assert f"{users}:2: not a JSON object (a list)" in result.stdout
    upload = runner.invoke(
        main, ["upload", str(users), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP]
    )
    assert f"{users}:1: not a JSON object (null)" in upload.stderr
    assert f"{users}:2: not a JSON object (a list)" in upload.stderr


def _json_commands(tmp_path: Path, broken: Path) -> list[list[str]]:
    rules = _rules(tmp_path)
    return [
        ["run", str(rules), "--input", str(broken)],
        ["upload", str(broken), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP],
        ["directory", "import", str(broken), "--directory", str(tmp_path / "d.sqlite")],
        ["plan", str(rules), str(rules), "--fixtures", str(broken)],
        ["eval", "[a]", "--input", f"@{broken}"],
    ]


def test_broken_json_has_one_message_everywhere(runner: CliRunner, tmp_path: Path) -> None:
    """Seven wordings before, among them "Unterminated string starting at at column 19",
    "(Unterminated string starting at, column 19)" and "... at line 1" without a column."""
    broken = tmp_path / "broken.json"
    broken.write_text('[{"externalId": "1", "oops]', encoding="utf-8")
    for args in _json_commands(tmp_path, broken):
        result = runner.invoke(main, args)
        text = _no_bug(result)
        assert result.exit_code in (1, 2), (args, text)
        # upload reads a .json file whose first line breaks inside as JSON Lines (the line's
        # column then follows its FILE:LINE); the others read it as one document
        assert (
            f"{broken}:1:22: not valid JSON: unterminated string" in text
            or f"{broken}:1: not valid JSON at column 22: unterminated string" in text
        ), (args, text)
        assert "at at" not in text and "starting at" not in text, (args, text)
    imported = runner.invoke(main, ["import", str(broken), "-o", str(tmp_path / "x.prov")])
    assert imported.exit_code == 1
    assert (
        f"error: cannot import {broken}: not valid JSON at line 1, column 22: unterminated string"
        in imported.stderr
    )


def test_a_broken_json_lines_line_has_its_column(runner: CliRunner, tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    users = _lines(tmp_path / "u.jsonl", '{"externalId": "1"}', '{"externalId": "2", "oops')
    run = runner.invoke(main, ["run", str(rules), "--input", str(users)])
    upload = runner.invoke(
        main, ["upload", str(users), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP]
    )
    expected = f"{users}:2: not valid JSON at column 21: unterminated string"
    assert expected in run.stdout
    assert expected in upload.stderr


def test_upload_reports_a_broken_json_document_once(runner: CliRunner, tmp_path: Path) -> None:
    """A pretty-printed BulkRequest cut short was read as JSON Lines: one "Extra data" error per
    line; an empty .json file was "no users to send" with exit 0 while `prov run` refused it."""
    source = tmp_path / "bulk.json"
    source.write_text('{\n  "schemas": ["x"],\n  "Operations": [\n    {"method": "POST",\n',
                      encoding="utf-8")
    result = runner.invoke(
        main, ["upload", str(source), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP]
    )
    _no_bug(result)
    assert result.exit_code == 1
    assert result.stderr.count("not valid JSON") == 1
    assert f"{source}:5:1: not valid JSON: expected a property name" in result.stderr
    # the summary says every record failed, on stderr (stdout holds no "no users to send")
    assert "error: no users to send: all 1 records failed" in result.stderr
    assert "no users to send" not in result.stdout
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    for args in (
        ["upload", str(empty), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP],
        ["run", str(_rules(tmp_path)), "--input", str(empty)],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, args
        assert f"{empty}:1:1: not valid JSON: expected a value" in result.stderr, args


def test_bad_operations_are_worded_as_prov_run_words_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    """upload said "'Operations' must be a list", "an operation must be a JSON object" and
    "path must be /Users (got None)" where run said otherwise for the same operations."""
    rules = _rules(tmp_path)
    bulk = tmp_path / "bulk.json"
    bulk.write_text(
        json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                "Operations": [
                    1,
                    {"method": "POST"},
                    {"method": "DELETE", "path": "/Users", "data": {}},
                    {"method": "POST", "path": "/Users", "data": 5},
                ],
            }
        ),
        encoding="utf-8",
    )
    run = runner.invoke(main, ["run", str(rules), "--input", str(bulk)])
    upload = runner.invoke(
        main, ["upload", str(bulk), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP]
    )
    for reason in (
        "Operations[0]: not a JSON object (a number)",
        'Operations[1]: path is null: only "/Users" can be provisioned',
        'Operations[2]: method is "DELETE": API-driven provisioning accepts only POST',
        "Operations[3]: data is a number: it must be a SCIM user object",
    ):
        assert f"{bulk}: {reason}" in upload.stderr, reason
        assert reason.split(": ", 1)[1].replace("a number: it", "a JSON number: it") in (
            run.stdout
        ), reason
    no_ops = tmp_path / "no-ops.json"
    no_ops.write_text('{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}',
                      encoding="utf-8")
    run = runner.invoke(main, ["run", str(rules), "--input", str(no_ops)])
    upload = runner.invoke(
        main, ["upload", str(no_ops), "--dry-run", "--out-dir", str(tmp_path / "p"), *SP]
    )
    assert 'not a SCIM BulkRequest: it has no "Operations" array' in run.stderr
    assert 'not a SCIM BulkRequest: it has no "Operations" array' in upload.stderr


def _unreadable(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    return {
        "missing": (tmp_path / "missing.json", "no such file"),
        "folder": (folder, "is a folder, not a file"),
        "loop": (loop, "is a loop of symbolic links"),
    }


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
@pytest.mark.parametrize("kind", ["missing", "folder", "loop"])
def test_an_unreadable_path_has_one_message(
    runner: CliRunner, tmp_path: Path, kind: str
) -> None:
    """"no such file: X", "X: no such file or folder", "cannot read X: No such file or
    directory", "is a directory: X", "Is a directory", and a link loop called "no such file"."""
    path, why = _unreadable(tmp_path)[kind]
    rules = _rules(tmp_path)
    expected = f"cannot read {path}: {why}"
    cases = [
        ["run", str(rules), "--input", str(path), "--input-format", "jsonl"],
        ["directory", "import", str(path), "--directory", str(tmp_path / "d.sqlite")],
        ["import", str(path), "-o", str(tmp_path / "x.prov")],
        ["eval", "[a]", "--input", f"@{path}"],
    ]
    if kind != "folder":  # a folder of rules is a folder of .prov files
        cases.append(["check", str(path)])
    for args in cases:
        result = runner.invoke(main, args)
        text = _no_bug(result)
        assert result.exit_code in (1, 2), (args, text)
        if args[0] == "check":  # a diagnostic names the path relative to the working folder
            expected = f"cannot read {display_path(path)}: {why}"
        assert expected in result.stderr, (args, text)
    if kind != "folder":  # a compiled .json side (a folder would be a side of .prov files)
        plan = runner.invoke(main, ["plan", str(path), str(rules)])
        assert f"error: cannot read {path}: {why}" in plan.stderr


def test_a_folder_that_cannot_be_read_is_not_called_empty(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder of rules without read permission was reported as "no .prov files in X"."""
    from syncrules.frontend import paths

    folder = tmp_path / "rules"
    folder.mkdir()
    _rules(folder)
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(paths.os, "scandir", scandir)
    result = runner.invoke(main, ["check", str(folder)])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"cannot read {display_path(folder)}: permission denied" in result.stderr
    assert "no .prov files" not in result.stderr


def test_a_subfolder_that_cannot_be_read_is_reported(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subfolder of a rules folder that could not be read was passed over without a word, so
    its jobs were silently not checked."""
    from syncrules.frontend import paths

    folder = tmp_path / "rules"
    secret = folder / "team" / "secret"
    secret.mkdir(parents=True)
    _rules(folder)
    _rules(secret, name="hidden.prov")
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(paths.os, "scandir", scandir)
    result = runner.invoke(main, ["check", str(folder)])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"error[PROV002]: cannot read {display_path(secret)}: permission denied" in result.stderr
    monkeypatch.setattr(paths.os, "scandir", real)
    readable = runner.invoke(main, ["check", str(folder)])
    assert "permission denied" not in readable.stderr
    assert "hidden.prov" in readable.stderr  # now read: its job has the other's name (PROV009)


def test_a_file_is_named_once(runner: CliRunner, tmp_path: Path) -> None:
    """"error: X.csv: X.csv is a CSV file, but ...", "error: X.json: X.json is not valid JSON",
    "cannot import X: cannot read X: ..." named the file twice."""
    rules = _rules(tmp_path)
    users = tmp_path / "users.csv"
    users.write_text("WorkerID\n1\n", encoding="utf-8")
    upload = runner.invoke(
        main,
        ["upload", str(users), "--prov", str(rules), "--dry-run", "--out-dir",
         str(tmp_path / "p"), *SP],
    )
    run = runner.invoke(main, ["run", str(rules), "--input", str(users)])
    for result in (upload, run):
        assert f'error: {users}: read as CSV, but the job "M" has no `source csv` block' in (
            result.stderr
        )
    broken = tmp_path / "schema.json"
    broken.write_text("[]", encoding="utf-8")
    missing = tmp_path / "missing.json"
    for args in (
        ["plan", str(broken), str(rules)],
        ["import", str(broken), "-o", str(tmp_path / "x.prov")],
        ["import", str(missing), "-o", str(tmp_path / "x.prov")],
    ):
        result = runner.invoke(main, args)
        _no_bug(result)
        for path in (broken, missing):
            assert result.stderr.count(str(path)) <= 1, (args, result.stderr)
    assert f"error: cannot read {missing}: no such file" in result.stderr


def test_an_empty_csv_says_it_is_empty(runner: CliRunner, tmp_path: Path) -> None:
    """An empty CSV was reported as a header missing every column the job reads."""
    empty = tmp_path / "users.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(main, ["run", str(CONTOSO), "--input", str(empty)])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"{empty}: the file is empty or its first line is blank" in result.stderr
    assert "missing from the header" not in result.stderr


def test_a_project_file_that_is_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    """Said "cannot read prov.toml: 'utf-8' codec can't decode byte 0xff in position 0"."""
    rules = _rules(tmp_path)
    (tmp_path / "prov.toml").write_bytes(b"\xff\xfe")
    result = runner.invoke(main, ["check", str(rules), "--env", "prod"])
    _no_bug(result)
    assert result.exit_code == 2
    assert "prov.toml is not UTF-8 text (byte 0xff at offset 0)" in result.stderr


# ---- prov plan of REV:path ------------------------------------------------------------------


def test_plan_names_git_files_as_rev_path(runner: CliRunner) -> None:
    """Diagnostics of a REV:path side named the temporary copy (../../tmp/prov-plan-x1y2/git/
    rules/README.md), a path that changes on every run."""
    result = runner.invoke(main, ["plan", "HEAD:rules/README.md", "rules/api-to-entra.prov"])
    _no_bug(result)
    assert result.exit_code == 1
    assert result.stderr.startswith("HEAD:rules/README.md:1:1: error[PROV001]")
    assert "prov-plan-" not in result.stderr
    assert "error: HEAD:rules/README.md: the rules have errors" in result.stderr


@pytest.mark.parametrize(
    "side, shown",
    [
        ("NOSUCHREV:rules/api-to-entra.prov", "git has no revision 'NOSUCHREV' (a branch, tag or"),
        ("HEAD:no-such-folder/x.prov", "revision 'HEAD' has no no-such-folder"),
    ],
)
def test_plan_says_which_git_side_is_missing(runner: CliRunner, side: str, shown: str) -> None:
    """A bad revision or path printed git's own "fatal: not a valid object name" line."""
    result = runner.invoke(main, ["plan", side, "rules/api-to-entra.prov"])
    _no_bug(result)
    assert result.exit_code == 1
    assert f"error: {side}: {shown}" in result.stderr
    assert "fatal:" not in result.stderr


# ---- arguments --------------------------------------------------------------------------------


def test_run_with_an_unknown_job_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    """`--job nope` said "m.prov holds no job to run (jobs: 'M')" with exit 1."""
    rules = _rules(tmp_path)
    users = _lines(tmp_path / "u.jsonl", '{"externalId": "1"}')
    result = runner.invoke(main, ["run", str(rules), "--input", str(users), "--job", "nope"])
    _no_bug(result)
    assert result.exit_code == 2
    assert f"Invalid value for '--job': {rules} has no job 'nope' (jobs: 'M')" in result.stderr


@pytest.mark.parametrize(
    "args, shown",
    [
        (["explain", "a\x1b[2Jb"], "'a\\x1b[2Jb' is neither"),
        (["explain", "x" * 5000], "…' (5000 characters) is neither"),
        (["eval", "Now()", "--now", "x\x1b[2J"], "Invalid value for '--now': 'x\\x1b[2J' is not"),
    ],
)
def test_arguments_are_shown_escaped_and_short(
    runner: CliRunner, args: list[str], shown: str
) -> None:
    """explain echoed a 5000-character topic whole and passed terminal escape sequences on;
    so did --now (quoted differently from click's own options)."""
    result = runner.invoke(main, args)
    _no_bug(result)
    assert shown in result.stderr
    assert "\x1b" not in result.stderr
    assert len(result.stderr) < 1000


@pytest.mark.parametrize("fmt", ["json", "junit", "sarif"])
def test_test_reports_stay_parseable_when_the_rules_have_errors(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    """`prov test --format json|junit|sarif` printed nothing on stdout when the rules had
    errors, while a -k matching nothing printed an empty report."""
    rules = tmp_path / "bad.prov"
    rules.write_text('job "M', encoding="utf-8")
    result = runner.invoke(main, ["test", str(rules), "--format", fmt])
    _no_bug(result)
    assert result.exit_code == 1
    assert "the rules have errors" in result.stderr
    if fmt == "junit":
        assert ET.fromstring(result.stdout.split("\n", 1)[1]).tag == "testsuite"
    else:
        report = json.loads(result.stdout)
        if fmt == "sarif":
            assert report["runs"][0]["results"][0]["ruleId"] == "PROV001"
        else:
            assert report["tests"] == []


# ---- prov lsp ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        b"Content-Length: 5\r\n\r\n{bad}",  # logged with a traceback before
        b"Content-Length: 99999999999\r\n\r\n{}",  # MemoryError, exit 3 before
    ],
)
def test_lsp_survives_a_hostile_client(message: bytes) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "syncrules", "lsp"],
        input=message,
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr and "PROV901" not in stderr
    assert stderr.startswith("prov lsp: error: ")
    assert len(stderr.splitlines()) == 1


# ---- --format json on failure -------------------------------------------------------------------


def test_eval_json_failure_is_still_one_json_object(runner: CliRunner) -> None:
    """`prov eval --format json` printed nothing on stdout when the expression failed."""
    result = runner.invoke(main, ["eval", "--format", "json", "Left("])
    _no_bug(result)
    assert result.exit_code == 1
    shown = json.loads(result.stdout)
    assert shown["value"] is None and shown["flows"] is False
    assert [d["code"] for d in shown["diagnostics"]] == ["PROV001"]
    assert "error[PROV001]" in result.stderr  # the readable form still goes to stderr


def test_plan_json_failure_is_still_one_json_object(runner: CliRunner, tmp_path: Path) -> None:
    """`prov plan --format json` printed nothing on stdout when a side could not be loaded."""
    bad = tmp_path / "bad.prov"
    bad.write_text('job "x" {\n    target entra\n}\n', encoding="utf-8")
    result = runner.invoke(main, ["plan", "--format", "json", str(bad), str(bad)])
    _no_bug(result)
    assert result.exit_code == 1
    shown = json.loads(result.stdout)
    assert "the rules have errors" in shown["error"]
    assert "PROV301" in [d["code"] for d in shown["diagnostics"]]
    missing = runner.invoke(main, ["plan", "--format", "json", str(tmp_path / "no.prov"), str(bad)])
    assert missing.exit_code == 1
    assert json.loads(missing.stdout) == {
        "error": f"{tmp_path / 'no.prov'}: no such file or folder",
        "diagnostics": [],
    }
