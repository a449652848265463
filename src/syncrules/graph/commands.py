"""The ``prov pull``, ``prov deploy`` and ``prov upload`` commands (thin click shells).

Contract: ``register(group)`` adds the three commands to a click group. Each command parses its
options, resolves settings (``config``), calls the library (``client``, ``merge``/``deploy``,
``upload``) and exits with the CLI's codes (``syncrules.output``): 0 (ok), 1 (remote/operation
failure, failed records, an input file that is missing or unreadable, as `prov run` says it), 2
(usage error, missing confirmation, missing azure-identity) or 3 (internal error: a bug; the CLI's
banner, ``output.internal_error``, redacted; the traceback only with the main group's
``--debug``, i.e. ``ctx.obj["debug"]``).
All text goes through a redacting ``Console``. The compiler is reached lazily through
``syncrules.api.compile_path``. Hooks for tests come from the click context object
(``GraphRuntime``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from syncrules.graph.client import GraphError
from syncrules.graph.config import (
    DEFAULT_GRAPH_URL,
    ENV_ACCESS_TOKEN,
    ENV_GRAPH_URL,
    ENV_JOB,
    ENV_SERVICE_PRINCIPAL,
    ConfigProblem,
    GraphSettings,
    given_service_principal,
    resolve_settings,
    resolve_url,
)
from syncrules.graph.deploy import DEFAULT_BACKUP_DIR, deploy_document, schema_text
from syncrules.graph.session import (
    Console,
    GraphRuntime,
    open_client,
    seeded_redactor,
)
from syncrules.graph.upload import (
    MAX_OPERATIONS,
    CsvReader,
    ReadResult,
    Record,
    RecordFailure,
    UserRecord,
    iter_batches,
    iter_records,
    payload_text,
    validate_records,
)
from syncrules.ir.nodes import GraphConfig
from syncrules.output import EXIT_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, internal_error
from syncrules.safeio import unreadable

if TYPE_CHECKING:
    from syncrules.ir.nodes import Job
    from syncrules.project import Environment

DEFAULT_PAYLOAD_DIR = "prov-payloads"
_CONNECTION_HELP = f"""
\b
Connection: the service principal id and job id come from --service-principal/--job, else
{ENV_SERVICE_PRINCIPAL}/{ENV_JOB}, else the --env environment of prov.toml (its graph table, or
jobs."<job name>"), else the .prov file's graph {{ }} block. The base URL from --graph-url, else
{ENV_GRAPH_URL}, else the environment's or the block's url, else {DEFAULT_GRAPH_URL}. The token
from {ENV_ACCESS_TOKEN}, else azure-identity (pip install "syncrules[graph]") with the credential
named by PROV_AUTH (client-secret, certificate, github-oidc, azure-pipelines, workload-identity,
managed-identity, azure-cli, device-code, default) or chosen from the AZURE_* variables set; the
token's scope follows the Graph URL's cloud (global, US Government, China).

