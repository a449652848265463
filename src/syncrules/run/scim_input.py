"""Reading SCIM input, once: the users of a JSON Lines file and the operations of a BulkRequest.

`prov run` (``run.inputs``), `prov upload` (``graph.upload``) and fixture files
(``testing.fixtures``) read their records here; each words what is found its own way.

* ``json_lines(handle)``: one ``Line`` per line that is not blank, in order. Lines are split on
  ``\\n`` only (``str.splitlines`` would also cut a JSON string holding U+2028 or U+0085) and read
  at most ``limit`` bytes at a time: a longer line fails alone (``TOO_LONG``) and is skipped
  without being held in memory. A UTF-8 byte-order mark is allowed at the start of the file; a
  line of ASCII whitespace is blank. A line is parsed with ``run.jsoncodec.loads``: bytes that
  are not UTF-8 (``NOT_UTF8``), text that is not JSON (``NOT_JSON``), JSON that cannot be used
  (``UNUSABLE``: a lone surrogate escape, NaN, a number past a double's range, nesting past the
  parser's limit) and a value that is not an object (``NOT_OBJECT``) each fail their line alone.
* ``bulk_operations(operations)``: one ``BulkOperation`` per member of a BulkRequest's
  ``Operations`` list, keys matched without regard to case (``member``): method ``POST`` (any
  case), path ``/Users`` (any case, surrounding spaces allowed) and a ``data`` object, checked in
  that order; the first that fails is the operation's ``problem``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from syncrules.run import jsoncodec
from syncrules.runtime.scim import member

#: The URN a BulkRequest's root ``schemas`` must list (docs/entra-provisioning.md §5.3): Entra
#: refuses the whole request without it.
BULK_REQUEST_URN = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
#: Why a BulkRequest without it is refused, in every reader's words.
NOT_A_BULK_REQUEST = f'root "schemas" must list {BULK_REQUEST_URN}'


def is_bulk_request(document: dict[str, Any]) -> bool:
    """Whether a JSON object's root ``schemas`` lists the BulkRequest URN."""
    schemas = member(document, "schemas")
    return isinstance(schemas, list) and BULK_REQUEST_URN in schemas


#: The longest JSON Lines line read (a SCIM user is a few kilobytes).
MAX_LINE_BYTES = 16 * 1024 * 1024

# Why a line holds no user.
TOO_LONG = "too-long"
NOT_UTF8 = "not-utf8"
NOT_JSON = "not-json"
UNUSABLE = "unusable"
NOT_OBJECT = "not-object"

# Why an operation of a BulkRequest provisions no user.
OPERATION_NOT_OBJECT = "operation-not-object"
BAD_METHOD = "bad-method"
BAD_PATH = "bad-path"
BAD_DATA = "bad-data"


class BinaryLines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(slots=True)  # not frozen: one is made per line, and a frozen one costs 3x as much
class Line:
    """A line that is not blank: the user object it holds, or why it holds none (``problem``,
    with the parser's ``error`` for NOT_UTF8, NOT_JSON and UNUSABLE and the ``value`` read for
    NOT_OBJECT)."""

    number: int
    user: dict[str, Any] | None = None
    problem: str | None = None
    error: Exception | None = None
    value: Any = None


@dataclass(frozen=True, slots=True)
class BulkOperation:
    """A member of ``Operations`` at ``position`` (from 0): its members as written (``None``
    when absent, or when the operation is not an object) and the ``problem`` that keeps it from
    provisioning a user (``data`` is then not to be sent)."""

    position: int
    operation: Any
    method: Any = None
    path: Any = None
    data: Any = None
    bulk_id: Any = None
    problem: str | None = None


def bounded_lines(handle: BinaryLines, limit: int | None = None) -> Iterator[bytes | None]:
    """The lines of a binary stream; ``None`` for a line longer than ``limit`` (skipped;
    ``MAX_LINE_BYTES`` when not given)."""
    if limit is None:
        limit = MAX_LINE_BYTES
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the line, a chunk at a time
                rest = handle.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield raw


def json_lines(handle: BinaryLines, limit: int | None = None) -> Iterator[Line]:
    """The lines of a JSON Lines stream that are not blank (see the module docstring)."""
    for number, raw in enumerate(bounded_lines(handle, limit), start=1):
        if raw is None:
            yield Line(number, problem=TOO_LONG)
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        try:
            value = jsoncodec.loads(raw.rstrip(b"\r\n"))
        except UnicodeDecodeError as exc:
            yield Line(number, problem=NOT_UTF8, error=exc)
            continue
        except json.JSONDecodeError as exc:
            yield Line(number, problem=NOT_JSON, error=exc)
            continue
        except jsoncodec.UnusableJson as exc:
            yield Line(number, problem=UNUSABLE, error=exc)
            continue
        if not isinstance(value, dict):
            yield Line(number, problem=NOT_OBJECT, value=value)
            continue
        yield Line(number, user=value)


def bulk_operations(operations: list[Any]) -> Iterator[BulkOperation]:
    """The operations of a BulkRequest, in order (see the module docstring)."""
    for position, op in enumerate(operations):
        if not isinstance(op, dict):
            yield BulkOperation(position, op, problem=OPERATION_NOT_OBJECT)
            continue
        method, path = member(op, "method"), member(op, "path")
        data, bulk_id = member(op, "data"), member(op, "bulkId")
        problem = None
        if not isinstance(method, str) or method.upper() != "POST":
            problem = BAD_METHOD
        elif not isinstance(path, str) or path.strip().lower() != "/users":
            problem = BAD_PATH
        elif not isinstance(data, dict):
            problem = BAD_DATA
        yield BulkOperation(position, op, method, path, data, bulk_id, problem)
