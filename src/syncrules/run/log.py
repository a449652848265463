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
``InvalidOperation``, ``MissingMatchingValue``, ``MultipleMatches``,
``ExpressionEvaluationFailed``, ``AzureActiveDirectoryConflict``, ``ReferenceNotFound``
(a warning), ``DeletionThresholdExceeded`` (staged).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

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
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


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


@dataclass(slots=True)
class Step:
    kind: str  # a provisioningStepType
    status: str
    description: str
    details: dict[str, str] = field(default_factory=dict)


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
        for key, value in details.items():
            if value is not None and value.__class__ is not str:
                details[key] = _text(value)
        self.steps.append(Step(kind, status, description, details))

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
        row = [getattr(self, name) for name in _FIELDS]
        row[_STEPS] = tuple((s.kind, s.status, s.description, s.details) for s in self.steps)
        row[_CHANGES] = tuple(self.changes)
        return tuple(row)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> OpResult:
        values = list(row)
        values[_STEPS] = [Step(*s) for s in values[_STEPS]]
        values[_CHANGES] = [tuple(c) for c in values[_CHANGES]]
        return cls(**dict(zip(_FIELDS, values, strict=True)))


_FIELDS = tuple(f.name for f in dataclasses.fields(OpResult))
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


def provisioning_action(result: OpResult) -> str:
    if result.staged:
        return "stagedDelete"
    if result.action == "fail":
        return result.attempted
    return PROVISIONING_ACTION[result.action]


def build_record(info: RunInfo, result: OpResult) -> dict[str, Any]:
    cycle_id = info.cycle_id
    error = None
    if result.error_code is not None and result.status != "success":
        error = {
            "errorCode": result.error_code,
            "reason": result.error_reason,
            "additionalDetails": result.error_details,
            "errorCategory": "failure" if result.status == "failure" else "nonServiceFailure",
        }
    properties = []
    for name, old, new in result.changes:
        if name in info.redacted:
            old_text = None if old is None else "[Redact]"
            new_text = None if new is None else "[Redact]"
        else:
            old_text, new_text = _text(old), _text(new)
        properties.append({"displayName": name, "oldValue": old_text, "newValue": new_text})
    target_system = "Microsoft Entra ID" if info.target == "entra" else "Active Directory"
    return {
        "id": info.record_id(result.index),
        "activityDateTime": info.activity,
        "cycleId": cycle_id,
        "changeId": info.change_id(result.index),
        "jobId": info.job_id,
        "jobName": info.job_name,
        "provisioningAction": provisioning_action(result),
        "provisioningStatusInfo": {"status": result.status, "errorInformation": error},
        "provisioningSteps": [
            {
                "name": STEP_NAMES[step.kind],
                "description": step.description,
                "details": step.details,
                "provisioningStepType": step.kind,
                "status": step.status,
            }
            for step in sorted(result.steps, key=lambda s: STEP_ORDER[s.kind])
        ],
        "modifiedProperties": properties,
        "sourceIdentity": {
            "id": result.source_id,
            "displayName": result.source_name,
            "identityType": "User",
            "details": {},
        },
        "targetIdentity": {
            "id": result.target_id,
            "displayName": result.target_name,
            "identityType": "User",
            "details": {},
        },
        "sourceSystem": {"id": None, "displayName": "API-driven provisioning", "details": {}},
        "targetSystem": {"id": None, "displayName": target_system, "details": {}},
        "syncrulesAction": result.action,
        "syncrulesOperation": {
            "index": result.index,
            "bulkId": result.bulk_id,
            "location": result.location,
            "applied": result.applied,
        },
    }
