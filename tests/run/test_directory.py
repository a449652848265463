"""run.directory (the SQLite store), run.state (overlay and held layer), `prov directory`."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from syncrules.run.directory import (
    DirectoryError,
    Store,
    TargetUser,
    fold,
    folded_values,
    is_enabled,
    parse_import,
)
from syncrules.run.state import WorkingState
from tests.run.conftest import prov


def _user(uid: str, anchor: str | None, **attrs: object) -> TargetUser:
    return TargetUser(uid, anchor, dict(attrs))


def test_values_are_folded_for_case_insensitive_lookups() -> None:
    """As .NET's OrdinalIgnoreCase compares: 1:1 upper case, no expansions."""
    assert fold("ADA@Contoso.com") == fold("ada@contoso.com") == "ADA@CONTOSO.COM"
    assert fold("Straße") != fold("STRASSE")  # ß has no 1:1 upper case: it stays ß
    assert fold("ΟΔΥΣΣΕΑΣ") == fold("οδυσσεας") == fold("οδυσσεασ")
    assert fold(True) == fold("true") == "TRUE"
    assert folded_values(["B", "a", None, "", "b"]) == ["A", "B"]
    assert folded_values("") == []
    assert is_enabled({"accountEnabled": False}) is False
    assert is_enabled({"accountDisabled": "True"}) is False
    assert is_enabled({}) is True


