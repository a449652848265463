"""`prov run`'s import check (``run.shape``): values the job's source schema cannot take fail
their operation alone, at the import step, naming the attribute; lenient forms the evaluators
read on purpose (``{"value": x}``, a one-item list, "True", other-case names) still go through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.run.shape import ShapeCheck

ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SOURCES = (
    ("active", "Boolean", False),
    ("userName", "String", False),
    ("name.givenName", "String", False),
    ("emails", "String", True),
    ('emails[type eq "work"].value', "String", False),
    (f"{ENT}:department", "String", False),
    (f"{ENT}:manager", "Reference", False),
    ("urn:x:User:flag", "Boolean", False),
)
CHECK = ShapeCheck(SOURCES)


@pytest.mark.parametrize(("user", "message"), [
    ({"externalId": ["1", "2"]}, "externalId holds 2 values"),
    ({"userName": {"first": "a"}}, 'userName is a JSON object without a "value" member'),
    ({"USERNAME": {"value": {"x": 1}}}, 'userName is a JSON object without a "value" member'),
    ({"Active": "maybe"}, 'active is "maybe": not a Boolean'),
    ({"name": {"GIVENNAME": ["a", "b"]}}, "name.givenName holds 2 values"),
    ({ENT.upper(): {"department": {"x": 1}}}, f"{ENT}:department is a JSON object"),
    ({"urn:x:User": {"flag": "yes"}}, 'urn:x:User:flag is "yes": not a Boolean'),
])
def test_values_the_schema_cannot_take_are_named(user: dict[str, object], message: str) -> None:
    problem = CHECK.problem(user)
    assert problem is not None and problem.startswith(message), problem


@pytest.mark.parametrize("user", [
    {"externalId": "1", "userName": "a", "active": True},
    {"externalId": 701984, "active": "TRUE ", "userName": {"Value": "a"}},
    {"externalId": ["1"], "userName": ["a", None], "active": ""},
    {"emails": [{"type": "work", "value": "a@x"}, {"type": "home", "value": "b@x"}]},
    {"name": {"givenName": "A", "familyName": ["not", "read", "by", "the", "job"]}},
    {ENT: {"department": "Sales", "manager": {"value": "7"}}},
    {"title": {"not": "read"}, "nickName": ["x", "y"], "other": "maybe"},
    {"urn:x:User": {"flag": False}},
])
def test_what_the_evaluators_read_on_purpose_still_goes_through(user: dict[str, object]) -> None:
    assert CHECK.problem(user) is None


def test_a_bad_value_fails_its_operation_alone(tmp_path: Path) -> None:
    job = tmp_path / "job.prov"
    job.write_text(
        'job "Shape" {\n target entra\n actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        "map {\n accountEnabled <- [active]\n displayName <- [userName]\n"
        ' userPrincipalName <- Join("", [userName], "@contoso.com") on create\n}\n',
        encoding="utf-8",
    )
    users = [
        {"externalId": "1", "userName": "a", "active": True},
        {"externalId": "2", "userName": {"first": "b"}, "active": True},
        {"externalId": "3", "userName": "c", "active": "maybe"},
        {"externalId": ["4", "5"], "userName": "d", "active": True},
        {"externalId": "6", "userName": "e", "active": "False"},
    ]
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(u) + "\n" for u in users), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "run", str(job), "--input", str(lines), "--format", "json", "--apply",
        "--directory", str(tmp_path / "dir.sqlite"), "--now", "2024-05-01T09:00:00Z",
    ])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["syncrulesAction"] for r in records] == ["create", "fail", "fail", "fail", "create"]
    failed = records[1:4]
    assert {r["provisioningStatusInfo"]["errorInformation"]["errorCode"] for r in failed} == {
        "InvalidSourceValue"}
    assert [r["provisioningSteps"][-1]["provisioningStepType"] for r in failed] == ["import"] * 3
    assert "userName is a JSON object" in failed[0]["provisioningStatusInfo"][
        "errorInformation"]["reason"]
    assert records[4]["modifiedProperties"][1] == {
        "displayName": "accountEnabled", "oldValue": None, "newValue": "False"}
