"""The fast paths of `prov run` give what the plain ones give: the record's JSON text, the
directory's Bloom filter (no false "absent"), and the scratch database's write batches."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from syncrules.run.bloom import Bloom
from syncrules.run.directory import Store, TargetUser
from syncrules.run.log import STEP_NAMES, LogRecord, OpResult, RunInfo, build_record, encode
from syncrules.run.references import DeferredRecords, PendingRef, References, scratch
from syncrules.run.state import WorkingState

TEXTS: list[Any] = [
    "Ada", "", 'quote " and \\ backslash', "tab\tnew\nline\r", "\x00\x1f control",
    "Ünïcödé 😀", "\u2028\u2029", "</script>", None,
]
VALUES: list[Any] = [
    *TEXTS, True, False, 0, 7, -3, 2.5, 1e20, ["a", "b"], [], {"k": "v"}, [1, None],
]


def _result(rng: random.Random, index: int) -> OpResult:
    result = OpResult(index, rng.choice([None, "b1", 'bulk "x"']),
                      rng.choice(["in.jsonl:3", "ü:1"]))
    result.action = rng.choice(["create", "update", "enable", "disable", "delete", "skip", "none",
                                "fail"])
    result.attempted = rng.choice(["create", "update", "other", "delete", "disable"])
    result.status = rng.choice(["success", "skipped", "failure", "warning"])
    result.staged = rng.random() < 0.1
    if rng.random() < 0.5:
        result.error_code = rng.choice(["MultipleMatches", "ReferenceNotFound"])
        result.error_reason = rng.choice(TEXTS)
        result.error_details = rng.choice(TEXTS)
    result.source_id, result.source_name = rng.choice(TEXTS), rng.choice(TEXTS)
    result.target_id, result.target_name = rng.choice(TEXTS), rng.choice(TEXTS)
    result.applied = rng.random() < 0.5
    for _ in range(rng.randrange(7)):
        details = {f"K{n}{rng.choice(TEXTS) or ''}": rng.choice(VALUES)
                   for n in range(rng.randrange(4))}
        result.step(rng.choice(list(STEP_NAMES)), rng.choice(["success", "skipped"]),
                    rng.choice([t for t in TEXTS if t is not None]), **details)
    result.changes = [
        (rng.choice(["displayName", "secret", "manager", 'odd "name"']), rng.choice(VALUES),
         rng.choice(VALUES))
        for _ in range(rng.randrange(6))
    ]
    return result


def test_record_text_is_the_records_json_on_one_line() -> None:
    rng = random.Random(5)
    for target in ("entra", "ad"):
        info = RunInfo(job_name='Job "ü"\n', job_id="j\\1", cycle=2,
                       activity="2024-05-01T09:00:00Z", target=target, apply=True,
                       redacted=frozenset({"secret"}))
        for index in range(1, 400):
            result = _result(rng, index)
            record = LogRecord(info, result)
            text = record.text()
            assert "\n" not in text and "\r" not in text
            assert json.loads(text) == record.data() == build_record(info, result)
            assert [s["provisioningStepType"] for s in record.data()["provisioningSteps"]] == \
                sorted((s[0] for s in result.steps), key=list(STEP_NAMES).index)
            # sealed (encoded at once, the OpResult let go): the same text, line and data
            line = record.line()
            record.seal()
            assert record.result is None
            assert (record.line(), record.text()) == (line, text)
            assert record.data() == build_record(info, result)


@pytest.mark.parametrize("value", [42, 2**70, "lone \ud800 surrogate", "😀 \u2028"])
def test_record_text_is_utf8_json_whatever_the_values(value: Any) -> None:
    """orjson refuses some values (integers past 64 bits, lone surrogates): the standard
    encoder takes over, so the line is still valid JSON that encodes as UTF-8."""
    info = RunInfo(job_name="J", job_id="j", cycle=1, activity="2024-05-01T09:00:00Z",
                   target="entra", apply=False, redacted=frozenset())
    result = OpResult(1, None, "x")
    result.source_name = value
    record = LogRecord(info, result)
    text = record.text()
    text.encode("utf-8")
    assert encode(build_record(info, result)) == text
    assert json.loads(text)["sourceIdentity"]["displayName"] == value
    record.seal()
    assert record.text() == text
    assert record.data() == build_record(info, result)


def test_bloom_never_forgets_a_key() -> None:
    bloom = Bloom()
    keys = [("employeeId", f"w{i}") for i in range(20000)] + [(f"a{i}",) for i in range(5000)]
    for key in keys:
        bloom.add(key)
    assert all(key in bloom for key in keys)
    absent = [("employeeId", f"x{i}") for i in range(20000)]
    assert sum(key in bloom for key in absent) < 20  # false positives are rare


def test_a_store_that_starts_empty_still_finds_what_it_wrote(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.begin()
    assert store.find("employeeId", "E1") == [] and store.find_anchor("a1") == []
    store.insert(TargetUser("u1", "a1", {"employeeId": "E1", "userPrincipalName": "x@y"}))
    assert store.find("employeeId", "E1") == ["u1"] and store.find_anchor("a1") == ["u1"]
    user = TargetUser("u1", "a2", {"employeeId": "E9", "userPrincipalName": "x@y"})
    store.update(user, ["employeeId"], {"employeeId": "E1"})
    assert store.find("employeeId", "E9") == ["u1"] and store.find_anchor("a2") == ["u1"]
    assert store.find("employeeId", "E1") == []
    store.ensure_indexed(["department"])
    store.commit()
    store.close()
    # reopened with users in it: no filter, every lookup asks SQLite
    again = Store.open(tmp_path / "d.sqlite", writable=True)
    assert again.find("employeeId", "E9") == ["u1"] and again.find_anchor("a2") == ["u1"]
    again.close()


def test_indexing_an_attribute_later_feeds_the_filter(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.begin()
    store.insert(TargetUser("u1", None, {"department": "Sales"}))
    store.ensure_indexed(["department"])
    assert store.find("department", "SALES") == ["u1"]
    store.commit()
    store.close()


def test_batched_scratch_writes_are_seen_by_every_read(tmp_path: Path) -> None:
    store = Store.open(None, writable=True)
    state = WorkingState(store, write_through=False, cycle=1)
    conn = scratch()
    refs, kept = References(state, conn), DeferredRecords(conn)
    refs.escrow("u1", PendingRef(1, "manager", "m1"))
    refs.escrow("u1", PendingRef(2, "manager", "m2"))
    refs.escrow("u2", PendingRef(3, "manager", "m3"))
    assert [r.index for r in refs.clear("u1", "manager")] == [1, 2]
    assert [r.anchor for r in refs.forget(3)] == ["m3"]
    refs.escrow("u3", PendingRef(4, "manager", "m4"))
    assert [(u, a, [r.index for r in rs]) for u, a, rs in refs.drain()] == [("u3", "manager", [4])]
    for index in (1, 2, 3):
        kept.put(OpResult(index, None, f"l{index}"))
    again = OpResult(2, None, "again")
    again.spilled = True
    kept.put(again)  # replaces the earlier record 2
    assert kept.get(2) is not None and kept.get(2).location == "again"  # type: ignore[union-attr]
    first = kept.get(1)
    assert first is not None
    first.spilled = True
    kept.discard(first)
    assert kept.get(1) is None
    assert [r.location for r in kept.drain()] == ["again", "l3"]
    assert kept.count == 0
    conn.close()
    store.close()


def test_json_codec_agrees_with_the_standard_library() -> None:
    """One place decides when orjson may read and write: long integers, NaN and lone
    surrogates take the standard path; what comes back is what json.loads gives, except what
    `prov run` cannot use (not finite numbers, lone surrogates, too deep), refused."""
    from syncrules.run import jsoncodec

    for text in ['{"a": 1, "b": [true, null, 2.5, "ü"]}', '{"n": 123456789012345678901234}',
                 '[1e300, -0.0]']:
        assert jsoncodec.loads(text.encode()) == json.loads(text)
    assert jsoncodec.loads(b'{"n": 123456789012345678901234}')["n"] == 123456789012345678901234
    for text in [b'{"x": NaN}', b'[Infinity]', b'[1e400]', b'{"n": 123456789012345678901234, '
                 b'"x": [-1e999]}', b"[" * 5000]:
        with pytest.raises(jsoncodec.UnusableJson):
            jsoncodec.loads(text)
    with pytest.raises(jsoncodec.NotUnicodeText):
        jsoncodec.loads(b'{"a": "\\ud800"}')
    with pytest.raises(json.JSONDecodeError):
        jsoncodec.loads(b"{")
    with pytest.raises(UnicodeDecodeError):
        jsoncodec.loads(b'"\xff"')
    for value in [{"a": 2**70}, {"a": "lone \ud800"}, {"a": "ü 😀"}]:
        text = jsoncodec.dumps(value)
        text.encode("utf-8")
        assert json.loads(text) == value


def test_users_prepared_as_written_are_stored_as_write_batch_would_store_them(
    tmp_path: Path,
) -> None:
    """A write-through overlay prepares each user's stored text and index rows as it is
    written (``directory.prepare``); what reaches the file must be what ``write_batch`` makes
    of the user itself, and reads must find the same users before and after the flush."""
    rng = random.Random(11)
    store = Store.open(tmp_path / "d.sqlite", writable=True)
    store.ensure_indexed({"mail", "proxyAddresses"})
    state = WorkingState(store, write_through=True, cycle=1)
    values = ["a@x", "A@X", "b@x", "Ünï@x", "", None, ["smtp:a@x", "SMTP:B@x", ""], [], True]
    ids = ["u0"]
    state.create(TargetUser("u0", None, {}))
    for step in range(400):
        attributes = {name: rng.choice(values) for name in ("employeeId", "mail",
                                                             "proxyAddresses", "displayName")
                      if rng.random() < 0.7}
        roll = rng.random()
        if roll < 0.4:  # a new user (ids are never reused, as in a cycle)
            user_id = f"u{step + 1}"
            ids.append(user_id)
            state.create(TargetUser(user_id, rng.choice([None, f"A{step}"]), attributes))
        else:
            user_id = rng.choice(ids)
            if roll < 0.5:
                state.delete(user_id)
            else:
                state.update(user_id, attributes)
        if rng.random() < 0.05 and state.get(user_id) is not None:  # a held disable/delete
            state.hold(step, user_id, rng.choice([None, {"accountEnabled": False}]))
        # the batched reads answer as the single ones do, whatever layer holds the user
        wanted = [*rng.sample(ids, min(10, len(ids))), "nobody"]
        assert state.get_many(wanted) == {i: state.get(i) for i in wanted}
        anchors = [f"A{rng.randrange(step + 1)}" for _ in range(10)] + ["none"]
        assert state.find_anchors(anchors) == {a: state.find_anchor(a) for a in anchors}
        if rng.random() < 0.1:
            lookups = {(a, str(v)): state.find(a, v) for a in ("mail", "employeeId")
                       for v in values[:5]}
            state.flush()
            assert store.verify() == []
            assert lookups == {(a, str(v)): state.find(a, v) for a in ("mail", "employeeId")
                               for v in values[:5]}
    state.flush()
    assert store.verify() == []
    store.close()


def test_batched_reads_of_a_memory_store_answer_as_single_ones() -> None:
    from syncrules.run.memory import MemoryStore

    store = MemoryStore([TargetUser("u1", "A1", {"employeeId": "1"}),
                         TargetUser("u2", "A1", {"employeeId": "2"}),
                         TargetUser("u3", None, {})])
    assert store.get_many(["u1", "u3", "nobody"]) == {
        "u1": store.get("u1"), "u3": store.get("u3")}
    assert store.find_anchors(["A1", "A2"]) == {"A1": ["u1", "u2"]}


@pytest.mark.parametrize("sqlite_can", [True, False])  # False: SQLite older than 3.38
@pytest.mark.parametrize("attribute", ["manager", "employeeId", "odd.name", "accountEnabled"])
def test_one_attribute_read_and_set_in_place_as_whole_users_would_be(
    tmp_path: Path, attribute: str, sqlite_can: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``attribute_values`` and ``set_attribute`` (the end of a cycle settling references) read
    and write one attribute in place in SQLite when nothing depends on it, and as whole users
    otherwise (an indexed attribute, the account state, a name that is no plain JSON path, a
    held change): the users end the same either way, and the same as in a memory store."""
    from syncrules.run.memory import MemoryStore

    def play(store: Any, write_through: bool) -> dict[str, Any]:
        state = WorkingState(store, write_through=write_through, cycle=3)
        for i in range(6):
            state.create(TargetUser(f"u{i}", f"a{i}", {"displayName": f"U {i}",
                                                       attribute: f"old{i}" if i % 2 else None}))
        state.flush()
        state.create(TargetUser("u9", "a9", {attribute: "new9"}))  # still in the overlay
        ids = ["u0", "u1", "u2", "u9", "nobody"]
        expected = {i: u.attributes.get(attribute)
                    for i in ids if (u := state.get(i)) is not None}
        assert state.attribute_values(ids, attribute) == expected
        state.set_attribute("u1", attribute, "set1")
        state.set_attribute("u9", attribute, "set9")
        assert state.get("u1").attributes[attribute] == "set1"  # seen before any flush
        state.set_attribute("u2", attribute, "set2")
        assert state.attribute_values(["u2", "u3"], attribute) == {"u2": "set2", "u3": "old3"}
        state.hold(1, "u4", {"displayName": "held"})  # now nothing is set in place
        state.set_attribute("u5", attribute, "set5")
        state.release_held()
        state.flush()
        return {i: (u.attributes, u.updated_cycle) for i in [*ids, "u4", "u5"]
                if (u := state.get(i)) is not None}

    monkeypatch.setattr(Store, "sets_in_place", sqlite_can and Store.sets_in_place)
    sqlite = Store.open(tmp_path / "d.sqlite", writable=True)
    sqlite.ensure_indexed({"employeeId"})
    sqlite.begin()
    in_sqlite = play(sqlite, True)
    assert sqlite.verify() == []
    sqlite.close()
    memory = MemoryStore()
    memory.ensure_indexed({"employeeId"})
    assert in_sqlite == play(memory, False)
    assert in_sqlite["u1"] == ({"displayName": "U 1", attribute: "set1"}, 3)


