"""Runtime errors of the Entra expression library.

Contract: imports only the standard library. ``ExpressionError`` is the one error an expression
can raise at run time; its ``reason`` is a stable slug (tests and ``prov explain`` rely on it) and
its ``message`` is one human sentence. ``NoFlow`` is not an error: it is the control-flow signal of
``IgnoreFlowIfNullOrEmpty`` ("leave the target attribute out of the export").
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "invalid-argument": "an argument has the wrong type, count or value",
    "invalid-date": "a date/time string cannot be parsed or is out of range",
    "invalid-format": "a .NET date/time format string is invalid",
    "invalid-regex": "a regular expression pattern is invalid",
    "unsupported-regex": "a valid .NET regular expression that syncrules cannot run faithfully",
    "regex-timeout": "a regular expression took longer than the context's regex_timeout",
    "value-too-long": "a function's result would be longer than any target attribute holds",
    "index-out-of-range": "Item() was asked for a value that does not exist",
    "unique-values-exhausted": "every SelectUniqueValue candidate is already taken (escrow)",
    "no-default-domain": "DefaultDomain() was called but the context has no default domain",
    "unknown-function": "the function does not exist in app provisioning (maybe cloud-sync only)",
    "unsupported-function": "the function exists but cannot be evaluated offline",
}


class ExpressionError(Exception):
    """An expression failed at run time.

    Attributes:
        reason: a stable slug, one of ``REASONS``.
        message: one sentence describing what went wrong.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class NoFlow(Exception):
    """Raised by IgnoreFlowIfNullOrEmpty: the target attribute is omitted from the export."""


#: The longest text a function may build (characters). Far more than an Entra ID or AD string
#: attribute holds; it stops a replacement that multiplies its input (``$_`` in a pattern that
#: matches every character, say) from using gigabytes before it fails.
MAX_VALUE_LENGTH = 65_536


def too_long(function: str, length: int) -> ExpressionError:
    return ExpressionError(
        "value-too-long",
        f"{function} would build a value of {length} or more characters, longer than any "
        f"target attribute holds (at most {MAX_VALUE_LENGTH})",
    )
