"""`prov import`: a synchronizationSchema (portal download or `GET .../schema`) → a .prov file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from syncrules.commands.textio import prepare_parent, require_text
from syncrules.filesystem import write_atomic
from syncrules.output import EXIT_ERRORS, err, out


@click.command(name="import")
# A folder or an unreadable file is reported by the command (exit 1), like other bad input.
@click.argument("schema_file", type=click.Path(path_type=Path, readable=False))
@click.option(
    "-o",
    "--out",
    "out_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The .prov file to write (default: <schema name>.prov in the current folder).",
)
@click.option("--name", help="The job name (default: from the document or the rule name).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
def import_(schema_file: Path, out_path: Path | None, name: str | None, force: bool) -> None:
    """Decompile a synchronizationSchema into a readable .prov file.

    Writes OUT.prov, in the layout `prov fmt` gives, and, beside it, OUT.preserve.json: the parts
    the .prov language does not model (other object mappings, metadata, unknown properties), which
    `prov compile` and `prov deploy` merge back in, so nothing is lost. What is kept is listed on
    stderr. Exit 1 when the schema cannot be imported (the reason is printed).
    """
    from syncrules.api import compile_paths
    from syncrules.importer.decompile import ImportProblem, decompile, read_schema_file

    require_text(name, "--name")
    target = out_path or Path(schema_file.stem.split(".")[0] + ".prov")
    if target.suffix != ".prov":
        raise click.BadParameter("the output file must end in .prov", param_hint="--out")
    preserve = target.with_name(target.stem + ".preserve.json")
    try:
        doc = read_schema_file(schema_file)  # refuses deep JSON and lone surrogates too
        imported = decompile(doc, schema_file.name, preserve.name, name)
    except ImportProblem as exc:
        err(f"error: {exc}" if exc.named else f"error: cannot import {schema_file}: {exc}")
        sys.exit(EXIT_ERRORS)
    for path in (target, preserve):
        if path.exists() and not force:
            err(f"error: {path} exists; use --force to overwrite it")
            sys.exit(EXIT_ERRORS)
    problem = prepare_parent(target)
    if problem is not None:
        err(f"error: cannot write {target}: {problem}")
        sys.exit(EXIT_ERRORS)
    try:
        write_atomic(
            preserve,
            json.dumps(imported.preserve, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        )
        write_atomic(target, imported.text)
    except OSError as exc:
        err(f"error: cannot write {target}: {exc.strerror}")
        sys.exit(EXIT_ERRORS)
    for note in imported.notes:
        err(f"kept: {note}")
    if not imported.formatted:
        err(
            f"error: {target} was written as generated, not in the `prov fmt` layout: the"
            " formatter cannot read it. This is a bug in `prov import`; please report it with"
            f" {schema_file}"
        )
    result = compile_paths([target], None, ("json",))
    if not result.ok:
        from syncrules.diagnostics.render import render_text

        err(render_text(result.diagnostics, result.sources))
        err(f"warning: {target} was written but does not check clean; fix the problems above")
    if not (result.ok and imported.formatted):
        sys.exit(EXIT_ERRORS)
    out(target.as_posix())
    out(preserve.as_posix())
