"""``prov pull --all``: a rules repository from the jobs of a service principal.

Contract: ``pull_all(client, ...)`` lists the synchronization jobs of the settings' service
principal (``GET /servicePrincipals/{id}/synchronization/jobs``), reads each job's schema, and
writes, under ``out_dir``, one ``<job>.prov`` (and its ``<job>.preserve.json``) per job exactly as
``prov import`` writes them, plus a ``prov.toml`` environment that says where they came from
(Graph URL, service principal, and each job's id under its job name). Existing files are never
overwritten: a job whose files exist is skipped with a message, and when ``prov.toml`` exists the
environment is printed for the user to add. Returns an exit code (0 all written, 1 any failure).

Jobs of other kinds (Cloud Sync, gallery apps) are reported and skipped: ``prov import`` refuses
their schemas. Listing the jobs of a whole tenant is not done: Graph has no documented query for
"service principals with a synchronization job", so the service principal is required.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from syncrules.graph.client import GraphClient, GraphError
from syncrules.graph.config import GraphSettings
from syncrules.graph.session import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Console


def _toml_string(value: str) -> str:
    # json.dumps gives a valid TOML basic string for any text (\uXXXX escapes are TOML too)
    return json.dumps(value, ensure_ascii=False)


def environment_toml(env_name: str, settings: GraphSettings, jobs: list[tuple[str, str]]) -> str:
    """The ``[environments.<name>]`` tables for the pulled jobs (name, id), sorted by name."""
    key = _toml_string(env_name)
    lines = [
        f"[environments.{key}]",
        f"graph = {{ service_principal = {_toml_string(settings.service_principal)}, "
        f"url = {_toml_string(settings.url)} }}",
    ]
    for name, job_id in sorted(jobs):
        lines.append("")
        lines.append(f"[environments.{key}.jobs.{_toml_string(name)}]")
        lines.append(f"job = {_toml_string(job_id)}")
    return "\n".join(lines) + "\n"


def pull_all(
    client: GraphClient,
    *,
    settings: GraphSettings,
    console: Console,
    out_dir: Path,
    env_name: str,
) -> int:
    """See the module docstring."""
    from syncrules.api import compile_paths, slug
    from syncrules.importer.decompile import ImportProblem, decompile

    if out_dir.exists() and not out_dir.is_dir():
        console.err(f"error: {out_dir} is a file; --all writes a folder")
        return EXIT_USAGE
    listed = client.list_jobs()
    if isinstance(listed, GraphError):
        console.err(f"error: cannot list the jobs: {listed.message}")
        return EXIT_USAGE if listed.missing_dependency else EXIT_FAILED
    if not listed:
        console.out(f"no synchronization jobs on service principal '{settings.service_principal}'")
        return EXIT_OK
    failed = False
    written: list[tuple[str, str]] = []
    for item in sorted(listed, key=lambda j: str(j.get("id"))):
        job_id = item.get("id")
        if not isinstance(job_id, str) or not job_id:
            console.err("error: a listed job has no id; skipped")
            failed = True
            continue
        schema = GraphClient.get_schema(_for_job(client, settings, job_id))
        if isinstance(schema, GraphError):
            console.err(f"error: job '{job_id}': cannot read its schema: {schema.message}")
            failed = True
            continue
        doc: dict[str, Any] = {"schema": schema}
        # The job is named by its id: unique and stable (rule names repeat across jobs, and a
        # job has no display name of its own). Rename it freely, then its prov.toml entry too.
        name = job_id
        stem = slug(name)
        target = out_dir / f"{stem}.prov"
        preserve = out_dir / f"{stem}.preserve.json"
        if target.exists() or preserve.exists():
            console.err(f"skipped: job '{job_id}': {target} or {preserve.name} exists")
            failed = True
            continue
        try:
            imported = decompile(doc, f"job {job_id}", preserve.name, name)
        except ImportProblem as exc:
            console.err(f"skipped: job '{job_id}': {exc}")
            failed = True
            continue
        text = json.dumps(imported.preserve, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        for path, content in ((preserve, text), (target, imported.text)):
            problem = console.write_text(path, content, exclusive=True)
            if problem is not None:
                console.err(f"error: {problem}")
                return EXIT_FAILED
        checked = compile_paths([target], None, ("json",))
        note = "" if checked.ok else " (it does not check clean: run prov check on it)"
        failed = failed or not checked.ok
        console.out(f"wrote {target} for job '{job_id}'{note}")
        written.append((name, job_id))
    if written:
        toml = environment_toml(env_name, settings, written)
        project = out_dir / "prov.toml"
        if project.exists():
            console.out(f"{project} exists; add this environment to it:")
            console.out(toml.rstrip("\n"))
        else:
            problem = console.write_text(project, toml, exclusive=True)
            if problem is not None:
                console.err(f"error: {problem}")
                return EXIT_FAILED
            console.out(f"wrote {project} (environment '{env_name}')")
    return EXIT_FAILED if failed else EXIT_OK


def _for_job(client: GraphClient, settings: GraphSettings, job_id: str) -> GraphClient:
    """The same client (connection, limiter, tokens) pointed at another job of the principal."""
    client.settings = GraphSettings(
        service_principal=settings.service_principal, job=job_id, url=settings.url
    )
    return client
