"""``prov pull --all``: a rules repository from the jobs of a service principal, or of a tenant.

Contract:
- ``pull_all(client, ...)`` lists the synchronization jobs of the settings' service principal
  (``GET /servicePrincipals/{id}/synchronization/jobs``), reads each job's schema, and writes,
  under ``out_dir``, one ``<job>.prov`` (and its ``<job>.preserve.json``) per job exactly as
  ``prov import`` writes them, plus a ``prov.toml`` environment that says where they came from
  (Graph URL, service principal, and each job's id under its job name).
- ``pull_tenant(client, ...)`` does the same for every service principal of the tenant: it lists
  them (``GET /servicePrincipals?$select=id,appId,displayName&$top=999``, following the next
  links), then lists the jobs of each one. Graph has no documented filter for "service principals
  with a synchronization job", so this is one request per service principal, within the client's
  rate limit and retries, with progress on stderr every ``PROGRESS_EVERY`` principals. A principal
  answering 404 or an empty list has no jobs; one answering 403 is counted and reported at the end
  (a missing permission stays visible; when every principal answers 403 it is a failure). The
  files of each principal's jobs go to a sub-folder named after it (a slug of its display name
  and the start of its id: unique and stable), and one ``prov.toml`` environment at ``out_dir``
  carries the Graph URL and, for each job, its service principal and job id.

Both: principals and jobs are handled in the order of their ids (the output does not depend on
Graph's order). Existing files are never overwritten: a job whose files exist is skipped with a
message, and when ``prov.toml`` exists the environment is printed for the user to add. Jobs of other
kinds (Cloud Sync, gallery apps) are reported and skipped: ``prov import`` refuses their schemas.
Each returns an exit code (0 all written, 1 any failure, 2 usage: a file where the folder goes,
azure-identity missing).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncrules.graph.client import GraphClient, GraphError
from syncrules.graph.config import GraphSettings
from syncrules.graph.session import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Console

#: ``pull_tenant`` reports its progress on stderr after this many service principals.
PROGRESS_EVERY = 100
#: How many of the principals that answered 403 are named in the final warning.
DENIED_SHOWN = 5
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class PulledJob:
    """A job written by ``pull --all``: its name in the .prov file and where it lives."""

    name: str
    service_principal: str
    job: str

    @property
    def stem(self) -> str:
        """The file name of its .prov and .preserve.json, less the suffix: from the job id (the
        name differs only to stay unique across principals, whose folders differ already)."""
        from syncrules.api import slug

        return slug(self.job)


def _toml_string(value: str) -> str:
    # json.dumps gives a valid TOML basic string for any text (\uXXXX escapes are TOML too)
    return json.dumps(value, ensure_ascii=False)


def environment_toml(
    env_name: str,
    url: str,
    jobs: Sequence[PulledJob],
    *,
    service_principal: str | None = None,
) -> str:
    """The ``[environments.<name>]`` tables for the pulled jobs, sorted by name.

    With ``service_principal`` (all jobs are its own), the ``graph`` table names it and each job
    table carries the job id alone; without it (a tenant), each job table carries both."""
    key = _toml_string(env_name)
    graph = f"url = {_toml_string(url)}"
    if service_principal is not None:
        graph = f"service_principal = {_toml_string(service_principal)}, {graph}"
    lines = [f"[environments.{key}]", f"graph = {{ {graph} }}"]
    for job in sorted(jobs, key=lambda j: j.name):
        lines.append("")
        lines.append(f"[environments.{key}.jobs.{_toml_string(job.name)}]")
        if service_principal is None:
            lines.append(f"service_principal = {_toml_string(job.service_principal)}")
        lines.append(f"job = {_toml_string(job.job)}")
    return "\n".join(lines) + "\n"


def pull_all(
    client: GraphClient,
    *,
    settings: GraphSettings,
    console: Console,
    out_dir: Path,
    env_name: str,
) -> int:
    """The jobs of one service principal; see the module docstring."""
    if out_dir.exists() and not out_dir.is_dir():
        console.err(f"error: {out_dir} is a file; --all writes a folder")
        return EXIT_USAGE
    sp = settings.service_principal
    listed = client.list_jobs()
    if isinstance(listed, GraphError):
        console.err(f"error: cannot list the jobs: {listed.message}")
        return EXIT_USAGE if listed.missing_dependency else EXIT_FAILED
    if not listed:
        console.out(f"no synchronization jobs on service principal '{sp}'")
        return EXIT_OK
    failed = False
    written: list[PulledJob] = []
    for job_id in _job_ids(listed, console):
        if job_id is None:
            failed = True
            continue
        # The job is named by its id: unique and stable (rule names repeat across jobs, and a
        # job has no display name of its own). Rename it freely, then its prov.toml entry too.
        pulled = PulledJob(job_id, sp, job_id)
        outcome = _import_job(client, settings.url, pulled, out_dir, console)
        if outcome is _Outcome.STOP:
            return EXIT_FAILED
        failed = failed or outcome is not _Outcome.WRITTEN
        if outcome is not _Outcome.FAILED:
            written.append(pulled)
    toml = environment_toml(env_name, settings.url, written, service_principal=sp)
    if written and not _write_project(out_dir, toml, env_name, console):
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def pull_tenant(
    client: GraphClient,
    *,
    url: str,
    console: Console,
    out_dir: Path,
    env_name: str,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """The jobs of every service principal of the tenant; see the module docstring."""
    if out_dir.exists() and not out_dir.is_dir():
        console.err(f"error: {out_dir} is a file; --all writes a folder")
        return EXIT_USAGE
    listed = client.list_service_principals()
    if isinstance(listed, GraphError):
        console.err(f"error: cannot list the service principals: {listed.message}")
        return EXIT_USAGE if listed.missing_dependency else EXIT_FAILED
    failed = False
    principals: dict[str, str] = {}  # id -> display name
    for item in listed:
        sp_id = item.get("id")
        if not isinstance(sp_id, str) or not sp_id.strip():
            console.err("error: a listed service principal has no id; skipped")
            failed = True
            continue
        name = item.get("displayName")
        principals[sp_id] = name if isinstance(name, str) else ""
    total = len(principals)
    console.err(
        f"{total} service principals; reading the synchronization jobs of each (one request "
        "per service principal: Graph cannot list only those with a provisioning job)"
    )
    found: list[tuple[str, str, list[dict[str, Any]]]] = []
    denied: list[tuple[str, str, GraphError]] = []
    for done, sp_id in enumerate(sorted(principals), start=1):
        jobs = _for_job(client, url, sp_id, "*").list_jobs()
        if isinstance(jobs, GraphError):
            if jobs.status == 403:
                denied.append((sp_id, principals[sp_id], jobs))
            elif jobs.status != 404:
                console.err(
                    f"error: cannot list the jobs of service principal "
                    f"{_principal(principals[sp_id], sp_id)}: {jobs.message}"
                )
                if jobs.fatal or jobs.missing_dependency:
                    # the token, the server or the reply: the next principals would fail alike
                    console.err(f"error: stopped after {done} of {total} service principals")
                    return EXIT_USAGE if jobs.missing_dependency else EXIT_FAILED
                failed = True
        elif jobs:
            found.append((sp_id, principals[sp_id], jobs))
        if done % progress_every == 0:
            console.err(
                f"checked {done} of {total} service principals "
                f"({len(found)} with synchronization jobs)"
            )
    if denied:
        failed = _report_denied(denied, total, console) or failed
    if not found:
        console.out(f"no synchronization jobs on the {total} service principals of the tenant")
        return EXIT_FAILED if failed else EXIT_OK
    written: list[PulledJob] = []
    folders: set[str] = set()
    names: set[str] = set()
    job_count = 0
    for sp_id, display, jobs in found:
        folder = _folder_name(display, sp_id, folders)
        console.out(
            f"service principal {_principal(display, sp_id)}: {len(jobs)} job(s) "
            f"in {out_dir / folder}"
        )
        for job_id in _job_ids(jobs, console):
            job_count += 1
            if job_id is None:
                failed = True
                continue
            # named by the job id, as for one principal; the rare id that two principals share
            # takes the folder's name too, so that prov.toml's job names stay unique
            name = job_id if job_id not in names else f"{job_id} ({folder})"
            names.add(name)
            pulled = PulledJob(name, sp_id, job_id)
            outcome = _import_job(client, url, pulled, out_dir / folder, console)
            if outcome is _Outcome.STOP:
                return EXIT_FAILED
            failed = failed or outcome is not _Outcome.WRITTEN
            if outcome is not _Outcome.FAILED:
                written.append(pulled)
    console.out(
        f"pulled {len(written)} of {job_count} jobs of {len(found)} service principals "
        f"({total} checked)"
    )
    if written and not _write_project(
        out_dir, environment_toml(env_name, url, written), env_name, console
    ):
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


# ---- helpers -----------------------------------------------------------------------------------


class _Outcome(enum.Enum):
    WRITTEN = "written"  # the files were written and check clean
    UNCHECKED = "unchecked"  # written, but they do not check clean (a failure, still listed)
    FAILED = "failed"  # nothing written for this job (reported)
    STOP = "stop"  # a file could not be written: stop


def _job_ids(listed: list[dict[str, Any]], console: Console) -> list[str | None]:
    """The listed jobs' ids in order (None, after a message, for a job without an id)."""
    ids: list[str | None] = []
    for item in listed:
        job_id = item.get("id")
        if isinstance(job_id, str) and job_id:
            ids.append(job_id)
        else:
            console.err("error: a listed job has no id; skipped")
            ids.append(None)
    return sorted(ids, key=lambda i: (i is None, i or ""))