def test_kept_results_read_back_as_they_were() -> None:
    """A result kept until the cycle ends (``OpResult.encode``: JSON when every value survives
    it, marshal otherwise) reads back with the same fields and makes the same record."""
    info = RunInfo(job_name="J", job_id="j", cycle=1, activity="2024-05-01T09:00:00Z",
                   target="entra", apply=True, redacted=frozenset({"secret"}))
    rng = random.Random(3)
    odd: list[Any] = [2**70, float("nan"), float("inf"), "lone \ud800", ("t", 1), [1.5, [2**70]],
                      {"k": float("-inf")}, -0.0]
    for index in range(1, 300):
        result = _result(rng, index)
        if index % 3 == 0:
            result.changes.append(("odd", None, rng.choice(odd)))
        result.waiting, result.held = index % 2, index % 5 == 0
        data = result.encode()
        again = OpResult.decode(data)
        assert build_record(info, again) == build_record(info, result)
        for name in ("index", "bulk_id", "location", "action", "status", "waiting", "held",
                     "applied", "error_details", "steps"):
            assert getattr(again, name) == getattr(result, name), name
        assert [(n, type(o), type(v)) for n, o, v in again.changes] == [
            (n, list if type(o) is tuple and data[:1] == b"[" else type(o),
             list if type(v) is tuple and data[:1] == b"[" else type(v))
            for n, o, v in result.changes]
