"""One provisioning cycle offline: operations → decisions by the generated evaluator → the
directory → one provisioning-log record per operation.

Per operation, as the service does it: the import (a bad operation fails alone, and so does
one whose values the source schema cannot take: ``run.shape``); matching: the
user linked to the operation's source anchor (created from it, or matched by it in an earlier
cycle), else by the matching keys in priority order against the directory (``MultipleMatches``
fails); the decision of the generated code
(scoping, flow types, create / update / enable / disable / delete / skip / none / fail: its
``evaluate``, which calls back ``find`` with the matching keys to look the user up); the
UPN collision check (a create, or an update of ``userPrincipalName``, whose value another user
holds fails with ``AzureActiveDirectoryConflict``, as Entra has no duplicate check); the
target's own rules (``run.target_rules``: required values, types, lengths, UPN, mail nickname,
sAMAccountName and DN syntax: a value the target would refuse fails the record at the export);
reference resolution; the export.

References (``manager``): the SCIM value is the manager's ``externalId``, resolved through the
directory's source anchors to the manager's target id. An anchor not found yet is escrowed and
retried when the cycle ends (the manager may come later in the same input); per user and
attribute the latest resolvable escrowed value wins, a value that resolves at once supersedes
earlier escrowed ones, and one never found is a warning on its record. An unresolvable value is
not a change, so a rerun does not report it again as an update.

Deletion threshold (``deletion threshold N``): deletes and disables (leaving scope, or ``active``
turning false) are held in the working state until the cycle ends; when their count goes past
N, none of them is applied and each is reported as ``stagedDelete`` / ``skipped``.

Records whose outcome is known only at the end (escrowed references, held operations) are
written when it is known, at the latest when the cycle ends; all others as they are processed.
Plan mode (no ``--apply``) runs against a private copy of the directory (``Store.open_copy``),
thrown away at the end: the directory is only read, and a second record for the same worker
still matches the user the first one created.

The same cycle runs `prov test`, fixture snapshots and `prov plan`'s records, over an in-memory
directory (``run.replay``); ``observe``, when given, receives each operation's evaluator
outcome (what a test judges besides the log record).
"""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from syncrules.ir.nodes import Call, Job
from syncrules.ir.visitor import iter_nodes
from syncrules.run.directory import TargetUser
from syncrules.run.inputs import Operation
from syncrules.run.log import LogRecord, OpResult, RunInfo, UserIds
from syncrules.run.references import DeferredRecords, PendingRef, References, scratch
from syncrules.run.settle import Settling
from syncrules.run.shape import ShapeCheck
from syncrules.run.state import WorkingState
from syncrules.run.target_rules import violations
from syncrules.runtime.context import EvalContext
from syncrules.runtime.scim import lookup

UNIQUE_ATTRIBUTES = ("userPrincipalName",)
#: Allocations between young collections while a cycle runs (see _young_collections_spaced).
YOUNG = 20_000
ACCOUNT_STATE = {"entra": "accountEnabled", "ad": "accountDisabled"}
Emit = Callable[[LogRecord], None]
#: Receives ``(operation index, evaluator Outcome)`` for every operation that was evaluated.
Observe = Callable[[int, Any], None]


@dataclass
class Summary:
    job: str
    cycle: int
    applied: bool
    counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    total: int = 0
    deletions: int = 0
    threshold: int | None = None
    staged: bool = False
    writes: int = 0


@dataclass(frozen=True)
class RunOptions:
    now: datetime
    seed: int | None = None
    default_domain: str | None = None
    apply: bool = False
    batch_size: int = 5000


def _calls(job: Job, name: str) -> frozenset[str]:
    return frozenset(
        m.target
        for m in job.mappings
        if any(isinstance(n, Call) and n.name == name for n in iter_nodes(m.expression))
    )


