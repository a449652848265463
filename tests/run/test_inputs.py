"""run.inputs and run.csvmap: BulkRequest, JSON Lines and CSV inputs, the compiled CSV block."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from syncrules.api import check_paths
from syncrules.run.csvmap import compile_csv
from syncrules.run.inputs import Input, InputProblem, detect_format, open_input
from syncrules.runtime.context import EvalContext
from tests.run.conftest import ENTERPRISE, JOBS, SAMPLES, write_job

CTX = EvalContext(seed=1)

BULK_URN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def _job(path: Path):  # type: ignore[no-untyped-def]
    result = check_paths([path])
    assert result.ok, [d.message for d in result.diagnostics]
    return result.compiled_jobs()[0]


def _open(path: Path, kind: str | None = None, job_path: Path = JOBS / "workday_csv.prov"
          ) -> Input:
    job = _job(job_path)
    opened = open_input(path, kind, compile_csv(job), CTX, job_name=job.name)
    assert isinstance(opened, Input), opened
    return opened


def test_format_is_detected_from_the_extension() -> None:
    assert detect_format(Path("a.JSON"), None) == "bulk"
    assert detect_format(Path("a.ndjson"), None) == "jsonl"
    assert detect_format(Path("a.csv"), "jsonl") == "jsonl"
    problem = detect_format(Path("a.txt"), None)
    assert isinstance(problem, InputProblem) and "--input-format" in problem.message


def test_sample_bulk_request_payloads_are_read() -> None:
    for name in ("Extended-SCIM-bulk-request-Core+Enterprise.json",
                 "Sample-CSV-2-SCIM-payload.json"):
        ops = list(_open(SAMPLES / name).operations)
        assert [op.index for op in ops] == [1, 2, 3]
        assert all(op.error is None and op.user is not None for op in ops)
        assert ops[0].bulk_id == "897401c2-2de4-4b87-a97f-c02de3bcfc61"
        assert ops[0].location.endswith("Operations[0]")


@pytest.mark.parametrize("document, message", [
    ([], "JSON array"),
    ({"schemas": []}, "no \"Operations\" array"),
    ("text", "not a SCIM BulkRequest"),
])
def test_unusable_bulk_requests_are_problems(tmp_path: Path, document: object,
                                             message: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    problem = open_input(path, None, None, CTX)
    assert isinstance(problem, InputProblem) and message in problem.message


def test_invalid_json_is_a_problem_with_a_position(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text('{"Operations": [\n  {,}\n]}', encoding="utf-8")
    problem = open_input(path, None, None, CTX)
    assert isinstance(problem, InputProblem) and f"{path}:2:" in problem.message


def test_json_lines_are_streamed_with_a_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"externalId": "1"}).encode() + b"\n\n"
                     + b"\xff\xfe\n" + json.dumps({"externalId": "2"}).encode())
    ops = list(_open(path).operations)
    assert [(op.index, op.location, op.error is None) for op in ops] == [
        (1, f"{path}:1", True), (2, f"{path}:3", False), (3, f"{path}:4", True)]
    assert ops[1].error == "not UTF-8 text (byte 0xff at column 1)"  # as prov upload says


def test_json_lines_keep_what_the_standard_parser_reads(tmp_path: Path) -> None:
    """The fast parser (orjson) hands over to the standard one where they differ: integers
    past 64 bits stay exact, non-ASCII text after them is read, and an error names the column
    on the line. NaN, Infinity and numbers past a double's range are not JSON numbers: their
    line fails alone."""
    path = tmp_path / "in.jsonl"
    big = 123456789012345678901234567890
    path.write_text(
        f'{{"externalId": "1", "employeeNumber": {big}}}\n'
        f'{{"externalId": "2", "n": {big}, "name": {{"givenName": "\u00c5sa"}}}}\n'
        '{"externalId": \n'
        '{"externalId": "4", "score": NaN}\n'
        '{"externalId": "5", "score": [1, -Infinity]}\n'
        '{"externalId": "6", "score": 1e400}\n'
        '{"externalId": "7", "score": 1e300}\n',
        encoding="utf-8",
    )
    ops = list(_open(path).operations)
    assert ops[0].user == {"externalId": "1", "employeeNumber": big}
    assert ops[1].user is not None and ops[1].user["name"] == {"givenName": "\u00c5sa"}
    assert ops[2].error == "not valid JSON at column 16: expected a value"  # as prov upload
    assert ops[3].error == "NaN is not JSON (JSON numbers are finite)"
    assert ops[4].error == "-Infinity is not JSON (JSON numbers are finite)"
    assert ops[5].error == "the number 1e400 is past the range of a double"
    assert ops[6].user == {"externalId": "7", "score": 1e300}


def test_deep_json_fails_its_line_or_the_bulk_request(tmp_path: Path) -> None:
    """Nesting past the parser's limit: a JSON Lines line fails alone; a BulkRequest that
    cannot be read at all is an input problem (exit 1), not an internal error."""
    lines = tmp_path / "in.jsonl"
    lines.write_text("[" * 100_000 + "\n" + '{"externalId": "2"}\n', encoding="utf-8")
    ops = list(_open(lines).operations)
    assert ops[0].error == "the JSON is nested too deeply to read"
    assert ops[1].user == {"externalId": "2"}
    bulk = tmp_path / "in.json"
    bulk.write_text("[" * 100_000, encoding="utf-8")
    problem = open_input(bulk, None, None, CTX)
    assert isinstance(problem, InputProblem)
    assert problem.message.endswith("the JSON is nested too deeply to read")


def test_lone_surrogate_escapes_fail_their_operation_alone(tmp_path: Path) -> None:
    """``"\\ud800"`` is valid JSON but not Unicode text: it could be neither stored nor
    logged as UTF-8, so the operation fails with a reason and the rest go on."""
    lines = tmp_path / "in.jsonl"
    lines.write_text('{"externalId": "1", "userName": "a\\ud800"}\n{"externalId": "2"}\n',
                     encoding="utf-8")
    ops = list(_open(lines).operations)
    assert ops[0].user is None and "lone UTF-16 surrogate" in (ops[0].error or "")
    assert ops[1].user == {"externalId": "2"}
    bulk = tmp_path / "in.json"
    bulk.write_text(json.dumps({"schemas": [BULK_URN], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "b1",
         "data": {"externalId": "1", "name": {"givenName": "\ud800"}}},
        {"method": "POST", "path": "/Users", "data": {"externalId": "2"}},
    ]}), encoding="utf-8")
    ops = list(_open(bulk).operations)
    assert ops[0].user is None and ops[0].bulk_id == "b1"
    assert "lone UTF-16 surrogate" in (ops[0].error or "")
    assert ops[1].user == {"externalId": "2"}


def test_csv_rows_become_scim_users_through_the_source_csv_block() -> None:
    ops = list(_open(SAMPLES / "csv-with-2-records.csv").operations)
    assert len(ops) == 2
    user = ops[0].user
    assert user is not None
    assert user["externalId"] == "1222"
    assert user["userName"] == "EMP1222@contoso.com"
    assert user["name"] == {"givenName": "Talya", "familyName": "Fleeta"}
    assert user["active"] is False  # a Boolean SCIM attribute becomes a JSON boolean
    assert user[ENTERPRISE] == {"department": "Sales", "manager": {"value": "1684"}}
    assert ENTERPRISE in user["schemas"]
    assert ops[0].location.endswith("csv-with-2-records.csv:2")


def test_quoted_csv_exports_read_the_same() -> None:
    ops = list(_open(SAMPLES / "employeeData.csv").operations)
    assert ops and all(op.error is None for op in ops)
    assert ops[0].user is not None and ops[0].user["externalId"] == "1513"


@pytest.mark.parametrize("name, kind", [
    ("employeeData.csv", "csv"), ("Sample-CSV-2-SCIM-payload.json", "bulk")])
def test_standard_input_reads_like_the_file(monkeypatch: pytest.MonkeyPatch, name: str,
                                            kind: str) -> None:
    """``-`` streams standard input (no seeking: the CSV delimiter is sniffed from the first
    line, which is then read again); locations name ``<stdin>``."""
    from_file = list(_open(SAMPLES / name).operations)
    stdin = io.TextIOWrapper(io.BytesIO((SAMPLES / name).read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    from_stdin = list(_open(Path("-"), kind).operations)
    assert [op.user for op in from_stdin] == [op.user for op in from_file]
    assert from_stdin[0].location.startswith("<stdin>")
    problem = detect_format(Path("-"), None)
    assert isinstance(problem, InputProblem) and "--input-format" in problem.message


def test_empty_csv_cells_are_null(tmp_path: Path) -> None:
    header = ("WorkerID,WorkerStatus,WorkerType,UserID,FirstName,LastName,FullName,ManagerID,"
              "HireDate,Department,JobTitle")
    path = tmp_path / "in.csv"
    path.write_text(header + "\n7,Active,Employee,EMP7,Ada,,Ada L,,,,\n", encoding="utf-8")
    [op] = list(_open(path).operations)
    assert op.user is not None
    assert op.user["name"] == {"givenName": "Ada"}
    assert ENTERPRISE not in op.user  # no department, no manager: nothing under the extension
    assert "title" not in op.user


def test_csv_rows_with_the_wrong_cell_count_fail_alone(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    source = (SAMPLES / "csv-with-2-records.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([source[0], "1,2,3", source[1], ""]), encoding="utf-8")
    ops = list(_open(path).operations)
    assert ops[0].error == "the row has 3 cells but the header has 24"
    assert ops[0].location == f"{path}:2"
    assert ops[1].user is not None and ops[1].location == f"{path}:3"


def test_semicolon_separated_csv_is_sniffed(tmp_path: Path) -> None:
    source = (SAMPLES / "csv-with-2-records.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "in.csv"
    path.write_text("\n".join(line.replace(",", ";") for line in source), encoding="utf-8")
    ops = list(_open(path).operations)
    assert [op.user["externalId"] for op in ops if op.user] == ["1222", "1513"]


def test_missing_csv_columns_are_reported_before_any_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("WorkerId,FirstName\n1,Ada\n", encoding="utf-8")
    job = _job(JOBS / "workday_csv.prov")
    problem = open_input(path, None, compile_csv(job), CTX)
    assert isinstance(problem, InputProblem)
    assert "[WorkerID] (did you mean 'WorkerId'?)" in problem.message
    assert "[LastName]" in problem.message


def test_a_column_read_twice_is_reported_before_any_row(tmp_path: Path) -> None:
    """A header naming a column the block reads twice is ambiguous (the last cell silently
    won); a column named twice that the block does not read is harmless."""
    job = _job(JOBS / "workday_csv.prov")
    header = SAMPLES.joinpath("csv-with-2-records.csv").read_text(encoding="utf-8-sig")
    first = header.splitlines()[0]
    twice = tmp_path / "twice.csv"
    twice.write_text(first + ",WorkerID\n", encoding="utf-8")
    problem = open_input(twice, None, compile_csv(job), CTX)
    assert isinstance(problem, InputProblem)
    count = len(first.split(","))
    assert problem.message == (
        f"{twice}:1: the header names column [WorkerID] twice (columns "
        f"{first.split(',').index('WorkerID') + 1} and {count + 1}): the `source csv` block "
        "reads it, and which one to read is ambiguous")
    unread = tmp_path / "unread.csv"
    unread.write_text(first + ",Unused,Unused\n", encoding="utf-8")
    assert isinstance(open_input(unread, None, compile_csv(job), CTX), Input)


def test_csv_input_needs_a_source_csv_block(tmp_path: Path) -> None:
    job = _job(JOBS / "scim_entra.prov")
    assert compile_csv(job) is None
    problem = open_input(SAMPLES / "csv-with-2-records.csv", None, None, CTX, job_name=job.name)
    assert isinstance(problem, InputProblem) and "no `source csv` block" in problem.message


def test_csv_expressions_run_compiled_with_runtime_semantics(tmp_path: Path) -> None:
    job = _job(write_job(tmp_path / "j.prov", """