\b
Exit codes: 0 ok, 1 remote or operation failure (or unreadable input), 2 usage error (or, with
--dry-run --detailed-exitcode, a live schema that differs), 3 internal error.
"""


#: An input path: read by the command, which says "cannot read PATH: why" (exit 1) for a missing
#: or unreadable one, as the other commands do (click would make it a usage error).
_INPUT = click.Path(path_type=Path, readable=False)


def _run(fn: Callable[..., int]) -> Callable[..., None]:
    """Run a command body with a redacting console; map results and bugs to exit codes."""

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> None:
        ctx = click.get_current_context()
        console = Console(seeded_redactor(os.environ))
        runtime = ctx.find_object(GraphRuntime) or GraphRuntime()
        try:
            code = fn(console=console, runtime=runtime, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise  # BrokenPipeError: the reader went away; the main group stops quietly
        except Exception as exc:  # a bug: the CLI's banner, without a secret
            debug = isinstance(ctx.obj, dict) and bool(ctx.obj.get("debug"))
            internal_error(exc, debug=debug, redact=console.redact)
            code = EXIT_INTERNAL
        ctx.exit(code)

    return wrapper


def _connection_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--env",
        "env_name",
        metavar="NAME",
        help="An environment of the project file (prov.toml): its graph settings (service "
        "principal, job, url, tenant) and parameter values [env var: PROV_ENV].",
    )(fn)
    fn = click.option("--graph-url", help=f"Graph base URL [default: {DEFAULT_GRAPH_URL}].")(fn)
    fn = click.option("--job", "job_id", help=f"Synchronization job id (or {ENV_JOB}).")(fn)
    fn = click.option(
        "--service-principal", help=f"Service principal object id (or {ENV_SERVICE_PRINCIPAL})."
    )(fn)
    return fn


def _max_attempts_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--max-attempts",
        type=click.IntRange(1, 20),
        default=5,
        show_default=True,
        help="Attempts per request (429, 5xx and connection errors are retried with backoff).",
    )(fn)


def _compile(
    path: Path, console: Console, environment: Environment | None = None
) -> tuple[list[tuple[str, dict[str, Any]]], list[Job]] | int:
    """Compile ``path`` (``syncrules.api``); print diagnostics; return the result or a code."""
    if path.is_dir():  # a missing or unreadable file is reported by the compiler (PROV002)
        console.err(f"error: cannot read {path}: it is a folder; give one .prov file")
        return EXIT_ERRORS
    from syncrules.api import compile_path
    from syncrules.diagnostics.render import render_text

    result = compile_path(path, environment.param_values() if environment else None)
    if result.diagnostics:
        console.err(render_text(result.diagnostics, result.sources))
    if not result.ok:
        console.err(f"error: {path} has errors; nothing was sent")
        return EXIT_ERRORS
    return list(result.documents), list(result.compiled_jobs())


def _load_job(
    path: Path | None, console: Console, environment: Environment | None = None
) -> Job | int | None:
    """The single job of a .prov file (None without a file), or an exit code."""
    if path is None:
        return None
    compiled = _compile(path, console, environment)
    if isinstance(compiled, int):
        return compiled
    _, jobs = compiled
    if len(jobs) != 1:
        console.err(
            f"error: {path} defines {len(jobs)} jobs; give a .prov file with exactly one job"
        )
        return EXIT_USAGE
    return jobs[0]


def _block(job: Job | None, environment: Environment | None) -> GraphConfig | None:
    """The job's graph block with the chosen environment's settings over it (prov.toml is
    more specific than the .prov file: it says where the job lives in *this* environment)."""
    block = job.graph if job is not None else None
    if environment is None:
        return block
    target = environment.graph_for(job.name if job is not None else None)
    return GraphConfig(
        service_principal=target.service_principal or (block.service_principal if block else None),
        job=target.job or (block.job if block else None),
        url=target.url or (block.url if block else None),
    )


def _client_env(environment: Environment | None) -> dict[str, str]:
    """The process environment, with the environment's tenant as AZURE_TENANT_ID (unless set)."""
    env = dict(os.environ)
    tenant = environment.graph.tenant if environment is not None else None
    if tenant and not env.get("AZURE_TENANT_ID"):
        env["AZURE_TENANT_ID"] = tenant
    return env


def _environment(env_name: str | None, paths: list[Path | None], console: Console) -> Any:
    """The chosen environment (--env / PROV_ENV), None, or an exit code after a message."""
    from syncrules.project import ProjectProblem, select_environment, start_of

    chosen = select_environment(env_name, start_of([p for p in paths if p is not None]))
    if isinstance(chosen, ProjectProblem):
        console.err(f"error: {chosen.message}")
        return EXIT_USAGE
    return chosen