class Cycle(Settling):
    """Runs operations through one job's generated evaluator against a working state."""

    def __init__(
        self, job: Job, evaluator: ModuleType, state: WorkingState, options: RunOptions,
        emit: Emit, *, job_id: str, observe: Observe | None = None,
    ) -> None:
        self.job = job
        self.model = evaluator.JOB
        self.evaluate = evaluator.evaluate
        self._found: tuple[str | None, str | None, TargetUser | None] = (None, None, None)
        self.state = state
        self.options = options
        self.emit_record = emit
        self.observe = observe
        self.info = RunInfo(
            job_name=job.name, job_id=job_id, cycle=state.cycle,
            activity=options.now.strftime("%Y-%m-%dT%H:%M:%SZ"), target=job.target.value,
            apply=options.apply, redacted=_calls(job, "Redact"),
        )
        self.ref_targets = tuple(
            m.target for m in self.model.mappings if m.target_type == "Reference"
        )
        self.state_attr = ACCOUNT_STATE.get(job.target.value, "accountEnabled")
        self.shape = ShapeCheck(self.model.source_attributes)
        self._exclude: str | None = None
        self.ctx = EvalContext(now=options.now, seed=options.seed,
                               default_domain=options.default_domain, taken=self._taken)
        self._user_id = UserIds(job.name, state.cycle)
        self.scratch = scratch()
        self.refs = References(state, self.scratch)
        self.deferred = DeferredRecords(self.scratch)
        self.held_indexes: list[int] = []
        self._current: OpResult | None = None
        self._ending = False
        self.summary = Summary(job.name, state.cycle, options.apply,
                               threshold=job.deletion_threshold)
        self._mode_text = "" if options.apply else " (plan: not written; run with --apply)"
        self._handlers = {action: getattr(self, f"_on_{action}") for action in (
            "skip", "fail", "create", "update", "none", "enable", "disable", "delete")}
        matching = {m.target for m in self.model.mappings if m.matching_priority}
        unique = _calls(job, "SelectUniqueValue")
        state.store.ensure_indexed(matching | set(UNIQUE_ATTRIBUTES) | unique)

    def _taken(self, value: str) -> bool:
        return self.state.taken(self.ctx.target or "", value, self._exclude)

    # ---- the cycle --------------------------------------------------------------------------

    def run(self, operations: Iterable[Operation], progress: Callable[[int], None] | None = None
            ) -> Summary:
        batch = self.options.batch_size
        with _young_collections_spaced():
            for count, op in enumerate(operations, start=1):
                self.process(op)
                self._current = None
                if progress is not None:
                    progress(count)
                if count % batch == 0:
                    self.checkpoint()
            self.end()
        self.state.flush()
        self.summary.writes = self.state.writes
        self.scratch.close()
        return self.summary

    def checkpoint(self, pending: int | None = None) -> None:
        """Write the buffered changes to the store and commit (every ``batch_size``
        operations, and as often while the cycle ends), so memory stays bounded and an
        interrupted ``--apply`` run keeps what was committed. ``pending``: commit only when at
        least that many users are buffered."""
        state = self.state
        if not state.write_through:
            return
        if pending is not None and state.buffered < pending:
            return
        state.flush()
        state.store.commit()
        state.store.begin()

    # ---- one operation ----------------------------------------------------------------------

    def process(self, op: Operation) -> None:
        result = OpResult(op.index, op.bulk_id, op.location)
        self._current = result
        if op.user is None:
            result.fail("import", "InvalidOperation", op.error or "invalid operation")
            self._settle(result)
            return
        user = op.user
        invalid = self.shape.problem(user)
        anchor = _scalar_text(_field(user, "externalId"))
        result.source_id = anchor
        result.source_name = _scalar_text(_field(user, "displayName")) or _scalar_text(
            _field(user, "userName"))
        if invalid is not None:
            result.fail("import", "InvalidSourceValue", invalid)
            self._settle(result)
            return
        result.step("import", "success", f"Received User '{anchor}' ({op.location})",
                    bulkId=op.bulk_id, SourceAnchor=anchor)
        self.ctx.target = None
        self._found = (None, None, None)
        outcome = self.evaluate(user, None, self.ctx, find=self._find)
        _, problem, existing = self._found
        if self.observe is not None:
            self.observe(op.index, outcome)
        self._scope_step(result, outcome.scope)
        if problem and outcome.scope.in_scope:
            result.fail("matching", "MultipleMatches", problem)
            self._settle(result)
            return
        if existing is not None:
            result.target_id = existing.id
            result.target_name = _scalar_text(existing.attributes.get("displayName"))
        self._handlers[outcome.action](result, outcome, existing, anchor)

    def _find(self, keys: list[tuple[str, Any]]) -> tuple[dict[str, Any] | None, bool | None]:
        """The evaluator's ``find``: match the keys against the working state (noting what was
        found in ``_found``); returns the matched user's attributes and whether it was
        provisioned (has a source anchor)."""
        assert self._current is not None
        matched, problem = self._match(keys, self._current)
        existing = self.state.get(matched) if matched else None
        self._exclude = matched
        self._found = (matched, problem, existing)
        if existing is None:
            return None, None
        return existing.attributes, existing.anchor is not None

    def _match(
        self, keys: list[tuple[str, Any]], result: OpResult
    ) -> tuple[str | None, str | None]:
        """The user this operation is about: the one linked to its source anchor (the service
        keeps source/target links between cycles, so a worker whose matching value changed is
        still the same user), else the first matching key, by priority, that finds one."""
        anchor = result.source_id
        if anchor is not None:
            linked = self.state.find_anchor(anchor)
            if len(linked) == 1:
                result.step("matching", "success",
                            f"Matched target user {linked[0]} by its link to source anchor "
                            f"'{anchor}'", SourceAnchor=anchor, TargetId=linked[0])
                return linked[0], None
        tried = []
        for attr, value in keys:
            if isinstance(value, list):
                value = value[0] if value else None
            if value is None:
                continue
            ids = self.state.find(attr, value)
            tried.append(f"{attr} = '{value}'")
            if len(ids) > 1:
                message = f"{len(ids)} target users have {attr} '{value}': {', '.join(ids[:3])}"
                return None, message
            if ids:
                result.step("matching", "success",
                            f"Matched target user {ids[0]} by {attr} = '{value}'",
                            MatchingAttribute=attr, MatchingValue=value, TargetId=ids[0])
                return ids[0], None
        if keys:
            result.step("matching", "success", "No target user matched " + "; ".join(tried),
                        MatchingAttributes="; ".join(tried))
        return None, None

    def _scope_step(self, result: OpResult, scope: Any) -> None:
        if scope.in_scope:
            result.step("scoping", "success", scope.reason, ScopeEvaluationResult="in scope",
                        Group=scope.group)
        else:
            failed = "; ".join(f'{g}: {c}' for g, c in scope.failed)
            result.step("scoping", "skipped", scope.reason, ScopeEvaluationResult="out of scope",
                        FailedClauses=failed)

    # ---- handlers, one per action -----------------------------------------------------------

    def _on_skip(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                 anchor: str | None) -> None:
        result.action, result.status = "skip", "skipped"
        result.step("processing", "skipped", outcome.reason)
        self._settle(result)

    def _on_fail(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                 anchor: str | None) -> None:
        result.attempted = "create" if existing is None else "update"
        if not outcome.keys:
            result.attempted = "other"
            result.fail("matching", "MissingMatchingValue", outcome.reason)
        else:
            result.fail("processing", "ExpressionEvaluationFailed", outcome.reason,
                        outcome.error)
        self._settle(result)

    def _on_create(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                   anchor: str | None) -> None:
        values = dict(outcome.values)
        result.attempted = "create"
        new_id = self._user_id(result.index)
        if self._conflict(result, values.get("userPrincipalName"), None):
            return
        if self._refused(result, values, creating=True):
            return
        refs = self._references(result, new_id, None, values)
        for name in self.ref_targets:
            values.pop(name, None)
        values.update({k: new for k, (_, new) in refs.items()})
        result.action, result.status = "create", "success"
        result.target_id = new_id
        result.target_name = _scalar_text(values.get("displayName"))
        result.changes = [(k, None, v) for k, v in values.items()]
        result.step("processing", "success", outcome.reason, **_no_flow(outcome))
        self.state.create(TargetUser(new_id, anchor, values))
        result.applied = self.options.apply
        result.step("export", "success", f"Created user {new_id}" + self._mode_text,
                    Applied=self.options.apply)
        self._settle(result)

    def _on_update(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                   anchor: str | None) -> None:
        """In scope and matched: update, enable, disable (active false) or no change."""
        assert existing is not None
        changes = {k: v for k, v in outcome.changes.items() if k not in self.ref_targets}
        if "userPrincipalName" in changes and self._conflict(
            result, changes["userPrincipalName"][1], existing.id
        ):
            return
        if self._refused(result, {k: new for k, (_, new) in changes.items()}, creating=False):
            return
        changes.update(self._references(result, existing.id, existing, outcome.values))
        if not changes:
            result.action, result.status = "none", "skipped"
            result.step("processing", "skipped", "redundant export: the target already matches",
                        SkipReason="RedundantExport")
            if existing.anchor is None and anchor is not None:
                self.state.update(existing.id, {}, anchor=anchor)
            result.step("export", "skipped",
                        "RedundantExport: the state of the user in both systems already matches")
            self._settle(result)
            return
        action = outcome.action if outcome.action in ("enable", "disable") else "update"
        result.attempted = "disable" if action == "disable" else "update"
        result.action, result.status = action, "success"
        result.changes = [(k, old, new) for k, (old, new) in changes.items()]
        reason = outcome.reason if action != "update" else f"{len(changes)} attribute(s) changed"
        result.step("processing", "success", reason, **_no_flow(outcome))
        patch = {k: new for k, (_, new) in changes.items()}
        if action == "disable" and self._hold(result, existing.id, patch):
            return
        self.state.update(existing.id, patch, anchor=anchor, current=existing)
        result.applied = self.options.apply
        result.step("export", "success",
                    f"Updated {len(changes)} attribute(s) of user {existing.id}" + self._mode_text,
                    Applied=self.options.apply)
        self._settle(result)

    _on_none = _on_update
    _on_enable = _on_update

    def _on_disable(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                    anchor: str | None) -> None:
        if outcome.scope.in_scope:
            self._on_update(result, outcome, existing, anchor)
            return
        assert existing is not None
        result.attempted = "disable"
        result.action, result.status = "disable", "success"
        result.changes = [(k, old, new) for k, (old, new) in outcome.changes.items()]
        result.step("processing", "success", outcome.reason)
        patch = {self.state_attr: outcome.changes.get(self.state_attr, (None, None))[1]}
        if self._hold(result, existing.id, patch):
            return
        self.state.update(existing.id, patch)
        result.applied = self.options.apply
        result.step("export", "success", f"Disabled user {existing.id}" + self._mode_text,
                    Applied=self.options.apply)
        self._settle(result)

    def _on_delete(self, result: OpResult, outcome: Any, existing: TargetUser | None,
                   anchor: str | None) -> None:
        assert existing is not None
        result.attempted = "delete"
        result.action, result.status = "delete", "success"
        result.step("processing", "success", outcome.reason)
        if self._hold(result, existing.id, None):
            return
        self.state.delete(existing.id)
        result.applied = self.options.apply
        result.step("export", "success", f"Deleted user {existing.id}" + self._mode_text,
                    Applied=self.options.apply)
        self._settle(result)

    # ---- pieces -----------------------------------------------------------------------------

    def _mode(self) -> str:
        return self._mode_text

    def _conflict(self, result: OpResult, upn: Any, own: str | None) -> bool:
        if not isinstance(upn, str) or not upn:
            return False
        others = [i for i in self.state.find("userPrincipalName", upn) if i != own]
        if others:
            holder = f"another user ({others[0]})"
        elif self.state.reserved(upn):
            holder = "a user outside the directory (taken)"
        else:
            return False
        result.fail(
            "export", "AzureActiveDirectoryConflict",
            f"userPrincipalName '{upn}' is already used by {holder}; "
            "Entra does not check uniqueness, so the export fails",
        )
        self._settle(result)
        return True

    def _refused(self, result: OpResult, values: dict[str, Any], creating: bool) -> bool:
        """Values the target would refuse (``run.target_rules``) fail the record at the export."""
        problems = violations(self.job.target.value, values, creating, self.info.redacted)
        if not problems:
            return False
        result.fail("export", problems[0].code, "; ".join(p.message for p in problems))
        self._settle(result)
        return True

    def _references(self, result: OpResult, user_id: str, existing: TargetUser | None,
                    values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        """Resolve reference values; returns the reference changes to write now."""
        changes: dict[str, tuple[Any, Any]] = {}
        for name in self.ref_targets:
            value = values.get(name)
            if value is None:
                continue
            current = existing.attributes.get(name) if existing else None
            resolved = self.refs.resolve(str(value))
            if resolved is not None:
                # a user created just now has nothing escrowed yet
                for earlier in self.refs.clear(user_id, name) if existing is not None else ():
                    self._superseded(earlier, result.index)
                if resolved != current:
                    changes[name] = (current, resolved)
                result.step("referenceResolution", "success",
                            f"{name}: '{value}' resolved to user {resolved}",
                            Attribute=name, SourceAnchor=value, TargetId=resolved)
            else:
                self.refs.escrow(user_id, PendingRef(result.index, name, str(value)))
                result.waiting += 1
        return changes

@contextlib.contextmanager
def _young_collections_spaced() -> Iterator[None]:
    """The collector runs its youngest generation every ``YOUNG`` allocations instead of 700
    while a cycle runs: a cycle allocates a few hundred short-lived objects per operation (the
    record, its values, its log record), nearly all freed by reference counting, so frequent
    young collections (and the older ones they trigger) mostly walk live objects for nothing.
    Cyclic garbage (an exception's traceback, say) is still collected, a little later. The
    previous thresholds come back when the cycle ends."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _field(user: dict[str, Any], name: str) -> Any:
    """A top-level SCIM attribute (exact key first, then without regard to case)."""
    return user[name] if name in user else lookup(user, name)


def _scalar_text(value: Any) -> str | None:
    if value.__class__ is str:
        return value
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _no_flow(outcome: Any) -> dict[str, Any]:
    return {"NoFlow": ", ".join(outcome.no_flow)} if outcome.no_flow else {}
