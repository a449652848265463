"""Broken expressions: PROV001 at the exact line:col inside the expression, with a hint that names
the likely cause (``syntax_cause`` in frontend/parse.py)."""

from __future__ import annotations

import pytest

from syncrules.diagnostics import DiagnosticBag
from syncrules.fmt import format_expression
from syncrules.frontend.parse import parse_source
from syncrules.source import SourceFile

BROKEN = [
    # (text, line, col, words the hint must contain)
    ('Join(" ", [a], [b]', 1, 19, "'(' opened at 1:5 is never closed"),
    ('Join(\n  " ",\n  Left([a], 2),\n  [b]', 4, 6, "'(' opened at 1:5 is never closed"),
    ('Join(" ", [a]))', 1, 15, "')' at 1:15 has no matching '('"),
    ('Join(" , [a], [b])', 1, 6, "the string opened at 1:6 is never closed"),
    ('Join(\n  "Contoso\u201d, [a])', 2, 11, "U+201D RIGHT DOUBLE QUOTATION MARK"),
    ("Join(\u201c \u201d, [a])", 1, 6, "U+201C LEFT DOUBLE QUOTATION MARK"),
    ('Join(" ", \u201dx\u201d)', 1, 11, "U+201D RIGHT DOUBLE QUOTATION MARK"),
    ("Left(\u2018abc\u2019, 1)", 1, 6, "U+2018 LEFT SINGLE QUOTATION MARK"),
    ("Left(abc\u2019, 1)", 1, 9, "U+2019 RIGHT SINGLE QUOTATION MARK"),
    ('`Join(" ", [a])`', 1, 1, "backtick"),
    ('Join(" ", [a])`', 1, 15, "backtick"),
    ('Coalesce([a] ?? "x")', 1, 14, "Coalesce"),
    ('IIF([a]="1" && [b]="2", "x", "y")', 1, 13, "no && (AND) operator"),
    ('IIF([a]="1" || [b]="2", "x", "y")', 1, 13, "no || (OR) operator"),
    ('IIF([a]="1" And [b]="2", "x", "y")', 1, 13, "no And operator"),
    ('"t-" & [alias]', 1, 6, "'&' concatenation belongs to Entra Cloud Sync"),
    ('Split([a], ",")[0]', 1, 16, "use Item(Split(...), 1)"),
    ('Join(" ", [a], ...)', 1, 16, "placeholder"),
    ("Left([a]\u2026)", 1, 9, "placeholder"),
    ('IIF([a] == "x", 1, 2)', 1, 10, "single '='"),
    ('IIF([a] != "x", 1, 2)', 1, 9, "<>"),
    ('Join(" " [a])', 1, 10, "missing ','"),
    ('Join(" "; [a])', 1, 9, "not ';'"),
    ("Join('x', [a])", 1, 6, "double quotes"),
    ('[a] + "x"', 1, 5, "no + operator"),
    ('Join("a", [b)', 1, 11, "'[' at 1:11 is never closed"),
    ('IIF(([a]="1"), 1, 2)', 1, 5, "no grouping parentheses"),
    ('Join(" ", [a]) Join(" ", [b])', 1, 16, "expression is one value"),
    ('Join("@", [a], %Domain FQDN%)', 1, 16, "a name between two %"),
    ('IIF([a]="x, "y", "z")', 1, 14, "quotes do not pair up"),
]


@pytest.mark.parametrize(("text", "line", "col", "hint"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_expression(text: str, line: int, col: int, hint: str) -> None:
    out, diags = format_expression(text)
    assert out is None
    [diag] = diags
    assert diag.code.value == "PROV001"
    assert diag.span.file == "<expression>"
    assert (diag.span.line, diag.span.col) == (line, col), diag.message
    assert diag.hint is not None and hint in diag.hint, diag.hint


def test_expected_text_names_the_end_and_leaves_out_comments() -> None:
    _, [diag] = format_expression('[a] ?? "x"')
    assert "the end of the input" in diag.message
    assert "EndOfFile" not in diag.message
    _, [diag] = format_expression("...")
    assert "\\/\\/" not in diag.message and "//" not in diag.message


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_expression(text: str) -> None:
    out, [diag] = format_expression(text)
    assert out is None and "empty expression" in diag.message


def test_json_array_over_lines_is_not_an_attribute_reference() -> None:
    text = (
        'job "x" { target entra }\n'
        'test "t" {\n    given user {"a": [\n        1,\n        2\n    ]}\n    expect create\n}\n'
        'map { a <- Join(" " [b]) }\n'
    )
    bag = DiagnosticBag()
    assert parse_source(SourceFile("f.prov", text), bag) is None
    [diag] = bag.items
    assert (diag.span.line, diag.span.col) == (9, 21)
    assert diag.hint == "missing ',' between two arguments?"