def _settings(
    console: Console,
    job: Job | None,
    service_principal: str | None,
    job_id: str | None,
    graph_url: str | None,
    environment: Environment | None = None,
) -> GraphSettings | int:
    settings = resolve_settings(
        service_principal=service_principal,
        job=job_id,
        graph_url=graph_url,
        env=os.environ,
        block=_block(job, environment),
    )
    if isinstance(settings, ConfigProblem):
        console.err(f"error: {settings.message}")
        return EXIT_USAGE
    return settings


# ---- pull --------------------------------------------------------------------------------------


@click.command("pull", epilog=_CONNECTION_HELP)
@click.option(
    "--prov",
    "prov_file",
    type=_INPUT,
    help="A .prov file whose graph { } block names the service principal and job.",
)
@_connection_options
@_max_attempts_option
@click.option(
    "-o",
    "--output",
    "output_path",
    default=None,
    type=click.Path(allow_dash=True, path_type=Path),
    help="Where to write the schema JSON ('-' = stdout, the default); with --all, the folder "
    "for the .prov files and prov.toml (default: the current folder).",
)
@click.option(
    "--all",
    "all_jobs",
    is_flag=True,
    help="Every synchronization job of the service principal (or, with no service principal "
    "given, of every service principal of the tenant): one .prov file per job (as `prov import` "
    "writes it) and a prov.toml environment saying where they came from.",
)
@_run
def pull_command(
    *,
    console: Console,
    runtime: GraphRuntime,
    prov_file: Path | None,
    service_principal: str | None,
    job_id: str | None,
    graph_url: str | None,
    env_name: str | None,
    max_attempts: int,
    output_path: Path | None,
    all_jobs: bool,
) -> int:
    """Write the live synchronization schema of a job to a file.

    Sends GET .../servicePrincipals/{id}/synchronization/jobs/{job}/schema and writes the JSON with
    sorted keys, ready for `prov import` or review. With --all, lists the jobs of the service
    principal (GET .../synchronization/jobs) and imports each one.

    With --all and no service principal (no --service-principal, PROV_SERVICE_PRINCIPAL_ID, graph
    block or environment's service_principal), lists the tenant's service principals (GET
    .../servicePrincipals, needs Application.Read.All) and then the jobs of each one: Graph has no
    filter for the service principals with a provisioning job, so this is one request per service
    principal, at most 40 every 5 seconds (about 8 a second; progress on stderr). Each principal's
    jobs go to a sub-folder (its display name and the start of its id), and one prov.toml
    environment names each job's service principal and job id. Principals that answer 403 are
    counted and reported at the end.
    """
    if all_jobs and env_name:
        # --all writes the environment: --env names it; an existing one lends its settings
        from syncrules.project import ProjectProblem, select_environment

        found = select_environment(env_name, output_path or Path("."))
        environment = None if isinstance(found, ProjectProblem) else found
    else:
        environment = _environment(env_name, [prov_file], console)
        if isinstance(environment, int):
            return environment
    job = _load_job(prov_file, console, environment)
    if isinstance(job, int):
        return job
    if all_jobs:
        from syncrules.graph.bootstrap import pull_all

        if job_id is not None:
            console.err("error: --all lists the jobs itself; leave out --job")
            return EXIT_USAGE
        block = _block(job, environment)
        if given_service_principal(service_principal, os.environ, block) is None:
            return _pull_tenant(
                console,
                runtime,
                block=block,
                graph_url=graph_url,
                environment=environment,
                env_name=env_name,
                max_attempts=max_attempts,
                out_dir=output_path or Path("."),
            )
        settings = _settings(console, job, service_principal, "*", graph_url, environment)
        if isinstance(settings, int):
            return settings
        with open_client(
            settings,
            runtime,
            console.redact,
            console,
            max_attempts=max_attempts,
            env=_client_env(environment),
        ) as client:
            return pull_all(
                client,
                settings=settings,
                console=console,
                out_dir=output_path or Path("."),
                env_name=environment.name if environment is not None else (env_name or "imported"),
            )
    settings = _settings(console, job, service_principal, job_id, graph_url, environment)
    if isinstance(settings, int):
        return settings
    with open_client(
        settings,
        runtime,
        console.redact,
        console,
        max_attempts=max_attempts,
        env=_client_env(environment),
    ) as client:
        schema = client.get_schema()
    if isinstance(schema, GraphError):
        console.err(f"error: cannot read the live schema: {schema.message}")
        return EXIT_USAGE if schema.missing_dependency else EXIT_ERRORS
    text = schema_text(schema)
    if output_path is None or str(output_path) == "-":
        if console.redact.withholds(text):
            console.err(
                "error: the schema Graph sent back holds the access token (or another secret) "
                "in an encoded form; it is not shown"
            )
            return EXIT_ERRORS
        console.out(text.rstrip("\n"))
        return EXIT_OK
    if output_path.is_dir():
        console.err(f"error: {output_path} is a folder; give a file name (or --all)")
        return EXIT_USAGE
    problem = console.write_text(output_path, text)
    if problem is not None:
        console.err(f"error: {problem}")
        return EXIT_ERRORS
    console.out(f"wrote the live schema of job '{settings.job}' to {output_path}")
    return EXIT_OK


