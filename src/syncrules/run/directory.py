"""The offline target directory: a SQLite file of target users (default ``.prov/directory.sqlite``).

Tables:

* ``users(id, anchor, attributes, enabled, created_cycle, updated_cycle)``: ``attributes`` is the
  user's target attributes as compact JSON; ``anchor`` is the source anchor (the SCIM
  ``externalId`` the user was provisioned from, NULL for a user no source owns yet); ``enabled``
  is derived from ``accountEnabled`` / ``accountDisabled``. ``users(anchor, id)`` is indexed, so
  resolving a reference by source anchor reads the index only.
* ``attr_values(attribute, value, user_id)``: for each *indexed* attribute, its values folded as
  .NET's OrdinalIgnoreCase compares them (``fold``; Entra compares attributes that are not
  caseExact without regard to case), so matching, UPN-collision and SelectUniqueValue checks are
  index lookups. Multi-valued attributes index every value.
* ``meta(key, value)``: ``schema`` version, the last ``cycle`` number, the ``indexed``
  attributes, the ``fold`` the index values were made with.

The index covers ``DEFAULT_INDEXED`` plus whatever a run asks for (``ensure_indexed``); when a
read-only store lacks one, the values are indexed into a TEMP table for that session only, so
reading never writes to the file. Writes come in batches (``write_batch``, inside the caller's
transaction): a user and its index rows change together, so a crash (or an interrupted run)
leaves them consistent; ``verify`` checks that. A directory that starts empty (a first, bulk
load) keeps a Bloom filter of the values and anchors written (``run.bloom``), so lookups that
cannot match skip their query.

Opening a file for writing takes ``<file>.lock`` (one writer at a time); ``open_copy`` gives a
private writable copy for a plan.

Import/export: a JSON array of users, each its attributes plus ``"_id"`` and ``"_anchor"``,
sorted by anchor then id, keys sorted: byte-identical for the same state.

``Directory`` is what a cycle (``run.state.WorkingState``) needs of a directory; ``Store`` is
the SQLite one, ``run.memory.MemoryStore`` the in-memory one `prov test`, fixture snapshots and
`prov plan` run their records against, through the same cycle.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from syncrules.canonicaljson import canonical
from syncrules.filesystem import os_reason
from syncrules.jsontext import json_error, json_error_reason
from syncrules.run import jsoncodec
from syncrules.run.bloom import Bloom
from syncrules.runtime.text import ignore_case
from syncrules.safeio import cannot_read, resolved

T = TypeVar("T")

SCHEMA_VERSION = "1"
DEFAULT_PATH = Path(".prov/directory.sqlite")
DEFAULT_INDEXED = frozenset({"employeeId", "userPrincipalName"})
#: How index values are folded (meta ``fold``). A file indexed another way (syncrules 0.x
#: casefolded values) is re-indexed when opened for writing, and indexed into a temporary
#: table for a read-only session.
FOLD = "ordinal-ignore-case"
#: SQLite page cache per connection (KiB): bounded, so memory does not grow with the directory.
CACHE_KIB = 32768
#: WAL pages between automatic checkpoints while writing.
WAL_PAGES = 10000

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    anchor TEXT,
    attributes TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_cycle INTEGER,
    updated_cycle INTEGER
);
DROP INDEX IF EXISTS users_by_anchor;
CREATE INDEX IF NOT EXISTS users_by_anchor_id ON users(anchor, id);
CREATE TABLE IF NOT EXISTS attr_values (
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (attribute, value, user_id)
) WITHOUT ROWID;
"""


@dataclass(slots=True)
class TargetUser:
    id: str
    anchor: str | None
    attributes: dict[str, Any]
    created_cycle: int | None = None
    updated_cycle: int | None = None


