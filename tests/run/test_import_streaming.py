"""`prov directory import` streams a JSON array an element at a time and gives what parsing the
whole file gave: the same users, or the same message (not UTF-8 anywhere first, then the first
JSON syntax error, then the first bad user)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.cli import main
from syncrules.run import directory as directory_module
from syncrules.run.directory import ImportProblem, Store, iter_import, parse_import
from syncrules.run.jsoncodec import TOO_DEEP


def _whole(path: Path) -> list | str:
    """What the import gave before streaming: the whole text read, then parsed."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return f"{path} is not UTF-8 text"
    try:
        return parse_import(text, str(path))
    except RecursionError:
        return f"{path}: {TOO_DEEP}"


def _streamed(path: Path) -> list | str:
    try:
        return list(iter_import(path, str(path)))
    except ImportProblem as exc:
        return str(exc)


PIECES = st.sampled_from(
    [
        '{"_id": "a", "_anchor": "1", "displayName": "Zoë"}',
        '{"_id": "b", "n": 1.5, "tags": ["x", "y"]}',
        '{"_id": "a"}',  # a duplicate when "a" came before
        '{"_anchor": null, "k": 123456789012345678901234567890}',
        '{"bad": {"nested": 1}}',
        '{"_anchor": 5}',
        "42",
        '"text"',
        "[]",
        "tru",
        "{",
        "}",
        ",",
        " ",
        "\n",
        "\r\n",
        "\r",
        '{"s": "a\\u00e9\\ud800"}',
        "null",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(PIECES, max_size=7),
    commas=st.booleans(),
    opening=st.sampled_from(["[", " \n[", "\ufeff[", "{", ""]),
    closing=st.sampled_from(["]", "]\n", "] x", "", "]]"]),
    bad_byte=st.booleans(),
    chunk=st.sampled_from([1, 3, 16, 1 << 20]),
)
def test_streaming_gives_what_the_whole_file_gave(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pieces: list[str],
    commas: bool,
    opening: str,
    closing: str,
    bad_byte: bool,
    chunk: int,
) -> None:
    monkeypatch.setattr(directory_module._ArrayStream, "CHUNK", chunk)
    text = opening + ("," if commas else " ").join(pieces) + closing
    data = text.encode("utf-8", "surrogatepass")
    if bad_byte:
        data += b"\n\xff"
    path = tmp_path / "users.json"
    path.write_bytes(data)
    assert _streamed(path) == _whole(path)


def test_a_large_file_is_read_an_element_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory_module._ArrayStream, "CHUNK", 4096)
    users = [{"_id": f"u{i}", "_anchor": str(i), "displayName": f"User {i}"} for i in range(5000)]
    path = tmp_path / "users.json"
    path.write_text(json.dumps(users, indent=2), encoding="utf-8")
    biggest = []
    real = directory_module._ArrayStream._forget

    def watch(self: directory_module._ArrayStream, pos: int) -> None:
        real(self, pos)
        biggest.append(len(self.buf))

    monkeypatch.setattr(directory_module._ArrayStream, "_forget", watch)
    assert _streamed(path) == _whole(path)
    assert max(biggest) < 3 * 4096  # never more than a few pieces held


def test_the_command_imports_the_same_users(tmp_path: Path) -> None:
    users = [{"_id": f"u{i}", "_anchor": str(i), "mail": f"u{i}@contoso.com"} for i in range(30)]
    source = tmp_path / "users.json"
    source.write_text(json.dumps(users), encoding="utf-8")
    db = tmp_path / "dir.sqlite"
    result = CliRunner().invoke(main, ["directory", "import", str(source), "--directory", str(db)])
    assert result.exit_code == 0, result.output
    assert "imported 30 users" in result.stderr
    store = Store.open(db, writable=False)
    try:
        assert json.loads(store.export_text()) == sorted(
            users, key=lambda u: (u["_anchor"] is None, u["_anchor"], u["_id"])
        )
    finally:
        store.close()


def test_a_bad_file_leaves_the_directory_untouched(tmp_path: Path) -> None:
    db = tmp_path / "dir.sqlite"
    good = tmp_path / "good.json"
    good.write_text('[{"_id": "keep"}]', encoding="utf-8")
    runner = CliRunner()
    assert (
        runner.invoke(main, ["directory", "import", str(good), "--directory", str(db)]).exit_code
        == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text('[{"_id": "x"}, {"_id": "x"}]', encoding="utf-8")
    result = runner.invoke(main, ["directory", "import", str(bad), "--directory", str(db)])
    assert result.exit_code == 1 and "appears twice" in result.stderr
    store = Store.open(db, writable=False)
    try:
        assert [u.id for u in store.iter_users()] == ["keep"]
    finally:
        store.close()


@pytest.mark.parametrize(
    "early", ['{"_id": "a"}, {"_id": "a"}', '{"_id": "a"} {"_id": "b"}', "[" * 5000]
)
def test_bytes_that_are_not_utf8_far_on_still_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, early: str
) -> None:
    monkeypatch.setattr(directory_module._ArrayStream, "CHUNK", 4096)
    filler = ", ".join(f'{{"_id": "u{i}"}}' for i in range(20_000))
    path = tmp_path / "users.json"
    path.write_bytes(f"[{early}, {filler}".encode() + b"\xff]")
    assert _streamed(path) == _whole(path) == f"{path} is not UTF-8 text"