def _pull_tenant(
    console: Console,
    runtime: GraphRuntime,
    *,
    block: GraphConfig | None,
    graph_url: str | None,
    environment: Environment | None,
    env_name: str | None,
    max_attempts: int,
    out_dir: Path,
) -> int:
    """``pull --all`` without a service principal: every service principal of the tenant."""
    from syncrules.graph.bootstrap import pull_tenant

    url = resolve_url(graph_url, os.environ, block)
    if isinstance(url, ConfigProblem):
        console.err(f"error: {url.message}")
        return EXIT_USAGE
    # no principal or job yet: the client is pointed at each one in turn
    settings = GraphSettings(service_principal="", job="", url=url)
    with open_client(
        settings,
        runtime,
        console.redact,
        console,
        max_attempts=max_attempts,
        env=_client_env(environment),
    ) as client:
        return pull_tenant(
            client,
            url=url,
            console=console,
            out_dir=out_dir,
            env_name=environment.name if environment is not None else (env_name or "imported"),
        )


# ---- deploy ------------------------------------------------------------------------------------


@click.command("deploy", epilog=_CONNECTION_HELP)
@click.argument("path", required=False, type=_INPUT)
@_connection_options
@_max_attempts_option
@click.option(
    "--backup-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_BACKUP_DIR,
    show_default=True,
    help="Where the timestamped backup of the live schema is written.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; send nothing.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="With --dry-run: exit 0 when the live schema equals the compiled one, 2 when it "
    "differs, 1 on an error (for scheduled drift checks).",
)
@click.option(
    "--restore",
    "restore_path",
    metavar="BACKUP",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Put a backed-up schema (a file from --backup-dir or `prov pull`) back, with the "
    "same plan, confirmation and backup. PATH, if given, only names the job (graph block).",
)
@click.option(
    "--yes", is_flag=True, help="Do not ask for confirmation (needed without a terminal)."
)
@_run
def deploy_command(
    *,
    console: Console,
    runtime: GraphRuntime,
    path: Path | None,
    service_principal: str | None,
    job_id: str | None,
    graph_url: str | None,
    env_name: str | None,
    max_attempts: int,
    backup_dir: Path,
    dry_run: bool,
    detailed_exitcode: bool,
    restore_path: Path | None,
    yes: bool,
) -> int:
    """Compile PATH and replace the job's live schema with the merged result.

    Reads the live schema, merges in the compiled attribute mappings, scope, actions (flowTypes)
    and source extension attributes (everything else is kept), shows what would change, writes a
    timestamped backup of the live schema and replaces the schema with a raw PUT. A job with a
    `deletion threshold` also gets it written to its synchronization secrets
    (SyncNotificationSettings; no other secret is sent).

    \b
    prov deploy hr.prov --env prod --dry-run --detailed-exitcode   # drift: 0 same, 2 differs
    prov deploy --restore .prov-backups/JOB-20240501T123045Z.schema.json --env prod
    """
    if detailed_exitcode and not dry_run:
        console.err("error: --detailed-exitcode goes with --dry-run")
        return EXIT_USAGE
    if path is None and restore_path is None:
        console.err("error: give the .prov file to deploy (PATH), or --restore BACKUP")
        return EXIT_USAGE
    environment = _environment(env_name, [path, restore_path], console)
    if isinstance(environment, int):
        return environment
    if restore_path is not None:
        return _restore(
            restore_path,
            path,
            environment,
            console=console,
            runtime=runtime,
            options=(service_principal, job_id, graph_url),
            max_attempts=max_attempts,
            backup_dir=backup_dir,
            dry_run=dry_run,
            detailed_exitcode=detailed_exitcode,
            yes=yes,
        )
    assert path is not None
    compiled = _compile(path, console, environment)
    if isinstance(compiled, int):
        return compiled
    documents, jobs = compiled
    if len(documents) != 1:
        console.err(f"error: {path} compiles to {len(documents)} jobs; deploy one job at a time")
        return EXIT_USAGE
    name, document = documents[0]
    job = next((j for j in jobs if j.name == name), jobs[0] if len(jobs) == 1 else None)
    settings = _settings(console, job, service_principal, job_id, graph_url, environment)
    if isinstance(settings, int):
        return settings
    with open_client(
        settings,
        runtime,
        console.redact,
        console,
        max_attempts=max_attempts,
        env=_client_env(environment),
    ) as client:
        return deploy_document(
            document,
            client=client,
            settings=settings,
            console=console,
            runtime=runtime,
            dry_run=dry_run,
            yes=yes,
            backup_dir=backup_dir,
            detailed_exitcode=detailed_exitcode,
        )


