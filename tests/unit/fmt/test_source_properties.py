"""Properties of `format_source` over generated .prov files: it accepts them, it is idempotent,
it keeps every comment, and it preserves meaning (IR, diagnostics and compiled JSON)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from syncrules.diagnostics import DiagnosticBag
from syncrules.fmt import format_source
from syncrules.fmt.comments import collect_comments
from syncrules.frontend.parse import parse_source
from syncrules.source import SourceFile
from tests.unit.fmt.meaning import assert_same_meaning
from tests.unit.fmt.prov_texts import SOURCES, prov_texts

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _comments(text: str) -> Counter[str]:
    model = parse_source(SourceFile("x.prov", text), DiagnosticBag())
    assert model is not None, text
    return Counter(c.text.rstrip() for c in collect_comments(model, text))


def test_sources_are_there() -> None:
    assert len(SOURCES) >= 10


@PROPERTY
@given(prov_texts())
def test_format_is_idempotent_keeps_comments_and_meaning(text: str) -> None:
    formatted, diags = format_source(text, "input.prov")
    assert formatted is not None, [d.message for d in diags]
    assert format_source(formatted, "input.prov")[0] == formatted
    assert _comments(formatted) == _comments(text)
    assert "\t" not in formatted.replace('"\t', "").split('"')[0]  # indentation is spaces
    assert_same_meaning(text, formatted)
