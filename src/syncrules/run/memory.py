"""The in-memory directory: ``run.directory.Directory`` over Python dicts.

`prov test`, fixture snapshots and `prov plan`'s behavioural diff run their records through the
same cycle as `prov run` (``run.cycle.Cycle``); this is the directory they run against instead
of the SQLite file. It answers as ``Store`` does: values are indexed folded (``fold``, .NET's
OrdinalIgnoreCase), every attribute a cycle asks for is indexed, lookups return sorted ids, a
user's source anchor links it to the worker it was provisioned from.

``reserved`` values (a test's ``taken "..."``) are used by someone outside the directory:
``SelectUniqueValue`` skips them and a create or update of ``userPrincipalName`` to one of them
fails with ``AzureActiveDirectoryConflict``, as a user holding it would make it fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from syncrules.run.directory import DEFAULT_INDEXED, Prepared, TargetUser, fold, folded_values


class MemoryStore:
    """A directory held in memory (see the module docstring)."""

    #: A cycle over this store keeps every write in its overlay: nothing is set in place.
    sets_in_place = False

    def __init__(self, users: Iterable[TargetUser] = (), reserved: Iterable[str] = ()) -> None:
        self._users: dict[str, TargetUser] = {}
        self._index: dict[tuple[str, str], set[str]] = {}
        self._anchors: dict[str, set[str]] = {}
        self._indexed: set[str] = set(DEFAULT_INDEXED)
        self._reserved = frozenset(fold(v) for v in reserved)
        self.reserves = bool(self._reserved)
        self._cycle = 0
        for user in users:
            self._put(TargetUser(user.id, user.anchor, dict(user.attributes),
                                 user.created_cycle, user.updated_cycle))

    # ---- Directory --------------------------------------------------------------------------

    @property
    def indexed(self) -> frozenset[str]:
        return frozenset(self._indexed)

    def ensure_indexed(self, attributes: Iterable[str]) -> None:
        missing = set(attributes) - self._indexed
        if not missing:
            return
        self._indexed |= missing
        for user in self._users.values():
            self._index_user(user, missing)

    def get(self, user_id: str) -> TargetUser | None:
        user = self._users.get(user_id)
        if user is None:
            return None
        # a copy, as a read from SQLite gives: the cycle's layers own what they read
        return TargetUser(user.id, user.anchor, dict(user.attributes), user.created_cycle,
                          user.updated_cycle)

    def get_many(self, user_ids: Iterable[str]) -> dict[str, TargetUser]:
        found = {}
        for user_id in user_ids:
            user = self.get(user_id)
            if user is not None:
                found[user_id] = user
        return found

    def find_anchors(self, anchors: Iterable[str]) -> dict[str, list[str]]:
        return {a: ids for a in anchors if (ids := self.find_anchor(a))}

    def attribute_values(self, user_ids: Iterable[str], attribute: str) -> dict[str, Any]:
        return {i: u.attributes.get(attribute) for i in user_ids if (u := self._users.get(i))}

    def set_in_place(self, patches: list[tuple[str, str, Any]], cycle: int) -> None:
        for user_id, attribute, value in patches:
            user = self._users[user_id]
            user.attributes[attribute] = value
            user.updated_cycle = cycle

    def find(self, attribute: str, folded: str) -> list[str]:
        if attribute not in self._indexed:
            raise AssertionError(f"{attribute} is not indexed: call ensure_indexed first")
        return sorted(self._index.get((attribute, folded), ()))

    def find_anchor(self, anchor: str) -> list[str]:
        return sorted(self._anchors.get(anchor, ()))

    def reserved(self, folded: str) -> bool:
        return folded in self._reserved

    def write_batch(self, changes: list[tuple[TargetUser | None, TargetUser | None]],
                    prepared: Mapping[str, Prepared] | None = None) -> None:
        for old, new in changes:
            if old is not None:
                self._remove(old.id)
            if new is None:
                continue
            self._remove(new.id)
            self._put(TargetUser(new.id, new.anchor, dict(new.attributes), new.created_cycle,
                                 new.updated_cycle))

    def last_cycle(self) -> int:
        return self._cycle

    def set_cycle(self, cycle: int) -> None:
        self._cycle = cycle

    def begin(self) -> None:
        """Nothing to do: a memory directory has no transactions (a cycle that stops half-way
        leaves it as it stopped; nothing outlives the test or plan that made it)."""

    def commit(self) -> None:
        """Nothing to do (see ``begin``)."""

    def rollback(self) -> None:
        """Nothing to do (see ``begin``)."""

    def close(self) -> None:
        """Nothing to do (see ``begin``)."""

    # ---- beyond the protocol ----------------------------------------------------------------

    def iter_users(self) -> Iterator[TargetUser]:
        """Every user, ordered as ``Store.iter_users`` orders them (anchor, then id)."""
        for user in sorted(self._users.values(),
                           key=lambda u: (u.anchor is None, u.anchor or "", u.id)):
            yield self.get(user.id)  # type: ignore[misc]

    def count(self) -> int:
        return len(self._users)

    # ---- internals --------------------------------------------------------------------------

    def _index_user(self, user: TargetUser, attributes: Iterable[str]) -> None:
        values = user.attributes
        for attr in attributes:
            if attr in values:
                for value in folded_values(values[attr]):
                    self._index.setdefault((attr, value), set()).add(user.id)

    def _put(self, user: TargetUser) -> None:
        self._users[user.id] = user
        self._index_user(user, self._indexed)
        if user.anchor is not None:
            self._anchors.setdefault(user.anchor, set()).add(user.id)

    def _remove(self, user_id: str) -> None:
        user = self._users.pop(user_id, None)
        if user is None:
            return
        for attr in self._indexed & user.attributes.keys():
            for value in folded_values(user.attributes[attr]):
                ids = self._index.get((attr, value))
                if ids is not None:
                    ids.discard(user_id)
        if user.anchor is not None:
            self._anchors.get(user.anchor, set()).discard(user_id)
