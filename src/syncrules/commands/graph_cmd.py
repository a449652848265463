"""The Microsoft Graph commands of `prov`, with the CSV reader of `prov run`, so `prov upload`
sends a CSV through the job's `source csv` block exactly as `prov run` reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from syncrules.graph import commands as graph_commands


def read_csv_users(path: Path, job: Any) -> Iterator[Any]:
    """A CSV file → the upload's records, streamed in input order: users, and rows that failed,
    each with a reason."""
    from syncrules.graph.upload import RecordFailure, UserRecord
    from syncrules.run.csvmap import compile_csv
    from syncrules.run.inputs import InputProblem, open_input
    from syncrules.runtime import EvalContext

    program = compile_csv(job) if job is not None else None
    opened = open_input(path, "csv", program, EvalContext(), job_name=job.name if job else "")
    if isinstance(opened, InputProblem):
        # the message names the file (and the line) itself: keep that as the origin
        origin, sep, reason = opened.message.partition(": ")
        if not (sep and origin.startswith(str(path))):
            origin, reason = str(path), opened.message
        yield RecordFailure(origin, reason)
        return
    for op in opened.operations:
        if op.user is not None:
            yield UserRecord(op.location, op.user, op.bulk_id)
        else:
            yield RecordFailure(op.location, op.error or "invalid row")


# The commands, for the lazy registry of `prov` (syncrules.commands.COMMANDS).
pull: click.Command = graph_commands.pull_command
deploy: click.Command = graph_commands.deploy_command
upload: click.Command = graph_commands.make_upload_command(csv_reader=read_csv_users)
