"""Input files → a stream of operations for `prov run`.

Three kinds, detected by extension (``--input-format`` overrides):

* ``bulk`` (``.json``): a SCIM BulkRequest as sent to ``/bulkUpload``. Keys are matched without
  regard to case (``Operations``/``operations``). Each operation must have method ``POST``, path
  ``/Users`` (any case) and a ``data`` object; a bad one fails alone with a reason. ``bulkId`` is
  optional and need not be unique (Microsoft's own samples repeat one). Read whole: a request is
  small by definition (the service takes 50 operations).
* ``jsonl`` (``.jsonl``, ``.ndjson``): one SCIM user object per line, streamed; blank lines are
  skipped; a line that is not a JSON object (or not UTF-8) fails alone with ``file:line``.

In every JSON input, what ``run.jsoncodec`` cannot use (a lone surrogate escape, ``NaN`` or
``Infinity`` or a number past the range of a double, nesting past the parser's limit) fails its
operation (or line) alone; a BulkRequest nested too deeply to read at all is an InputProblem.
* ``csv`` (``.csv``): rows turned into SCIM users by the job's ``source csv`` block
  (``run.csvmap``), streamed. The header names the columns; an empty cell is NULL; a row whose
  cell count differs from the header's fails alone; a column the block reads but the header
  lacks, or names twice, is an error reported before any row is processed.

The path ``-`` reads standard input (``--input-format`` is then required; locations show
``<stdin>``), so an export can be piped straight into a run.

Each operation is ``Operation(index, bulk_id, user, error, location)``: ``index`` counts from 1
in input order; exactly one of ``user`` / ``error`` is set. Problems that make the whole input
unusable (unreadable file, not a BulkRequest, a CSV without a header or with missing columns)
are returned as ``InputProblem`` by ``open_input`` before anything runs.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncrules.jsontext import json_error, json_kind, json_line_error
from syncrules.run import jsoncodec, scim_input
from syncrules.run.csvmap import CsvProgram
from syncrules.run.scim_input import MAX_LINE_BYTES
from syncrules.runtime.context import EvalContext
from syncrules.runtime.errors import ExpressionError
from syncrules.runtime.scim import member
from syncrules.safeio import cannot_read, refusal
from syncrules.safeio import open_input as open_regular

EXTENSIONS = {".json": "bulk", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


@dataclass(slots=True)  # not frozen: one is made per record, and a frozen one costs 3x as much
class Operation:
    index: int
    bulk_id: str | None
    user: dict[str, Any] | None
    error: str | None
    location: str


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Why an input cannot be processed at all (exit 1)."""

    message: str


@dataclass
class Input:
    """An opened input: ``kind`` and a one-shot iterator of operations."""

    path: Path
    kind: str
    operations: Iterator[Operation]
    #: CSV only: the columns of the header, in order.
    header: tuple[str, ...] = ()


def detect_format(path: Path, override: str | None) -> str | InputProblem:
    if override is not None:
        return override
    if is_stdin(path):
        return InputProblem(
            "standard input (--input -) has no extension to tell its format from; "
            "use --input-format bulk|jsonl|csv"
        )
    kind = EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(EXTENSIONS))
        return InputProblem(
            f"cannot tell the format of {path} from its extension (known: {known}); "
            "use --input-format bulk|jsonl|csv"
        )
    return kind


