"""Walking expression trees: pre-order iteration with the chain of enclosing calls."""

from __future__ import annotations

from collections.abc import Iterator

from syncrules.ir.nodes import Call, Compare, Expr


def children(expr: Expr) -> tuple[Expr | None, ...]:
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, Compare):
        return (expr.left, expr.right)
    return ()


def iter_nodes(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr`` in pre-order (empty slots skipped)."""
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in reversed(children(node)) if c is not None)


def iter_with_ancestors(
    expr: Expr, ancestors: tuple[tuple[Expr, int], ...] = ()
) -> Iterator[tuple[Expr, tuple[tuple[Expr, int], ...]]]:
    """``(node, ancestors)`` pairs where ancestors are ``(parent, slot index)`` from the root."""
    yield expr, ancestors
    for index, child in enumerate(children(expr)):
        if child is not None:
            yield from iter_with_ancestors(child, (*ancestors, (expr, index)))
