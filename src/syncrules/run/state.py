"""The directory as one cycle sees it: the store, an overlay of this run's writes, and held
deletes/disables.

Layers, bottom to top:

1. The directory: ``Store`` (SQLite) or ``run.memory.MemoryStore`` (`prov test`, fixtures,
   `prov plan`), both ``run.directory.Directory``.
2. The overlay: whole user rows written by this run, ``None`` for a deleted user, with their own
   value index. With ``write_through`` (what `prov run` uses: the store is the directory with
   ``--apply``, a private copy of it for a plan) it is a write-behind buffer: ``flush()``
   (called before every commit, at least every ``batch_size`` operations) writes it to the
   store in a few ``executemany`` statements and empties it, so the store gets bulk writes and
   reads see the buffered rows meanwhile. Without, it keeps every write (nothing reaches the
   store).
3. The held layer: the changes of deletes and disables kept back until the cycle ends, because
   the accidental-deletion threshold is decided over the whole cycle. Later operations see
   them (so a second record for the same worker does not disable the user twice); an ordinary
   write of an attribute supersedes a held change of that same attribute (the newer source
   data wins). At the end the held layer is either released (written like ordinary writes) or
   dropped (the operations are reported as staged).

Every lookup merges the layers; results are sorted ids, so the first match is deterministic.

One attribute at a time (``attribute_values``, ``set_attribute``: the references settled when the
cycle ends) bypasses the overlay when nothing depends on the attribute and nothing is held: it
is read and set in place in SQLite, the sets buffered like the overlay and written before
anything else reads the store.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from syncrules.run.directory import (
    Directory,
    Prepared,
    TargetUser,
    fold,
    folded_values,
    prepare,
)

DELETED = None
#: Attributes the store derives a column from (``enabled``): never set in place.
ACCOUNT_STATES = frozenset({"accountEnabled", "accountDisabled"})
#: Attribute names that are a JSON path as they are (``$.name``).
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


_NOT_READ = object()  # the store's version of a user was not read yet


@dataclass
class _Layer:
    """Users written in this layer (``None`` = deleted) and an index of their indexed values.

    ``base`` keeps, per user, the store's version as it was when the layer first wrote the
    user (``None``: not in the store), so a flush knows what to insert, update or delete and
    which index rows to remove.
    """

    users: dict[str, TargetUser | None] = field(default_factory=dict)
    index: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    anchors: dict[str, set[str]] = field(default_factory=dict)
    base: dict[str, TargetUser | None] = field(default_factory=dict)
    #: A write-behind buffer's users as the store will write them (``directory.prepare``),
    #: made as each is written; None in a layer that is never flushed.
    prepared: dict[str, Prepared] | None = None

    def _unindex(self, user: TargetUser, indexed: frozenset[str]) -> None:
        for attr in indexed & user.attributes.keys():
            for value in folded_values(user.attributes[attr]):
                self.index.get((attr, value), set()).discard(user.id)
        if user.anchor is not None:
            self.anchors.get(user.anchor, set()).discard(user.id)

    def put(self, user_id: str, user: TargetUser | None, indexed: frozenset[str]) -> None:
        old = self.users.get(user_id)
        if old is not None:
            self._unindex(old, indexed)
        self.users[user_id] = user
        if user is None:
            if self.prepared is not None:
                self.prepared.pop(user_id, None)
            return
        if self.prepared is not None:
            # the index rows the store will write are this layer's index entries too
            made = self.prepared[user_id] = prepare(user, _order(indexed))
            index = self.index
            for attr, value, _ in made[1]:
                index.setdefault((attr, value), set()).add(user_id)
        else:
            attributes = user.attributes
            for attr in indexed & attributes.keys():
                for value in folded_values(attributes[attr]):
                    self.index.setdefault((attr, value), set()).add(user_id)
        if user.anchor is not None:
            self.anchors.setdefault(user.anchor, set()).add(user_id)

    def merge(self, base: list[str], key: Any, index: dict[Any, set[str]]) -> list[str]:
        """Ids the store found for ``key`` as this layer changes them (sorted)."""
        mine = index.get(key)
        if not mine:
            if not base:
                return base
            users = self.users
            kept = [i for i in base if i not in users]
            return kept
        ids = {i for i in base if i not in self.users}
        ids |= mine
        return sorted(ids)


@functools.cache
def _order(indexed: frozenset[str]) -> list[str]:
    """The indexed attributes in the order the store writes their rows (sorted)."""
    return sorted(indexed)


@dataclass
class HeldChange:
    """One held operation: its index, the user, and the attributes it sets (None: delete)."""

    index: int
    user_id: str
    patch: dict[str, Any] | None


class WorkingState:
    """Reads and writes for one cycle (see the module docstring)."""

    def __init__(self, store: Directory, *, write_through: bool, cycle: int) -> None:
        self.store = store
        self.write_through = write_through
        self.cycle = cycle
        self.overlay = self._buffer()
        self.held: list[HeldChange] = []
        self._held_view = _Layer()  # users as the held layer shows them
        self.writes = 0
        # attributes set in place (``set_attribute``): (user id, attribute, value), written at
        # the next flush, and before anything reads the store
        self._patches: list[tuple[str, str, Any]] = []

    @property
    def indexed(self) -> frozenset[str]:
        return self.store.indexed

    # ---- reads ------------------------------------------------------------------------------

    def _lower_get(self, user_id: str) -> TargetUser | None:
        users = self.overlay.users
        if user_id in users:
            return users[user_id]
        if self._patches:
            self._write_patches()
        return self.store.get(user_id)

    def get(self, user_id: str) -> TargetUser | None:
        if user_id in self._held_view.users:
            return self._held_view.users[user_id]
        return self._lower_get(user_id)

    def get_many(self, user_ids: Iterable[str]) -> dict[str, TargetUser | None]:
        """``get`` of each id, the store's users read at once."""
        found: dict[str, TargetUser | None] = {}
        held, overlay = self._held_view.users, self.overlay.users
        unread = []
        for user_id in user_ids:
            if user_id in held:
                found[user_id] = held[user_id]
            elif user_id in overlay:
                found[user_id] = overlay[user_id]
            else:
                unread.append(user_id)
        if unread and self._patches:
            self._write_patches()
        stored = self.store.get_many(unread) if unread else {}
        for user_id in unread:
            found[user_id] = stored.get(user_id)
        return found

    def find_anchors(self, anchors: Iterable[str]) -> dict[str, list[str]]:
        """``find_anchor`` of each anchor, the store's read at once."""
        wanted = list(anchors)
        stored = self.store.find_anchors(wanted) if wanted else {}
        held = self._held_view
        if not self.overlay.users and not held.users:  # the store answers alone
            return {anchor: stored.get(anchor, []) for anchor in wanted}
        found = {}
        for anchor in wanted:
            ids = self.overlay.merge(stored.get(anchor, []), anchor, self.overlay.anchors)
            found[anchor] = held.merge(ids, anchor, held.anchors) if held.users else ids
        return found

    def find(self, attribute: str, value: Any) -> list[str]:
        """Ids of users whose ``attribute`` equals ``value`` (compared as ``fold`` does), sorted."""
        key = (attribute, fold(value))
        ids = self.overlay.merge(self.store.find(*key), key, self.overlay.index)
        held = self._held_view
        return held.merge(ids, key, held.index) if held.users else ids

    def find_anchor(self, anchor: str) -> list[str]:
        ids = self.overlay.merge(self.store.find_anchor(anchor), anchor, self.overlay.anchors)
        held = self._held_view
        return held.merge(ids, anchor, held.anchors) if held.users else ids

    def taken(self, attribute: str, value: str, exclude: str | None) -> bool:
        """Whether another user than ``exclude`` already has ``value`` in ``attribute`` (or
        the directory holds it as used elsewhere: ``reserved``)."""
        if self.reserved(value):
            return True
        if attribute not in self.indexed:
            return False
        return any(i != exclude for i in self.find(attribute, value))

    def reserved(self, value: Any) -> bool:
        """Whether ``value`` is used outside the directory (a test's ``taken`` values)."""
        return self.store.reserves and self.store.reserved(fold(value))

    # ---- ordinary writes --------------------------------------------------------------------

    def _put(self, user_id: str, user: TargetUser | None, stored: Any = _NOT_READ) -> None:
        """Write to the overlay; ``stored`` is the store's version when the caller read it."""
        overlay = self.overlay
        if user_id not in overlay.users and user_id not in overlay.base:
            if stored is _NOT_READ and self._patches:
                self._write_patches()
            overlay.base[user_id] = self.store.get(user_id) if stored is _NOT_READ else stored
        overlay.put(user_id, user, self.indexed)

    def create(self, user: TargetUser) -> None:
        user.created_cycle = user.updated_cycle = self.cycle
        self.writes += 1
        self._put(user.id, user, None)  # a new id: not in the store

    def update(self, user_id: str, changes: dict[str, Any], anchor: str | None = None,
               current: TargetUser | None = None) -> None:
        """Set ``changes`` on the user (and link ``anchor`` when it has none).

        ``current`` may pass the user as just read (when nothing is held for it) to save a read.
        """
        lower = current if current is not None and not self.held else self._lower_get(user_id)
        if lower is None:
            return
        user = TargetUser(lower.id, lower.anchor, {**lower.attributes, **changes},
                          lower.created_cycle, self.cycle)
        if user.anchor is None and anchor is not None:
            user.anchor = anchor
        self.writes += 1
        # read from the store unless the overlay has the user: then it is the stored version
        self._put(user_id, user, _NOT_READ if user_id in self.overlay.users else lower)
        if self._held_view.users:
            self._supersede(user_id, changes.keys())

    def delete(self, user_id: str) -> None:
        self.writes += 1
        self._put(user_id, DELETED)

    def flush(self) -> None:
        """Write the overlay (and the attributes set in place) to the store and empty it
        (``write_through``); otherwise the overlay keeps every write."""
        if not self.write_through:
            return
        overlay = self.overlay
        if overlay.users:
            self.store.write_batch(
                [(overlay.base.get(user_id), user) for user_id, user in overlay.users.items()],
                overlay.prepared,
            )
            self.overlay = self._buffer()
        if self._patches:
            self._write_patches()

    @property
    def buffered(self) -> int:
        """Writes waiting for the next flush."""
        return len(self.overlay.users) + len(self._patches)

    # ---- one attribute at a time (references settled when the cycle ends) --------------------

    def _in_place(self, attribute: str) -> bool:
        """Whether ``attribute`` may be read and set in place in the store: nothing else
        depends on it (no index, anchor or account state) and no layer above the store holds
        a version of any user (nothing is held; the overlay is flushed first)."""
        return (self.write_through and self.store.sets_in_place and not self.held
                and not self._held_view.users and attribute not in self.indexed
                and attribute not in ACCOUNT_STATES and _PLAIN_NAME.fullmatch(attribute)
                is not None)

    def attribute_values(self, user_ids: Iterable[str], attribute: str) -> dict[str, Any]:
        """For each of ``user_ids`` that exists, the current value of ``attribute`` (None when
        unset); users that do not exist are left out. Read in place when it may be
        (``_in_place``: only that attribute of each user is read), else whole users."""
        if self._in_place(attribute):
            self.flush()
            return self.store.attribute_values(user_ids, attribute)
        found = self.get_many(user_ids)
        return {i: u.attributes.get(attribute) for i, u in found.items() if u is not None}

    def set_attribute(self, user_id: str, attribute: str, value: Any) -> None:
        """Set one attribute of an existing user: in place in the store (at the next flush)
        when it may be, else as ``update`` does."""
        if self._in_place(attribute) and user_id not in self.overlay.users:
            self.writes += 1
            self._patches.append((user_id, attribute, value))
            return
        self.update(user_id, {attribute: value})

    def _write_patches(self) -> None:
        patches, self._patches = self._patches, []
        self.store.set_in_place(patches, self.cycle)

    def _buffer(self) -> _Layer:
        """An empty overlay (one that prepares its users for the store when it is flushed)."""
        return _Layer(prepared={} if self.write_through else None)

    # ---- held changes -----------------------------------------------------------------------

    def hold(self, index: int, user_id: str, patch: dict[str, Any] | None) -> None:
        """Keep a delete (``patch`` None) or a disable's changes back until the cycle ends."""
        self.held.append(HeldChange(index, user_id, None if patch is None else dict(patch)))
        if patch is None:
            self._held_view.put(user_id, DELETED, self.indexed)
            return
        current = self.get(user_id)
        if current is None:
            return
        shown = TargetUser(current.id, current.anchor, {**current.attributes, **patch},
                           current.created_cycle, self.cycle)
        self._held_view.put(user_id, shown, self.indexed)

    def _supersede(self, user_id: str, attributes: Iterable[str]) -> None:
        if user_id not in self._held_view.users:
            return
        names = set(attributes)
        for change in self.held:
            if change.user_id == user_id and change.patch is not None:
                for name in names:
                    change.patch.pop(name, None)
        shown = self._held_view.users[user_id]
        if shown is None:
            return
        lower = self._lower_get(user_id)
        if lower is None:
            return
        merged = dict(lower.attributes)
        for change in self.held:
            if change.user_id == user_id and change.patch is not None:
                merged.update(change.patch)
        self._held_view.put(
            user_id, TargetUser(lower.id, lower.anchor, merged, lower.created_cycle, self.cycle),
            self.indexed,
        )

    def release_held(self) -> None:
        """Write every held change as an ordinary write, in input order."""
        held, self.held = self.held, []
        self._held_view = _Layer()
        for change in held:
            if change.patch is None:
                if self._lower_get(change.user_id) is not None:
                    self.delete(change.user_id)
            elif change.patch:
                self.update(change.user_id, change.patch)

    def drop_held(self) -> list[HeldChange]:
        """Forget every held change (they are staged); returns them."""
        held, self.held = self.held, []
        self._held_view = _Layer()
        return held