class Directory(Protocol):
    """What a cycle reads and writes: ``Store`` (SQLite) and ``run.memory.MemoryStore``.

    ``find`` takes a value already folded (``fold``); ids come back sorted. ``reserved`` says
    whether a (folded) value counts as used by a user outside the directory (a test's
    ``taken`` values; ``reserves`` is False when there are none); writes come in batches
    (``write_batch``)."""

    reserves: bool
    #: Whether ``attribute_values`` and ``set_in_place`` read and write one attribute in place.
    sets_in_place: bool

    @property
    def indexed(self) -> frozenset[str]: ...
    def ensure_indexed(self, attributes: Iterable[str]) -> None: ...
    def get(self, user_id: str) -> TargetUser | None: ...
    def get_many(self, user_ids: Iterable[str]) -> dict[str, TargetUser]: ...
    def find(self, attribute: str, folded: str) -> list[str]: ...
    def find_anchor(self, anchor: str) -> list[str]: ...
    def find_anchors(self, anchors: Iterable[str]) -> dict[str, list[str]]: ...
    def attribute_values(self, user_ids: Iterable[str], attribute: str) -> dict[str, Any]: ...
    def set_in_place(self, patches: list[tuple[str, str, Any]], cycle: int) -> None: ...
    def reserved(self, folded: str) -> bool: ...
    def write_batch(
        self, changes: list[tuple[TargetUser | None, TargetUser | None]],
        prepared: Mapping[str, Prepared] | None = None,
    ) -> None: ...
    def last_cycle(self) -> int: ...
    def set_cycle(self, cycle: int) -> None: ...
    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


class DirectoryError(Exception):
    """The directory file cannot be used (not SQLite, newer schema, unreadable): exit 1."""


def fold(value: Any) -> str:
    """The index form of one scalar value: text as .NET's OrdinalIgnoreCase compares it
    (``runtime.text.ignore_case``), booleans as TRUE/FALSE (so ``true`` and ``"True"`` match)."""
    if value.__class__ is str:
        # ASCII (the common case) folds by str.upper, as ignore_case does it
        return value.upper() if value.isascii() else ignore_case(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return ignore_case(str(value))


def folded_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return sorted({fold(v) for v in value if v is not None and v != ""})
    if value == "":
        return []
    return [fold(value)]


def is_enabled(attributes: dict[str, Any]) -> bool:
    if "accountEnabled" in attributes:
        return _truthy(attributes["accountEnabled"])
    if "accountDisabled" in attributes:
        return not _truthy(attributes["accountDisabled"])
    return True


#: A user as ``Store.write_batch`` writes it: its stored attributes text (``dumps_attributes``)
#: and its index rows (``_index_rows`` over the store's indexed attributes, sorted).
Prepared = tuple[str, list[tuple[str, str, str]]]


def prepare(user: TargetUser, indexed: list[str]) -> Prepared:
    """What ``write_batch`` would make of a new ``user``, made now: `prov run` prepares a user
    as it writes it to its buffer, while its values are still in the processor's caches."""
    return dumps_attributes(user.attributes), _index_rows(user, indexed)


def _index_rows(user: TargetUser, indexed: list[str]) -> list[tuple[str, str, str]]:
    """The user's index rows (attribute, folded value, id), attributes in ``indexed``
    order."""
    attributes = user.attributes
    return [
        (attr, value, user.id)
        for attr in indexed if attr in attributes
        for value in folded_values(attributes[attr])
    ]


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def loads_attributes(text: str) -> dict[str, Any]:
    """A user's stored attributes."""
    return jsoncodec.loads(text.encode())


def dumps_attributes(attributes: dict[str, Any]) -> str:
    """Stored form of a user's attributes: compact JSON (the export sorts keys, the store need
    not)."""
    return jsoncodec.dumps(attributes)


#: Values per query of the ``*_many`` reads (under SQLite's oldest limit of 999 parameters).
MANY = 500


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), read as they are needed."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


_FIND = "SELECT user_id FROM attr_values WHERE attribute = ? AND value = ? ORDER BY user_id"
_FIND_TEMP = (
    "SELECT user_id FROM temp.temp_values WHERE attribute = ? AND value = ? ORDER BY user_id"
)
_FIND_ANCHOR = "SELECT id FROM users WHERE anchor = ? ORDER BY id"


