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

A record reaches the run's sink as a ``LogRecord``: ``data()`` is the dict, ``text()`` the JSON
Lines text ``encode(data())`` would give, built without the dict (``record_text``; the hot path
of a run, tested equal to the dict's encoding).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import operator
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
        # kept in record order (STEP_ORDER; steps of one kind as they came), so a record needs
        # no sort: matching is found before scoping is reported, the rest come in order
        steps, order = self.steps, STEP_ORDER[kind]
        i = len(steps)
        while i and STEP_ORDER[steps[i - 1].kind] > order:
            i -= 1
        steps.insert(i, Step(kind, status, description, details))

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
        row[_STEPS] = tuple([(s.kind, s.status, s.description, s.details) for s in self.steps])
        row[_CHANGES] = tuple(self.changes)
        return tuple(row)

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> OpResult:
        values = list(row)
        values[_STEPS] = [Step(*s) for s in values[_STEPS]]
        values[_CHANGES] = [tuple(c) for c in values[_CHANGES]]
        return cls(*values)


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
    def json_parts(self) -> tuple[str, str]:
        return _run_parts(self)

    @functools.cached_property
    def json_job(self) -> str:
        return f', "jobId": {_j(self.job_id)}, "jobName": {_j(self.job_name)}'


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
    """The steps in record order (``OpResult.step`` keeps them so; a list built otherwise is
    sorted, stably)."""
    last = -1
    for step in steps:
        order = STEP_ORDER[step.kind]
        if order < last:
            return sorted(steps, key=lambda s: STEP_ORDER[s.kind])
        last = order
    return steps


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
            for step in _ordered(result.steps)
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


# ---- the record as JSON text ----------------------------------------------------------------

#: How `prov run` writes a record (one JSON Lines line); ``record_text`` gives the same text.
encode = json.JSONEncoder(ensure_ascii=False).encode


def _j(value: Any) -> str:
    """One JSON value as ``encode`` writes it inside a record."""
    if value.__class__ is str:
        return _quote(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return encode(value)


_quote = json.encoder.encode_basestring  # what encode() uses for strings (ensure_ascii=False)


def _run_parts(info: RunInfo) -> tuple[str, str]:
    """The JSON text every record of a run shares: after the id, and from sourceSystem on."""
    target_system = "Microsoft Entra ID" if info.target == "entra" else "Active Directory"
    middle = (
        f", {_j('activityDateTime')}: {_j(info.activity)}, {_j('cycleId')}: {_j(info.cycle_id)}"
    )
    tail = (
        ', "sourceSystem": {"id": null, "displayName": "API-driven provisioning", '
        '"details": {}}, "targetSystem": {"id": null, "displayName": '
        f'{_j(target_system)}, "details": {{}}}}'
    )
    return middle, tail


_STEP_HEAD = {kind: f'{{"name": {_j(name)}, "description": ' for kind, name in STEP_NAMES.items()}
_STEP_KIND = {kind: f', "provisioningStepType": {_j(kind)}, "status": ' for kind in STEP_NAMES}
_PROPERTY_HEAD: dict[str, str] = {}  # '{"displayName": <name>, "oldValue": ' by name


def record_text(info: RunInfo, result: OpResult) -> str:
    """``encode(build_record(info, result))``, built straight from the result (the hot path of
    `prov run`: a record is written per operation)."""
    try:
        return _record_text(info, result)
    except TypeError:  # a value of a kind the fast path does not expect: the general encoder
        return encode(build_record(info, result))


def _record_text(info: RunInfo, result: OpResult) -> str:
    q = _quote  # strings only (a TypeError otherwise)
    middle, tail = info.json_parts
    index = result.index
    status = result.status
    if result.error_code is not None and status != "success":
        category = "failure" if status == "failure" else "nonServiceFailure"
        error = (
            f'{{"errorCode": {q(result.error_code)}, "reason": {_j(result.error_reason)}, '
            f'"additionalDetails": {_j(result.error_details)}, "errorCategory": "{category}"}}'
        )
    else:
        error = "null"
    step_texts = []
    for step in _ordered(result.steps):
        details = ", ".join([
            f"{q(k)}: {'null' if v is None else q(v)}" for k, v in step.details.items()
        ])
        step_texts.append(
            f"{_STEP_HEAD[step.kind]}{q(step.description)}, \"details\": {{{details}}}"
            f"{_STEP_KIND[step.kind]}{q(step.status)}}}"
        )
    properties = []
    redacted = info.redacted
    heads = _PROPERTY_HEAD
    for name, old, new in result.changes:
        if name in redacted:
            old = None if old is None else "[Redact]"
            new = None if new is None else "[Redact]"
        head = heads.get(name)
        if head is None:
            head = f'{{"displayName": {q(name)}, "oldValue": '
            if len(heads) < 4096:  # target attribute names: a few dozen per job
                heads[name] = head
        old_text = "null" if old is None else q(old if old.__class__ is str else _text(old))
        new_text = "null" if new is None else q(new if new.__class__ is str else _text(new))
        properties.append(f'{head}{old_text}, "newValue": {new_text}}}')
    source_id, source_name = result.source_id, result.source_name
    target_id, target_name = result.target_id, result.target_name
    bulk_id = result.bulk_id
    return (
        f'{{"id": "{info.record_id(index)}"{middle}, "changeId": "{info.change_id(index)}"'
        f'{info.json_job}, "provisioningAction": {q(provisioning_action(result))}, '
        f'"provisioningStatusInfo": {{"status": {q(status)}, "errorInformation": {error}}}, '
        f'"provisioningSteps": [{", ".join(step_texts)}], '
        f'"modifiedProperties": [{", ".join(properties)}], '
        f'"sourceIdentity": {{"id": {"null" if source_id is None else q(source_id)}, '
        f'"displayName": {"null" if source_name is None else q(source_name)}, '
        f'"identityType": "User", "details": {{}}}}, '
        f'"targetIdentity": {{"id": {"null" if target_id is None else q(target_id)}, '
        f'"displayName": {"null" if target_name is None else q(target_name)}, '
        f'"identityType": "User", "details": {{}}}}{tail}, '
        f'"syncrulesAction": {q(result.action)}, '
        f'"syncrulesOperation": {{"index": {_j(index)}, '
        f'"bulkId": {"null" if bulk_id is None else q(bulk_id)}, '
        f'"location": {q(result.location)}, "applied": {_j(result.applied)}}}}}'
    )


class LogRecord:
    """One record handed to the run's sink: as a dict (``data``) or as the JSON text `prov run`
    writes (``text``), each built on demand."""

    __slots__ = ("info", "result")

    def __init__(self, info: RunInfo, result: OpResult) -> None:
        self.info = info
        self.result = result

    def data(self) -> dict[str, Any]:
        return build_record(self.info, self.result)

    def text(self) -> str:
        return record_text(self.info, self.result)
