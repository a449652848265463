"""`prov upload` streams its input: the records and payloads are those of reading the whole file
at once, and memory does not grow with the number of users."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest
from graph_support import Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.graph.upload import (
    _read_document,
    _read_json_lines,
    collect,
    iter_batches,
    iter_records,
    make_batches,
    payload_text,
    read_users,
)


def _user(i: int) -> str:
    return json.dumps({"externalId": f"E{i}", "userName": f"u{i}@contoso.com", "active": True})


def _whole(path: Path) -> object:
    """What reading the whole file at once gives (the behaviour before streaming)."""
    data = path.read_bytes()
    if path.suffix in (".jsonl", ".ndjson"):
        return collect(_read_json_lines(io.BytesIO(data), str(path)))
    return collect(_read_document(data, str(path)))


LINES = st.sampled_from(
    [
        _user(1),
        _user(2),
        "",
        "   ",
        "{",
        "}",
        '"text"',
        "[1, 2]",
        '{"externalId": "X", "n": 1}  ',
        '{"externalId": "Y"} trailing',
        "\ufeff" + _user(3),
        '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],',
        '"Operations": [{"method": "POST", "path": "/Users", "data": {"externalId": "B"}}]',
        '{"externalId": "\\ud800"}',
        "\u00a0",
        "not json",
        "[",
        "]",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(LINES, max_size=8),
    suffix=st.sampled_from([".json", ".jsonl", ".txt"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_streaming_reads_what_the_whole_file_gives(
    tmp_path: Path, lines: list[str], suffix: str, newline: str, final: bool
) -> None:
    path = tmp_path / f"users{suffix}"
    path.write_bytes((newline.join(lines) + (newline if final else "")).encode("utf-8"))
    assert collect(iter_records(path)) == _whole(path)


@pytest.mark.parametrize(
    "text",
    [
        "\n".join(_user(i) for i in range(5)) + "\n",  # JSON Lines in a .json file
        "\n\n  \n" + "\n".join(_user(i) for i in range(3)),  # blank lines first
        '{"externalId": "1", "oops\n' + _user(2),  # an error inside the first line
    ],
)
def test_json_lines_in_a_json_file_are_not_read_whole(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "users.json"
    path.write_text(text, encoding="utf-8")
    expected = _whole(path)
    reads: list[int] = []
    real_open = Path.open

    def watched(self: Path, *args: object, **kwargs: object) -> object:
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        real_read = handle.read
        handle.read = lambda n=-1: reads.append(n) or real_read(n)  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(Path, "open", watched)
    assert collect(iter_records(path)) == expected
    assert -1 not in reads  # never read to the end in one piece


def test_a_document_on_several_lines_is_still_one_document(tmp_path: Path) -> None:
    path = tmp_path / "bulk.json"
    bulk = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [
            {"method": "POST", "path": "/Users", "bulkId": f"b{i}", "data": json.loads(_user(i))}
            for i in range(3)
        ],
    }
    path.write_text(json.dumps(bulk, indent=2), encoding="utf-8")
    result = read_users(path)
    assert [u.origin for u in result.users] == [f"{path}: Operations[{i}]" for i in range(3)]
    assert result == _whole(path)


def test_batches_as_they_come_are_the_batches_of_the_whole_list(tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_text("\n".join(_user(i) for i in range(123)), encoding="utf-8")
    users = read_users(path).users
    for size in (1, 7, 50):
        streamed = list(iter_batches(iter(users), size))
        assert streamed == make_batches(users, size)
        assert [b.payload for b in streamed] == [b.payload for b in make_batches(users, size)]


def test_dry_run_payloads_are_byte_identical(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "u.jsonl"
    path.write_text(
        "\n".join([*(_user(i) for i in range(120)), "broken", '{"no": "id"}']), encoding="utf-8"
    )
    out = tmp_path / "payloads"
    result = cli.run("upload", str(path), "--dry-run", "--out-dir", str(out))
    assert result.exit_code == 1  # two records failed
    expected = make_batches(read_users(path).users)
    written = sorted(out.iterdir())
    assert [p.name for p in written] == [f"payload-{b.number:04d}.json" for b in expected]
    for file, batch in zip(written, expected, strict=True):
        assert file.read_text(encoding="utf-8") == payload_text(batch.payload)
    assert "dry run: 120 users in 3 payloads, nothing sent; 2 records failed" in result.stdout
    assert result.stderr.count("error: ") == 2


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        for _batch in iter_batches(r for r in iter_records(path) if hasattr(r, "data")):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_users(tmp_path: Path) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text("\n".join(_user(i) for i in range(1_000)), encoding="utf-8")
    large.write_text("\n".join(_user(i) for i in range(20_000)), encoding="utf-8")
    assert _peak(large) < 2 * _peak(small)  # 20x the users


def test_a_fifo_is_refused_not_read(cli: Cli, fake_graph: object, tmp_path: Path) -> None:
    """Inputs that never end are refused up front (issue #18): a FIFO is not opened at all,
    so the command neither hangs nor sends anything."""
    import os

    fifo = tmp_path / "users.jsonl"
    os.mkfifo(fifo)
    result = cli.run("upload", str(fifo))
    assert result.exit_code != 0
    assert "named pipe (FIFO)" in result.stdout + result.stderr


def test_a_directory_import_from_a_fifo_is_refused(tmp_path: Path) -> None:
    import os

    from click.testing import CliRunner

    from syncrules.cli import main

    fifo = tmp_path / "users.json"
    os.mkfifo(fifo)
    result = CliRunner().invoke(
        main, ["directory", "import", str(fifo), "--directory", str(tmp_path / "d.sqlite")]
    )
    assert result.exit_code == 1, result.output
    assert "is a named pipe (FIFO), not a regular file" in result.stderr
    assert not (tmp_path / "d.sqlite").exists()