class Store:
    """One SQLite directory. ``writable=False`` opens the file read-only (plans)."""

    reserves = False  # no value is used outside a SQLite directory
    #: ``attribute_values`` reads one attribute with ``->`` (SQLite 3.38 and later).
    sets_in_place = sqlite3.sqlite_version_info >= (3, 38, 0)

    def __init__(self, conn: sqlite3.Connection, path: Path | None, writable: bool) -> None:
        self.conn = conn
        self.path = path
        self.writable = writable
        self._private: Path | None = None  # the temporary folder of a private copy
        self._lock: IO[bytes] | None = None  # held while the directory is open for writing
        # called after each commit (prov run --apply releases the log records it held)
        self.after_commit: list[Callable[[], None]] = []
        self._indexed = self._load_indexed()
        self._temp: set[str] = set()
        self._reindexed()
        # A directory that starts empty (the first, bulk load) gets a Bloom filter of every
        # value this store writes, so lookups that cannot match skip the query; one that holds
        # users already does not (filling the filter would read the whole directory).
        empty = conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None
        self._bloom: Bloom | None = Bloom() if empty else None
        if self._meta("fold") != FOLD:
            self._refold()

    # ---- opening ----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None, *, writable: bool) -> Store:
        """Open (creating when writable) the directory at ``path``; None or a missing file in
        read-only mode gives an empty in-memory directory.

        Raises:
            DirectoryError: the file is not a syncrules directory or cannot be opened.
        """
        _refuse_special(path)
        try:
            if path is None or (not writable and not path.exists()):
                conn = sqlite3.connect(":memory:", isolation_level=None)
                conn.executescript(_DDL)
                _init_meta(conn)
                return cls(conn, path, True)
            if writable:
                # an existing file that is not a syncrules directory (another program's SQLite
                # database, say) is refused before anything can change it
                _refuse_foreign(path)
                path.parent.mkdir(parents=True, exist_ok=True)
                lock = _lock(path)
                try:
                    conn = sqlite3.connect(str(path), isolation_level=None)
                except BaseException:
                    lock.close()
                    raise
                # WAL while writing (a commit appends to the log, no fsync of the database);
                # close() switches back, so readers (plans) find a plain rollback-journal file
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                # checkpoint (the one step that syncs) every ~40 MiB of log, not every 4 MiB
                conn.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
                conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
                conn.executescript(_DDL)
                _init_meta(conn)
            else:
                lock = None
                conn = sqlite3.connect(f"{resolved(path).as_uri()}?mode=ro", uri=True,
                                       isolation_level=None)
            try:
                _check_schema(conn, path)
                store = cls(conn, path, writable)
            except BaseException:
                conn.close()
                if lock is not None:
                    lock.close()
                raise
            store._lock = lock
            return store
        except OSError as exc:
            why = os_reason(path, exc) if path is not None else str(exc)
            raise DirectoryError(f"cannot open the directory {path}: {why}") from None
        except sqlite3.DatabaseError as exc:
            raise DirectoryError(f"cannot open the directory {path}: {exc}") from None

    @classmethod
    def open_copy(cls, path: Path | None) -> Store:
        """A private, writable copy of the directory at ``path`` (empty when there is none), in
        a temporary folder removed by ``close()``: a plan runs against it exactly as ``--apply``
        runs against the directory, with memory bounded the same way, and the directory itself
        is only read (SQLite's online backup copies it page by page).

        Raises:
            DirectoryError: the file is not a syncrules directory or cannot be read or copied.
        """
        _refuse_special(path)
        folder = Path(tempfile.mkdtemp(prefix="prov-plan-"))
        copy = folder / "plan.sqlite"
        try:
            conn = sqlite3.connect(str(copy), isolation_level=None)
            if path is not None and path.exists():
                source = sqlite3.connect(f"{resolved(path).as_uri()}?mode=ro", uri=True)
                try:
                    _check_schema(source, path)
                    source.backup(conn)
                finally:
                    source.close()
            # a throwaway file: no journal, no syncs
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            conn.executescript(_DDL)
            _init_meta(conn)
            _check_schema(conn, path)
            store = cls(conn, None, True)
        except DirectoryError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        except (sqlite3.DatabaseError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise DirectoryError(f"cannot open the directory {path}: {exc}") from None
        store._private = folder
        return store

    def close(self) -> None:
        if self.writable and self.path is not None and not self.conn.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):  # another reader holds it
                self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.close()
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # releases the lock (the file stays: see _lock)
            self._lock = None

    # ---- transactions -----------------------------------------------------------------------

    def begin(self) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        for hook in self.after_commit:
            hook()

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _refold(self) -> None:
        """Index values folded another way: rebuild them (writable) or ignore them (read-only:
        the attributes a run needs are indexed into a temporary table)."""
        if not self.writable:
            self._indexed = set()
            self._reindexed()
            return
        self.begin()
        self.conn.execute("DELETE FROM attr_values")
        for attr in sorted(self._indexed):
            self._index_all(attr, "attr_values")
        self._set_meta("fold", FOLD)
        self.commit()

    # ---- meta -------------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def last_cycle(self) -> int:
        return int(self._meta("cycle") or "0")

    def set_cycle(self, cycle: int) -> None:
        self._set_meta("cycle", str(cycle))

    def _load_indexed(self) -> set[str]:
        raw = self._meta("indexed")
        return set(json.loads(raw)) if raw else set(DEFAULT_INDEXED)

    @property
    def indexed(self) -> frozenset[str]:
        return self._indexed_view

    def _reindexed(self) -> None:
        """Call after ``_indexed`` or ``_temp`` changes (``indexed`` is read on every write)."""
        self._indexed_view = frozenset(self._indexed | self._temp)
        self._indexed_order = sorted(self._indexed)

    def ensure_indexed(self, attributes: Iterable[str]) -> None:
        """Index ``attributes`` too (a scan of every user, once per attribute)."""
        missing = sorted(set(attributes) - self._indexed - self._temp)
        if not missing:
            return
        if self.writable:
            self.begin()
            for attr in missing:
                self._index_all(attr, "attr_values")
            self._indexed.update(missing)
            self._reindexed()
            self._set_meta("indexed", json.dumps(sorted(self._indexed)))
            self.commit()
            return
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS temp_values (attribute TEXT NOT NULL, "
            "value TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (attribute, value, user_id))"
        )
        for attr in missing:
            self._index_all(attr, "temp.temp_values")
        self._temp.update(missing)
        self._reindexed()

    def _index_all(self, attr: str, table: str) -> None:
        rows = self.conn.execute("SELECT id, attributes FROM users").fetchall()
        for user_id, text in rows:
            for value in folded_values(loads_attributes(text).get(attr)):
                if self._bloom is not None:
                    self._bloom.add((attr, value))
                self.conn.execute(
                    f"INSERT OR IGNORE INTO {table}(attribute, value, user_id) VALUES (?, ?, ?)",
                    (attr, value, user_id),
                )

    # ---- reads ------------------------------------------------------------------------------

    def get(self, user_id: str) -> TargetUser | None:
        row = self.conn.execute(
            "SELECT id, anchor, attributes, created_cycle, updated_cycle FROM users WHERE id = ?",
            (user_id,),
        ).fetchone()
        if row is None:
            return None
        return TargetUser(row[0], row[1], loads_attributes(row[2]), row[3], row[4])

    def get_many(self, user_ids: Iterable[str]) -> dict[str, TargetUser]:
        """``get`` of many users at once (a query per ``MANY`` ids): the users found, by id."""
        found: dict[str, TargetUser] = {}
        for part in batches(user_ids, MANY):
            marks = ", ".join("?" * len(part))
            for row in self.conn.execute(
                "SELECT id, anchor, attributes, created_cycle, updated_cycle FROM users "
                f"WHERE id IN ({marks})", part,
            ):
                found[row[0]] = TargetUser(row[0], row[1], loads_attributes(row[2]), row[3],
                                           row[4])
        return found

    def find(self, attribute: str, folded: str) -> list[str]:
        """Ids of users whose ``attribute`` has the (``fold``-ed) value ``folded``, sorted."""
        if attribute in self._indexed:
            sql = _FIND
        elif attribute in self._temp:
            sql = _FIND_TEMP
        else:
            raise AssertionError(f"{attribute} is not indexed: call ensure_indexed first")
        if self._bloom is not None and (attribute, folded) not in self._bloom:
            return []
        return [r[0] for r in self.conn.execute(sql, (attribute, folded))]

    def find_anchor(self, anchor: str) -> list[str]:
        if self._bloom is not None and (anchor,) not in self._bloom:
            return []
        return [r[0] for r in self.conn.execute(_FIND_ANCHOR, (anchor,))]

    def find_anchors(self, anchors: Iterable[str]) -> dict[str, list[str]]:
        """``find_anchor`` of many anchors at once: the sorted ids of each anchor found."""
        bloom = self._bloom
        wanted = [a for a in anchors if bloom is None or (a,) in bloom]
        found: dict[str, list[str]] = {}
        for part in batches(wanted, MANY):
            marks = ", ".join("?" * len(part))
            for anchor, user_id in self.conn.execute(
                f"SELECT anchor, id FROM users WHERE anchor IN ({marks}) ORDER BY anchor, id",
                part,
            ):
                found.setdefault(anchor, []).append(user_id)
        return found

    def attribute_values(self, user_ids: Iterable[str], attribute: str) -> dict[str, Any]:
        """For each of ``user_ids`` stored, the value of one attribute (None when unset), read
        without the rest of the user. ``attribute`` is a plain name (a JSON path as it is)."""
        found: dict[str, Any] = {}
        for part in batches(user_ids, MANY):
            marks = ", ".join("?" * len(part))
            for user_id, text in self.conn.execute(
                f"SELECT id, attributes -> ? FROM users WHERE id IN ({marks})",
                [f"$.{attribute}", *part],
            ):
                found[user_id] = None if text is None else loads_attributes(text)
        return found

    def set_in_place(self, patches: list[tuple[str, str, Any]], cycle: int) -> None:
        """Set one attribute of each user, ``(id, attribute, value)``, in place (``json_set``),
        in the caller's transaction. Only for attributes no index, anchor or ``enabled``
        depends on (``WorkingState._in_place`` decides)."""
        self.conn.executemany(
            "UPDATE users SET attributes = json_set(attributes, ?, json(?)), updated_cycle = ? "
            "WHERE id = ?",
            [(f"$.{attr}", dumps_attributes(value), cycle, user_id)
             for user_id, attr, value in patches],
        )

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def reserved(self, folded: str) -> bool:
        """Values used outside the directory: none in a SQLite directory."""
        return False

    # ---- writes -----------------------------------------------------------------------------

    def insert(self, user: TargetUser) -> None:
        self.write_batch([(None, user)])

    def update(self, user: TargetUser, changed: Iterable[str], old: dict[str, Any]) -> None:
        """Rewrite ``user`` (its full attributes); ``old`` holds the previous values of the
        ``changed`` attributes (their index rows are replaced)."""
        before = {**user.attributes}
        for name in changed:
            if name in old:
                before[name] = old[name]
            else:
                before.pop(name, None)
        row = self.conn.execute("SELECT anchor FROM users WHERE id = ?", (user.id,)).fetchone()
        anchor = row[0] if row is not None else None  # as stored: write_batch relinks on change
        self.write_batch([(TargetUser(user.id, anchor, before), user)])

    def delete(self, user: TargetUser) -> None:
        self.write_batch([(user, None)])

    def write_batch(self, changes: list[tuple[TargetUser | None, TargetUser | None]],
                    prepared: Mapping[str, Prepared] | None = None) -> None:
        """Write many users at once: each pair is (the stored version or None, the new version
        or None for a delete); index rows follow the indexed values that changed, and the
        anchor is rewritten only when it changed (the stored version's must be the file's).
        ``prepared`` may give, by id, a new version's stored text and index rows (``prepare``)
        made earlier.

        One ``executemany`` per kind of statement, in a fixed order (index rows removed, users
        deleted, inserted, updated, index rows added), inside the caller's transaction.
        """
        indexed = self._indexed_order
        ready = prepared or {}
        bloom = self._bloom
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        relinks: list[tuple[Any, ...]] = []  # updates that link the user to a source anchor
        deletes: list[tuple[str]] = []
        remove: list[tuple[str, str, str]] = []
        add: list[tuple[str, str, str]] = []
        for old, new in changes:
            if new is None:
                if old is not None:
                    deletes.append((old.id,))
                    remove.extend(_index_rows(old, indexed))
                continue
            attributes = new.attributes
            made = ready.get(new.id)
            text = made[0] if made is not None else dumps_attributes(attributes)
            enabled = int(is_enabled(attributes))
            if old is None:
                inserts.append((new.id, new.anchor, text, enabled, new.created_cycle,
                                new.updated_cycle))
                rows = made[1] if made is not None else _index_rows(new, indexed)
            else:
                if new.anchor == old.anchor:  # the anchor's index entry stays as it is
                    updates.append((text, enabled, new.updated_cycle, new.id))
                else:
                    relinks.append((new.anchor, text, enabled, new.updated_cycle, new.id))
                # index rows change only for the indexed attributes whose values changed
                was = old.attributes
                changed = [a for a in indexed if was.get(a) != attributes.get(a)]
                if changed:
                    before = set(_index_rows(old, changed))
                    after = _index_rows(new, changed)
                    remove.extend(row for row in sorted(before.difference(after)))
                    rows = [row for row in after if row not in before]
                else:
                    rows = []
            add.extend(rows)
            if bloom is not None:
                if new.anchor is not None:
                    bloom.add((new.anchor,))
                for attr, value, _ in rows:
                    bloom.add((attr, value))
        execute = self.conn.executemany
        if remove:
            execute("DELETE FROM attr_values WHERE attribute = ? AND value = ? AND user_id = ?",
                    remove)
        if deletes:
            execute("DELETE FROM users WHERE id = ?", deletes)
        if inserts:
            execute("INSERT INTO users(id, anchor, attributes, enabled, created_cycle, "
                    "updated_cycle) VALUES (?, ?, ?, ?, ?, ?)", inserts)
        if updates:
            execute("UPDATE users SET attributes = ?, enabled = ?, updated_cycle = ? "
                    "WHERE id = ?", updates)
        if relinks:
            execute("UPDATE users SET anchor = ?, attributes = ?, enabled = ?, "
                    "updated_cycle = ? WHERE id = ?", relinks)
        if add:
            execute("INSERT OR IGNORE INTO attr_values(attribute, value, user_id) "
                    "VALUES (?, ?, ?)", add)

    # ---- import / export / verify -----------------------------------------------------------

    def iter_users(self) -> Iterator[TargetUser]:
        cursor = self.conn.execute(
            "SELECT id, anchor, attributes, created_cycle, updated_cycle FROM users "
            "ORDER BY anchor IS NULL, anchor, id"
        )
        for row in cursor:
            yield TargetUser(row[0], row[1], loads_attributes(row[2]), row[3], row[4])

    def export_text(self) -> str:
        """The directory as a canonical JSON array (see the module docstring)."""
        return "".join(self.export_chunks())

    def export_chunks(self) -> Iterator[str]:
        """``export_text`` in pieces, one user at a time (memory does not grow with the
        directory): exactly ``json.dumps(users, indent=2, sort_keys=True, ensure_ascii=False)``
        and a newline, as each element of an indented array is its own indented text shifted
        two spaces right."""
        first = True
        for user in self.iter_users():
            record = dict(user.attributes)
            record["_id"] = user.id
            record["_anchor"] = user.anchor
            text = canonical(record).replace("\n", "\n  ")
            yield ("[\n  " if first else ",\n  ") + text
            first = False
        yield "[]\n" if first else "\n]\n"

    def replace_all(self, users: Iterable[TargetUser]) -> None:
        """Replace every user with ``users`` (one transaction)."""
        self.begin()
        try:
            self.conn.execute("DELETE FROM attr_values")
            self.conn.execute("DELETE FROM users")
            for user in users:
                self.insert(user)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def upsert_all(self, users: Iterable[TargetUser]) -> None:
        self.begin()
        try:
            for user in users:
                existing = self.get(user.id)
                if existing is not None:
                    self.delete(existing)
                self.insert(user)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def verify(self) -> list[str]:
        """Problems found: index rows that disagree with the users' attributes, bad JSON."""
        problems = []
        if self.conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("sqlite integrity_check failed")
        expected: set[tuple[str, str, str]] = set()
        for user_id, text, enabled in self.conn.execute(
            "SELECT id, attributes, enabled FROM users"
        ):
            attributes = loads_attributes(text)
            if bool(enabled) != is_enabled(attributes):
                problems.append(f"user {user_id}: enabled flag disagrees with its attributes")
            for attr in self._indexed & attributes.keys():
                expected.update((attr, v, user_id) for v in folded_values(attributes[attr]))
        actual = set(self.conn.execute("SELECT attribute, value, user_id FROM attr_values"))
        problems.extend(f"missing index row {row}" for row in sorted(expected - actual))
        problems.extend(f"stale index row {row}" for row in sorted(actual - expected))
        return problems


