"""Every documentation vector through `prov eval --format json`, the command admins use."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from tests.conformance.runner import DOCS_VECTORS, load, param, same

VECTORS = [
    v for v in load(DOCS_VECTORS)
    if v.get("engine") != "cloud-sync" and "expected_error" not in v
]


def _args(vector: dict[str, Any]) -> list[str]:
    args = ["eval", vector["expression"], "--format", "json", "--seed", "0",
            "--input", json.dumps(vector.get("inputs") or {})]
    if vector.get("now"):
        args += ["--now", vector["now"]]
    context = vector.get("context") or {}
    if context.get("defaultDomain"):
        args += ["--default-domain", context["defaultDomain"]]
    if context.get("existingTargetValues"):
        args += ["--existing-values", json.dumps(context["existingTargetValues"])]
    return args


@pytest.mark.parametrize("vector", [param(v) for v in VECTORS])
def test_vector_through_prov_eval(vector: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, _args(vector))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"value", "flows"}
    if vector.get("flow") == "ignored":
        assert doc == {"value": None, "flows": False}
        return
    if vector.get("expected_regex"):
        assert re.search(vector["expected_regex"], doc["value"]), doc
        return
    if vector.get("expected_constraints"):
        assert len(doc["value"]) == vector["expected_constraints"]["length"]
        return
    expected = vector["computed_expected"] if vector.get("doc_suspect") else vector["expected"]
    if expected is None:
        assert doc == {"value": None, "flows": False}
    else:
        assert doc["flows"] is True
        assert same(doc["value"], expected), doc


@pytest.mark.parametrize(
    "vector",
    [param(v) for v in load(DOCS_VECTORS) if v.get("engine") == "cloud-sync"],
)
def test_cloud_sync_vectors_are_refused_by_prov_eval(vector: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, _args(vector))
    assert result.exit_code == 1
    assert "PROV" in result.stderr
    assert "Traceback" not in result.output