def _restore(
    backup_path: Path,
    path: Path | None,
    environment: Environment | None,
    *,
    console: Console,
    runtime: GraphRuntime,
    options: tuple[str | None, str | None, str | None],
    max_attempts: int,
    backup_dir: Path,
    dry_run: bool,
    detailed_exitcode: bool,
    yes: bool,
) -> int:
    from syncrules.graph.deploy import restore_backup
    from syncrules.importer.decompile import ImportProblem, read_schema_file

    try:
        backup = read_schema_file(backup_path)
    except ImportProblem as exc:
        shown = str(exc) if exc.named else f"cannot read the backup {backup_path}: {exc}"
        console.err(f"error: {shown}")
        return EXIT_ERRORS
    if "schema" in backup and isinstance(backup.get("schema"), dict):
        backup = backup["schema"]  # a compiled document: its schema member
    if not isinstance(backup.get("synchronizationRules"), list):
        console.err(
            f"error: {backup_path} is not a synchronizationSchema (no synchronizationRules)"
        )
        return EXIT_ERRORS
    job = _load_job(path, console, environment)
    if isinstance(job, int):
        return job
    settings = _settings(console, job, *options, environment)
    if isinstance(settings, int):
        return settings
    with open_client(
        settings,
        runtime,
        console.redact,
        console,
        max_attempts=max_attempts,
        env=_client_env(environment),
    ) as client:
        return restore_backup(
            backup,
            client=client,
            settings=settings,
            console=console,
            runtime=runtime,
            dry_run=dry_run,
            yes=yes,
            backup_dir=backup_dir,
            detailed_exitcode=detailed_exitcode,
        )


# ---- upload ------------------------------------------------------------------------------------


#: The records to upload, read again from the start on each call (the input is a file).
Records = Callable[[], Iterator[Record]]


