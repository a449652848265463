"""The deploy flow: live schema -> merge -> plan -> confirmation -> backup -> raw PUT.

Contract: ``deploy_document(document, ...)`` takes one compiled document (``{"job": ..., "schema":
synchronizationSchema}``), ``restore_backup(schema, ...)`` a backed-up schema; both talk to Graph
only through the given ``GraphClient``, print only through the ``Console`` (redacted) and return
an exit code: 0 deployed / nothing to do / dry run, 1 remote failure, merge impossible, backup not
written or confirmation declined, 2 missing confirmation without a terminal or missing
azure-identity, or (``--dry-run --detailed-exitcode``) a live schema that differs, 3 a malformed
compiled document (a bug).

Order matters: nothing is written before the plan is shown; ``--dry-run`` stops after the plan;
the backup of the live schema is written (never overwriting a file) before the PUT, and a failed
backup cancels the PUT. The job's deletion threshold goes to its synchronization secrets after
the schema (``graph/secrets.py`` says what is sent and why).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from syncrules.backends.jobconfig.merge import merge_schema, put_body, render_changes
from syncrules.canonicaljson import canonical
from syncrules.graph.client import GraphClient, GraphError
from syncrules.graph.config import GraphSettings
from syncrules.graph.secrets import (
    NOTIFICATION_KEY,
    THRESHOLD_ENABLED,
    THRESHOLD_VALUE,
    notification_value,
    read_secret,
    secrets_body,
)
from syncrules.graph.session import Console, GraphRuntime
from syncrules.output import EXIT_CHANGED, EXIT_ERRORS, EXIT_OK, EXIT_USAGE

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


def _put_outcome(error: GraphError, what: str = "the schema", done: str = "replaced") -> str:
    if _surely_refused(error):
        return f"{what} was not {done}"
    if error.attempts == 0:
        return f"{what} was not {done} (no request was sent)"
    return f"{what} may or may not have been {done} (Graph failed after receiving it)"


def _failure_code(error: GraphError) -> int:
    return EXIT_USAGE if error.missing_dependency else EXIT_ERRORS


def _threshold_of(document: dict[str, Any]) -> int | None:
    job = document.get("job")
    value = job.get("deletionThreshold") if isinstance(job, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


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
    detailed_exitcode: bool = False,
) -> int:
    """Deploy one compiled document to the job in ``settings``; see the module docstring."""
    compiled = document.get("schema")
    if not isinstance(compiled, dict):  # a bug: the internal-error banner of the command
        raise TypeError("the compiled document has no 'schema' object")
    live = client.get_schema()
    if isinstance(live, GraphError):
        console.err(f"error: cannot read the live schema: {live.message}")
        return _failure_code(live)
    result = merge_schema(live, compiled)
    if result.problems:
        for problem in result.problems:
            console.err(f"error: cannot merge into the live schema: {problem}")
        return EXIT_ERRORS
    return _apply(
        live,
        result.schema,
        render_changes(result.changes),
        bool(result.changes),
        _threshold_of(document),
        client=client,
        settings=settings,
        console=console,
        runtime=runtime,
        dry_run=dry_run,
        yes=yes,
        backup_dir=backup_dir,
        detailed_exitcode=detailed_exitcode,
        what="the merged schema",
    )


def restore_backup(
    backup: dict[str, Any],
    *,
    client: GraphClient,
    settings: GraphSettings,
    console: Console,
    runtime: GraphRuntime,
    dry_run: bool,
    yes: bool,
    backup_dir: Path,
    detailed_exitcode: bool = False,
) -> int:
    """Put a backed-up schema back, whole, with the same plan-then-confirm flow (the live schema
    is backed up first, so a restore can itself be undone)."""
    live = client.get_schema()
    if isinstance(live, GraphError):
        console.err(f"error: cannot read the live schema: {live.message}")
        return _failure_code(live)
    result = merge_schema(live, backup)
    lines = render_changes(result.changes)
    differs = put_body(live) != put_body(backup)
    if differs and not result.changes:
        lines = [
            "the schemas differ outside the parts syncrules compares (metadata, "
            "directories, other object mappings): the whole schema is replaced"
        ]
    elif differs:
        lines.append("the whole live schema is replaced by the backup")
    return _apply(
        live,
        backup,
        lines,
        differs,
        None,
        client=client,
        settings=settings,
        console=console,
        runtime=runtime,
        dry_run=dry_run,
        yes=yes,
        backup_dir=backup_dir,
        detailed_exitcode=detailed_exitcode,
        what="the backed-up schema",
    )


def _apply(
    live: dict[str, Any],
    new: dict[str, Any],
    lines: list[str],
    changed: bool,
    threshold: int | None,
    *,
    client: GraphClient,
    settings: GraphSettings,
    console: Console,
    runtime: GraphRuntime,
    dry_run: bool,
    yes: bool,
    backup_dir: Path,
    detailed_exitcode: bool,
    what: str,
) -> int:
    """Show the plan, then (unless a dry run) confirm, back up, PUT the schema and the threshold.

    Exit codes: see the module docstring; with ``detailed_exitcode`` a dry run answers 0 when
    the live schema equals ``new`` and 2 when it differs (the threshold is not compared: secrets
    cannot be read back)."""
    console.out(
        f"plan for job '{settings.job}' (service principal '{settings.service_principal}'):"
    )
    for line in lines:
        console.out(f"  {line}")
    if threshold is not None:
        console.out(
            f"  deletion threshold {threshold}: written to the job's synchronization secrets "
            f"({NOTIFICATION_KEY}: {THRESHOLD_ENABLED} true, {THRESHOLD_VALUE} {threshold}); "
            "secrets cannot be read back, so it is sent on every deploy"
        )
    if dry_run:
        console.out("dry run: nothing was sent")
        if detailed_exitcode:
            return EXIT_CHANGED if changed else EXIT_OK
        return EXIT_OK
    if not changed and threshold is None:
        console.out("nothing to deploy: the live schema already matches")
        return EXIT_OK
    if not yes:
        if not runtime.stdin_is_tty():
            action = "replace the live schema" if changed else "write the secrets"
            console.err(
                f"error: refusing to {action} "
                "without confirmation: stdin is not a terminal; review the plan (--dry-run) and "
                "pass --yes"
            )
            return EXIT_USAGE
        question = (
            f"Replace the live schema with {what}?"
            if changed
            else "Write the deletion threshold to the job's secrets?"
        )
        if not click.confirm(question, default=False, err=True):
            console.err("deploy cancelled: nothing was sent")
            return EXIT_ERRORS
    if changed:
        backup = write_backup(live, backup_dir, settings.job, runtime.utc_now(), console)
        if isinstance(backup, str):
            console.err(f"error: no backup of the live schema, so nothing was sent: {backup}")
            return EXIT_ERRORS
        console.out(f"backup of the live schema: {backup}")
        reply = client.put_schema(put_body(new))
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
    else:
        console.out("the live schema already matches")
    if threshold is not None:
        return _write_threshold(threshold, client=client, console=console)
    return EXIT_OK


def _write_threshold(threshold: int, *, client: GraphClient, console: Console) -> int:
    """GET the secrets (to keep the e-mail settings), then PUT ``SyncNotificationSettings``."""
    current = client.get_secrets()
    present = (
        None if isinstance(current, GraphError) else read_secret(current.body, NOTIFICATION_KEY)
    )
    value, kept = notification_value(present, threshold)
    reply = client.put_secrets(secrets_body(value))
    if isinstance(reply, GraphError):
        outcome = _put_outcome(reply, "the deletion threshold", "written")
        console.err(f"error: {outcome}: {reply.message}")
        if not _surely_refused(reply) and reply.attempts:
            console.err(
                f"  check {NOTIFICATION_KEY} in the portal (Provisioning > Settings: the "
                "deletion threshold) and run `prov deploy` again"
            )
        return _failure_code(reply)
    console.out(
        f"deletion threshold {threshold} written to {NOTIFICATION_KEY} (HTTP {reply.status}); "
        "no other secret was sent"
    )
    if not kept:
        console.err(
            f"note: the current {NOTIFICATION_KEY} could not be read (absent or masked), so its "
            "e-mail notification settings (Enabled, Recipients) were not kept: check them in "
            "the portal (Provisioning > Settings)"
        )
    return EXIT_OK
