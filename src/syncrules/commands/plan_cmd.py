"""`prov plan OLD NEW`: what changes between two versions of a job, and what it does to records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from syncrules.output import EXIT_CHANGED, EXIT_ERRORS, EXIT_OK, err, out


@click.command(name="plan")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path, exists=True),
    help="SCIM users or bulk payloads (a .json file or a folder of them) to evaluate with both "
    "versions (default: the new job's <job>.fixtures/ folder).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--now", metavar="ISO-8601",
              help="The clock for fixture records (Now()); default 2025-01-01T00:00:00Z.")
@click.option("--seed", type=int, help="Seed for RandomString and Guid; default 0.")
@click.option("--default-domain", metavar="DOMAIN",
              help="The tenant's default domain (DefaultDomain()).")
@click.option(
    "--env",
    "env_names",
    metavar="NAME",
    multiple=True,
    help="An environment of the project file for both sides; given twice, the first is OLD's "
    "and the second NEW's (with one PATH: the same job in two environments) "
    "[env var: PROV_ENV].",
)
def plan(
    old: str,
    new: str | None,
    fixtures: Path | None,
    fmt: str,
    now: str | None,
    seed: int | None,
    default_domain: str | None,
    env_names: tuple[str, ...],
) -> None:
    """Compare two versions of a job: .prov files or folders, compiled JSON, or git REV:path.

    \b
    REV:path names a file or folder in a git revision; the path is relative to the current
    folder (HEAD:examples/contoso-hr/contoso-hr.prov from the repository root,
    HEAD:contoso-hr.prov from examples/contoso-hr/).

    \b
    Shows mappings added, removed or changed, scoping groups, actions, matching and extension
    attributes, then the records of the fixtures whose scope, action or attribute values change.
    Exit codes as `terraform plan -detailed-exitcode`: 0 no change, 1 error, 2 changes. A fixture
    entry that cannot be evaluated (not a JSON object) is an error named with its position (exit
    1); the plan of the other records is still shown.

    Each fixture file's records are one cycle of `prov run` against an empty in-memory directory
    (matching, UPN collisions, references), with --now, --seed and --default-domain; a fixture
    file's own "context" wins over them.

    \b
    prov plan --env test --env prod hr.prov   # what differs between two environments
    """
    from syncrules.backends.jobconfig.merge import render_changes
    from syncrules.commands.environment import resolve_environment
    from syncrules.commands.eval_cmd import parse_now
    from syncrules.commands.textio import require_text
    from syncrules.diagnostics.render import render_text
    from syncrules.plan.diff import make_plan
    from syncrules.plan.sides import SideError, SideLoadDiagnostics, load_side
    from syncrules.testing.fixtures import FixtureContext

    if len(env_names) > 2:
        raise click.UsageError("--env is given at most twice (OLD's, then NEW's)")
    if new is None:
        if len(env_names) != 2:
            raise click.UsageError("give OLD and NEW, or one PATH with --env A --env B")
        new = old
    start = [p for p in (old, new) if Path(p).exists()]
    envs = [resolve_environment(name, start) for name in env_names] or [
        resolve_environment(None, start)
    ]
    params_old = envs[0].param_values() if envs[0] else None
    params_new = envs[-1].param_values() if envs[-1] else None
    # the fixtures' context: the options, else NEW's environment (its default domain)
    context = FixtureContext()
    domain = require_text(default_domain, "--default-domain")
    if domain is None and envs[-1] is not None:
        domain = envs[-1].default_domain
    context = FixtureContext(
        parse_now(now) or context.now, context.seed if seed is None else seed, domain
    )
    labels = (old, new)
    if len(env_names) == 2:
        labels = (f"{old} (--env {env_names[0]})", f"{new} (--env {env_names[1]})")
    try:
        before = load_side(old, label=labels[0], params=params_old)
        after = load_side(new, label=labels[1], params=params_new)
        result = make_plan(before, after, fixtures, context)
    except SideLoadDiagnostics as exc:
        err(render_text(exc.diagnostics, exc.sources))
        err(f"error: {exc}")
        _json_failure(fmt, str(exc), [d.to_json() for d in exc.diagnostics])
        sys.exit(EXIT_ERRORS)
    except (SideError, ValueError) as exc:
        err(f"error: {exc}")
        _json_failure(fmt, str(exc), [])
        sys.exit(EXIT_ERRORS)
    if fmt == "json":
        out(
            json.dumps(
                {
                    "changed": result.changed,
                    "settings": result.settings,
                    "changes": [
                        {
                            "where": c.where,
                            "area": c.area,
                            "kind": c.kind,
                            "subject": c.subject,
                            "details": list(c.details),
                        }
                        for c in result.changes
                    ],
                    "records": [
                        {
                            "fixture": r.fixture,
                            "record": r.record,
                            "externalId": r.external_id,
                            "changes": r.lines,
                        }
                        for r in result.records
                    ],
                    "problems": result.problems,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        out(f"plan: {labels[0]} -> {labels[1]}")
        for line in result.settings:
            out(f"  {line}")
        if result.changes or not result.settings:
            for line in render_changes(result.changes):
                out(f"  {line}")
        if result.fixtures_read:
            out(f"records ({result.fixtures_read} fixture file(s)):")
            if not result.records:
                out("  no record changes scope, action or values")
            for rec in result.records:
                external_id = json.dumps(rec.external_id)
                out(f"  {rec.fixture} record {rec.record} (externalId {external_id}):")
                for line in rec.lines:
                    out(f"      {line}")
    for problem in result.problems:
        err(f"error: {problem}")
    if result.problems:
        sys.exit(EXIT_ERRORS)
    if result.changed:
        err(
            "note: deploying a changed schema restarts the job with a full (initial) cycle: "
            "every user is evaluated again."
        )
        sys.exit(EXIT_CHANGED)
    sys.exit(EXIT_OK)


def _json_failure(fmt: str, error: str, diagnostics: list[dict[str, object]]) -> None:
    """With --format json, a plan that could not be made is still one JSON object on stdout."""
    if fmt == "json":
        out(json.dumps({"error": error, "diagnostics": diagnostics}, indent=2, ensure_ascii=False))
