"""Scoping-filter operators (Entra portal spelling) over flat source attributes: the one table of
their names (``OPERATORS`` and its kinds below) and the one definition of what each means
(``clause_holds``). The checker, the fused evaluator, the importer and the editor's completion
read the table from here; tests hold grammar/prov.tx, the editor grammar and the job-config JSON
Schema to it.

Rules (docs/entra-provisioning.md §3): clauses in a group are AND-ed, groups OR-ed. Every operator
except IS NULL and IS NOT NULL is false when the attribute is NULL or empty. EQUALS, NOT EQUALS,
Includes, ENDS_WITH and REGEX MATCH are case-sensitive. Greater_Than(_OR_EQUALS) compare integers
(false if either side is not an integer). ``&`` / ``!&`` are not spelled out by Microsoft:
syncrules takes them as a bitwise flag test when both sides are integers (as the
msExchRecipientTypeDetails example in real exports suggests), else as "the value contains the
attribute's text".

Contract: standard library and ``regex`` only (copied into generated packages).
"""

from __future__ import annotations

from typing import Any

from .errors import ExpressionError

#: The scoping operators as the Entra portal and Graph (a clause's ``operatorName``) spell them;
#: the .prov grammar takes the same words (any whitespace between two words, written back with
#: one space).
OPERATORS: tuple[str, ...] = (
    "EQUALS",
    "NOT EQUALS",
    "IS TRUE",
    "IS FALSE",
    "IS NULL",
    "IS NOT NULL",
    "REGEX MATCH",
    "NOT REGEX MATCH",
    "Greater_Than",
    "Greater_Than_OR_EQUALS",
    "Includes",
    "ENDS_WITH",
    "&",
    "!&",
)
#: The operators that take no value; every other one takes exactly one.
UNARY: tuple[str, ...] = ("IS TRUE", "IS FALSE", "IS NULL", "IS NOT NULL")
#: The operators true on a NULL or empty value (every other one is false there).
PRESENCE: tuple[str, ...] = ("IS NULL", "IS NOT NULL")
#: The operators that need a Boolean attribute.
BOOLEAN: tuple[str, ...] = ("IS TRUE", "IS FALSE")
#: The operators that compare integers.
INTEGER: tuple[str, ...] = ("Greater_Than", "Greater_Than_OR_EQUALS")
#: The operators whose value is a .NET regular expression.
REGEX: tuple[str, ...] = ("REGEX MATCH", "NOT REGEX MATCH")
#: The bitwise-flag operators (see ``AMPERSAND_RULE``).
FLAGS: tuple[str, ...] = ("&", "!&")

#: The target attribute that carries the account state, per target kind (an object leaving scope
#: is disabled through it). Here rather than in ``record`` so that the checks can name it without
#: importing the record machinery.
ACCOUNT_STATE = {"entra": ("accountEnabled", True), "ad": ("accountDisabled", False)}

AMPERSAND_RULE = (
    "& is true when attribute AND value (as integers) is not zero; for non-integers, when the "
    "value's text contains the attribute's text. !& is its negation (false on NULL/empty)."
)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return _text(value[0]) if len(value) == 1 else None
    return str(value)


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def clause_holds(
    operator: str, value: Any, operand: str | None, timeout: float = 1.0, where: str | None = None
) -> bool:
    """Whether one scoping clause holds for attribute value ``value``.

    Raises ExpressionError (``regex-timeout``) when a regular expression runs out of time, with
    ``where`` (the clause's location and text) as its ``mapping``: the record then fails alone.
    """
    text = _text(value)
    empty = text is None or text == ""
    if operator == "IS NULL":
        return empty
    if operator == "IS NOT NULL":
        return not empty
    if empty or text is None:
        return False
    if operator == "IS TRUE":
        return text.lower() == "true"
    if operator == "IS FALSE":
        return text.lower() == "false"
    target = operand if operand is not None else ""
    if operator == "EQUALS":
        return text == target
    if operator == "NOT EQUALS":
        return text != target
    if operator == "Includes":
        return target in text
    if operator == "ENDS_WITH":
        return text.endswith(target)
    if operator in REGEX:
        from .regexes import search  # imports `regex`: only a job with a regex clause pays for it

        try:
            found = search(target, text, timeout)
        except ExpressionError as exc:
            if where is not None:
                exc.mapping = where  # type: ignore[attr-defined]
            raise
        return found if operator == "REGEX MATCH" else not found
    if operator in INTEGER:
        left, right = _int(text), _int(target)
        if left is None or right is None:
            return False
        return left > right if operator == "Greater_Than" else left >= right
    if operator in FLAGS:
        left, right = _int(text), _int(target)
        hit = (left & right) != 0 if left is not None and right is not None else text in target
        return hit if operator == "&" else not hit
    raise ValueError(f"unknown scoping operator {operator!r}")
