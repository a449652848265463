"""The deploy flow: live schema -> merge -> plan -> confirmation -> backup -> raw PUT.

Contract: ``deploy_document(document, ...)`` takes one compiled document (``{"job": ..., "schema":
synchronizationSchema}``), talks to Graph only through the given ``GraphClient``, prints only
through the ``Console`` (redacted) and returns an exit code: 0 deployed / nothing to do / dry run,
1 remote failure, merge impossible, backup not written or confirmation declined, 2 missing
confirmation without a terminal or missing azure-identity, 3 a malformed compiled document (a bug).

Order matters: nothing is written before the plan is shown; ``--dry-run`` stops after the plan;
the backup of the live schema is written (never overwriting a file) before the PUT, and a failed
backup cancels the PUT.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from syncrules.backends.jobconfig.merge import merge_schema, put_body, render_changes
from syncrules.graph.client import GraphClient, GraphError
from syncrules.graph.config import GraphSettings
from syncrules.graph.session import (
    EXIT_BUG,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Console,
    GraphRuntime,
)
from syncrules.canonicaljson import canonical

DEFAULT_BACKUP_DIR = ".prov-backups"


def schema_text(schema: dict[str, Any]) -> str:
    """Canonical JSON for schema files (pull output, backups): sorted keys, indent 2, newline."""
    return canonical(schema) + "\n"


def backup_name(job: str, now: datetime, attempt: int = 1) -> str:
    """``<job>-<YYYYMMDDTHHMMSSZ>.json`` (UTC), with ``-<n>`` when that second is taken."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", job) or "job"
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    suffix = f"-{attempt}" if attempt > 1 else ""
    return f"{safe}-{stamp}{suffix}.schema.json"


def write_backup(
    live: dict[str, Any], backup_dir: Path, job: str, now: datetime, console: Console
) -> Path | str:
    """Write the live schema to a new backup file; return its path or an error message."""
    text = schema_text(live)
    for attempt in range(1, 100):
        path = backup_dir / backup_name(job, now, attempt)
        if path.exists():
            continue
        problem = console.write_text(path, text, exclusive=True)
        if problem is None:
            return path
        if not path.exists():
            return problem
    return f"too many backups named {backup_name(job, now)} in {backup_dir}"


def _surely_refused(error: GraphError) -> bool:
    """Whether a failed PUT certainly left the schema as it was: the one attempt was answered
    with a 4xx refusal. After a 5xx, a dropped connection, an unreadable reply or a retry, the
    server may have applied the schema before failing."""
    return (
        error.status is not None
        and 400 <= error.status < 500
        and error.attempts <= 1
    )


def _put_outcome(error: GraphError) -> str:
    if _surely_refused(error):
        return "the schema was not replaced"
    if error.attempts == 0:
        return "the schema was not replaced (no request was sent)"
    return "the schema may or may not have been replaced (Graph failed after receiving it)"


def _failure_code(error: GraphError) -> int:
    return EXIT_USAGE if error.missing_dependency else EXIT_FAILED


def deploy_document(
    document: dict[str, Any],
    *,
    client: GraphClient,
    settings: GraphSettings,
    console: Console,
    runtime: GraphRuntime,
    dry_run: bool,
    yes: bool,
    backup_dir: Path,
) -> int:
    """Deploy one compiled document to the job in ``settings``; see the module docstring."""
    compiled = document.get("schema")
    if not isinstance(compiled, dict):
        console.err("internal error: the compiled document has no 'schema' object (this is a bug)")
        return EXIT_BUG
    live = client.get_schema()
    if isinstance(live, GraphError):
        console.err(f"error: cannot read the live schema: {live.message}")
        return _failure_code(live)
    result = merge_schema(live, compiled)
    if result.problems:
        for problem in result.problems:
            console.err(f"error: cannot merge into the live schema: {problem}")
        return EXIT_FAILED
    console.out(
        f"plan for job '{settings.job}' (service principal '{settings.service_principal}'):"
    )
    for line in render_changes(result.changes):
        console.out(f"  {line}")
    if not result.changes:
        console.out("nothing to deploy: the live schema already matches")
        return EXIT_OK
    if dry_run:
        console.out("dry run: nothing was sent")
        return EXIT_OK
    if not yes:
        if not runtime.stdin_is_tty():
            console.err(
                "error: refusing to replace the live schema without confirmation: stdin is not a "
                "terminal; review the plan (--dry-run) and pass --yes"
            )
            return EXIT_USAGE
        if not click.confirm(
            "Replace the live schema with the merged schema?", default=False, err=True
        ):
            console.err("deploy cancelled: nothing was sent")
            return EXIT_FAILED
    backup = write_backup(live, backup_dir, settings.job, runtime.utc_now(), console)
    if isinstance(backup, str):
        console.err(f"error: no backup of the live schema, so nothing was sent: {backup}")
        return EXIT_FAILED
    console.out(f"backup of the live schema: {backup}")
    reply = client.put_schema(put_body(result.schema))
    if isinstance(reply, GraphError):
        console.err(f"error: {_put_outcome(reply)}: {reply.message}")
        if not _surely_refused(reply):
            console.err(
                f"  check with `prov pull` whether the live schema is the new one; the schema "
                f"as it was before is in {backup} (deploy it back with `prov deploy` of the "
                "`.prov` that produced it, or PUT it as it is)"
            )
        return _failure_code(reply)
    console.out(
        f"deployed: the schema of job '{settings.job}' was replaced "
        f"(HTTP {reply.status}); Entra runs a full cycle after a schema change"
    )
    return EXIT_OK
