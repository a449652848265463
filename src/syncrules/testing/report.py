"""Test reports: text (expected against actual, and the steps that led there), JSON, JUnit."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from syncrules.testing.runner import TestReport


def render_text(report: TestReport, verbose: bool = False) -> str:
    lines: list[str] = []
    for r in report.results:
        if r.status == "passed":
            if verbose:
                lines.append(f"PASS {r.location} {r.name}")
            continue
        lines.append(f"{r.status.upper()} {r.location} {r.name}  [{r.job}]")
        for failure in r.failures:
            lines.append(f"    {failure}")
        if r.steps:
            lines.append("  what happened:")
            for step in r.steps:
                lines.append(f"    {step}")
    passed = sum(r.status == "passed" for r in report.results)
    failed = sum(r.status == "failed" for r in report.results)
    errors = sum(r.status == "error" for r in report.results)
    summary = f"{passed} passed, {failed} failed"
    if errors:
        summary += f", {errors} errors"
    lines.append(summary)
    if report.coverage is not None:
        cov = report.coverage
        lines.append(
            f"coverage: {cov.percent_text()}% ({cov.covered} of {cov.total} mappings, branches "
            "and scoping clause outcomes)"
        )
        for probe in cov.missed():
            lines.append(f"  not covered: {probe}")
    return "\n".join(lines)


def as_json(report: TestReport) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "tests": [
            {
                "name": r.name,
                "job": r.job,
                "file": r.file,
                "line": r.line,
                "col": r.col,
                "status": r.status,
                "failures": r.failures,
                "steps": r.steps,
            }
            for r in report.results
        ],
        "passed": sum(r.status == "passed" for r in report.results),
        "failed": sum(r.status != "passed" for r in report.results),
    }
    if report.coverage is not None:
        cov = report.coverage
        doc["coverage"] = {
            "covered": cov.covered,
            "total": cov.total,
            "percent": cov.percent_text(),
            "missed": cov.missed(),
        }
    return doc


def render_json(report: TestReport) -> str:
    return json.dumps(as_json(report), indent=2, ensure_ascii=False)


def render_junit(report: TestReport) -> str:
    suite = ET.Element(
        "testsuite",
        name="syncrules",
        tests=str(len(report.results)),
        failures=str(sum(r.status == "failed" for r in report.results)),
        errors=str(sum(r.status == "error" for r in report.results)),
    )
    for r in report.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=r.job,
            name=r.name,
            file=r.file,
            line=str(r.line),
            time=f"{r.duration:.6f}",
        )
        if r.status != "passed":
            tag = "failure" if r.status == "failed" else "error"
            node = ET.SubElement(case, tag, message="; ".join(r.failures)[:500])
            node.text = "\n".join([*r.failures, "", *r.steps])
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode")


def _failure_text(r: Any) -> str:
    return "\n".join([*r.failures, *(["what happened:", *r.steps] if r.steps else [])])


def render_ci(report: TestReport, fmt: str) -> str:
    """Failed and erroneous tests as CI annotations at their `test` line (``fmt``: github or
    azure-devops); see ``syncrules.diagnostics.ci``."""
    from syncrules.diagnostics.ci import azure_line, github_line

    lines = []
    for r in report.results:
        if r.status == "passed":
            continue
        title = f"test {r.status}: {r.name} [{r.job}]"
        if fmt == "github":
            lines.append(
                github_line(
                    "error", f"{title}\n{_failure_text(r)}", file=r.file, line=r.line, col=r.col
                )
            )
        else:
            lines.append(
                azure_line(
                    "error", f"{title}\n{_failure_text(r)}", file=r.file, line=r.line, col=r.col
                )
            )
    return "\n".join(lines)


#: SARIF rule ids of test outcomes (not diagnostic codes: a failing test is not a rule problem).
_TEST_RULES = {
    "failed": ("prov-test-failed", "A rule test's expectation does not hold."),
    "error": ("prov-test-error", "A rule test could not run (a bad record, an unset parameter)."),
}


def render_sarif(report: TestReport) -> str:
    """Failed and erroneous tests as SARIF 2.1.0 results at their `test` blocks."""
    from syncrules import __version__

    used = sorted({r.status for r in report.results if r.status in _TEST_RULES})
    rules = [
        {
            "id": _TEST_RULES[status][0],
            "shortDescription": {"text": _TEST_RULES[status][1]},
            "defaultConfiguration": {"level": "error"},
        }
        for status in used
    ]
    results = [
        {
            "ruleId": _TEST_RULES[r.status][0],
            "level": "error",
            "message": {"text": f"test {r.status}: {r.name} [{r.job}]\n{_failure_text(r)}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": r.file},
                        "region": {"startLine": r.line, "startColumn": r.col},
                    }
                }
            ],
        }
        for r in report.results
        if r.status in _TEST_RULES
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "syncrules prov test",
                        "version": __version__,
                        "informationUri": "https://github.com/syncrules/syncrules",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
