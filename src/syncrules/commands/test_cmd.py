"""`prov test`: run the `test` blocks of .prov files through the generated evaluators."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from syncrules.commands.environment import env_option, resolve_environment
from syncrules.output import EXIT_ERRORS, err, out


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
    type=click.Choice(["text", "json", "junit", "sarif", "github", "azure-devops"]),
    default="text",
    show_default=True,
    help="text to stderr; json, junit (XML) or sarif (failed tests, 2.1.0) to stdout; github "
    "(workflow annotations) or azure-devops (logging commands) to stdout, the text to stderr.",
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
@env_option
def test(
    paths: tuple[Path, ...],
    pattern: str | None,
    fmt: str,
    coverage: bool,
    threshold: float | None,
    verbose: bool,
    env_name: str | None,
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
    from syncrules.testing.report import (
        render_ci,
        render_json,
        render_junit,
        render_sarif,
        render_text,
    )
    from syncrules.testing.runner import run_tests

    targets = list(paths) or [Path(".")]
    environment = resolve_environment(env_name, targets)
    report = run_tests(
        targets,
        pattern,
        coverage or threshold is not None,
        environment.param_values() if environment else None,
        environment.default_domain if environment else None,
    )
    if report.diagnostics:
        if fmt in ("github", "azure-devops"):
            from syncrules.diagnostics.ci import render_azure, render_github

            out((render_github if fmt == "github" else render_azure)(report.diagnostics))
        err(render_diagnostics(report.diagnostics, report.check.sources))
    if not report.check.ok:
        # a report on stdout all the same (no test), so what reads it gets valid JSON or XML
        if fmt == "json":
            out(render_json(report))
        elif fmt == "junit":
            out(render_junit(report))
        elif fmt == "sarif":
            from syncrules.diagnostics.sarif import render_sarif as sarif_of_diagnostics

            out(sarif_of_diagnostics(report.diagnostics))
        err("error: the rules have errors; no test was run")
        sys.exit(EXIT_ERRORS)
    if fmt == "json":
        out(render_json(report))
    elif fmt == "junit":
        out(render_junit(report))
    elif fmt == "sarif":
        out(render_sarif(report))
    elif fmt in ("github", "azure-devops"):
        annotations = render_ci(report, fmt)
        if annotations:
            out(annotations)
        err(render_text(report, verbose))
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
