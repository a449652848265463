"""The directory as one cycle sees it: the store, a plan overlay, and held deletes/disables.

Layers, bottom to top:

1. ``Store`` (SQLite). With ``--apply`` every ordinary write goes straight here (inside the
   run's open transaction), so later operations read it back.
2. The plan overlay (plan mode only): whole user rows written by this run, ``None`` for a
   deleted user, with their own value index. Nothing reaches the store.
3. The held layer: the changes of deletes and disables kept back until the cycle ends, because
   the accidental-deletion threshold is decided over the whole cycle. Later operations see
   them (so a second record for the same worker does not disable the user twice); an ordinary
   write of an attribute supersedes a held change of that same attribute (the newer source
   data wins). At the end the held layer is either released (written like ordinary writes) or
   dropped (the operations are reported as staged).

Every lookup merges the layers; results are sorted ids, so the first match is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from syncrules.run.directory import Store, TargetUser, fold, folded_values

DELETED = None


@dataclass
class _Layer:
    """Users written in this layer (``None`` = deleted) and an index of their indexed values."""

    users: dict[str, TargetUser | None] = field(default_factory=dict)
    index: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    anchors: dict[str, set[str]] = field(default_factory=dict)

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
            return
        for attr in indexed & user.attributes.keys():
            for value in folded_values(user.attributes[attr]):
                self.index.setdefault((attr, value), set()).add(user.id)
        if user.anchor is not None:
            self.anchors.setdefault(user.anchor, set()).add(user.id)


@dataclass
class HeldChange:
    """One held operation: its index, the user, and the attributes it sets (None: delete)."""

    index: int
    user_id: str
    patch: dict[str, Any] | None


class WorkingState:
    """Reads and writes for one cycle (see the module docstring)."""

    def __init__(self, store: Store, *, apply: bool, cycle: int) -> None:
        self.store = store
        self.apply = apply
        self.cycle = cycle
        self.plan: _Layer | None = None if apply else _Layer()
        self.held: list[HeldChange] = []
        self._held_view = _Layer()  # users as the held layer shows them
        self.writes = 0

    @property
    def indexed(self) -> frozenset[str]:
        return self.store.indexed

    # ---- reads ------------------------------------------------------------------------------

    def _lower_get(self, user_id: str) -> TargetUser | None:
        if self.plan is not None and user_id in self.plan.users:
            return self.plan.users[user_id]
        return self.store.get(user_id)

    def get(self, user_id: str) -> TargetUser | None:
        if user_id in self._held_view.users:
            return self._held_view.users[user_id]
        return self._lower_get(user_id)

    def _merge(self, base: list[str], key: Any, index_of: str) -> list[str]:
        if self.plan is None and not self._held_view.users:
            return base  # --apply with nothing held: the store is the whole truth
        ids = set(base)
        for layer in (self.plan, self._held_view):
            if layer is None:
                continue
            ids = {i for i in ids if i not in layer.users}
            ids |= getattr(layer, index_of).get(key, set())
        return sorted(ids)

    def find(self, attribute: str, value: Any) -> list[str]:
        """Ids of users whose ``attribute`` equals ``value`` (casefolded), sorted."""
        folded = fold(value)
        return self._merge(self.store.find(attribute, folded), (attribute, folded), "index")

    def find_anchor(self, anchor: str) -> list[str]:
        return self._merge(self.store.find_anchor(anchor), anchor, "anchors")

    def taken(self, attribute: str, value: str, exclude: str | None) -> bool:
        """Whether another user than ``exclude`` already has ``value`` in ``attribute``."""
        if attribute not in self.indexed:
            return False
        return any(i != exclude for i in self.find(attribute, value))

    # ---- ordinary writes --------------------------------------------------------------------

    def create(self, user: TargetUser) -> None:
        user.created_cycle = user.updated_cycle = self.cycle
        self.writes += 1
        if self.plan is not None:
            self.plan.put(user.id, user, self.indexed)
        else:
            self.store.insert(user)

    def update(self, user_id: str, changes: dict[str, Any], anchor: str | None = None,
               current: TargetUser | None = None) -> None:
        """Set ``changes`` on the user (and link ``anchor`` when it has none).

        ``current`` may pass the user as just read (when nothing is held for it) to save a read.
        """
        lower = current if current is not None and not self.held else self._lower_get(user_id)
        if lower is None:
            return
        user = TargetUser(lower.id, lower.anchor, dict(lower.attributes), lower.created_cycle,
                          self.cycle)
        user.attributes.update(changes)
        if user.anchor is None and anchor is not None:
            user.anchor = anchor
        self.writes += 1
        if self.plan is not None:
            self.plan.put(user_id, user, self.indexed)
        else:
            self.store.update(user, changes.keys(), lower.attributes)
        self._supersede(user_id, changes.keys())

    def delete(self, user_id: str) -> None:
        self.writes += 1
        if self.plan is not None:
            self.plan.put(user_id, DELETED, self.indexed)
        else:
            lower = self.store.get(user_id)
            if lower is not None:
                self.store.delete(lower)

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
