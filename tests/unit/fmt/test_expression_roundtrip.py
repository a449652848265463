"""Round-trip guarantees of the expression formatter, over random IR trees and the documentation
vectors.

For every expression x: fmt(fmt(x)) == fmt(x); compact(readable(x)) == compact(x); the readable
and the compact form both parse to the same tree as x (IR equality ignores spans); and fmt changes
layout and casing only: every string literal keeps its spelling.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.fmt import format_expression
from syncrules.ir.expressions import parse_expression
from syncrules.ir.nodes import Expr
from syncrules.ir.printer import compact, readable
from tests.conformance.runner import DOCS_VECTORS
from tests.unit.fmt.strategies import expressions, respace, whitespace_runs

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parse(text: str) -> Expr:
    expr = parse_expression(text)
    assert expr is not None, text
    return expr


STRING = re.compile(r'"(?:[^"\\]|\\[\s\S])*"')


def _strings(text: str) -> list[str]:
    """The string literals of ``text`` as spelled."""
    return STRING.findall(text)


def _check_round_trip(expr: Expr, width: int = 100) -> None:
    flat = compact(expr)
    assert _parse(flat) == expr, flat
    nice = readable(expr, width)
    assert _parse(nice) == expr, nice
    assert compact(_parse(nice)) == flat
    formatted, diags = format_expression(flat, width=width)
    assert diags == [] and formatted is not None and _parse(formatted) == expr
    assert formatted == readable(_parse(flat), width)
    assert _strings(formatted) == _strings(flat)  # fmt never respells a string
    again, _ = format_expression(formatted, width=width)
    assert again == formatted
    one_line, _ = format_expression(nice, compact=True)
    assert one_line is not None and _parse(one_line) == expr
    assert _strings(one_line) == _strings(nice)
    assert one_line == compact(_parse(nice), as_written=True)


@PROPERTY
@given(expressions)
def test_random_trees_round_trip(expr: Expr) -> None:
    _check_round_trip(expr)


@PROPERTY
@given(expressions, st.sampled_from([20, 40, 60]))
def test_narrow_widths_round_trip(expr: Expr, width: int) -> None:
    """Narrow widths force deep breaking: empty slots on their own lines, broken comparisons."""
    _check_round_trip(expr, width)


@PROPERTY
@given(expressions, whitespace_runs)
def test_odd_spacing_formats_the_same(expr: Expr, spaces: list[str]) -> None:
    """Newlines and odd spacing between tokens (also between a name and its '(') change nothing."""
    spaced = respace(compact(expr), spaces)
    assert _parse(spaced) == expr, spaced
    formatted = format_expression(spaced)[0]
    assert formatted == readable(_parse(compact(expr)))
    assert formatted is not None and _strings(formatted) == _strings(compact(expr))


def _vectors() -> list[dict[str, object]]:
    data = json.loads(DOCS_VECTORS.read_text("utf-8"))
    return [v for v in data if isinstance(v, dict) and isinstance(v.get("expression"), str)]


VECTORS = _vectors()


@pytest.mark.parametrize("vector", VECTORS, ids=[str(v.get("id")) for v in VECTORS])
def test_vector_round_trip(vector: dict[str, object]) -> None:
    text = str(vector["expression"])
    expr = parse_expression(text)
    if expr is None:
        # Only Cloud Sync's '&' concatenation is outside the app-provisioning language.
        assert "&" in text.replace("&H", "")
        assert format_expression(text)[0] is None
        return
    _check_round_trip(expr)
    _check_round_trip(expr, 40)


def test_vectors_are_there() -> None:
    assert len(VECTORS) > 100
