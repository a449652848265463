"""`prov plan OLD NEW`: what changes between two versions of a job, and what it does to records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from syncrules.output import err, out


@click.command(name="plan")
@click.argument("old")
@click.argument("new")
@click.option(
    "--fixtures",
    type=click.Path(path_type=Path, exists=True),
    help="SCIM users or bulk payloads (a .json file or a folder of them) to evaluate with both "
    "versions (default: the new job's <job>.fixtures/ folder).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def plan(old: str, new: str, fixtures: Path | None, fmt: str) -> None:
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
    """
    from syncrules.backends.jobconfig.merge import render_changes
    from syncrules.diagnostics.render import render_text
    from syncrules.plan.diff import make_plan
    from syncrules.plan.sides import SideError, SideLoadDiagnostics, load_side

    try:
        before = load_side(old)
        after = load_side(new)
        result = make_plan(before, after, fixtures)
    except SideLoadDiagnostics as exc:
        err(render_text(exc.diagnostics, exc.sources))
        err(f"error: {exc}")
        sys.exit(1)
    except (SideError, ValueError) as exc:
        err(f"error: {exc}")
        sys.exit(1)
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
        out(f"plan: {old} -> {new}")
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
        sys.exit(1)
    if result.changed:
        err(
            "note: deploying a changed schema restarts the job with a full (initial) cycle: "
            "every user is evaluated again."
        )
        sys.exit(2)
    sys.exit(0)
