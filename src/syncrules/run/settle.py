"""The bookkeeping side of a cycle: kept records, the end of the cycle, the deletion threshold.

``Settling`` is mixed into ``run.cycle.Cycle``: records whose outcome is not known yet are kept
in the scratch database (``run.references``) and written once it is; when the cycle ends,
escrowed references are decided (the latest value that resolves wins), held deletes/disables
are released (or were staged when their count went past the job's threshold), and every kept
record is read back once, completed and written, in input order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from syncrules.run.directory import batches
from syncrules.run.log import LogRecord, OpResult, provisioning_action
from syncrules.run.references import PendingRef

if TYPE_CHECKING:
    from syncrules.ir.nodes import Job
    from syncrules.run.cycle import Emit, RunOptions, Summary
    from syncrules.run.log import RunInfo
    from syncrules.run.references import DeferredRecords, References
    from syncrules.run.state import WorkingState


#: Escrowed (user, attribute) groups settled together: their users and anchors read at once.
CHUNK = 500

class Settling:
    """Methods of ``Cycle`` that keep, settle and write records."""

    # What the cycle provides (``run.cycle.Cycle`` sets these and defines the two methods).
    job: Job
    state: WorkingState
    options: RunOptions
    refs: References
    deferred: DeferredRecords
    summary: Summary
    info: RunInfo
    emit_record: Emit
    held_indexes: list[int]
    _current: OpResult | None
    _ending: bool

    def _mode(self) -> str:
        raise NotImplementedError

    def checkpoint(self, pending: int | None = None) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Retry escrowed references, settle held changes, write the remaining records.

        First every escrowed value is decided and written to the directory (verdicts are kept
        in the scratch database), then held changes are released, then each kept record is
        read back once, completed with its verdicts, and written, in input order.
        """
        self._ending = True
        batch = self.options.batch_size
        for chunk in batches(self.refs.drain(), CHUNK):
            # the chunk's current values and anchors are read at once: settling sets reference
            # attributes only, never a user's anchor or whether it exists
            wanted: dict[str, set[str]] = {}
            for user_id, attribute, _ in chunk:
                wanted.setdefault(attribute, set()).add(user_id)
            values = {a: self.state.attribute_values(ids, a) for a, ids in wanted.items()}
            targets = self.refs.resolve_many({r.anchor for _, _, refs in chunk for r in refs})
            for user_id, attribute, refs in chunk:
                self._settle_references(user_id, attribute, refs, values[attribute], targets)
                self.checkpoint(pending=batch)
        released = bool(self.state.held)
        if released:
            self.state.release_held()
            self.checkpoint()
        self.held_indexes = []
        verdicts = self.refs.verdicts()
        verdict = next(verdicts, None)
        for count, result in enumerate(self.deferred.drain(), start=1):
            if count % batch == 0:
                # the changes these records report are written; committing lets the records
                # held until then go out (`prov run --apply` logs only what is committed), so
                # they are not all kept in memory until the cycle's last commit
                self.checkpoint()
            while verdict is not None and verdict[0] < result.index:
                verdict = next(verdicts, None)  # pragma: no cover - a verdict without a record
            while verdict is not None and verdict[0] == result.index:
                self._apply_verdict(result, verdict)
                verdict = next(verdicts, None)
            if result.held and released:
                result.applied = self.options.apply
                result.step("export", "success",
                            f"Within the deletion threshold of {self.job.deletion_threshold}: "
                            "applied at the end of the cycle" + self._mode(),
                            Applied=self.options.apply)
            result.held, result.waiting = False, 0
            self._write(result)

    def _settle_references(
        self, user_id: str, attribute: str, refs: list[PendingRef], values: dict[str, Any],
        targets: dict[str, str | None],
    ) -> None:
        """Decide the escrowed values of one user's attribute: the latest that resolves wins.
        ``values``: the attribute's current value by user (users that exist); ``targets``: the
        chunk's anchors resolved."""
        exists = user_id in values
        chosen: PendingRef | None = None
        target: str | None = None
        if exists:
            for ref in reversed(refs):
                target = targets[ref.anchor]
                if target is not None:
                    chosen = ref
                    break
        for ref in refs:
            if not exists:
                self.refs.decide(ref, "gone")
            elif chosen is None:
                self.refs.decide(ref, "missing")
            elif ref.index < chosen.index:
                self.refs.decide(ref, "superseded", other=chosen.index)
            elif ref is chosen:
                current = values[user_id]
                changed = target != current
                if changed:
                    self.state.set_attribute(user_id, attribute, target)
                self.refs.decide(ref, "resolved", target, current, int(changed))
            else:
                self.refs.decide(ref, "missing")

    def _apply_verdict(self, result: OpResult, verdict: Any) -> None:
        _, _, kind, attribute, anchor, target, current, other = verdict
        if kind == "superseded":
            result.step("referenceResolution", "skipped",
                        f"{attribute}: '{anchor}' was escrowed, then superseded by operation "
                        f"{other}", Attribute=attribute, SourceAnchor=anchor)
            return
        if kind == "resolved":
            if other:
                result.changes.append((attribute, current, target))
                if result.action == "none":
                    self._none_to_update(result, result.target_id or "")
            result.step("referenceResolution", "success",
                        f"{attribute}: '{anchor}' resolved at the end of the cycle to user "
                        f"{target}", Attribute=attribute, SourceAnchor=anchor, TargetId=target)
            return
        why = "the referring user no longer exists" if kind == "gone" else (
            f"no user provisioned from externalId '{anchor}' exists by the end of the cycle")
        reason = f"{attribute} not set: {why}"
        result.step("referenceResolution", "warning", reason, Attribute=attribute,
                    SourceAnchor=anchor)
        result.warn("ReferenceNotFound", reason)

    def _none_to_update(self, result: OpResult, user_id: str) -> None:
        result.action, result.status, result.applied = "update", "success", self.options.apply
        result.steps = [s for s in result.steps if s[0] not in ("processing", "export")]
        result.step("processing", "success",
                    "an escrowed reference resolved at the end of the cycle")
        result.step("export", "success", f"Updated user {user_id}" + self._mode(),
                    Applied=self.options.apply)

    def _superseded(self, ref: PendingRef, by: int) -> None:
        result = self._get(ref.index)
        if result is None:
            return
        result.waiting -= 1
        result.step("referenceResolution", "skipped",
                    f"{ref.attribute}: '{ref.anchor}' was escrowed, then superseded by "
                    f"operation {by}", Attribute=ref.attribute, SourceAnchor=ref.anchor)
        self._settle(result)

    def _hold(self, result: OpResult, user_id: str, patch: dict[str, Any] | None) -> bool:
        """Count a delete/disable against the threshold; True when it was held or staged."""
        threshold = self.job.deletion_threshold
        if threshold is None:
            return False
        self.summary.deletions += 1
        if self.summary.staged:
            self._stage(result)
            return True
        self.state.hold(result.index, user_id, patch)
        result.held = True
        self.held_indexes.append(result.index)
        if self.summary.deletions <= threshold:
            self._settle(result)
            return True
        self.summary.staged = True
        self.state.drop_held()
        held, self.held_indexes = self.held_indexes, []
        for index in held:
            item = self._get(index)
            if item is not None:
                item.held = False
                self._stage(item)
        return True

    def _stage(self, result: OpResult) -> None:
        threshold = self.job.deletion_threshold
        for _ in self.refs.forget(result.index):
            result.waiting -= 1
        result.staged, result.status, result.applied = True, "skipped", False
        result.error_code = "DeletionThresholdExceeded"
        result.error_reason = (
            f"more than {threshold} deletes and disables in this cycle exceed the job's "
            f"deletion threshold of {threshold}: none is applied (staged)"
        )
        result.step("export", "skipped", result.error_reason)
        self._settle(result)

    def _get(self, index: int) -> OpResult | None:
        """A kept record (or the one being processed)."""
        if self._current is not None and self._current.index == index:
            return self._current
        return self.deferred.get(index)

    def _settle(self, result: OpResult) -> None:
        """Write the record now, or keep it until what it waits for is known."""
        if result.deferred or self._ending:
            self.deferred.put(result)
            return
        self.deferred.discard(result)
        self._write(result)

    def _write(self, result: OpResult) -> None:
        assert not result.written, f"operation {result.index} logged twice"
        result.written = True
        self.summary.counts[(result.action, provisioning_action(result), result.status)] += 1
        self.summary.total += 1
        self.emit_record(LogRecord(self.info, result))


