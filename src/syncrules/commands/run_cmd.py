"""`prov run` (a whole provisioning cycle offline) and `prov directory import|export`.

Exit codes of `prov run`: 0 the cycle ran (records that failed are data in the log, not a
failed command); 1 the rules have errors, the input is unreadable or not of its kind, or the
directory cannot be used; 2 usage; 3 internal error.

Output: ``--format text`` prints one line per record and the summary table on stdout (a rich
table on a terminal, with a progress bar on stderr while it runs); ``--format json`` prints the
log records as JSON Lines on stdout and nothing else (the summary goes to stderr). ``--output
FILE`` writes the JSON Lines log to FILE instead of stdout in json mode, and in addition to the
text lines in text mode.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import click

from syncrules.commands.environment import env_option, resolve_environment
from syncrules.commands.textio import prepare_parent, printable, quoted, require_text
from syncrules.output import EXIT_ERRORS, err, out, write_atomic
from syncrules.run.directory import DEFAULT_PATH
from syncrules.run.log import LogRecord

_directory_option = click.option(
    "--directory",
    "directory",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_PATH,
    show_default=True,
    help="The target directory (a SQLite file).",
)


class _Sink:
    """Writes records as they come: JSON Lines to a file/stdout, text lines to stdout (both in
    chunks). It reads a record only through ``line``, ``text`` and ``data``, so a run may hand
    it sealed records (``takes_sealed``: see ``run.runner.HeldRecords``)."""

    takes_sealed = True

    def __init__(self, fmt: str, output: IO[bytes] | None) -> None:
        self.fmt = fmt
        self.output = output
        self.buffer: list[str] = []
        self.lines: list[bytes] = []

    def __call__(self, record: LogRecord) -> None:
        if self.output is not None:
            self.lines.append(record.line())
            if len(self.lines) >= 256:
                self._write()
        elif self.fmt == "json":
            self.buffer.append(record.text())
        if self.fmt == "text":
            from syncrules.run.report import record_line

            self.buffer.append(printable(record_line(record.data())))
        if len(self.buffer) >= 256:
            self.flush()

    def _write(self) -> None:
        if self.output is not None and self.lines:
            self.lines.append(b"")
            self.output.write(b"\n".join(self.lines))
            self.lines = []

    def flush(self) -> None:
        self._write()
        if self.buffer:
            out("\n".join(self.buffer))
            self.buffer = []


def _load_job(rules: Path, job_name: str | None, params: Any = None) -> Any:
    from syncrules.api import check_paths
    from syncrules.diagnostics.render import render_text

    result = check_paths([rules], params)
    if result.diagnostics:
        err(render_text(result.diagnostics, dict(result.sources)))
    if not result.ok:
        sys.exit(EXIT_ERRORS)
    jobs = result.compiled_jobs()
    names = ", ".join(repr(j.name) for j in jobs) or "none"
    if job_name is not None:
        jobs = [j for j in jobs if j.name == job_name]
        if not jobs:  # a bad option value, as an unknown --env: a usage error
            raise click.BadParameter(
                f"{rules} has no job {quoted(job_name)} (jobs: {names})", param_hint="'--job'"
            )
    if len(jobs) != 1:
        what = "no job" if not jobs else f"{len(jobs)} jobs"
        err(f"error: {rules} holds {what} to run (jobs: {names}); name one with --job")
        sys.exit(EXIT_ERRORS)
    return jobs[0]


@click.command(name="run")
@click.argument("rules", type=click.Path(path_type=Path, readable=False))
@click.option(
    "--input",
    "input_path",
    required=True,
    type=click.Path(path_type=Path, readable=False),
    help="Operations: a BulkRequest .json, SCIM users .jsonl/.ndjson, or a .csv; "
    "- reads standard input (with --input-format).",
)
@click.option(
    "--input-format",
    type=click.Choice(["bulk", "jsonl", "csv"]),
    help="Override the format detected from the extension.",
)
@_directory_option
@click.option("--apply", is_flag=True, help="Write the changes (default: a plan, nothing written).")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the JSON Lines provisioning log to this file.",
)
@click.option(
    "--now",
    metavar="ISO-8601",
    help="The cycle's clock (Now(), dates without a year, activityDateTime).",
)
@click.option("--seed", type=int, help="Seed for RandomString and Guid.")
@click.option("--default-domain", metavar="DOMAIN", help="The tenant's default domain.")
@click.option("--job", "job_name", help="The job to run when RULES holds several.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Operations per committed transaction with --apply (changes are buffered and "
    "written in bulk at each commit).",
)
@env_option
def run(
    rules: Path,
    input_path: Path,
    input_format: str | None,
    directory: Path,
    apply: bool,
    fmt: str,
    output: Path | None,
    now: str | None,
    seed: int | None,
    default_domain: str | None,
    job_name: str | None,
    batch_size: int,
    env_name: str | None,
) -> None:
    """Run a whole provisioning cycle offline: one log record per input operation.

    \b
    prov run hr.prov --input users.csv                 # a plan: what would happen
    prov run hr.prov --input users.csv --apply         # write .prov/directory.sqlite
    prov run hr.prov --input bulk.json --format json   # provisioning log as JSON Lines

    A bad operation (invalid JSON line, CSV row, lone surrogate, NaN, a value the source schema
    cannot take, a regular expression that runs out of time, a Replace that would build more
    than 65,536 characters, ...) fails alone with its reason; the rest are processed. With
    --apply, changes are committed every --batch-size operations, so an interrupted run leaves
    the directory consistent and a rerun converges; log records are written once their batch
    is committed. A --directory file that is not a syncrules directory is refused unchanged.

    Exit 0 when the cycle ran (failed records are data in the log); 1 bad rules, unreadable
    input or directory; 2 usage.
    """
    from syncrules.commands.eval_cmd import parse_now
    from syncrules.run.inputs import InputProblem, detect_format, is_stdin
    from syncrules.run.report import summary_rich, summary_text
    from syncrules.run.runner import RunProblem, RunRequest, run_job

    if is_stdin(input_path) and input_format is None:  # a flag is missing: a usage error
        problem = detect_format(input_path, input_format)
        assert isinstance(problem, InputProblem)
        raise click.UsageError(problem.message)
    moment = parse_now(now) or datetime.now(UTC)
    require_text(default_domain, "--default-domain")
    environment = resolve_environment(env_name, [rules])
    if environment is not None and default_domain is None:
        default_domain = environment.default_domain
    job = _load_job(rules, job_name, environment.param_values() if environment else None)
    handle: IO[bytes] | None = None
    if output is not None:
        unwritable = prepare_parent(output)
        if unwritable is not None:
            err(f"error: cannot write {output}: {unwritable}")
            sys.exit(EXIT_ERRORS)
        try:
            handle = output.open("wb")
        except OSError as exc:
            err(f"error: cannot write {output}: {exc.strerror}")
            sys.exit(EXIT_ERRORS)
    sink = _Sink(fmt, handle)
    request = RunRequest(
        job=job,
        input_path=input_path,
        directory=directory,
        now=moment,
        input_format=input_format,
        apply=apply,
        seed=seed,
        default_domain=default_domain,
        batch_size=batch_size,
    )
    interactive = fmt == "text" and sys.stdout.isatty() and sys.stderr.isatty()
    try:
        if interactive:
            result = _run_with_progress(request, sink, run_job)
        else:
            result = run_job(request, sink)
    finally:
        sink.flush()
        if handle is not None:
            handle.close()
    if isinstance(result, RunProblem):
        err(f"error: {result.message}")
        sys.exit(EXIT_ERRORS)
    if fmt == "json":
        err(summary_text(result))
    elif interactive:
        from rich.console import Console

        Console().print(summary_rich(result))
    else:
        out(summary_text(result))


def _run_with_progress(request: Any, sink: _Sink, run_job: Any) -> Any:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}: {task.completed}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("operations", total=None)

        def advance(count: int) -> None:
            if count % 500 == 0:
                sink.flush()
                bar.update(task, completed=count)

        return run_job(request, sink, advance)


@click.group(name="directory")
def directory() -> None:
    """The offline target directory `prov run` provisions into (a SQLite file)."""


@directory.command(name="import")
# A folder or an unreadable file is reported by the command (exit 1), like other bad input.
@click.argument("file", type=click.Path(path_type=Path, readable=False))
@_directory_option
@click.option("--merge", is_flag=True, help="Add/replace users by _id instead of replacing all.")
def import_(file: Path, directory: Path, merge: bool) -> None:
    """Load users from a JSON array ({attributes..., "_id", "_anchor"}); replaces the directory."""
    from syncrules.run.directory import (
        DirectoryError,
        ImportProblem,
        Store,
        TargetUser,
        check_import,
        iter_import,
    )
    from syncrules.safeio import refusal

    # Streamed: a first pass checks the whole file (as a whole parse would, same messages) and
    # counts the users; the second writes them a user at a time, in one transaction. Standard
    # input (-) cannot be read twice: it is read once and kept. FIFOs and devices are refused.
    users: Iterable[TargetUser]
    refused = refusal(file) if str(file) != "-" else None
    if refused is not None:
        err(f"error: cannot read {file}: {refused}")
        sys.exit(EXIT_ERRORS)
    try:
        regular = file.is_file()
    except OSError:
        regular = False
    if regular:
        count = check_import(file, str(file))
        if isinstance(count, str):
            err(f"error: {count}")
            sys.exit(EXIT_ERRORS)
    else:
        try:
            users = list(iter_import(file, str(file)))
        except ImportProblem as exc:
            err(f"error: {exc}")
            sys.exit(EXIT_ERRORS)
        count = len(users)
    try:
        store = Store.open(directory, writable=True)
    except DirectoryError as exc:
        err(f"error: {exc}")
        sys.exit(EXIT_ERRORS)
    try:
        if regular:
            users = iter_import(file, str(file))
        store.upsert_all(users) if merge else store.replace_all(users)
        total = store.count()
    except ImportProblem as exc:  # the file changed between the passes; rolled back
        err(f"error: {exc} (nothing imported)")
        sys.exit(EXIT_ERRORS)
    except sqlite3.Error as exc:  # rolled back by upsert_all / replace_all
        err(f"error: cannot write the directory {directory}: SQLite: {exc} (nothing imported)")
        sys.exit(EXIT_ERRORS)
    finally:
        store.close()
    err(f"imported {count} user{'s' if count != 1 else ''} into {directory} ({total} in total)")


@directory.command(name="export")
@_directory_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file instead of stdout.",
)
def export(directory: Path, output: Path | None) -> None:
    """Print the directory as a sorted JSON array of users (attributes, "_id", "_anchor").

    With -o, the file is replaced through a temporary file and a rename: a failure (a full
    disk) leaves the previous export as it was.
    """
    from syncrules.run.directory import DirectoryError, Store

    if not directory.exists():
        err(
            f"error: no directory at {directory} (run `prov run ... --apply` or "
            "`prov directory import` first)"
        )
        sys.exit(EXIT_ERRORS)
    try:
        store = Store.open(directory, writable=False)
    except DirectoryError as exc:
        err(f"error: {exc}")
        sys.exit(EXIT_ERRORS)
    # Streamed, a user at a time. To a file: through a temporary file that replaces it at the
    # end, so a failure leaves no half-written export.
    try:
        if output is None:
            for chunk in _grouped(store.export_chunks()):
                out(chunk, nl=False)
        else:
            try:
                write_atomic(output, _grouped(store.export_chunks()))
            except OSError as exc:
                err(f"error: cannot write {output}: {exc.strerror}; nothing was changed")
                sys.exit(EXIT_ERRORS)
    except sqlite3.Error as exc:
        err(f"error: cannot read the directory {directory}: SQLite: {exc}")
        sys.exit(EXIT_ERRORS)
    finally:
        store.close()


def _grouped(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Small pieces joined into writes of about ``size`` characters."""
    held: list[str] = []
    length = 0
    for chunk in chunks:
        held.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)
