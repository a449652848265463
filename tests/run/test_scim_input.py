"""`prov run` and `prov upload` read SCIM input through one reader (``run.scim_input``): the same
lines and operations hold users, and the same ones fail, each command wording why its own way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syncrules.graph.upload import read_users
from syncrules.run import scim_input
from syncrules.run.inputs import Input, open_input
from syncrules.runtime.context import EvalContext

LINES = [
    b"\xef\xbb\xbf" + json.dumps({"externalId": "1"}).encode(),
    b"",
    b"   \t",
    b'{"externalId": "2", "note": "line\xe2\x80\xa8separator"}',
    b'{"externalId": "b\xff"}',
    b'{"externalId": ',
    b'{"externalId": "c\\ud800"}',
    b'{"externalId": "d", "score": NaN}',
    b"[" * 5000 + b"]" * 5000,
    b"5",
    b'"text"',
    b"null",
    json.dumps({"externalId": "3", "n": 123456789012345678901234567890}).encode() + b"\r",
]


def _run_lines(path: Path) -> tuple[list[str], list[str]]:
    opened = open_input(path, "jsonl", None, EvalContext())
    assert isinstance(opened, Input)
    ops = list(opened.operations)
    return ([op.location for op in ops if op.user is not None],
            [op.location for op in ops if op.user is None])


def test_json_lines_hold_the_same_users_for_run_and_upload(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_bytes(b"\n".join(LINES) + b"\n")
    users, failures = _run_lines(path)
    read = read_users(path)
    assert [u.origin for u in read.users] == users == [f"{path}:{n}" for n in (1, 4, 13)]
    assert [f.origin for f in read.failures] == failures
    assert [u.data["externalId"] for u in read.users] == ["1", "2", "3"]


def test_bulk_operations_hold_the_same_users_for_run_and_upload(tmp_path: Path) -> None:
    path = tmp_path / "bulk.json"
    user = {"externalId": "1"}
    operations = [
        {"method": "POST", "path": "/Users", "bulkId": "a", "data": user},
        {"METHOD": "post", "Path": " /users ", "data": user},
        {"method": "PUT", "path": "/Users", "data": user},
        {"method": "POST", "path": "/Groups", "data": user},
        {"method": "POST", "path": "/Users", "data": [user]},
        {"method": "POST", "path": "/Users"},
        "not an operation",
    ]
    path.write_text(json.dumps({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": operations,
    }), encoding="utf-8")
    opened = open_input(path, None, None, EvalContext())
    assert isinstance(opened, Input)
    ran = [op.user is not None for op in opened.operations]
    read = read_users(path)
    sent = {u.origin for u in read.users}
    assert [f"{path}: Operations[{i}]" in sent for i in range(len(operations))] == ran
    assert ran == [True, True, False, False, False, False, False]


def test_an_overlong_line_fails_alone_in_upload_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scim_input, "MAX_LINE_BYTES", 64)
    path = tmp_path / "users.jsonl"
    path.write_text(json.dumps({"externalId": "1", "note": "x" * 100}) + "\n"
                    + json.dumps({"externalId": "2"}) + "\n", encoding="utf-8")
    read = read_users(path)
    assert [u.data["externalId"] for u in read.users] == ["2"]
    assert [f.reason for f in read.failures] == ["the line is longer than 64 bytes"]