def open_input(
    path: Path,
    kind: str | None,
    csv_program: CsvProgram | None,
    ctx: EvalContext,
    *,
    job_name: str = "",
) -> Input | InputProblem:
    """Open ``path`` as operations of ``kind`` (detected when None)."""
    detected = detect_format(path, kind)
    if isinstance(detected, InputProblem):
        return detected
    stdin = is_stdin(path)
    if stdin:
        path = Path(STDIN_NAME)
    else:
        try:
            os.stat(path)
        except OSError as exc:  # no such file, a loop of symbolic links, no permission
            return InputProblem(cannot_read(path, exc))
        why = refusal(path)  # a folder, a named pipe, a device
        if why is not None:
            return InputProblem(f"cannot read {path}: {why}")
    if detected == "csv" and csv_program is None:
        return InputProblem(
            f'{path}: read as CSV, but the job "{job_name}" has no `source csv` block '
            "saying how its columns become SCIM attributes"
        )
    try:
        raw = sys.stdin.buffer if stdin else open_regular(path)  # refuses FIFOs, devices
        if detected == "bulk":
            with raw:
                return _open_bulk(path, raw.read())
        if detected == "jsonl":
            return Input(path, "jsonl", _jsonl(path, raw))
        assert csv_program is not None
        # surrogateescape: a row with bytes that are not UTF-8 fails alone instead of stopping
        # the run
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        return _open_csv(path, text, csv_program, ctx)
    except OSError as exc:
        return InputProblem(cannot_read(path, exc))


#: ``--input -``: read standard input (the format must then be given); shown as this name.
STDIN_NAME = "<stdin>"


def is_stdin(path: Path) -> bool:
    return str(path) == "-"


# ---- BulkRequest -------------------------------------------------------------------------------


def _open_bulk(path: Path, raw: bytes) -> Input | InputProblem:
    try:
        document = jsoncodec.load_document(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return InputProblem(f"{path} is not UTF-8 text")
    except json.JSONDecodeError as exc:
        return InputProblem(json_error(exc, str(path)))
    except jsoncodec.UnusableJson as exc:
        return InputProblem(f"{path}: {exc}")
    if isinstance(document, list):
        return InputProblem(
            f"{path} holds a JSON array, not a SCIM BulkRequest object; "
            "for one user per line use a .jsonl file"
        )
    if not isinstance(document, dict):
        return InputProblem(f"{path} is not a SCIM BulkRequest (a JSON object with Operations)")
    operations = member(document, "Operations")
    if not isinstance(operations, list):
        return InputProblem(f'{path} is not a SCIM BulkRequest: it has no "Operations" array')
    if not scim_input.is_bulk_request(document):  # Entra refuses the whole request (400)
        return InputProblem(f"{path}: {scim_input.NOT_A_BULK_REQUEST}")
    return Input(path, "bulk", _bulk_operations(path, operations))


def _bulk_operations(path: Path, operations: list[Any]) -> Iterator[Operation]:
    for op in scim_input.bulk_operations(operations):
        where = f"{path}: Operations[{op.position}]"
        index = op.position + 1
        if op.problem == scim_input.OPERATION_NOT_OBJECT:
            yield Operation(
                index, None, None, f"not a JSON object ({json_kind(op.operation)})", where
            )
            continue
        bulk_id = None if op.bulk_id is None else str(op.bulk_id)
        why = jsoncodec.unusable(op.operation)
        if why is not None:
            bulk_id = None if jsoncodec.unusable(op.bulk_id) else bulk_id
            yield Operation(index, bulk_id, None, why, where)
            continue
        yield Operation(index, bulk_id, *_bulk_user(op), where)


def _bulk_user(op: scim_input.BulkOperation) -> tuple[dict[str, Any] | None, str | None]:
    if op.problem == scim_input.BAD_METHOD:
        shown = json.dumps(op.method)
        return None, f"method is {shown}: API-driven provisioning accepts only POST"
    if op.problem == scim_input.BAD_PATH:
        return None, f'path is {json.dumps(op.path)}: only "/Users" can be provisioned'
    if op.problem == scim_input.BAD_DATA:
        what = "missing" if op.data is None else f"a JSON {_json_kind(op.data)}"
        return None, f"data is {what}: it must be a SCIM user object"
    return op.data, None


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    return json_kind(value).removeprefix("a ").removeprefix("an ")


# ---- JSON Lines --------------------------------------------------------------------------------


def _jsonl(path: Path, handle: Any) -> Iterator[Operation]:
    """The lines of ``run.scim_input.json_lines`` as operations, counted from 1."""
    with handle:
        lines = scim_input.json_lines(handle, MAX_LINE_BYTES)
        for index, line in enumerate(lines, start=1):
            problem = None if line.problem is None else _line_problem(line)
            yield Operation(index, None, line.user, problem, f"{path}:{line.number}")


def _line_problem(line: scim_input.Line) -> str | None:
    if line.problem == scim_input.TOO_LONG:
        return f"the line is longer than {MAX_LINE_BYTES} bytes"
    if line.problem == scim_input.NOT_UTF8 and isinstance(line.error, UnicodeDecodeError):
        exc = line.error
        return f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1})"
    if isinstance(line.error, json.JSONDecodeError):
        return json_line_error(line.error)
    if line.problem == scim_input.UNUSABLE:
        return str(line.error)
    if line.problem == scim_input.NOT_OBJECT:
        return f"not a JSON object ({json_kind(line.value)})"
    return None


