"""The in-memory directory answers as the SQLite one does (the same writes, the same reads)."""

from __future__ import annotations

from syncrules.run.directory import Store, TargetUser, fold
from syncrules.run.memory import MemoryStore


def _both() -> tuple[Store, MemoryStore]:
    seed = [TargetUser("u1", "A1", {"employeeId": "1", "userPrincipalName": "Ada@contoso.com"}),
            TargetUser("u2", None, {"employeeId": "2", "mail": ["x@c.com", "Y@c.com"]})]
    store = Store.open(None, writable=True)
    store.begin()
    store.write_batch([(None, u) for u in seed])
    store.commit()
    return store, MemoryStore(seed)


def _reads(directory: Store | MemoryStore) -> list[object]:
    return [
        directory.find("employeeId", fold("1")),
        directory.find("userPrincipalName", fold("ADA@CONTOSO.COM")),
        directory.find("mail", fold("y@c.com")),
        directory.find_anchor("A1"),
        directory.find_anchor("A2"),
        directory.get("u1"),
        directory.get("u3"),
    ]


def test_memory_store_answers_as_the_sqlite_store() -> None:
    store, memory = _both()
    for directory in (store, memory):
        directory.ensure_indexed({"mail"})
    assert _reads(memory) == _reads(store)
    old = store.get("u1")
    changes = [(old, TargetUser("u1", "A1", {"employeeId": "9"})),
               (store.get("u2"), None),
               (None, TargetUser("u3", "A2", {"employeeId": "1"}))]
    for directory in (store, memory):
        directory.begin()
        directory.write_batch(changes)
        directory.commit()
    assert _reads(memory) == _reads(store)
    assert memory.find("employeeId", fold("1")) == ["u3"]
    assert [u.id for u in memory.iter_users()] == [u.id for u in store.iter_users()]
    store.close()


def test_reserved_values() -> None:
    memory = MemoryStore(reserved=["JDoe@contoso.com"])
    assert memory.reserves and memory.reserved(fold("jdoe@CONTOSO.com"))
    assert not memory.reserved(fold("other"))
    assert not MemoryStore().reserves and not Store.reserves
