"""Reading SCIM users for bulkUpload, and cutting them into BulkRequest payloads.

Contract:
- ``read_users(path)`` reads a SCIM BulkRequest JSON file (keys matched case-insensitively:
  ``Operations``/``operations``, ``path`` ``/Users``/``/users``), a JSON array of users, a single
  user object, or a JSON Lines file (one user object per line; lines and operations are read by
  ``run.scim_input``, as `prov run` reads them). It returns a ``ReadResult``: the
  users that can be sent and, separately, the records that cannot (``RecordFailure`` with a
  ``file:line`` or ``file: Operations[i]`` origin and a reason). A bad record never stops the
  others.
- CSV input is read by a ``CsvReader`` hook (the job's ``source csv`` mapping) given by the caller;
  its records are validated here like the others.
- ``make_batches(users, size)`` cuts the users into ``Batch``es of at most 50 operations, each with
  its BulkRequest payload: root ``schemas`` = BulkRequest URN, ``Operations`` of
  ``{method: POST, bulkId, path: /Users, data}``, ``failOnErrors: null``
  (docs/entra-provisioning.md §5.3).
- Streaming: ``iter_records(path)`` yields the users and the failures in input order, reading a
  JSON Lines file (or a file whose first lines already show it is JSON Lines, not one document)
  a line at a time; ``iter_batches`` cuts users into requests as they come. Memory stays flat
  however many users there are. A file that is one JSON document (a BulkRequest, an array) is
  parsed whole, as JSON has to be.
- Deterministic: the same input gives the same payloads. No I/O besides reading the input file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from syncrules.jsontext import json_error_reason, json_line_error
from syncrules.run import scim_input
from syncrules.run.jsoncodec import (
    TOO_DEEP,
    UnusableJson,
    json_kind,
    load_document,
    unusable,
)
from syncrules.runtime.scim import member
from syncrules.safeio import open_input

if TYPE_CHECKING:
    from syncrules.ir.nodes import Job

BULK_REQUEST_URN = scim_input.BULK_REQUEST_URN
CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_OPERATIONS = 50


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One SCIM user to send; ``origin`` says where it came from (``users.jsonl:7``)."""

    origin: str
    data: dict[str, Any]
    bulk_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """A record that is not sent, and why."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReadResult:
    users: tuple[UserRecord, ...] = ()
    failures: tuple[RecordFailure, ...] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    """One bulkUpload request: ``number`` is 1-based; ``payload`` is the BulkRequest."""

    number: int
    users: tuple[UserRecord, ...]
    payload: dict[str, Any] = field(compare=False)

    @property
    def size(self) -> int:
        return len(self.users)


#: What a reader yields, in input order: a user to send, or a record that cannot be sent.
Record = UserRecord | RecordFailure

# The CSV mapping: (csv file, job) -> records, as a ReadResult or streamed in input order
# (validated again by ``check_user``).
CsvReader = Callable[[Path, "Job"], "ReadResult | Iterable[Record]"]


def _is_bulk_request(obj: dict[str, Any]) -> bool:
    schemas = member(obj, "schemas")
    return member(obj, "Operations") is not None or (
        isinstance(schemas, list) and BULK_REQUEST_URN in schemas
    )


def _read_bulk_request(obj: dict[str, Any], name: str) -> Iterator[Record]:
    if not scim_input.is_bulk_request(obj):
        yield RecordFailure(name, scim_input.NOT_A_BULK_REQUEST)
        return
    operations = member(obj, "Operations")
    if not isinstance(operations, list):
        yield RecordFailure(name, 'not a SCIM BulkRequest: it has no "Operations" array')
        return
    for op in scim_input.bulk_operations(operations):
        origin = f"{name}: Operations[{op.position}]"
        # the words of `prov run` for the same operations
        if op.problem == scim_input.OPERATION_NOT_OBJECT:
            yield RecordFailure(origin, f"not a JSON object ({json_kind(op.operation)})")
        elif op.problem == scim_input.BAD_METHOD:
            yield RecordFailure(
                origin, f"method is {_shown(op.method)}: API-driven provisioning accepts only POST"
            )
        elif op.problem == scim_input.BAD_PATH:
            yield RecordFailure(
                origin, f'path is {_shown(op.path)}: only "/Users" can be provisioned'
            )
        elif op.problem == scim_input.BAD_DATA:
            what = "missing" if op.data is None else json_kind(op.data)
            yield RecordFailure(origin, f"data is {what}: it must be a SCIM user object")
        else:
            bulk = str(op.bulk_id) if op.bulk_id not in (None, "") else None
            yield check_user(UserRecord(origin, op.data, bulk))


def _read_json_lines(handle: scim_input.BinaryLines, name: str) -> Iterator[Record]:
    """One user per line (``run.scim_input.json_lines``): a bad line fails alone."""
    for line in scim_input.json_lines(handle):
        origin = f"{name}:{line.number}"
        if line.user is not None:
            yield check_user(UserRecord(origin, line.user))
        else:
            yield RecordFailure(origin, _line_problem(line))


def _line_problem(line: scim_input.Line) -> str:
    error = line.error
    if isinstance(error, UnicodeDecodeError):
        byte, column = error.object[error.start], error.start + 1
        return f"not UTF-8 text (byte 0x{byte:02x} at column {column})"
    if isinstance(error, json.JSONDecodeError):
        return json_line_error(error)
    if line.problem == scim_input.NOT_OBJECT:
        return f"not a JSON object ({json_kind(line.value)})"
    if line.problem == scim_input.TOO_LONG:
        return f"the line is longer than {scim_input.MAX_LINE_BYTES} bytes"
    return str(error)  # UNUSABLE: what cannot be sent as JSON


def read_users(path: Path, *, display_name: str | None = None) -> ReadResult:
    """Read users from a BulkRequest JSON, a JSON array/object of users or a JSON Lines file.

    Args:
        path: the input file (UTF-8, a BOM is accepted).
        display_name: how the file is named in origins; defaults to ``str(path)``.

    Returns:
        Users and per-record failures (in input order), every user checked by ``check_user``.
        A file that is not one JSON document (invalid JSON, or not UTF-8 text) is read as JSON
        Lines, so each bad line fails alone with its line number. ``iter_records`` yields the
        same, one record at a time.
    """
    return collect(iter_records(path, display_name=display_name))


def collect(records: Iterable[Record]) -> ReadResult:
    """Records → a ReadResult (users and failures apart, each in input order)."""
    users: list[UserRecord] = []
    failures: list[RecordFailure] = []
    for record in records:
        if isinstance(record, RecordFailure):
            failures.append(record)
        else:
            users.append(record)
    return ReadResult(tuple(users), tuple(failures))


_JSON_SPACE = b" \t\r\n"


def iter_records(path: Path, *, display_name: str | None = None) -> Iterator[Record]:
    """``read_users``, streamed: users (checked) and failures in input order. A JSON Lines file
    is read a line at a time; so is any file whose first lines already show that it is not one
    JSON document. A file that may be one JSON document is parsed whole."""
    name = display_name or str(path)
    try:
        with open_input(path) as handle:  # refuses FIFOs, devices
            if path.suffix.lower() in {".jsonl", ".ndjson"}:
                yield from _read_json_lines(handle, name)
                return
            if handle.seekable():  # a FIFO cannot be looked into first: it is read whole
                if _json_lines_for_sure(handle):
                    handle.seek(0)
                    yield from _read_json_lines(handle, name)
                    return
                handle.seek(0)
            data = handle.read()
    except OSError as exc:
        yield RecordFailure(name, f"cannot read the file: {exc.strerror}")
        return
    yield from _read_document(data, name)


def _json_lines_for_sure(handle: io.BufferedIOBase | BinaryIO) -> bool:
    """True when the file cannot be one JSON document, judged from its first non-blank line:
    that line holds an error before its end (the whole file has the same error there), or it
    holds a whole value and something other than whitespace follows. Not UTF-8 text is not one
    document either (a UTF-8 sequence never holds a newline byte)."""
    head = b""
    for line in handle:
        head += line
        if line.strip(_JSON_SPACE):
            break
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        # An error met before the end of the text is met in the whole file too (it starts with
        # the same text); running out of text (more may follow) is reported at its end.
        return exc.pos < len(text)
    except RecursionError:
        return False
    while chunk := handle.read(1 << 16):
        if chunk.strip(_JSON_SPACE):
            return True
    return False


def _read_document(data: bytes, name: str) -> Iterator[Record]:
    try:
        whole = load_document(data.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        if _json_lines_for_sure(io.BytesIO(data)):
            # JSON Lines with bad lines (the rule streaming uses): reported one by one
            yield from _read_json_lines(io.BytesIO(data), name)
        else:  # one JSON document broken after its first line (or an empty file): one error
            yield RecordFailure(f"{name}:{exc.lineno}:{exc.colno}",
                                f"not valid JSON: {json_error_reason(exc)}")
        return
    except UnicodeDecodeError:
        # Not UTF-8 text: read it as JSON Lines, which reports the bad lines one by one.
        yield from _read_json_lines(io.BytesIO(data), name)
        return
    except (UnusableJson, RecursionError):
        yield RecordFailure(name, TOO_DEEP)
        return
    if isinstance(whole, dict) and _is_bulk_request(whole):
        yield from _read_bulk_request(whole, name)
    elif isinstance(whole, dict):
        yield check_user(UserRecord(f"{name}:1", whole))
    elif isinstance(whole, list):
        for index, item in enumerate(whole):
            origin = f"{name}: [{index}]"
            if isinstance(item, dict):
                yield check_user(UserRecord(origin, item))
            else:
                yield RecordFailure(origin, f"not a JSON object ({json_kind(item)})")
    else:
        yield RecordFailure(name, "expected a BulkRequest, a user or JSON Lines")


def _shown(value: Any) -> str:
    """A JSON value in a message, as JSON (``null``, ``"DELETE"``), cut short when long."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _with_schemas(data: dict[str, Any]) -> dict[str, Any]:
    """Add ``schemas`` when the record has none: core + enterprise User + extension URNs used."""
    if member(data, "schemas") is not None:
        return data
    urns = [CORE_USER_URN, ENTERPRISE_USER_URN]
    urns += sorted(
        k for k in data if k.startswith("urn:") and isinstance(data[k], dict) and k not in urns
    )
    return {"schemas": urns, **data}


