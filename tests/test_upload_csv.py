"""`prov upload` of a CSV goes through the job's `source csv` block, as `prov run` reads it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from syncrules.cli import main

JOB = "examples/contoso-hr/contoso-hr.prov"


def test_csv_upload_dry_run(tmp_path: Path) -> None:
    out = tmp_path / "payloads"
    result = CliRunner().invoke(
        main,
        [
            "upload",
            "examples/contoso-hr/workers.csv",
            "--prov",
            JOB,
            "--dry-run",
            "--out-dir",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    [payload] = sorted(out.glob("*.json"))
    doc = json.loads(payload.read_text(encoding="utf-8"))
    ops = doc["Operations"]
    assert len(ops) == 12
    first = ops[0]["data"]
    assert first["externalId"] == "1001"
    assert first["userName"] == "avogel@contoso.com"
    assert first["active"] is True  # "True" from IIF becomes a SCIM boolean
    assert (
        first["urn:ietf:params:scim:schemas:extension:contoso:1.0:User"]["WorkerType"] == "Employee"
    )
    assert [o["data"]["active"] for o in ops if o["data"]["externalId"] == "1005"] == [False]


def test_csv_upload_without_job_is_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["upload", "examples/contoso-hr/workers.csv", "--dry-run", "--out-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--prov" in result.stderr
