"""`prov directory export` streams a user at a time and writes what it wrote before: exactly
``json.dumps(users, indent=2, sort_keys=True, ensure_ascii=False)`` and a newline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.run.directory import Store, TargetUser

USERS = [
    TargetUser("id-1", "1001", {"displayName": "Zoë Ångström", "jobTitle": "Ingénieur"}),
    TargetUser("id-2", None, {"proxyAddresses": ["smtp:a@b.c", "SMTP:d@e.f"], "n": 1.5}),
    TargetUser("id-3", "1003", {"accountEnabled": False, "big": 2**70, "esc": 'a\n"b"\t\u2028'}),
    TargetUser("id-4", "1004", {"emptyList": [], "zero": 0, "neg": -1e-7, "t": True}),
]


def _before(store: Store) -> str:
    """The export as it was made before streaming: the whole list, encoded at once."""
    items = []
    for user in store.iter_users():
        record = dict(user.attributes)
        record["_id"] = user.id
        record["_anchor"] = user.anchor
        items.append(record)
    return json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("count", [0, 1, 4])
def test_the_streamed_export_is_byte_identical(tmp_path: Path, count: int) -> None:
    path = tmp_path / "dir.sqlite"
    store = Store.open(path, writable=True)
    try:
        store.replace_all(USERS[:count])
        chunks = list(store.export_chunks())
        assert len(chunks) == count + 1  # one piece per user, then the end
        assert "".join(chunks) == _before(store) == store.export_text()
    finally:
        store.close()


def test_the_command_writes_the_same_to_stdout_and_to_a_file(tmp_path: Path) -> None:
    path = tmp_path / "dir.sqlite"
    store = Store.open(path, writable=True)
    try:
        store.replace_all(USERS)
        expected = _before(store)
    finally:
        store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["directory", "export", "--directory", str(path)])
    assert result.exit_code == 0 and result.stdout == expected
    target = tmp_path / "export.json"
    result = runner.invoke(
        main, ["directory", "export", "--directory", str(path), "-o", str(target)]
    )
    assert result.exit_code == 0
    assert target.read_bytes() == expected.encode("utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_unwritable_output_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dir.sqlite"
    Store.open(path, writable=True).close()
    target = tmp_path / "missing" / "export.json"
    result = CliRunner().invoke(
        main, ["directory", "export", "--directory", str(path), "-o", str(target)]
    )
    assert result.exit_code == 1 and f"cannot write {target}" in result.stderr
