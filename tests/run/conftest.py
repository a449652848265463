"""Helpers for `prov run` tests: the sample inputs (tests/data), test jobs, a CLI runner, log
readers."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from syncrules.cli import main
from tests.conftest import DATA

JOBS = Path(__file__).parent / "jobs"
SAMPLES = DATA / "entra-inbound-samples"
NOW = "2024-05-01T09:00:00Z"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def prov(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run(job: Path, input_path: Path, db: Path, *extra: str | Path) -> Result:
    return prov("run", job, "--input", input_path, "--directory", db, "--now", NOW,
                "--format", "json", *extra)


def records(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def by_index(result: Result) -> list[dict[str, Any]]:
    return sorted(records(result), key=lambda r: r["syncrulesOperation"]["index"])


def actions(recs: list[dict[str, Any]]) -> Counter[str]:
    return Counter(r["syncrulesAction"] for r in recs)


def export(db: Path) -> str:
    result = prov("directory", "export", "--directory", db)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def users(db: Path) -> list[dict[str, Any]]:
    return json.loads(export(db))


def normalised(db: Path) -> list[dict[str, Any]]:
    """The export with target ids replaced by source anchors (ids depend on cycle numbers)."""
    items = users(db)
    anchor_of = {u["_id"]: u["_anchor"] for u in items}
    out = []
    for user in items:
        user = dict(user)
        user.pop("_id")
        if "manager" in user:
            user["manager"] = anchor_of.get(user["manager"], user["manager"])
        out.append(user)
    return sorted(out, key=lambda u: json.dumps(u, sort_keys=True))


def scim_user(ext_id: str, given: str, family: str, *, manager: str | None = None,
              active: bool = True, **extra: Any) -> dict[str, Any]:
    user: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": ext_id,
        "userName": f"{given}.{family}@contoso.com".lower(),
        "name": {"givenName": given, "familyName": family},
        "displayName": f"{given} {family}",
        "active": active,
    }
    if manager is not None:
        user[ENTERPRISE] = {"manager": {"value": manager}}
    user.update(extra)
    return user


def bulk(path: Path, *users: dict[str, Any]) -> Path:
    ops = [{"method": "POST", "bulkId": f"b{i}", "path": "/Users", "data": u}
           for i, u in enumerate(users, start=1)]
    document = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                "Operations": ops, "failOnErrors": None}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def jsonl(path: Path, *users: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(u) + "\n" for u in users), encoding="utf-8")
    return path


def write_job(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def scim_job() -> Path:
    return JOBS / "scim_entra.prov"


@pytest.fixture
def csv_job() -> Path:
    return JOBS / "workday_csv.prov"
