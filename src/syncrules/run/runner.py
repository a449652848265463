"""`prov run` as a library call: one job, one input file, one directory → log records + summary.

``run_job`` loads the job's generated evaluator (from memory, the same code `prov compile`
writes), opens the input (problems that make it unusable are returned before the directory is
touched), opens the directory (read-only for a plan, writable with ``apply``), and runs the
cycle. With ``apply`` the cycle number and every change are committed in batches; if anything
interrupts the run, the open batch is rolled back, so the file is left consistent and a rerun
converges. Without ``apply`` the run goes the same way against a private copy of the directory
(``Store.open_copy``, removed when the run ends): the directory itself is only read.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from syncrules.api import slug
from syncrules.ir.nodes import Job
from syncrules.run.csvmap import compile_csv
from syncrules.run.cycle import Cycle, Emit, RunOptions, Summary
from syncrules.run.directory import DirectoryError, Store
from syncrules.run.inputs import InputProblem, open_input
from syncrules.run.log import LogRecord
from syncrules.run.state import WorkingState
from syncrules.runtime.context import EvalContext


@dataclass(frozen=True)
class RunRequest:
    job: Job
    input_path: Path
    directory: Path
    now: datetime
    input_format: str | None = None
    apply: bool = False
    seed: int | None = None
    default_domain: str | None = None
    batch_size: int = 5000


@dataclass(frozen=True)
class RunProblem:
    """The run could not start or could not go on (exit 1)."""

    message: str


def job_id(job: Job) -> str:
    if job.graph is not None and job.graph.job:
        return job.graph.job
    return slug(job.name)


class HeldRecords:
    """Log records held until the directory commits what they report.

    When the sink says it reads records only as text or data (``takes_sealed``, as `prov run`'s
    own sink does), each is sealed (``LogRecord.seal``: encoded at once, its ``OpResult``
    dropped) as it is held: encoded while what it is made of is still in the processor's caches
    (about a tenth of a run's time at 100,000 records), and held as bytes only. Other sinks get
    records with their ``result``."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._seal = bool(getattr(emit, "takes_sealed", False))
        self._held: list[LogRecord] = []

    def hold(self, record: LogRecord) -> None:
        if self._seal:
            record.seal()
        self._held.append(record)

    def release(self) -> None:
        held, self._held = self._held, []
        for record in held:
            self._emit(record)


def run_job(
    request: RunRequest, emit: Emit, progress: Callable[[int], None] | None = None
) -> Summary | RunProblem:
    from syncrules.backends.python.load import load_evaluator

    job = request.job
    evaluator = load_evaluator(job)
    csv_ctx = EvalContext(now=request.now, seed=request.seed,
                          default_domain=request.default_domain)
    opened = open_input(request.input_path, request.input_format, compile_csv(job), csv_ctx,
                        job_name=job.name)
    if isinstance(opened, InputProblem):
        return RunProblem(opened.message)
    try:
        if request.apply:
            store = Store.open(request.directory, writable=True)
        else:  # a plan: the same run against a private copy, thrown away
            store = Store.open_copy(request.directory)
    except DirectoryError as exc:
        opened.operations.close()  # type: ignore[attr-defined]
        return RunProblem(str(exc))
    try:
        cycle_no = store.last_cycle() + 1
        store.begin()
        store.set_cycle(cycle_no)
        state = WorkingState(store, write_through=True, cycle=cycle_no)
        options = RunOptions(now=request.now, seed=request.seed,
                             default_domain=request.default_domain, apply=request.apply,
                             batch_size=request.batch_size)
        if request.apply:
            # a record is logged only once what it did is committed: after a kill -9 the log
            # never claims a change the directory does not hold (at most one batch is held)
            held = HeldRecords(emit)
            store.after_commit.append(held.release)
            emit = held.hold
        cycle = Cycle(job, evaluator, state, options, emit, job_id=job_id(job))
        store.begin()
        summary = cycle.run(opened.operations, progress)
        store.commit()
        return summary
    except sqlite3.Error as exc:  # the disk is full, the file went away, ...
        with contextlib.suppress(sqlite3.Error):
            store.rollback()
        done = "what was committed before stays" if request.apply else "nothing was written"
        return RunProblem(f"the run stopped: SQLite: {exc} ({done}; a rerun converges)")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            store.rollback()
        raise
    finally:
        opened.operations.close()  # type: ignore[attr-defined]
        store.close()