def check_user(user: UserRecord) -> UserRecord | RecordFailure:
    """A user with a usable ``externalId`` (missing ``schemas`` filled in), or why not (also a
    string holding a lone surrogate escape, which cannot be sent)."""
    try:
        why = unusable(user.data) or (unusable(user.bulk_id) if user.bulk_id is not None else None)
    except RecursionError:
        return RecordFailure(user.origin, TOO_DEEP)
    if why is not None:
        # a lone surrogate, NaN or Infinity, a number past a double's range, a huge integer:
        # none can be sent as JSON
        return RecordFailure(user.origin, why)
    external_id = member(user.data, "externalId")
    if external_id is None or (isinstance(external_id, str) and not external_id.strip()):
        return RecordFailure(user.origin, "the user has no externalId (the matching key)")
    if not isinstance(external_id, str):
        return RecordFailure(
            user.origin, f"externalId must be a string (got {_shown(external_id)})"
        )
    schemas = member(user.data, "schemas")
    if schemas is not None and not (
        isinstance(schemas, list) and all(isinstance(s, str) for s in schemas)
    ):
        return RecordFailure(user.origin, "'schemas' must be a list of URN strings")
    return UserRecord(user.origin, _with_schemas(user.data), user.bulk_id)


def validate_users(result: ReadResult) -> ReadResult:
    """Apply ``check_user`` to every user of ``result`` (for readers such as the CSV hook)."""
    return collect(validate_records(result))