def _read_input(
    path: Path, job: Job | None, csv_reader: CsvReader | None, console: Console
) -> Records | int:
    if path.suffix.lower() != ".csv":
        return _rereadable(path, lambda: iter_records(path))
    if csv_reader is None:
        console.err("error: CSV input is not supported by this build (no `source csv` reader)")
        return EXIT_USAGE
    if job is None:
        console.err("error: CSV input needs --prov FILE: the job whose `source csv` block maps it")
        return EXIT_USAGE
    reader, job_ = csv_reader, job
    kept: list[ReadResult] = []  # a reader that returns all its records is called once

    def records() -> Iterator[Record]:
        result = kept[0] if kept else reader(path, job_)
        if isinstance(result, ReadResult):
            kept[:] = [result]
        return validate_records(result)

    return _rereadable(path, records)


def _rereadable(path: Path, records: Records) -> Records:
    """``records`` as is for a regular file (read again for each pass); the records of anything
    else (a FIFO, a device) are read once and kept, as it cannot be read twice."""
    try:
        regular = path.is_file()
    except OSError:
        regular = False
    if regular:
        return records
    kept: list[Record] = []
    done = False

    def once() -> Iterator[Record]:
        nonlocal done
        if not done:
            kept.extend(records())
            done = True
        return iter(kept)

    return once


def _nothing_to_send(console: Console, failed_records: int) -> int:
    """No user could be sent: a plain note when the input holds none, an error (stderr, exit 1)
    when every record failed."""
    if failed_records:
        console.err(f"error: no users to send: all {failed_records} records failed")
        return EXIT_ERRORS
    console.out("no users to send")
    return EXIT_OK


