"""The evaluation context: everything an expression may read besides the source attributes.

Contract: imports only the standard library. Non-deterministic functions (Now, Guid,
RandomString) and target-dependent ones (SelectUniqueValue, DefaultDomain) read their inputs from
here, so a fixed ``now`` and ``seed`` make every evaluation reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .text import ignore_case

Taken = Callable[[str], bool] | frozenset[str] | set[str]


def parse_instant(text: str) -> datetime:
    """An ISO-8601 time (``2024-05-01T09:00:00Z``; no offset means UTC) as a UTC datetime.

    The one parser of clock values given by users (`--now`, a test's `now`).

    Raises:
        ValueError: the text is not an ISO-8601 time.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class EvalContext:
    """Clock, randomness, tenant and target state for one evaluation.

    Attributes:
        now: the clock for ``Now()``; naive values are taken as UTC.
        seed: seeds ``random`` (RandomString, Guid); ``None`` = unpredictable.
        default_domain: the tenant's default verified domain for ``DefaultDomain()``.
        taken: values already present in the target, for ``SelectUniqueValue``: a set (compared
            case-insensitively, as directory lookups are) or a predicate deciding itself.
        regex_timeout: seconds a single regular-expression operation may take.
        target: the target attribute being computed; the cycle sets it before each mapping, so
            a ``taken`` predicate can tell which attribute SelectUniqueValue is filling.
    """

    now: datetime = field(default_factory=_utc_now)
    seed: int | None = None
    default_domain: str | None = None
    taken: Taken = frozenset()
    regex_timeout: float = 1.0
    target: str | None = None
    random: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=UTC)
        else:
            self.now = self.now.astimezone(UTC)
        self.random = random.Random(self.seed)
        if not callable(self.taken):
            self._taken_folded = frozenset(ignore_case(value) for value in self.taken)

    def is_taken(self, value: str) -> bool:
        """True if ``value`` already exists in the target."""
        if callable(self.taken):
            return bool(self.taken(value))
        return ignore_case(value) in self._taken_folded