def _init_meta(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
    if conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is None:
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('fold', ?)", (FOLD,))
    conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('cycle', '0')")
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('indexed', ?)",
        (json.dumps(sorted(DEFAULT_INDEXED)),),
    )


def _lock(path: Path) -> IO[bytes]:
    """Take the directory's writer lock (``<file>.lock``, an advisory ``flock``): one writer
    at a time for the whole run, so two `prov run --apply` never interleave their batches. The
    lock file is left in place (removing it would let a waiting process lock a stale file).
    Where ``fcntl`` is missing (Windows) there is no lock beyond SQLite's own.

    Raises:
        DirectoryError: another process holds the lock.
    """
    handle = open(f"{path}.lock", "ab")  # noqa: SIM115 - held open until Store.close()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise DirectoryError(
            f"the directory {path} is in use by another writer (prov run --apply or prov "
            "directory import); try again when it has finished"
        ) from None
    return handle


def _refuse_special(path: Path | None) -> None:
    """A FIFO, a device or a socket is never handed to SQLite (opening a FIFO would block)."""
    if path is None:
        return
    from syncrules.safeio import refusal

    why = refusal(path)
    if why is not None:
        raise DirectoryError(f"cannot open the directory {path}: it {why}")


def _refuse_foreign(path: Path) -> None:
    """Raise DirectoryError when ``path`` holds data that is not a syncrules directory; it is
    opened read-only to look, so a refused file is left exactly as it was."""
    try:
        if not path.exists() or path.stat().st_size == 0:
            return  # a new directory
    except OSError:
        return  # the real open reports it
    try:
        conn = sqlite3.connect(f"{resolved(path).as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.DatabaseError as exc:
        raise DirectoryError(f"cannot open the directory {path}: {exc}") from None
    try:
        try:
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError:
            raise DirectoryError(
                f"{path} is not a syncrules directory (not an SQLite database); "
                "it was left unchanged"
            ) from None
        if tables and "meta" not in tables:
            raise DirectoryError(
                f"{path} is not a syncrules directory (an SQLite database with other tables: "
                f"{', '.join(sorted(tables)[:5])}); it was left unchanged"
            )
        if tables:
            try:
                _check_schema(conn, path)
            except DirectoryError as exc:
                raise DirectoryError(f"{exc}; it was left unchanged") from None
    finally:
        conn.close()


def _check_schema(conn: sqlite3.Connection, path: Path | None) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        raise DirectoryError(f"{path} is not a syncrules directory (no schema version)")
    if row[0] != SCHEMA_VERSION:
        raise DirectoryError(
            f"{path} has directory schema {row[0]}; this syncrules reads schema {SCHEMA_VERSION}"
        )


# ---- import file --------------------------------------------------------------------------------


def parse_import(text: str, source: str) -> list[TargetUser] | str:
    """Users from an import file's text, or a message saying what is wrong with it."""
    try:
        data = jsoncodec.load_document(text)  # NaN or a huge integer: a marker, refused below
    except json.JSONDecodeError as exc:
        return json_error(exc, source)
    if not isinstance(data, list):
        return f"{source}: not a JSON array of users ({jsoncodec.json_kind(data)})"
    return import_users(data, source)


def import_users(data: list[Any], source: str) -> list[TargetUser] | str:
    """Users from import entries (attributes plus optional ``_id`` and ``_anchor``; see the
    module docstring), or a message saying what is wrong with them. A test's ``existing user``
    records are read this way too."""

    users: list[TargetUser] = []
    seen: set[str] = set()
    for position, item in enumerate(data):
        user = _import_user(item, position, source, seen)
        if isinstance(user, str):
            return user
        users.append(user)
    return users


def _import_user(item: Any, position: int, source: str, seen: set[str]) -> TargetUser | str:
    """One element of an import file as a user, or what is wrong with it."""
    import uuid

    where = f"{source}: [{position}]"
    if not isinstance(item, dict):
        return f"{where}: not a JSON object ({jsoncodec.json_kind(item)})"
    why = jsoncodec.unusable(item)  # a lone surrogate, NaN or Infinity, a huge number
    if why is not None:
        return f"{where}: {why}"
    attributes = {k: v for k, v in item.items() if not k.startswith("_")}
    anchor = item.get("_anchor")
    if anchor is not None and not isinstance(anchor, str):
        return f"{where}: _anchor must be a string or null"
    user_id = item.get("_id")
    if user_id is None:
        user_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"syncrules-import:{position}:{anchor}"))
    if not isinstance(user_id, str) or not user_id:
        return f"{where}: _id must be a non-empty string"
    if user_id in seen:
        return f"{where}: _id {user_id!r} appears twice"
    seen.add(user_id)
    for key, value in attributes.items():
        problem = _check_value(value)
        if problem:
            return f"{where}: attribute {key!r} {problem}"
    attributes = {k: v for k, v in attributes.items() if v is not None}
    return TargetUser(user_id, anchor, attributes)