def upload_users(
    records: Records | ReadResult,
    *,
    console: Console,
    runtime: GraphRuntime,
    settings: GraphSettings | None,
    batch_size: int,
    max_attempts: int,
    dry_run: bool,
    out_dir: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Send (or, with ``dry_run``, write) the users in batches; report; return the exit code.

    The input is streamed: one request's users are held at a time. A dry run reads it once;
    sending reads it twice, first to report what cannot be sent and count the requests (they
    are numbered "n/total"), then to send."""
    if isinstance(records, ReadResult):
        read = records
        records = lambda: validate_records(read)  # noqa: E731
    if dry_run or settings is None:
        return _write_payloads(records(), console, batch_size, out_dir)
    users = failed_records = 0
    for record in records():
        if isinstance(record, RecordFailure):
            console.err(f"error: {record.origin}: {record.reason}")
            failed_records += 1
        else:
            users += 1
    if not users:
        return _nothing_to_send(console, failed_records)
    sent = failed_requests = 0
    total = -(-users // batch_size)
    with open_client(
        settings, runtime, console.redact, console, max_attempts=max_attempts, env=env
    ) as client:
        for batch in iter_batches(_users_only(records()), batch_size):
            label = f"request {batch.number}/{total}: {batch.size} operations"
            reply = client.bulk_upload(batch.payload)
            if isinstance(reply, GraphError):
                failed_requests += 1
                console.err(f"error: {label}: failed: {reply.message}")
                if reply.fatal:
                    rest = total - batch.number
                    if rest:
                        console.err(f"error: stopped: the remaining {rest} requests were not sent")
                    if reply.missing_dependency:
                        return EXIT_USAGE
                    break
                continue
            sent += batch.size
            location = reply.location or "(no Location header)"
            console.out(f"{label}: status {reply.status}; provisioning logs: {location}")
    console.out(
        f"sent {sent} of {users} users in {total - failed_requests} of {total} "
        "requests; "
        f"{failed_records} records failed before sending"
    )
    console.out(
        f"provisioning logs (they appear after 5-10 minutes): GET {settings.logs_query} "
        "(needs ProvisioningLog.Read.All)"
    )
    return EXIT_ERRORS if failed_records or failed_requests else EXIT_OK


def _users_only(records: Iterator[Record]) -> Iterator[UserRecord]:
    for record in records:
        if not isinstance(record, RecordFailure):
            yield record


def _write_payloads(
    records: Iterator[Record], console: Console, batch_size: int, out_dir: Path
) -> int:
    """The dry run, in one pass: what cannot be sent is reported as it comes."""
    users = failed_records = payloads = 0

    def users_only() -> Iterator[UserRecord]:
        nonlocal users, failed_records
        for record in records:
            if isinstance(record, RecordFailure):
                console.err(f"error: {record.origin}: {record.reason}")
                failed_records += 1
            else:
                users += 1
                yield record

    for batch in iter_batches(users_only(), batch_size):
        target = out_dir / f"payload-{batch.number:04d}.json"
        problem = console.write_text(target, payload_text(batch.payload))
        if problem is not None:
            console.err(f"error: {problem}")
            return EXIT_ERRORS
        payloads += 1
        console.out(f"wrote {target} ({batch.size} operations)")
    if not payloads:
        return _nothing_to_send(console, failed_records)
    console.out(
        f"dry run: {users} users in {payloads} payloads, nothing sent; "
        f"{failed_records} records failed"
    )
    return EXIT_ERRORS if failed_records else EXIT_OK


def make_upload_command(csv_reader: CsvReader | None = None) -> click.Command:
    """The ``upload`` command; ``csv_reader`` maps CSV input with the job's ``source csv`` block."""

    @click.command("upload", epilog=_CONNECTION_HELP)
    @click.argument("file", type=_INPUT)
    @click.option(
        "--prov",
        "prov_file",
        type=_INPUT,
        help="The job's .prov file: its graph { } block and, for CSV input, its source csv block.",
    )
    @_connection_options
    @_max_attempts_option
    @click.option(
        "--batch-size",
        type=click.IntRange(1, MAX_OPERATIONS),
        default=MAX_OPERATIONS,
        show_default=True,
        help="Operations per bulkUpload request (Graph allows at most 50).",
    )
    @click.option("--dry-run", is_flag=True, help="Write the payloads to files instead of sending.")
    @click.option(
        "--out-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_PAYLOAD_DIR,
        show_default=True,
        help="Where --dry-run writes payload-0001.json, payload-0002.json, ...",
    )
    @_run
    def upload_command(
        *,
        console: Console,
        runtime: GraphRuntime,
        file: Path,
        prov_file: Path | None,
        service_principal: str | None,
        job_id: str | None,
        graph_url: str | None,
        env_name: str | None,
        max_attempts: int,
        batch_size: int,
        dry_run: bool,
        out_dir: Path,
    ) -> int:
        """Send the SCIM users in FILE to the job's bulkUpload endpoint.

        FILE is a SCIM BulkRequest JSON, a JSON Lines file with one SCIM user per line, or a CSV
        mapped by the job's source csv block (--prov). Users go in requests of at most 50
        operations, within Graph's rate limit (40 calls per 5 seconds), honouring 429 Retry-After
        and retrying transient failures. A bad record fails alone; the others are sent.
        """
        why = unreadable(file)
        if why is not None:  # as `prov run --input` says it
            console.err(f"error: cannot read {file}: {why}")
            return EXIT_ERRORS
        environment = _environment(env_name, [prov_file], console)
        if isinstance(environment, int):
            return environment
        job = _load_job(prov_file, console, environment)
        if isinstance(job, int):
            return job
        settings: GraphSettings | None = None
        if not dry_run:
            resolved = _settings(console, job, service_principal, job_id, graph_url, environment)
            if isinstance(resolved, int):
                return resolved
            settings = resolved
        records = _read_input(file, job, csv_reader, console)
        if isinstance(records, int):
            return records
        return upload_users(
            records,
            console=console,
            runtime=runtime,
            settings=settings,
            batch_size=batch_size,
            max_attempts=max_attempts,
            dry_run=dry_run,
            out_dir=out_dir,
            env=_client_env(environment),
        )

    return upload_command


def register(group: click.Group, *, csv_reader: CsvReader | None = None) -> None:
    """Add ``pull``, ``deploy`` and ``upload`` to ``group``."""
    group.add_command(pull_command)
    group.add_command(deploy_command)
    group.add_command(make_upload_command(csv_reader))
