"""What a cycle keeps until it ends: escrowed references and the records that wait for them.

A reference value (``manager``) is the referenced user's source anchor (its SCIM
``externalId``); it resolves to the target id of the user provisioned from that anchor. A value
that does not resolve yet is escrowed per (referring user, attribute), in input order, and
retried when the cycle ends. The records of operations that wait (for an escrowed reference, or
a held delete/disable) are kept too.

Both live in a private temporary SQLite database (``sqlite3.connect("")``: on disk, deleted on
close), not in Python objects, so a run whose managers mostly come after their reports (half of
them, in a randomly ordered HR export) keeps a flat memory profile at a million records.
Inserts are buffered (at most ``BATCH`` rows) and written in one statement before anything
reads their table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from syncrules.run.log import OpResult
from syncrules.run.state import WorkingState

_DDL = """
CREATE TABLE pending (
    user_id TEXT NOT NULL, attribute TEXT NOT NULL, op_index INTEGER NOT NULL,
    anchor TEXT NOT NULL, PRIMARY KEY (user_id, attribute, op_index)
) WITHOUT ROWID;
CREATE INDEX pending_by_op ON pending(op_index);
CREATE TABLE deferred (op_index INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE verdicts (
    op_index INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, attribute TEXT NOT NULL,
    anchor TEXT NOT NULL, target TEXT, current TEXT, other INTEGER, PRIMARY KEY (op_index, seq)
) WITHOUT ROWID;
"""

#: Rows buffered before they are written to the scratch database in one statement.
BATCH = 1000

#: What the end of the cycle decided about one escrowed value: "resolved" (``target``, the old
#: ``current`` value, ``other`` 1 when it changed the attribute), "superseded" (``other`` = the
#: operation whose value won), "missing" or "gone" (the referring user no longer exists).
Verdict = tuple[int, int, str, str, str, str | None, str | None, int | None]


@dataclass(frozen=True, slots=True)
class PendingRef:
    index: int  # the operation that carried the value
    attribute: str
    anchor: str


class References:
    """Escrowed reference values (see the module docstring)."""

    def __init__(self, state: WorkingState, conn: sqlite3.Connection) -> None:
        self.state = state
        self.conn = conn
        self._seq = 0
        # rows not inserted yet, written in batches (before anything reads their table)
        self._pending: list[tuple[str, str, int, str]] = []
        self._verdicts: list[Verdict] = []

    def _flush(self) -> None:
        if self._pending:
            self.conn.executemany(
                "INSERT INTO pending(user_id, attribute, op_index, anchor) VALUES (?, ?, ?, ?)",
                self._pending,
            )
            self._pending = []
        if self._verdicts:
            self.conn.executemany("INSERT INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                  self._verdicts)
            self._verdicts = []

    def resolve(self, anchor: str) -> str | None:
        """The target id of the user provisioned from ``anchor`` (None when there is none)."""
        ids = self.state.find_anchor(anchor)
        return ids[0] if ids else None

    def resolve_many(self, anchors: Iterable[str]) -> dict[str, str | None]:
        """``resolve`` of each anchor, read at once."""
        return {a: ids[0] if ids else None for a, ids in self.state.find_anchors(anchors).items()}

    def escrow(self, user_id: str, ref: PendingRef) -> None:
        self._pending.append((user_id, ref.attribute, ref.index, ref.anchor))
        if len(self._pending) >= BATCH:
            self._flush()

    def clear(self, user_id: str, attribute: str) -> list[PendingRef]:
        """Drop the escrowed values of one user's attribute (a newer value resolved)."""
        self._flush()
        rows = self.conn.execute(
            "SELECT op_index, anchor FROM pending WHERE user_id = ? AND attribute = ? "
            "ORDER BY op_index", (user_id, attribute),
        ).fetchall()
        if rows:
            self.conn.execute(
                "DELETE FROM pending WHERE user_id = ? AND attribute = ?", (user_id, attribute)
            )
        return [PendingRef(i, attribute, a) for i, a in rows]

    def forget(self, index: int) -> list[PendingRef]:
        """Drop the escrowed values an operation carried (it was staged, so never applied)."""
        self._flush()
        rows = self.conn.execute(
            "SELECT attribute, anchor FROM pending WHERE op_index = ?", (index,)
        ).fetchall()
        if rows:
            self.conn.execute("DELETE FROM pending WHERE op_index = ?", (index,))
        return [PendingRef(index, attr, a) for attr, a in rows]

    def drain(self) -> Iterator[tuple[str, str, list[PendingRef]]]:
        """Every (user id, attribute, escrowed values in input order), in the table's key
        order (each group's rows together: no sort). The order of the groups decides nothing:
        each group is decided on its own, and sets only its own user's attribute."""
        self._flush()
        cursor = self.conn.execute(
            "SELECT user_id, attribute, op_index, anchor FROM pending "
            "ORDER BY user_id, attribute, op_index"
        )
        rows = cursor.fetchmany(1000)
        key: tuple[str, str] | None = None
        group: list[PendingRef] = []
        while rows:
            for user_id, attribute, index, anchor in rows:
                if (user_id, attribute) != key:
                    if key is not None:
                        yield key[0], key[1], group
                    key, group = (user_id, attribute), []
                group.append(PendingRef(index, attribute, anchor))
            rows = cursor.fetchmany(1000)
        if key is not None:
            yield key[0], key[1], group
        self.conn.execute("DELETE FROM pending")

    def decide(self, ref: PendingRef, kind: str, target: str | None = None,
               current: str | None = None, other: int | None = None) -> None:
        """Record the end-of-cycle verdict for one escrowed value (applied when its record is
        written, so a kept record is read back once)."""
        self._seq += 1
        self._verdicts.append(
            (ref.index, self._seq, kind, ref.attribute, ref.anchor, target, current, other)
        )
        if len(self._verdicts) >= BATCH:
            self._flush()

    def verdicts(self) -> Iterator[Verdict]:
        """Every verdict, by operation index then in the order decided."""
        self._flush()
        cursor = self.conn.execute("SELECT * FROM verdicts ORDER BY op_index, seq")
        rows = cursor.fetchmany(1000)
        while rows:
            yield from rows
            rows = cursor.fetchmany(1000)


class DeferredRecords:
    """Records kept until the end of what they wait for, by operation index
    (``OpResult.encode``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.count = 0
        self._unwritten: dict[int, bytes] = {}  # records put since the last batch was written

    def _flush(self) -> None:
        if self._unwritten:
            self.conn.executemany(
                "INSERT OR REPLACE INTO deferred(op_index, data) VALUES (?, ?)",
                self._unwritten.items(),
            )
            self._unwritten = {}

    def put(self, result: OpResult) -> None:
        if not result.spilled:
            self.count += 1
        result.spilled = True
        self._unwritten[result.index] = result.encode()
        if len(self._unwritten) >= BATCH:
            self._flush()

    def get(self, index: int) -> OpResult | None:
        data = self._unwritten.get(index)
        if data is None:
            row = self.conn.execute(
                "SELECT data FROM deferred WHERE op_index = ?", (index,)
            ).fetchone()
            if row is None:
                return None
            data = row[0]
        return OpResult.decode(data)

    def discard(self, result: OpResult) -> None:
        if result.spilled:
            # buffered, written in an earlier batch, or both (put again since)
            self._unwritten.pop(result.index, None)
            self.conn.execute("DELETE FROM deferred WHERE op_index = ?", (result.index,))
            result.spilled = False
            self.count -= 1

    def drain(self) -> Iterator[OpResult]:
        """Every record still kept, in index order (the table is emptied)."""
        last = 0
        while True:
            self._flush()
            rows = self.conn.execute(
                "SELECT op_index, data FROM deferred WHERE op_index > ? ORDER BY op_index "
                "LIMIT 1000", (last,),
            ).fetchall()
            if not rows:
                break
            for index, data in rows:
                last = index
                result = OpResult.decode(data)
                result.spilled = False
                yield result
        self.conn.execute("DELETE FROM deferred")
        self.count = 0


def scratch() -> sqlite3.Connection:
    """A private temporary database for one cycle (removed when closed)."""
    conn = sqlite3.connect("", isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.executescript(_DDL)
    conn.execute("BEGIN")  # one transaction for the whole cycle: nothing here is ever committed
    return conn
