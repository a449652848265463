"""Helpers for the lazily compiled functions (IIF, Switch) in generated code.

They must agree with ``functions.fn_IIF`` and ``functions.fn_Switch`` (the eager forms the
interpreter's semantics are tested against); the behaviour tests run both.
"""

from __future__ import annotations

from typing import Any

from .values import to_bool, to_str

__all__ = ["switch_key", "truth"]


def truth(condition: Any) -> bool:
    """Whether an IIF condition holds (same rule as ``fn_IIF``)."""
    return to_bool(condition)


def switch_key(value: Any) -> str:
    """The text Switch compares, ordinally; NULL compares as ""."""
    return to_str(value) or ""