class ImportProblem(Exception):
    """What is wrong with an import file (the message names the file and where)."""


def check_import(path: Path, source: str) -> int | str:
    """How many users the import file holds, or the message ``parse_import`` would give for it,
    read a piece at a time (first pass of a streamed import: nothing is kept but the ids)."""
    try:
        return sum(1 for _ in iter_import(path, source))
    except ImportProblem as exc:
        return str(exc)


def iter_import(path: Path, source: str) -> Iterator[TargetUser]:
    """The users of an import file, streamed: a JSON array is parsed an element at a time (memory
    does not grow with the file); anything else is read whole. Raises ImportProblem with the
    message ``parse_import`` gives for the whole text (a file that is not UTF-8 anywhere, the
    first JSON syntax error, then the first bad user)."""
    try:
        with path.open("r", encoding="utf-8-sig") as handle:  # universal newlines, as read_text
            stream = _ArrayStream(handle, source)
            if not stream.is_array():
                users = parse_import(stream.rest(), source)
                if isinstance(users, str):
                    raise ImportProblem(users)
                yield from users
                return
            seen: set[str] = set()
            problem: str | None = None
            try:
                for position, item in enumerate(stream.items()):
                    if problem is not None:
                        continue  # a syntax error further on comes first, as in a whole parse
                    user = _import_user(item, position, source, seen)
                    if isinstance(user, str):
                        problem = user
                    else:
                        yield user
            except (ImportProblem, RecursionError):
                stream.drain()  # not UTF-8 further on comes first
                raise
            if problem is not None:
                raise ImportProblem(problem)
    except OSError as exc:
        raise ImportProblem(cannot_read(source, exc)) from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{source} is not UTF-8 text") from None
    except RecursionError:
        raise ImportProblem(f"{source}: {jsoncodec.TOO_DEEP}") from None


