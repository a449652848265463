"""Provisioning-log records: one ``OpResult`` (what the cycle did with one operation) → one
dict shaped like Microsoft Graph's ``provisioningObjectSummary``.

Shape (keys as Graph names them): ``id``, ``activityDateTime``, ``cycleId``, ``changeId``,
``jobId``, ``provisioningAction`` (create, update, delete, stagedDelete, disable, other),
``provisioningStatusInfo {status, errorInformation {errorCode, reason, additionalDetails,
errorCategory}}``, ``provisioningSteps[]`` (import, scoping, matching, processing,
referenceResolution, export; each ``{name, description, details, provisioningStepType,
status}``), ``modifiedProperties[] {displayName, oldValue, newValue}``, ``sourceIdentity``,
``targetIdentity``, ``sourceSystem``, ``targetSystem``; plus syncrules' own ``syncrulesAction``
(create update enable disable delete skip none fail) and ``syncrulesOperation`` (input index,
bulkId, location, and whether the changes were applied).

Ids are derived from the job, the cycle number and the operation index (UUIDv5), so the same run
against the same directory writes the same log. Values of mappings that use ``Redact()`` are
shown as ``"[Redact]"``. Error codes (syncrules' own where Entra's are not documented):
``InvalidOperation``, ``InvalidSourceValue``, ``MissingMatchingValue``, ``MultipleMatches``,
``ExpressionEvaluationFailed``, ``AzureActiveDirectoryConflict``, ``ReferenceNotFound``
(a warning), ``DeletionThresholdExceeded`` (staged); values the target refuses
(``run.target_rules``): ``AzureActiveDirectoryInvalidUserPrincipalName``, ``InvalidTargetValue``,
``InvalidAttributeSyntax``, ``HybridSynchronizationActiveDirectoryInvalidParameter``.

A record reaches the run's sink as a ``LogRecord``: ``data()`` is the dict, ``text()`` its JSON
Lines line (``encode``: compact JSON, ``run.jsoncodec``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import marshal
import math
import operator
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from syncrules.run import jsoncodec

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_OID, "syncrules.run")

#: syncrules action → Graph provisioningAction
PROVISIONING_ACTION = {
    "create": "create",
    "update": "update",
    "enable": "update",
    "disable": "disable",
    "delete": "delete",
    "none": "other",
    "skip": "other",
    "fail": "other",
}

STEP_NAMES = {
    "import": "Import from API",
    "scoping": "Determine if User is in scope",
    "matching": "Match user",
    "processing": "Process user",
    "referenceResolution": "Resolve references",
    "export": "Provision User",
}


STEP_ORDER = {kind: i for i, kind in enumerate(STEP_NAMES)}


def stable_id(*parts: object) -> str:
    """A UUIDv5 (in NAMESPACE) of the parts: the same parts give the same id in every run."""
    return _uuid5(hashlib.sha1(NAMESPACE.bytes + "\x1f".join(str(p) for p in parts).encode()))


def _uuid5(digest: Any) -> str:
    # the first 16 bytes as a UUID: version 5 (high nibble of byte 6), RFC 4122 variant (the two
    # top bits of byte 8 are 10), as uuid.UUID(bytes=..., version=5) would set them
    h = digest.hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_VARIANT = {c: "89ab"[int(c, 16) & 0x3] for c in "0123456789abcdef"}


class IdMaker:
    """``stable_id(*prefix, n)`` for many ``n``: the prefix is hashed once."""

    def __init__(self, *prefix: object) -> None:
        self._base = hashlib.sha1(
            NAMESPACE.bytes + "".join(f"{p}\x1f" for p in prefix).encode()
        )

    def __call__(self, last: object) -> str:
        digest = self._base.copy()
        digest.update(str(last).encode())
        return _uuid5(digest)


class UserIds:
    """Ids for users a cycle creates: RFC 9562 UUIDv8 strings made of a hash of the job's name
    (32 bits), the cycle number (28 bits) and the operation index (60 bits), so the same run
    gives the same ids and one run's ids sort in creation order (the directory's id index then
    grows at its end instead of at random places, which keeps bulk loads fast)."""

    def __init__(self, job_name: str, cycle: int) -> None:
        digest = hashlib.sha1(NAMESPACE.bytes + f"user\x1f{job_name}".encode()).hexdigest()
        cycle &= 0xFFFFFFF
        self._prefix = f"{digest[:8]}-{cycle >> 12:04x}-8{cycle & 0xFFF:03x}-8"

    def __call__(self, index: int) -> str:
        return f"{self._prefix}{(index >> 48) & 0xFFF:03x}-{index & 0xFFFFFFFFFFFF:012x}"


#: One provisioning step: (provisioningStepType, status, description, details). A plain tuple:
#: a record has about six, made per operation, and kept records are marshalled.
Step = tuple[str, str, str, dict[str, str | None]]


@dataclass(slots=True)
class OpResult:
    """Everything the log needs to know about one operation."""

    index: int
    bulk_id: str | None
    location: str
    action: str = "skip"  # syncrules action
    attempted: str = "other"  # provisioningAction of a failed operation
    status: str = "skipped"
    error_code: str | None = None
    error_reason: str | None = None
    error_details: str | None = None
    source_id: str | None = None
    source_name: str | None = None
    target_id: str | None = None
    target_name: str | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    staged: bool = False
    held: bool = False
    waiting: int = 0  # references still escrowed
    applied: bool = False
    written: bool = False
    spilled: bool = False  # kept in the deferred-records table

    def step(self, kind: str, status: str, description: str, **details: Any) -> None:
        """Add a step (``kind`` a provisioningStepType; detail values shown as text).

        Steps are kept in record order (``STEP_ORDER``; steps of one kind as they came), so a
        record needs no sort: matching is found before scoping is reported, references are
        resolved before the processing step is written; the rest come in order.
        """
        for key, value in details.items():
            if value is not None and value.__class__ is not str:
                details[key] = _text(value)
        steps, order = self.steps, STEP_ORDER[kind]
        if not steps or STEP_ORDER[steps[-1][0]] <= order:  # the common case: in order
            steps.append((kind, status, description, details))
            return
        i = len(steps) - 1
        while i and STEP_ORDER[steps[i - 1][0]] > order:
            i -= 1
        steps.insert(i, (kind, status, description, details))

    def fail(self, kind: str, code: str, reason: str, details: str | None = None) -> None:
        self.action, self.status = "fail", "failure"
        self.error_code, self.error_reason, self.error_details = code, reason, details
        self.step(kind, "failure", reason)

    def warn(self, code: str, reason: str) -> None:
        if self.status == "success" or self.status == "skipped":
            self.status = "warning"
        if self.error_code is None:
            self.error_code, self.error_reason = code, reason

    @property
    def deferred(self) -> bool:
        return self.held or self.waiting > 0

    def to_row(self) -> tuple[Any, ...]:
        """Plain data (for ``marshal``): the fields in order, steps as tuples."""
        row = list(_GET_FIELDS(self))
        row[_STEPS] = tuple(self.steps)
        row[_CHANGES] = tuple(self.changes)
        return tuple(row)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> OpResult:
        values = list(row)
        values[_STEPS] = list(values[_STEPS])
        values[_CHANGES] = list(values[_CHANGES])  # marshal gives the tuples back
        return cls(*values)

    def encode(self) -> bytes:
        """The result as bytes to keep until the cycle ends (``decode`` reads them back).

        JSON (orjson, about three times as fast both ways as marshal) when every value
        survives it unchanged; marshal otherwise: an integer past 64 bits, a lone surrogate, a
        value orjson does not write (it raises), a float that is not finite (orjson would
        write null). The two are told apart by their first byte."""
        if all(_json_exact(v) for _, old, new in self.changes for v in (old, new)):
            try:
                return orjson.dumps(_GET_FIELDS(self), option=_PASSTHROUGH)
            except TypeError:  # orjson.JSONEncodeError
                pass
        return marshal.dumps(self.to_row())

    @classmethod
    def decode(cls, data: bytes) -> OpResult:
        if data[:1] != b"[":
            return cls.from_row(marshal.loads(data))
        values = orjson.loads(data)
        values[_STEPS] = [tuple(step) for step in values[_STEPS]]
        values[_CHANGES] = [tuple(change) for change in values[_CHANGES]]
        return cls(*values)


_PASSTHROUGH = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
                | orjson.OPT_PASSTHROUGH_DATACLASS)


def _json_exact(value: Any) -> bool:
    """Whether orjson writes ``value`` so that it reads back equal (a tuple comes back as a
    list, which the log shows alike); anything but JSON's own types goes to marshal, as
    before."""
    cls = value.__class__
    if cls is str or value is None or cls is bool or cls is int:
        return True
    if cls is float:
        return math.isfinite(value)
    if cls is list or cls is tuple:
        return all(_json_exact(v) for v in value)
    if cls is dict:
        return all(_json_exact(v) for v in value.values())
    return False


_FIELDS = tuple(f.name for f in dataclasses.fields(OpResult))
_GET_FIELDS = operator.attrgetter(*_FIELDS)
_STEPS = _FIELDS.index("steps")
_CHANGES = _FIELDS.index("changes")


@dataclass(frozen=True)
class RunInfo:
    """What every record of one run shares."""

    job_name: str
    job_id: str
    cycle: int
    activity: str  # ISO-8601 UTC
    target: str  # entra | ad
    apply: bool
    redacted: frozenset[str]

    @functools.cached_property
    def cycle_id(self) -> str:
        return stable_id("cycle", self.job_id, self.cycle)

    @functools.cached_property
    def record_id(self) -> IdMaker:
        return IdMaker("record", self.cycle_id)

    @functools.cached_property
    def change_id(self) -> IdMaker:
        return IdMaker("change", self.cycle_id)

    @functools.cached_property
    def source_system(self) -> dict[str, Any]:
        return {"id": None, "displayName": "API-driven provisioning", "details": {}}

    @functools.cached_property
    def target_system(self) -> dict[str, Any]:
        name = "Microsoft Entra ID" if self.target == "entra" else "Active Directory"
        return {"id": None, "displayName": name, "details": {}}


def _text(value: Any) -> str | None:
    """A value as the log shows it (Graph's modified properties are strings)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _ordered(steps: list[Step]) -> list[Step]:
    """The steps in record order (stable: steps of one kind as they came)."""
    last = -1
    for step in steps:
        order = STEP_ORDER[step[0]]
        if order < last:
            return sorted(steps, key=lambda s: STEP_ORDER[s[0]])
        last = order
    return steps


def provisioning_action(result: OpResult) -> str:
    if result.staged:
        return "stagedDelete"
    if result.action == "fail":
        return result.attempted
    return PROVISIONING_ACTION[result.action]


_NO_DETAILS: dict[str, Any] = {}  # shared: never mutated


def build_record(info: RunInfo, result: OpResult) -> dict[str, Any]:
    status = result.status
    error = None
    if result.error_code is not None and status != "success":
        error = {
            "errorCode": result.error_code,
            "reason": result.error_reason,
            "additionalDetails": result.error_details,
            "errorCategory": "failure" if status == "failure" else "nonServiceFailure",
        }
    redacted = info.redacted
    if not redacted:  # the common case, in one comprehension
        properties = [
            {
                "displayName": name,
                "oldValue": old if old is None or old.__class__ is str else _text(old),
                "newValue": new if new is None or new.__class__ is str else _text(new),
            }
            for name, old, new in result.changes
        ]
    else:
        properties = []
        for name, old, new in result.changes:
            if name in redacted:
                old = None if old is None else "[Redact]"
                new = None if new is None else "[Redact]"
            properties.append({
                "displayName": name,
                "oldValue": old if old is None or old.__class__ is str else _text(old),
                "newValue": new if new is None or new.__class__ is str else _text(new),
            })
    index = result.index
    return {
        "id": info.record_id(index),
        "activityDateTime": info.activity,
        "cycleId": info.cycle_id,
        "changeId": info.change_id(index),
        "jobId": info.job_id,
        "jobName": info.job_name,
        "provisioningAction": provisioning_action(result),
        "provisioningStatusInfo": {"status": status, "errorInformation": error},
        "provisioningSteps": [
            {
                "name": STEP_NAMES[kind],
                "description": description,
                "details": details,
                "provisioningStepType": kind,
                "status": step_status,
            }
            for kind, step_status, description, details in _ordered(result.steps)
        ],
        "modifiedProperties": properties,
        "sourceIdentity": {
            "id": result.source_id,
            "displayName": result.source_name,
            "identityType": "User",
            "details": _NO_DETAILS,
        },
        "targetIdentity": {
            "id": result.target_id,
            "displayName": result.target_name,
            "identityType": "User",
            "details": _NO_DETAILS,
        },
        "sourceSystem": info.source_system,
        "targetSystem": info.target_system,
        "syncrulesAction": result.action,
        "syncrulesOperation": {
            "index": index,
            "bulkId": result.bulk_id,
            "location": result.location,
            "applied": result.applied,
        },
    }


# ---- the record as JSON text ----------------------------------------------------------------


def encode(record: dict[str, Any]) -> str:
    """A record as one JSON Lines line (``run.jsoncodec``: compact, valid UTF-8 JSON)."""
    return jsoncodec.dumps(record)


class LogRecord:
    """One record handed to the run's sink: as a dict (``data``) or as the JSON text `prov run`
    writes (``text``, ``line``), each built on demand; ``seal`` encodes it at once."""

    __slots__ = ("_line", "info", "result")

    def __init__(self, info: RunInfo, result: OpResult) -> None:
        self.info = info
        self.result: OpResult | None = result
        self._line: bytes | None = None

    def seal(self) -> None:
        """Encode the record now and let go of its ``OpResult``: a record held until its batch
        commits (`prov run --apply`) then costs only its bytes, and it is encoded while what it
        is made of is still fresh in memory. ``data()`` reads the bytes back."""
        if self.result is not None:
            self._line = jsoncodec.dumps_bytes(build_record(self.info, self.result))
            self.result = None

    def data(self) -> dict[str, Any]:
        if self.result is None:
            assert self._line is not None
            return dict(json.loads(self._line))  # the standard parser: any text dumps wrote
        return build_record(self.info, self.result)

    def text(self) -> str:
        return self.line().decode()

    def line(self) -> bytes:
        """``text()`` as UTF-8 bytes, without the newline."""
        if self._line is not None:
            return self._line
        assert self.result is not None
        return jsoncodec.dumps_bytes(build_record(self.info, self.result))
