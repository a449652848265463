"""Golden cases for `format_source`: tests/cases/fmt/<NN_slug>/input.prov → expected.prov.

Each case also checks that the expected text is stable (formatting it changes nothing), that the
input and the output mean the same (IR, diagnostics and compiled JSON), and that every comment of
the input is in the output.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from syncrules.diagnostics import DiagnosticBag
from syncrules.fmt import format_source
from syncrules.fmt.comments import collect_comments
from syncrules.frontend.parse import parse_source
from syncrules.source import SourceFile
from tests.conftest import CASES
from tests.unit.fmt.meaning import assert_same_meaning

FMT_CASES = sorted(p.parent for p in (CASES / "fmt").glob("*/input.prov"))


def comment_texts(text: str) -> Counter[str]:
    model = parse_source(SourceFile("x.prov", text), DiagnosticBag())
    assert model is not None
    return Counter(c.text for c in collect_comments(model, text))


def test_there_are_cases() -> None:
    assert len(FMT_CASES) >= 8


@pytest.mark.parametrize("case", FMT_CASES, ids=[c.name for c in FMT_CASES])
def test_case(case: Path) -> None:
    source = (case / "input.prov").read_text(encoding="utf-8")
    expected = (case / "expected.prov").read_text(encoding="utf-8")
    formatted, diags = format_source(source, "input.prov")
    assert diags == []
    assert formatted == expected
    assert format_source(expected, "expected.prov")[0] == expected
    assert_same_meaning(source, expected)
    assert comment_texts(source) == comment_texts(expected)


def test_syntax_error_gives_no_text() -> None:
    out, [diag] = format_source(
        'job "x" {\n    target entra\n}\nmap { a <- Join(" ", [b] }\n', "f.prov"
    )
    assert out is None
    assert diag.code.value == "PROV001" and (diag.span.file, diag.span.line) == ("f.prov", 4)


def test_empty_and_comment_only_files() -> None:
    assert format_source("", "f.prov") == ("", [])
    assert format_source("  \n\n", "f.prov") == ("", [])
    assert format_source("// a\n\n\n/* b */  // c\n", "f.prov") == ("// a\n\n/* b */  // c\n", [])


def test_bom_and_crlf_are_accepted() -> None:
    text = '\ufeffjob "x" {\r\n  target entra\r\n}\r\n'
    assert format_source(text, "f.prov") == ('job "x" {\n    target entra\n}\n', [])


class _Mystery:
    """An item of a grammar newer than the formatter."""

    def __init__(self, start: int, end: int) -> None:
        self._tx_position = start
        self._tx_position_end = end


class _Model:
    def __init__(self, items: list[object]) -> None:
        self.imports: list[object] = []
        self.items = items


def test_unknown_items_are_kept_as_written() -> None:
    from syncrules.fmt.comments import Comment
    from syncrules.fmt.layout import Printer

    text = "mystery  {\n  odd   layout /* inside */\n}  // after\n"
    inside = text.index("/*")
    after = text.index("//")
    comments = [
        Comment(inside, inside + len("/* inside */"), "/* inside */"),
        Comment(after, after + len("// after"), "// after"),
    ]
    item = _Mystery(0, text.index("}") + 1)
    out = Printer(SourceFile("f.prov", text), _Model([item]), comments, 100).render()
    assert out == text
