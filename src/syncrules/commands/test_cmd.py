"""`prov test`: run the `test` blocks of .prov files through the generated evaluators."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from syncrules.output import err, out


def _a_number(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets "nan" through (no comparison with NaN is true): refuse it here."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("nan is not a percentage between 0 and 100")
    return value


@click.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option(
    "-k",
    "pattern",
    metavar="PATTERN",
    help="Only tests whose name contains PATTERN (or matches a glob).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="text to stderr; json or junit (XML) to stdout.",
)
@click.option("--coverage", is_flag=True, help="Report mappings, branches and clauses exercised.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    callback=_a_number,
    metavar="PERCENT",
    help="Fail (exit 1) when coverage is below PERCENT (implies --coverage; exact, no rounding).",
)
@click.option("-v", "--verbose", is_flag=True, help="List passing tests too.")
def test(
    paths: tuple[Path, ...],
    pattern: str | None,
    fmt: str,
    coverage: bool,
    threshold: float | None,
    verbose: bool,
) -> None:
    """Run rule tests (default PATHS: the current folder).

    \b
    A test's `given` records are one cycle of `prov run` (matching by source anchor, then the
    matching attributes; UPN collisions; manager references) against an in-memory directory
    that starts with its `existing user` records (optional "_id" and "_anchor" as in
    `prov directory import`) and `taken` values; `expect` judges the last record.

    \b
    Exit 0 when every test passes (and coverage meets --threshold), 1 when a test fails, the
    rules have errors, -k selects no test or coverage is below the threshold, 2 on a usage
    error. A failing expectation is reported at its own line.
    """
    from syncrules.diagnostics.render import render_text as render_diagnostics
    from syncrules.testing.report import render_json, render_junit, render_text
    from syncrules.testing.runner import run_tests

    targets = list(paths) or [Path(".")]
    report = run_tests(targets, pattern, coverage or threshold is not None)
    if report.diagnostics:
        err(render_diagnostics(report.diagnostics, report.check.sources))
    if not report.check.ok:
        err("error: the rules have errors; no test was run")
        sys.exit(1)
    if fmt == "json":
        out(render_json(report))
    elif fmt == "junit":
        out(render_junit(report))
    else:
        err(render_text(report, verbose))
    code = 0 if report.ok else 1
    if not report.results and pattern:  # a -k that selects nothing is a mistake, not a pass
        err(f"error: no test matches -k {pattern!r}")
        code = 1
    elif not report.results:
        err("no tests found")
    if (
        threshold is not None
        and report.coverage is not None
        and not report.coverage.meets(threshold)
    ):
        err(
            f"error: coverage {report.coverage.covered}/{report.coverage.total} is below "
            f"the threshold of {threshold:g}%"
        )
        code = 1
    sys.exit(code)
