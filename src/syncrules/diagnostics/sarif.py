"""SARIF 2.1.0 output for GitHub code scanning (`prov check --format sarif`)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from syncrules import __version__
from syncrules.diagnostics import Diagnostic
from syncrules.diagnostics.codes import CODES

_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def render_sarif(diags: Iterable[Diagnostic]) -> str:
    items = list(diags)
    used = sorted({d.code for d in items}, key=lambda c: c.value)
    rules = [
        {
            "id": code.value,
            "name": CODES[code].slug,
            "shortDescription": {"text": CODES[code].slug.replace("-", " ")},
            "fullDescription": {"text": CODES[code].explanation},
            "defaultConfiguration": {"level": _LEVEL[CODES[code].severity]},
        }
        for code in used
    ]
    results = []
    for d in items:
        message = d.message + (f" ({d.hint})" if d.hint else "")
        results.append(
            {
                "ruleId": d.code.value,
                "level": _LEVEL[d.severity.value],
                "message": {"text": message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": d.span.file},
                            "region": {
                                "startLine": d.span.line,
                                "startColumn": d.span.col,
                                "endLine": d.span.end_line,
                                "endColumn": d.span.end_col,
                            },
                        }
                    }
                ],
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "syncrules",
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
