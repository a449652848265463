"""Test data and helpers for the graph tests: schemas, users, fake time, a CLI driver.

The commands are attached to a fresh click group (``register``), so these tests do not depend on
``syncrules.cli``. Time never really passes: sleeps are recorded and advance a fake clock.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner, Result
from fake_graph import FakeGraph

from syncrules.graph.client import RetryPolicy
from syncrules.graph.session import GraphRuntime

TOKEN = "tok-9f3a1c-SECRET-eyJ0eXAiOiJKV1Qi"
SP = "11111111-2222-3333-4444-555555555555"
JOB = "API2AAD.0123456789abcdef0123456789abcdef.aaaabbbb-cccc-dddd-eeee-ffff00001111"
CONTOSO = "urn:ietf:params:scim:schemas:extension:contoso:1.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


@dataclass
class FakeTime:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_runtime(
    fake_time: FakeTime, *, tty: bool = False, policy: dict[str, Any] | None = None
) -> GraphRuntime:
    """The fake clock; ``policy`` overrides RetryPolicy fields (a short request deadline...)."""
    return GraphRuntime(
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        utc_now=lambda: datetime(2024, 5, 1, 12, 30, 45, tzinfo=UTC),
        stdin_is_tty=lambda: tty,
        retry_policy=RetryPolicy(**(policy or {})),
    )


@dataclass
class Cli:
    fake_graph: FakeGraph
    fake_time: FakeTime
    group: click.Group

    def env(self, **overrides: str | None) -> dict[str, str | None]:
        env: dict[str, str | None] = {
            "PROV_ACCESS_TOKEN": TOKEN,
            "PROV_GRAPH_URL": self.fake_graph.url,
            "PROV_SERVICE_PRINCIPAL_ID": SP,
            "PROV_JOB_ID": JOB,
            "AZURE_CLIENT_SECRET": None,
            "AZURE_TENANT_ID": None,
            "AZURE_CLIENT_ID": None,
            "AZURE_CLIENT_CERTIFICATE_PATH": None,
        }
        env.update(overrides)
        return env

    def run(
        self,
        *args: str,
        tty: bool = False,
        input: str | None = None,
        policy: dict[str, Any] | None = None,
        **env: str | None,
    ) -> Result:
        runner = CliRunner()
        return runner.invoke(
            self.group,
            list(args),
            env=self.env(**env),
            obj=make_runtime(self.fake_time, tty=tty, policy=policy),
            input=input,
        )


def assert_no_secret(result: Result, *roots: Path) -> None:
    """The token is in no output and in no file under ``roots``."""
    assert TOKEN not in result.stdout
    assert TOKEN not in result.stderr
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path


# ---- schemas -----------------------------------------------------------------------------------


def _attr(name: str, **extra: Any) -> dict[str, Any]:
    base = {
        "anchor": False,
        "apiExpressions": [],
        "caseExact": False,
        "defaultValue": None,
        "flowNullValues": False,
        "metadata": [],
        "multivalued": False,
        "mutability": "ReadWrite",
        "name": name,
        "referencedObjects": [],
        "required": False,
        "type": "String",
    }
    base.update(extra)
    return base


def _mapping(target: str, source: dict[str, Any], **extra: Any) -> dict[str, Any]:
    base = {
        "defaultValue": None,
        "exportMissingReferences": False,
        "flowBehavior": "FlowWhenChanged",
        "flowType": "Always",
        "matchingPriority": 0,
        "source": source,
        "targetAttributeName": target,
    }
    base.update(extra)
    return base


def attribute_source(name: str) -> dict[str, Any]:
    return {"expression": f"[{name}]", "name": name, "parameters": [], "type": "Attribute"}


def live_schema() -> dict[str, Any]:
    """A live schema in the shape GET .../schema returns, with parts syncrules does not model."""
    return {
        "id": "API2AAD",
        "version": "Date:2024-04-01T10:00:00Z~V:1",
        "customProperty": {"keep": ["me"]},
        "directories": [
            {
                "id": "d-api",
                "name": "API",
                "version": "v1",
                "discoverabilities": "None",
                "metadata": [{"key": "Extensible", "value": "true"}],
                "objects": [
                    {
                        "name": "User",
                        "metadata": [],
                        "supportedApis": [],
                        "attributes": [
                            _attr("externalId", anchor=True),
                            _attr("userName"),
                            _attr(f"{CONTOSO}:HireDate", metadata=[{"key": "note", "value": "x"}]),
                            _attr("title"),
                            _attr(f"{CONTOSO}:OldCode"),
                            _attr(f"{ENTERPRISE}:department"),
                        ],
                    },
                    {"name": "Group", "metadata": [], "attributes": [_attr("displayName")]},
                ],
            },
            {
                "id": "d-aad",
                "name": "Azure Active Directory",
                "version": "v7",
                "objects": [{"name": "User", "attributes": [_attr("employeeId")]}],
            },
        ],
        "synchronizationRules": [
            {
                "id": "API2AAD",
                "name": "API2AAD",
                "editable": True,
                "priority": 1,
                "sourceDirectoryName": "API",
                "targetDirectoryName": "Azure Active Directory",
                "metadata": [{"key": "defaultSourceObjectMappings", "value": "[]"}],
                "objectMappings": [
                    {
                        "name": "Provision API User",
                        "enabled": True,
                        "flowTypes": "Add, Update, Delete",
                        "sourceObjectName": "User",
                        "targetObjectName": "User",
                        "metadata": [{"key": "Disposition", "value": "Normal"}],
                        "scope": {
                            "groups": [
                                {
                                    "name": "Everyone",
                                    "clauses": [
                                        {
                                            "operatorName": "IS NOT NULL",
                                            "sourceOperandName": "externalId",
                                            "targetOperand": None,
                                        }
                                    ],
                                }
                            ],
                            "inputFilterGroups": [{"name": "experimental", "clauses": []}],
                            "categoryFilterGroups": [],
                        },
                        "attributeMappings": [
                            _mapping(
                                "employeeId", attribute_source("externalId"), matchingPriority=1
                            ),
                            _mapping(
                                "jobTitle", attribute_source("title"), exportMissingReferences=True
                            ),
                            _mapping("faxNumber", attribute_source("userName")),
                        ],
                    },
                    {
                        "name": "Provision API Group",
                        "enabled": False,
                        "flowTypes": "Add",
                        "sourceObjectName": "Group",
                        "targetObjectName": "Group",
                        "metadata": [],
                        "scope": None,
                        "attributeMappings": [
                            _mapping("displayName", attribute_source("displayName"))
                        ],
                    },
                ],
            }
        ],
    }


def compiled_document() -> dict[str, Any]:
    """A compiled document as ``syncrules.api.compile_path`` produces (hand-built here)."""
    return {
        "job": {"name": "Contoso HR"},
        "schema": {
            "directories": [
                {
                    "name": "API",
                    "objects": [
                        {
                            "name": "User",
                            "attributes": [
                                _attr("externalId", anchor=True),
                                _attr("userName"),
                                _attr(f"{CONTOSO}:HireDate", type="DateTime"),
                                _attr(f"{CONTOSO}:Skills", multivalued=True),
                                _attr(f"{ENTERPRISE}:department"),
                            ],
                        }
                    ],
                },
                {"name": "Azure Active Directory", "objects": [{"name": "User", "attributes": []}]},
            ],
            "synchronizationRules": [
                {
                    "name": "API2AAD",
                    "sourceDirectoryName": "API",
                    "targetDirectoryName": "Azure Active Directory",
                    "editable": True,
                    "priority": 1,
                    "metadata": [],
                    "objectMappings": [
                        {
                            "name": "Provision API User",
                            "enabled": True,
                            "flowTypes": "Add, Update",
                            "sourceObjectName": "User",
                            "targetObjectName": "User",
                            "metadata": [],
                            "scope": {
                                "groups": [
                                    {
                                        "name": "Employees",
                                        "clauses": [
                                            {
                                                "operatorName": "EQUALS",
                                                "sourceOperandName": f"{CONTOSO}:WorkerType",
                                                "targetOperand": {"values": ["Employee"]},
                                            }
                                        ],
                                    }
                                ],
                                "inputFilterGroups": [],
                                "categoryFilterGroups": [],
                            },
                            "attributeMappings": [
                                _mapping(
                                    "employeeId", attribute_source("externalId"), matchingPriority=1
                                ),
                                _mapping(
                                    "jobTitle", attribute_source("title"), defaultValue="Staff"
                                ),
                                _mapping(
                                    "companyName",
                                    {
                                        "expression": '"Contoso"',
                                        "name": "Contoso",
                                        "parameters": [],
                                        "type": "Constant",
                                    },
                                ),
                            ],
                        }
                    ],
                }
            ],
        },
    }


def write_jsonl(path: Path, users: list[Any]) -> Path:
    path.write_text("".join(json.dumps(u) + "\n" for u in users), encoding="utf-8")
    return path


def users(count: int) -> list[dict[str, Any]]:
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "externalId": f"{700000 + i}",
            "userName": f"user{i}@contoso.com",
            "active": True,
        }
        for i in range(count)
    ]


def copy_of(value: Any) -> Any:
    return copy.deepcopy(value)