def validate_records(records: ReadResult | Iterable[Record]) -> Iterator[Record]:
    """``check_user`` on every user, as they come; a ReadResult gives its failures first."""
    if isinstance(records, ReadResult):
        yield from records.failures
        records = records.users
    for record in records:
        yield record if isinstance(record, RecordFailure) else check_user(record)


def _bulk_ids(users: Sequence[UserRecord]) -> list[str]:
    """The given bulkId, else the externalId; made unique within the request."""
    seen: set[str] = set()
    ids: list[str] = []
    for user in users:
        base = user.bulk_id or str(member(user.data, "externalId"))
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}#{n}"
        seen.add(candidate)
        ids.append(candidate)
    return ids


def build_payload(users: Sequence[UserRecord]) -> dict[str, Any]:
    """The BulkRequest for these users (at most ``MAX_OPERATIONS``)."""
    if len(users) > MAX_OPERATIONS:
        raise ValueError(f"a bulkUpload request holds at most {MAX_OPERATIONS} operations")
    operations = [
        {"method": "POST", "bulkId": bulk_id, "path": "/Users", "data": user.data}
        for user, bulk_id in zip(users, _bulk_ids(users), strict=True)
    ]
    return {"schemas": [BULK_REQUEST_URN], "Operations": operations, "failOnErrors": None}


def make_batches(users: Sequence[UserRecord], size: int = MAX_OPERATIONS) -> list[Batch]:
    """Cut ``users`` into requests of ``size`` operations (1..50), in input order."""
    return list(iter_batches(users, size))


def iter_batches(users: Iterable[UserRecord], size: int = MAX_OPERATIONS) -> Iterator[Batch]:
    """``make_batches``, as the users come (one request's users held at a time)."""
    if not 1 <= size <= MAX_OPERATIONS:
        raise ValueError(f"batch size must be between 1 and {MAX_OPERATIONS}")
    number = 0
    chunk: list[UserRecord] = []
    for user in users:
        chunk.append(user)
        if len(chunk) == size:
            number += 1
            yield Batch(number, tuple(chunk), build_payload(chunk))
            chunk = []
    if chunk:
        yield Batch(number + 1, tuple(chunk), build_payload(chunk))


def payload_text(payload: dict[str, Any]) -> str:
    """The payload as written by ``--dry-run``: indented JSON, input key order, trailing newline."""
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