job "CSV" {
    target entra
    actions create
}
match [externalId] -> employeeId
source csv {
    externalId <- [Id]
    displayName <- Switch([Kind], "Staff", "E", "Employee", "C", "Contractor")
    title <- IgnoreFlowIfNullOrEmpty([Title])
    userName <- ToLower(Join(".", [First], [Last], "x\\"y"))
}
"""))
    program = compile_csv(job)
    assert program is not None
    assert program.columns == {"Id", "Kind", "Title", "First", "Last"}
    user = program.to_user({"Id": "1", "Kind": "C", "First": "Ada", "Last": "L"}, CTX)
    assert user == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "externalId": "1",
        "displayName": "Contractor",
        "userName": 'ada.l.x"y',  # the escaped quote stays data, not code
    }


def test_a_bulk_request_without_its_schema_urn_is_refused_whole(tmp_path: Path) -> None:
    """Entra refuses a BulkRequest whose root "schemas" does not list the BulkRequest URN (400):
    `prov run` refuses the whole input too, in the words `prov upload` uses."""
    op = {"method": "POST", "path": "/Users", "data": {"externalId": "1"}}
    for doc in ({"Operations": [op]}, {"schemas": ["x"], "Operations": [op]}):
        bulk = tmp_path / "in.json"
        bulk.write_text(json.dumps(doc), encoding="utf-8")
        problem = open_input(bulk, None, None, CTX)
        assert isinstance(problem, InputProblem)
        assert problem.message == (
            f'{bulk}: root "schemas" must list urn:ietf:params:scim:api:messages:2.0:BulkRequest'
        )
