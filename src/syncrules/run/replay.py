"""Records through the `prov run` cycle over an in-memory directory.

`prov test` (a test's `given` records), fixture snapshots and `prov plan`'s behavioural diff
(a fixture file's records) all call ``replay``: the records become operations of one cycle
(``run.cycle.Cycle``, exactly what `prov run` runs: the link to the source anchor first, then
the matching keys in priority order, ``MultipleMatches``, the UPN conflict check, references
resolved or escrowed until the cycle ends, the deletion threshold, the same log steps) against a
``run.memory.MemoryStore`` seeded with the target users they start from. Each record comes back
with its log record's data (``OpResult``) and the evaluator's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from syncrules.ir.nodes import Job
from syncrules.jsontext import TOO_DEEP, json_kind
from syncrules.run.cycle import Cycle, RunOptions
from syncrules.run.inputs import Operation
from syncrules.run.jsoncodec import unusable
from syncrules.run.log import LogRecord, OpResult
from syncrules.run.memory import MemoryStore
from syncrules.run.state import WorkingState


@dataclass
class Replayed:
    """One record after the cycle: its log record (``result``) and the evaluator's outcome
    (None when the record failed before it was evaluated)."""

    index: int
    result: OpResult
    outcome: Any

    def flowing(self, references: Sequence[str] = ()) -> dict[str, Any]:
        """The target values this record provisions: the values computed (an update's
        unchanged ones included) with reference attributes as the cycle resolved them (an
        unresolved one is not set), then the changes the log record shows."""
        values: dict[str, Any] = {}
        if self.outcome is not None:
            values = {k: v for k, v in self.outcome.values.items() if k not in references}
        for kind, status, _, details in self.result.steps:
            if kind == "referenceResolution" and status == "success":
                name, target = details.get("Attribute"), details.get("TargetId")
                if name is not None:
                    values[name] = target
        for name, _, new in self.result.changes:
            values[name] = new
        return values


def entry_problem(record: Any) -> str | None:
    """Why a record cannot be processed at all (not a JSON object, a lone surrogate escape,
    NaN or a number out of range), or None."""
    if not isinstance(record, dict):
        return f"not a JSON object ({json_kind(record)})"
    try:
        return unusable(record)
    except RecursionError:
        return TOO_DEEP


def replay(
    job: Job,
    evaluator: ModuleType,
    records: Sequence[Any],
    options: RunOptions,
    directory: MemoryStore,
    location: Callable[[int], str] = lambda index: f"record {index}",
) -> list[Replayed]:
    """Run ``records`` (numbered from 1) as one cycle against ``directory``; one ``Replayed``
    per record, in input order. A record that is not a usable JSON object fails alone
    (``InvalidOperation``), as in `prov run`."""
    from syncrules.run.runner import job_id

    results: dict[int, OpResult] = {}
    outcomes: dict[int, Any] = {}

    def emit(record: LogRecord) -> None:
        result = record.result
        assert result is not None  # records come unsealed here (see run.runner.HeldRecords)
        results[result.index] = result

    def observe(index: int, outcome: Any) -> None:
        outcomes[index] = outcome

    operations = []
    for index, record in enumerate(records, 1):
        problem = entry_problem(record)
        user = record if problem is None else None
        operations.append(Operation(index, None, user, problem, location(index)))
    cycle_no = directory.last_cycle() + 1
    directory.set_cycle(cycle_no)
    state = WorkingState(directory, write_through=True, cycle=cycle_no)
    cycle = Cycle(job, evaluator, state, options, emit, job_id=job_id(job), observe=observe)
    cycle.run(operations)
    return [Replayed(i, results[i], outcomes.get(i)) for i in range(1, len(records) + 1)]
