"""A Bloom filter: a fixed-size set of keys that can only answer "certainly absent" or "maybe".

The directory uses one to skip index lookups that cannot find anything (a new worker's
``employeeId``, a new user principal name, a manager not provisioned yet): a miss answered from
memory instead of a SQLite query. "Maybe" falls through to the query, so a false positive
costs only the query it would have cost anyway; keys are never removed (a deleted value stays a
"maybe").

The bit array has a fixed size (``BITS``), so memory does not grow with the directory; with
two probes and four keys per user the false-positive rate is about 0.01% at 100,000 users and
1.3% at a million, and rises slowly after that (a third probe would bring a million users to
0.4%, for a probe more on every lookup and write). Keys are hashed with Python's ``hash``, which is
randomised per process: the filter lives only in memory and is never stored.
"""

from __future__ import annotations

from collections.abc import Hashable

#: Size of the bit array (a power of two): 2**26 bits, 8 MiB.
BITS = 1 << 26
_MASK = BITS - 1


class Bloom:
    """Add keys; ask whether a key may have been added (False: it certainly was not)."""

    __slots__ = ("bits",)

    def __init__(self) -> None:
        self.bits = bytearray(BITS >> 3)

    def add(self, key: Hashable) -> None:
        h = hash(key)
        bits = self.bits
        i = h & _MASK
        bits[i >> 3] |= 1 << (i & 7)
        i = (h >> 32) & _MASK  # the hash's high half: a second, independent probe
        bits[i >> 3] |= 1 << (i & 7)

    def __contains__(self, key: Hashable) -> bool:
        h = hash(key)
        bits = self.bits
        i = h & _MASK
        if not bits[i >> 3] & (1 << (i & 7)):
            return False
        i = (h >> 32) & _MASK
        return bool(bits[i >> 3] & (1 << (i & 7)))
