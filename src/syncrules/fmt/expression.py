"""``prov fmt --expression``: one Entra expression → its readable or compact canonical text.

The text is parsed with the expression grammar (anything Entra accepts: any casing of function
names, whitespace and newlines between tokens, empty and trailing empty slots, numbers bare or
quoted, comparisons, unknown escapes kept), lowered to IR, and printed by
:mod:`syncrules.ir.printer`. Syntax errors are PROV001 diagnostics on the file ``<expression>``.
"""

from __future__ import annotations

from syncrules.diagnostics import Code, Diagnostic, DiagnosticBag
from syncrules.ir.expressions import parse_expression
from syncrules.ir.printer import WIDTH, compact, readable
from syncrules.source import SourceFile

FILE = "<expression>"


def format_expression(
    text: str, compact_form: bool = False, width: int = WIDTH, *, compact: bool | None = None
) -> tuple[str | None, list[Diagnostic]]:
    """The canonical text of one expression.

    Args:
        text: the expression as written (it may span lines).
        compact_form: the one-line form for the portal instead of the readable one.
        width: the line width of the readable form.
        compact: alias of ``compact_form``.

    Returns:
        (formatted text or None on a syntax error, diagnostics sorted by position).
    """
    if compact is not None:
        compact_form = compact
    bag = DiagnosticBag()
    try:
        expr = parse_expression(text, FILE, bag)
        if expr is None:
            return None, bag.sorted()
        out = _compact(expr, as_written=True) if compact_form else readable(expr, width)
    except RecursionError:
        bag.add(
            Code.SYNTAX_ERROR,
            SourceFile(FILE, text).span(0, 0),
            detail="expression is nested too deeply",
        )
        return None, bag.sorted()
    return out, bag.sorted()


_compact = compact