def test_store_finds_users_by_indexed_values_and_anchors(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.begin()
    store.insert(_user("u1", "e1", employeeId="E1", userPrincipalName="Ada@Contoso.com"))
    store.insert(_user("u2", None, employeeId="e2"))
    store.commit()
    assert store.find("userPrincipalName", fold("ada@contoso.com")) == ["u1"]
    assert store.find("employeeId", fold("e2")) == ["u2"]
    assert store.find_anchor("e1") == ["u1"]
    assert store.find_anchor("E1") == []  # anchors (externalId) compare exactly
    with pytest.raises(AssertionError):
        store.find("department", "x")
    store.begin()
    user = store.get("u1")
    assert user is not None
    old = dict(user.attributes)
    user.attributes["userPrincipalName"] = "ada2@contoso.com"
    store.update(user, ["userPrincipalName"], old)
    store.commit()
    assert store.find("userPrincipalName", fold("ada@contoso.com")) == []
    assert store.find("userPrincipalName", fold("ada2@contoso.com")) == ["u1"]
    assert store.verify() == []
    store.close()


def test_new_attributes_are_indexed_on_demand(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    store = Store.open(path, writable=True)
    store.replace_all([_user("u1", "a", sAMAccountName="AdaL")])
    store.close()
    reader = Store.open(path, writable=False)
    reader.ensure_indexed(["sAMAccountName"])  # a plan indexes into a TEMP table
    assert reader.find("sAMAccountName", fold("adal")) == ["u1"]
    reader.close()
    writer = Store.open(path, writable=True)
    assert "sAMAccountName" not in writer.indexed
    writer.ensure_indexed(["sAMAccountName"])
    writer.close()
    assert "sAMAccountName" in Store.open(path, writable=False).indexed


def test_verify_finds_stale_index_rows(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.replace_all([_user("u1", "a", employeeId="1")])
    store.conn.execute("INSERT INTO attr_values VALUES ('employeeId', '2', 'u1')")
    assert store.verify() == ["stale index row ('employeeId', '2', 'u1')"]


def test_a_directory_indexed_by_an_older_fold_is_reindexed(tmp_path: Path) -> None:
    """Files from before the OrdinalIgnoreCase fold hold casefolded index values and no
    ``fold`` meta key: a writable open rebuilds the index, a read-only one leaves the file
    alone and indexes what a run asks for into a temporary table."""
    path = tmp_path / "old.sqlite"
    store = Store.open(path, writable=True)
    store.replace_all([_user("u1", "a", employeeId="Straße", userPrincipalName="Ada@X.com")])
    store.conn.execute("DELETE FROM meta WHERE key = 'fold'")
    store.conn.execute("UPDATE attr_values SET value = lower(value)")
    store.close()

    reader = Store.open(path, writable=False)
    reader.ensure_indexed(["employeeId", "userPrincipalName"])
    assert reader.find("userPrincipalName", fold("ADA@x.com")) == ["u1"]
    assert reader.find("employeeId", fold("STRASSE")) == []
    reader.close()
    assert sqlite3.connect(path).execute(
        "SELECT count(*) FROM meta WHERE key = 'fold'").fetchone() == (0,)

    writer = Store.open(path, writable=True)
    assert writer.verify() == []
    assert writer.find("employeeId", fold("straSSe".replace("SS", "ß"))) == ["u1"]
    writer.close()


def test_the_writer_lock_is_taken_and_released(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    first = Store.open(path, writable=True)
    with pytest.raises(DirectoryError, match="in use by another writer"):
        Store.open(path, writable=True)
    Store.open(path, writable=False).close()  # readers are not held back
    first.close()
    Store.open(path, writable=True).close()


def test_a_plan_copy_is_private_and_removed(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "d.sqlite"
    store = Store.open(path, writable=True)
    store.replace_all([_user("u1", "a", employeeId="A")])
    store.close()
    before = path.read_bytes()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    copy = Store.open_copy(path)
    assert copy.find("employeeId", fold("a")) == ["u1"]
    copy.begin()
    copy.delete(copy.get("u1"))  # type: ignore[arg-type]
    copy.commit()
    assert copy.count() == 0 and len(list(scratch.iterdir())) == 1
    copy.close()
    assert list(scratch.iterdir()) == [] and path.read_bytes() == before
    empty = Store.open_copy(tmp_path / "missing.sqlite")
    assert empty.count() == 0
    empty.close()
    assert not (tmp_path / "missing.sqlite").exists()
    (tmp_path / "bad.sqlite").write_text("not sqlite", encoding="utf-8")
    with pytest.raises(DirectoryError):
        Store.open_copy(tmp_path / "bad.sqlite")
    assert list(scratch.iterdir()) == []  # a copy that failed is removed too


def test_a_plan_never_creates_or_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    store = Store.open(path, writable=False)
    state = WorkingState(store, write_through=False, cycle=1)
    state.create(_user("n1", "x", employeeId="X"))
    assert state.find("employeeId", "x") == ["n1"]
    store.close()
    assert not path.exists()


def test_not_a_directory_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(DirectoryError):
        Store.open(path, writable=False)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(DirectoryError, match="not a syncrules directory"):
        Store.open(other, writable=False)


def test_a_file_in_the_way_of_the_directory_folder_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    for path in (blocker / "d.sqlite", blocker / "sub" / "d.sqlite"):
        with pytest.raises(DirectoryError) as caught:
            Store.open(path, writable=True)
        assert str(caught.value) == (
            f"cannot open the directory {path}: {blocker} is a file, not a folder")


def test_overlay_shadows_the_store_in_plan_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.replace_all([_user("u1", "a", employeeId="A", accountEnabled=True)])
    state = WorkingState(store, write_through=False, cycle=2)
    state.update("u1", {"employeeId": "B"})
    assert state.find("employeeId", "a") == []
    assert state.find("employeeId", "b") == ["u1"]
    assert store.find("employeeId", "A") == ["u1"]  # the store is untouched
    state.delete("u1")
    assert state.get("u1") is None and state.find("employeeId", "b") == []
    assert state.find_anchor("a") == []


def test_held_changes_are_seen_superseded_released_or_dropped(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.replace_all([_user("u1", "a", employeeId="A", accountEnabled=True, title="x"),
                       _user("u2", "b", employeeId="B", accountEnabled=True)])
    state = WorkingState(store, write_through=True, cycle=2)
    state.hold(1, "u1", {"accountEnabled": False, "title": "y"})
    state.hold(2, "u2", None)
    user = state.get("u1")
    assert user is not None and user.attributes["accountEnabled"] is False
    assert state.get("u2") is None and state.find("employeeId", "b") == []
    state.update("u1", {"title": "z"})  # an ordinary write of the same attribute wins
    user = state.get("u1")
    assert user is not None and user.attributes["title"] == "z"
    dropped = state.drop_held()
    assert [c.index for c in dropped] == [1, 2]
    assert state.get("u1").attributes == {  # type: ignore[union-attr]
        "employeeId": "A", "accountEnabled": True, "title": "z"}
    assert state.get("u2") is not None
    state.hold(3, "u1", {"accountEnabled": False, "title": "old"})
    state.update("u1", {"title": "new"})
    state.release_held()
    assert store.get("u1").attributes["title"] == "x"  # type: ignore[union-attr]  # buffered
    state.flush()
    assert store.get("u1").attributes["accountEnabled"] is False  # type: ignore[union-attr]
    assert store.get("u1").attributes["title"] == "new"  # type: ignore[union-attr]
    assert store.verify() == []


def test_import_file_is_checked() -> None:
    assert isinstance(parse_import("[{\"_id\": \"a\"}, {\"_id\": \"a\"}]", "f"), str)
    assert "appears twice" in str(parse_import('[{"_id": "a"}, {"_id": "a"}]', "f"))
    assert "must be a string" in str(parse_import('[{"x": {"a": 1}}]', "f"))
    assert "JSON array" in str(parse_import("{}", "f"))
    assert "lone UTF-16 surrogate" in str(parse_import('[{"displayName": "a\\ud800"}]', "f"))
    users = parse_import('[{"_anchor": "e1", "mail": null, "employeeId": "1"}]', "f")
    assert not isinstance(users, str)
    assert users[0].attributes == {"employeeId": "1"} and users[0].anchor == "e1"


def test_directory_import_export_round_trip(tmp_path: Path) -> None:
    items = [
        {"_id": "z", "_anchor": "b", "displayName": "B", "accountEnabled": True},
        {"_id": "y", "_anchor": None, "displayName": "Unowned"},
        {"_id": "x", "_anchor": "a", "displayName": "A", "otherMails": ["m1", "m2"]},
    ]
    src = tmp_path / "in.json"
    src.write_text(json.dumps(items), encoding="utf-8")
    db = tmp_path / "d.sqlite"
    result = prov("directory", "import", src, "--directory", db)
    assert result.exit_code == 0 and "imported 3 users" in result.stderr
    exported = prov("directory", "export", "--directory", db).stdout
    assert [u["_id"] for u in json.loads(exported)] == ["x", "z", "y"]  # by anchor, then none
    out = tmp_path / "out.json"
    assert prov("directory", "export", "--directory", db, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == exported
    # import replaces; --merge adds
    (tmp_path / "more.json").write_text('[{"_id": "w", "_anchor": "c"}]', encoding="utf-8")
    prov("directory", "import", tmp_path / "more.json", "--directory", db, "--merge")
    assert len(json.loads(prov("directory", "export", "--directory", db).stdout)) == 4
    prov("directory", "import", tmp_path / "more.json", "--directory", db)
    assert len(json.loads(prov("directory", "export", "--directory", db).stdout)) == 1


def test_directory_command_errors_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1]", encoding="utf-8")
    result = prov("directory", "import", bad, "--directory", tmp_path / "d.sqlite")
    assert result.exit_code == 1 and "[0]: not a JSON object (a number)" in result.stderr
    result = prov("directory", "export", "--directory", tmp_path / "none.sqlite")
    assert result.exit_code == 1 and "no directory" in result.stderr
