"""Reading SCIM users for bulkUpload, and cutting them into BulkRequest payloads.

Contract:
- ``read_users(path)`` reads a SCIM BulkRequest JSON file (keys matched case-insensitively:
  ``Operations``/``operations``, ``path`` ``/Users``/``/users``), a JSON array of users, a single
  user object, or a JSON Lines file (one user object per line). It returns a ``ReadResult``: the
  users that can be sent and, separately, the records that cannot (``RecordFailure`` with a
  ``file:line`` or ``file: Operations[i]`` origin and a reason). A bad record never stops the
  others.
- CSV input is read by a ``CsvReader`` hook (the job's ``source csv`` mapping) given by the caller;
  its records are validated here like the others.
- ``make_batches(users, size)`` cuts the users into ``Batch``es of at most 50 operations, each with
  its BulkRequest payload: root ``schemas`` = BulkRequest URN, ``Operations`` of
  ``{method: POST, bulkId, path: /Users, data}``, ``failOnErrors: null`` (docs/entra-provisioning.md §5.3).
- Deterministic: the same input gives the same payloads. No I/O besides reading the input file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncrules.run.jsoncodec import (
    TOO_DEEP,
    UnusableJson,
    json_kind,
    load_document,
    unusable,
)
from syncrules.runtime.scim import member
from syncrules.safeio import read_input

if TYPE_CHECKING:
    from syncrules.ir.nodes import Job

BULK_REQUEST_URN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
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


# The lead's CSV mapping: (csv file, job) -> records (validated again by ``validate_users``).
CsvReader = Callable[[Path, "Job"], ReadResult]


def _is_bulk_request(obj: dict[str, Any]) -> bool:
    schemas = member(obj, "schemas")
    return member(obj, "Operations") is not None or (
        isinstance(schemas, list) and BULK_REQUEST_URN in schemas
    )


def _read_bulk_request(obj: dict[str, Any], name: str) -> ReadResult:
    users: list[UserRecord] = []
    failures: list[RecordFailure] = []
    schemas = member(obj, "schemas")
    if not isinstance(schemas, list) or BULK_REQUEST_URN not in schemas:
        failures.append(RecordFailure(name, f"root 'schemas' must list {BULK_REQUEST_URN}"))
        return ReadResult((), tuple(failures))
    operations = member(obj, "Operations")
    if not isinstance(operations, list):
        return ReadResult((), (RecordFailure(name, "'Operations' must be a list"),))
    for index, op in enumerate(operations):
        origin = f"{name}: Operations[{index}]"
        if not isinstance(op, dict):
            failures.append(RecordFailure(origin, "an operation must be a JSON object"))
            continue
        method = member(op, "method")
        path = member(op, "path")
        data = member(op, "data")
        bulk_id = member(op, "bulkId")
        if not isinstance(method, str) or method.upper() != "POST":
            failures.append(RecordFailure(origin, f"method must be POST (got {method!r})"))
        elif not isinstance(path, str) or path.lower() != "/users":
            failures.append(RecordFailure(origin, f"path must be /Users (got {path!r})"))
        elif not isinstance(data, dict):
            failures.append(RecordFailure(origin, "'data' must be a JSON object (the SCIM user)"))
        else:
            bulk = str(bulk_id) if bulk_id not in (None, "") else None
            _accept(UserRecord(origin, data, bulk), users, failures)
    return ReadResult(tuple(users), tuple(failures))


def _not_utf8(line: bytes, exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte 0x{line[exc.start]:02x} at column {exc.start + 1})"


def _read_json_lines(data: bytes, name: str) -> ReadResult:
    """One user per line; each line is decoded and parsed alone, so a bad one fails alone."""
    users: list[UserRecord] = []
    failures: list[RecordFailure] = []
    # Split on "\n" only: str.splitlines would also cut a JSON string holding U+2028 or U+0085.
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        origin = f"{name}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            failures.append(RecordFailure(origin, _not_utf8(raw, exc)))
            continue
        if not line.strip():
            continue
        try:
            value = load_document(line)
        except json.JSONDecodeError as exc:
            failures.append(
                RecordFailure(origin, f"not valid JSON ({exc.msg}, column {exc.colno})")
            )
            continue
        except UnusableJson as exc:
            failures.append(RecordFailure(origin, str(exc)))
            continue
        if not isinstance(value, dict):
            failures.append(RecordFailure(origin, f"not a JSON object ({json_kind(value)})"))
            continue
        _accept(UserRecord(origin, value), users, failures)
    return ReadResult(tuple(users), tuple(failures))


def read_users(path: Path, *, display_name: str | None = None) -> ReadResult:
    """Read users from a BulkRequest JSON, a JSON array/object of users or a JSON Lines file.

    Args:
        path: the input file (UTF-8, a BOM is accepted).
        display_name: how the file is named in origins; defaults to ``str(path)``.

    Returns:
        Users and per-record failures (in input order), every user checked by ``check_user``.
        A file that is not one JSON document (invalid JSON, or not UTF-8 text) is read as JSON
        Lines, so each bad line fails alone with its line number.
    """
    name = display_name or str(path)
    try:
        data = read_input(path)  # refuses FIFOs, devices, huge files
    except OSError as exc:
        return ReadResult((), (RecordFailure(name, f"cannot read the file: {exc.strerror}"),))
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return _read_json_lines(data, name)
    try:
        whole = load_document(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        # Not one JSON document: read it as JSON Lines, which reports the bad lines one by one.
        return _read_json_lines(data, name)
    except UnusableJson:
        return ReadResult((), (RecordFailure(name, TOO_DEEP),))
    if isinstance(whole, dict) and _is_bulk_request(whole):
        return _read_bulk_request(whole, name)
    if isinstance(whole, dict):
        return validate_users(ReadResult((UserRecord(f"{name}:1", whole),)))
    if isinstance(whole, list):
        users: list[UserRecord] = []
        failures: list[RecordFailure] = []
        for index, item in enumerate(whole):
            origin = f"{name}: [{index}]"
            if isinstance(item, dict):
                _accept(UserRecord(origin, item), users, failures)
            else:
                failures.append(RecordFailure(origin, f"not a JSON object ({json_kind(item)})"))
        return ReadResult(tuple(users), tuple(failures))
    return ReadResult((), (RecordFailure(name, "expected a BulkRequest, a user or JSON Lines"),))


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
        return RecordFailure(user.origin, f"externalId must be a string (got {external_id!r})")
    schemas = member(user.data, "schemas")
    if schemas is not None and not (
        isinstance(schemas, list) and all(isinstance(s, str) for s in schemas)
    ):
        return RecordFailure(user.origin, "'schemas' must be a list of URN strings")
    return UserRecord(user.origin, _with_schemas(user.data), user.bulk_id)


def _accept(user: UserRecord, users: list[UserRecord], failures: list[RecordFailure]) -> None:
    checked = check_user(user)
    if isinstance(checked, RecordFailure):
        failures.append(checked)
    else:
        users.append(checked)


def validate_users(result: ReadResult) -> ReadResult:
    """Apply ``check_user`` to every user of ``result`` (for readers such as the CSV hook)."""
    users: list[UserRecord] = []
    failures = list(result.failures)
    for user in result.users:
        _accept(user, users, failures)
    return ReadResult(tuple(users), tuple(failures))


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
    if not 1 <= size <= MAX_OPERATIONS:
        raise ValueError(f"batch size must be between 1 and {MAX_OPERATIONS}")
    batches: list[Batch] = []
    for start in range(0, len(users), size):
        chunk = tuple(users[start : start + size])
        batches.append(Batch(len(batches) + 1, chunk, build_payload(chunk)))
    return batches


def payload_text(payload: dict[str, Any]) -> str:
    """The payload as written by ``--dry-run``: indented JSON, input key order, trailing newline."""
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