class _ArrayStream:
    """The elements of a top-level JSON array read from a text stream a piece at a time, with
    the errors (message, line, column) ``json.loads`` gives for the whole text."""

    CHUNK = 1 << 20

    def __init__(self, handle: IO[str], source: str) -> None:
        import re

        self.handle = handle
        self.source = source
        self.decoder = jsoncodec.document_decoder()
        self.space = re.compile(r"[ \t\n\r]*")
        self.buf = ""
        self.base = 0  # position of buf[0] in the whole text
        self.lines = 0  # newlines before buf
        self.last_newline = -1  # position of the last newline before buf
        self.eof = False

    def _more(self, least: int = 0) -> bool:
        if self.eof:
            return False
        text = self.handle.read(max(least, self.CHUNK))
        if not text:
            self.eof = True
            return False
        self.buf += text
        return True

    def _skip(self, pos: int) -> int:
        while True:
            end = self.space.match(self.buf, pos)
            pos = end.end() if end else pos
            if pos < len(self.buf) or not self._more():
                return pos

    def _forget(self, pos: int) -> None:
        gone = self.buf[:pos]
        count = gone.count("\n")
        if count:
            self.lines += count
            self.last_newline = self.base + gone.rindex("\n")
        self.buf = self.buf[pos:]
        self.base += pos

    def _error(self, message: str, pos: int) -> ImportProblem:
        head = self.buf[:pos]
        count = head.count("\n")
        last = self.base + head.rindex("\n") if count else self.last_newline
        line, col = self.lines + count + 1, self.base + pos - last
        return ImportProblem(
            f"{self.source}:{line}:{col}: not valid JSON: {json_error_reason(message)}"
        )

    def is_array(self) -> bool:
        pos = self._skip(0)
        return pos < len(self.buf) and self.buf[pos] == "["

    def rest(self) -> str:
        while self._more():
            pass
        return self.buf

    def drain(self) -> None:
        """Read what is left (only to meet text that is not UTF-8)."""
        while self.handle.read(self.CHUNK):
            pass

    def _value(self, pos: int) -> tuple[Any, int]:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, pos)
            except json.JSONDecodeError as exc:
                if self._more(len(self.buf)):
                    continue  # the element may go on in the text not read yet
                raise self._error(exc.msg, exc.pos) from None
            if end >= len(self.buf) and self._more(len(self.buf)):
                continue  # a number may go on
            return value, end

    def items(self) -> Iterator[Any]:
        pos = self._skip(self._skip(0) + 1)  # past "["
        if pos < len(self.buf) and self.buf[pos] == "]":
            pos += 1
        else:
            while True:
                value, pos = self._value(pos)
                yield value
                pos = self._skip(pos)
                if pos < len(self.buf) and self.buf[pos] == "]":
                    pos += 1
                    break
                if pos >= len(self.buf) or self.buf[pos] != ",":
                    raise self._error("Expecting ',' delimiter", pos)
                pos = self._skip(pos + 1)
                self._forget(pos)
                pos = 0
        pos = self._skip(pos)
        if pos < len(self.buf):
            raise self._error("Extra data", pos)


def _check_value(value: Any) -> str | None:
    scalar = (str, bool, int, float)
    if value is None or isinstance(value, scalar):
        return None
    if isinstance(value, list) and all(isinstance(v, scalar) for v in value):
        return None
    return "must be a string, number, boolean, null or an array of those"