def _import_job(
    client: GraphClient, url: str, job: PulledJob, folder: Path, console: Console
) -> _Outcome:
    """Read one job's schema and write its ``.prov`` and ``.preserve.json`` into ``folder``."""
    from syncrules.api import compile_paths
    from syncrules.importer.decompile import ImportProblem, decompile

    job_id = job.job
    schema = GraphClient.get_schema(_for_job(client, url, job.service_principal, job_id))
    if isinstance(schema, GraphError):
        console.err(f"error: job '{job_id}': cannot read its schema: {schema.message}")
        return _Outcome.FAILED
    doc: dict[str, Any] = {"schema": schema}
    target = folder / f"{job.stem}.prov"
    preserve = folder / f"{job.stem}.preserve.json"
    if target.exists() or preserve.exists():
        console.err(f"skipped: job '{job_id}': {target} or {preserve.name} exists")
        return _Outcome.FAILED
    try:
        imported = decompile(doc, f"job {job_id}", preserve.name, job.name)
    except ImportProblem as exc:
        console.err(f"skipped: job '{job_id}': {exc}")
        return _Outcome.FAILED
    text = json.dumps(imported.preserve, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for path, content in ((preserve, text), (target, imported.text)):
        problem = console.write_text(path, content, exclusive=True)
        if problem is not None:
            console.err(f"error: {problem}")
            return _Outcome.STOP
    checked = compile_paths([target], None, ("json",))
    note = "" if checked.ok else " (it does not check clean: run prov check on it)"
    console.out(f"wrote {target} for job '{job_id}'{note}")
    return _Outcome.WRITTEN if checked.ok else _Outcome.UNCHECKED


def _write_project(out_dir: Path, toml: str, env_name: str, console: Console) -> bool:
    """Write ``out_dir/prov.toml``, or print the environment when the file exists; False when
    it could not be written."""
    project = out_dir / "prov.toml"
    if project.exists():
        console.out(f"{project} exists; add this environment to it:")
        console.out(toml.rstrip("\n"))
        return True
    problem = console.write_text(project, toml, exclusive=True)
    if problem is not None:
        console.err(f"error: {problem}")
        return False
    console.out(f"wrote {project} (environment '{env_name}')")
    return True


def _report_denied(denied: list[tuple[str, str, GraphError]], total: int, console: Console) -> bool:
    """Say which principals answered 403; True (a failure) when all of them did."""
    shown = ", ".join(_principal(name, sp_id) for sp_id, name, _ in denied[:DENIED_SHOWN])
    more = f" and {len(denied) - DENIED_SHOWN} more" if len(denied) > DENIED_SHOWN else ""
    everyone = len(denied) == total
    console.err(
        f"{'error' if everyone else 'warning'}: {len(denied)} of {total} service principals "
        f"answered 403 to the list of their synchronization jobs ({shown}{more}); their jobs, "
        f"if any, were not pulled: {denied[0][2].message}"
    )
    return everyone


def _principal(display: str, sp_id: str) -> str:
    """``'<display name>' (<id>)`` for a message: control characters escaped (the names come
    from the tenant), a long name cut short."""

    def clean(text: str) -> str:
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text[:120])

    return f"'{clean(display)}' ({clean(sp_id)})" if display else f"'{clean(sp_id)}'"


def _folder_name(display: str, sp_id: str, used: set[str]) -> str:
    """``<slug of the display name>-<first 8 characters of the id>``: stable, and unique among
    ``used`` (the full id, then a number, when that is taken); added to ``used``."""
    from syncrules.api import slug

    base = slug(display)[:48].strip("-") if re.search(r"[A-Za-z0-9]", display) else ""
    base = base or "service-principal"
    plain_id = re.sub(r"[^A-Za-z0-9-]+", "", sp_id).lower().strip("-") or "id"
    candidates = [f"{base}-{plain_id[:8].strip('-')}", f"{base}-{plain_id[:64]}"]
    candidates += [f"{base}-{plain_id[:64]}-{n}" for n in range(2, len(used) + 3)]
    name = next(c for c in candidates if c not in used)
    used.add(name)
    return name


def _for_job(client: GraphClient, url: str, service_principal: str, job_id: str) -> GraphClient:
    """The same client (connection, limiter, tokens) pointed at another job or principal."""
    client.settings = GraphSettings(service_principal=service_principal, job=job_id, url=url)
    return client
