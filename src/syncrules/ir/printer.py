"""The canonical printer: IR expression → Entra text.

``compact`` is the one-line form the portal and Graph take: ``Join(" ", [a], [b])`` with one space
after each comma, empty slots written as nothing (``Replace([x], , "re", , "", , )``), function names
in canonical casing. ``parse(compact(e)) == e`` holds for every expression.
"""

from __future__ import annotations

from syncrules.ir.expressions import escape
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str


def compact(expr: Expr | None) -> str:
    if expr is None:
        return ""
    if isinstance(expr, Str):
        return escape(expr.value)
    if isinstance(expr, AttrRef):
        return f"[{expr.name}]"
    if isinstance(expr, Num):
        return expr.text
    if isinstance(expr, Name):
        return expr.name
    if isinstance(expr, Compare):
        # Graph prints comparisons without spaces: IIF(BitAnd([uac], 2)="0", ...)
        return f"{compact(expr.left)}{expr.op}{compact(expr.right)}"
    if isinstance(expr, Call):
        return f"{expr.name}({_slots(expr.args)})"
    raise AssertionError(f"cannot print {type(expr).__name__}")


def _slots(args: tuple[Expr | None, ...]) -> str:
    # Empty slots print as nothing: "Replace([x], , \"re\", , \"\", , )".
    return ", ".join(compact(a) for a in args)


def readable(expr: Expr | None, width: int = 88, indent: str = "    ", level: int = 0) -> str:
    """The readable form: short calls on one line, long or nested calls one argument per line."""
    flat = compact(expr)
    if not isinstance(expr, Call) or not expr.args:
        if isinstance(expr, Compare):
            return readable(expr.left, width, indent, level) + expr.op + readable(
                expr.right, width, indent, level
            )
        return flat
    nested = sum(isinstance(a, Call) and bool(a.args) for a in expr.args)
    if len(flat) + len(indent) * level <= width and not _deep(expr, 2):
        return flat
    if nested == 0 and len(flat) + len(indent) * level <= width:
        return flat
    inner = indent * (level + 1)
    lines = []
    for arg in expr.args:
        lines.append(inner + (readable(arg, width, indent, level + 1) if arg is not None else ""))
    body = ",\n".join(lines)
    return f"{expr.name}(\n{body}\n{indent * level})"


def _deep(expr: Expr | None, limit: int) -> bool:
    """True when calls nest more than ``limit`` levels."""

    def depth(e: Expr | None) -> int:
        if isinstance(e, Call):
            return 1 + max((depth(a) for a in e.args), default=0)
        if isinstance(e, Compare):
            return max(depth(e.left), depth(e.right))
        return 0

    return depth(expr) > limit