# ---- CSV ---------------------------------------------------------------------------------------


def _sniff(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ",;\t|"}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _open_csv(
    path: Path, handle: io.TextIOWrapper, program: CsvProgram, ctx: EvalContext
) -> Input | InputProblem:
    first = handle.readline()  # sniffs the delimiter, then is read again (streams: no seek)
    if first.startswith("\ufeff"):  # pragma: no cover - utf-8-sig strips it
        first = first[1:]
    if not first.strip():  # csv reads an empty line as a header without columns
        handle.close()
        return InputProblem(f"{path}: the file is empty or its first line is blank; a CSV "
                            "input starts with a header row naming its columns")
    reader = csv.reader(itertools.chain([first], handle), delimiter=_sniff(first))
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - the first line is not blank
        handle.close()
        return InputProblem(f"{path}: a CSV input needs a header row naming its columns")
    except csv.Error as exc:
        handle.close()
        return InputProblem(f"{path}:1: cannot read the CSV header: {exc}")
    header = [h.strip() for h in header]
    if _has_surrogates(header):
        handle.close()
        return InputProblem(f"{path}:1: the header is not UTF-8 text")
    twice = _read_twice(header, program)
    if twice:
        handle.close()
        return InputProblem(f"{path}:1: {twice}")
    missing = program.missing_columns(header)
    if missing:
        handle.close()
        return InputProblem(
            f"{path}: the job's `source csv` block reads column(s) missing from the header: "
            + ", ".join(missing)
        )
    return Input(path, "csv", _csv_rows(path, handle, reader, header, program, ctx), tuple(header))


def _read_twice(header: list[str], program: CsvProgram) -> str | None:
    """Why a column the `source csv` block reads is ambiguous (named twice in the header)."""
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in program.columns:
            if name in seen:
                return (f"the header names column [{name}] twice (columns {seen[name]} and "
                        f"{number}): the `source csv` block reads it, and which one to read "
                        "is ambiguous")
            seen[name] = number
    return None


def _has_surrogates(cells: list[str]) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in cell) for cell in cells)


def _csv_rows(
    path: Path,
    handle: Any,
    reader: Any,
    header: list[str],
    program: CsvProgram,
    ctx: EvalContext,
) -> Iterator[Operation]:
    width = len(header)
    wanted = [(i, name) for i, name in enumerate(header) if name in program.columns]
    index = 0
    with handle:
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                index += 1
                yield Operation(
                    index, None, None, f"cannot read the CSV row: {exc}", f"{path}:{line}"
                )
                line = reader.line_num + 1
                continue
            where = f"{path}:{line}"
            line = reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            index += 1
            if len(row) != width:
                yield Operation(
                    index,
                    None,
                    None,
                    f"the row has {len(row)} cells but the header has {width}",
                    where,
                )
                continue
            cells = {name: row[i] for i, name in wanted if row[i] != ""}
            if _has_surrogates(list(cells.values())):
                yield Operation(index, None, None, "the row is not UTF-8 text", where)
                continue
            try:
                user = program.to_user(cells, ctx)
            except ExpressionError as exc:
                yield Operation(index, None, None, f"source csv: {exc.message}", where)
                continue
            yield Operation(index, None, user, None, where)
