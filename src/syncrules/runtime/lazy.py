"""Helpers for the lazily compiled functions (IIF, Switch) in generated code, and the failures of
calls the checker refuses (unknown function, wrong number of slots), which the reference
interpreter (``syncrules.reference_interpreter``) raises through the same helpers.

They must agree with ``functions.fn_IIF`` and ``functions.fn_Switch`` (the eager forms the
interpreter's semantics are tested against); the behaviour tests run both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .values import to_bool, to_str

__all__ = [
    "COVERAGE", "bad_arity", "each", "hit", "switch_key", "truth", "unknown", "unpaired_switch",
]  # fmt: skip

#: Where coverage probes record what ran: None (off) or a set the test runner installs.
COVERAGE: set[str] | None = None


def truth(condition: Any) -> bool:
    """Whether an IIF condition holds (same rule as ``fn_IIF``)."""
    return to_bool(condition)


def switch_key(value: Any) -> str:
    """The text Switch compares, ordinally; NULL compares as ""."""
    return to_str(value) or ""


def each(thunks: tuple[Callable[[], Any], ...]) -> Iterator[Any]:
    """The values of ``thunks``, computed one at a time (lazy SelectUniqueValue candidates)."""
    for thunk in thunks:
        yield thunk()


def unknown(name: str, cloud_sync: bool = False) -> Any:
    """Code for a function app provisioning does not have (the checker normally stops it):
    ``cloud_sync`` when it is a function of the cloud-sync dialect only."""
    from .errors import ExpressionError

    if cloud_sync:
        raise ExpressionError(
            "unknown-function",
            f"{name} is a cloud-sync only function; app provisioning has no {name}()",
        )
    raise ExpressionError("unknown-function", f"unknown function {name}()")


def bad_arity(name: str, count: int) -> Any:
    """Generated code for a call with the wrong number of slots (the checker normally stops it)."""
    from .errors import ExpressionError

    raise ExpressionError("invalid-argument", f"{name} cannot take {count} argument slot(s)")


def unpaired_switch() -> Any:
    """Generated code for a Switch whose last key has no value: the error ``switch_pairs`` (the
    interpreter's and ``fn_Switch``'s check) raises, before anything is evaluated."""
    from .functions import switch_pairs

    return switch_pairs(("key",))


def hit(probe: str, value: Any) -> Any:
    """A coverage probe in instrumented code: record ``probe``, return ``value`` unchanged."""
    if COVERAGE is not None:
        COVERAGE.add(probe)
    return value
