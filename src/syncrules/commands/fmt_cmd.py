"""`prov fmt`: format .prov files in place, or print the canonical form of one expression.

Exit codes: 0 done (nothing to change with --check); 1 a syntax error, an unreadable file, or
(with --check) a file that would change; 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from syncrules.commands.textio import read_stdin_text, require_text
from syncrules.output import err, out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@click.command(name="fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-e",
    "--expression",
    metavar="EXPRESSION",
    help="Format one Entra expression instead of files (- reads it from standard input).",
)
@click.option(
    "--compact", is_flag=True, help="With --expression: the one-line form for the portal."
)
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if a file would be reformatted."
)
@click.option("--diff", is_flag=True, help="Change nothing; print a unified diff of the changes.")
def fmt(
    paths: tuple[Path, ...], expression: str | None, compact: bool, check: bool, diff: bool
) -> None:
    """Format .prov files (or folders of them) in the one canonical layout.

    \b
    prov fmt rules/                  rewrite files that are not formatted
    prov fmt --check --diff rules/   show what would change; exit 1 if anything would
    prov fmt -e 'join(" ",[a],[b])'  print an expression in the readable layout
    prov fmt -e - --compact < x.txt  the one-line form, to paste into the portal

    Comments are kept; a comment inside an expression moves to the line before its mapping.
    """
    if expression is not None and paths:
        raise click.UsageError("give either PATHS or --expression, not both")
    if expression is None and not paths:
        raise click.UsageError("give PATHS to format, or --expression EXPRESSION")
    if expression is not None:
        if check or diff:
            raise click.UsageError("--check and --diff apply to files, not to --expression")
        sys.exit(_expression(expression, compact))
    if compact:
        raise click.UsageError("--compact applies to --expression only")
    sys.exit(_files(paths, check, diff))


def _expression(expression: str, compact: bool) -> int:
    from syncrules.diagnostics.render import render_text
    from syncrules.fmt import format_expression
    from syncrules.fmt.expression import FILE
    from syncrules.source import SourceFile

    if expression == "-":
        text = read_stdin_text("the expression on standard input")
    else:
        text = require_text(expression, "--expression") or ""
    formatted, diagnostics = format_expression(text, compact=compact)
    if diagnostics:
        err(render_text(diagnostics, {FILE: SourceFile(FILE, text)}))
    if formatted is None:
        return 1
    out(formatted)
    return 0


def _files(paths: tuple[Path, ...], check: bool, diff: bool) -> int:
    from syncrules.diagnostics.render import render_text
    from syncrules.fmt.files import expand, format_file, write

    files, problems = expand(paths)
    if problems:
        err(render_text(problems))
    failed = len(problems)
    changed = unchanged = 0
    for path in files:
        result = format_file(path)
        if result.diagnostics:
            sources = {result.shown: result.source} if result.source is not None else {}
            err(render_text(result.diagnostics, sources))
        if not result.ok:
            failed += 1
            continue
        if not result.changed:
            unchanged += 1
            continue
        changed += 1
        if diff:
            out(result.diff(), nl=False)
        if check:
            err(f"would reformat {result.shown}")
        elif not diff:
            try:
                write(result)
            except OSError as exc:
                err(f"error: cannot write {result.shown}: {exc.strerror}")
                failed += 1
                changed -= 1
                continue
            err(f"reformatted {result.shown}")
    dry = check or diff
    parts = []
    if changed:
        parts.append(
            _plural(changed, "file") + (" would be reformatted" if dry else " reformatted")
        )
    if unchanged:
        parts.append(
            _plural(unchanged, "file") + (" would be left unchanged" if dry else " left unchanged")
        )
    if failed:
        parts.append(_plural(failed, "file") + " failed")
    err(", ".join(parts) + "." if parts else "no files.")
    if failed or (check and changed):
        return 1
    return 0
