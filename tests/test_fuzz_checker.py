"""The checker only ever returns diagnostics: mutated and random .prov text never raises."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.api import check_paths
from syncrules.diagnostics import Diagnostic
from tests.conftest import ROOT

SEEDS = [
    (ROOT / "tests/cases/valid/appendix/01_contoso_hr/input.prov").read_text(encoding="utf-8"),
    (ROOT / "tests/cases/valid/appendix/02_contractors_ad/input.prov").read_text(encoding="utf-8"),
    (ROOT / "examples/contoso-hr/contoso-hr.prov").read_text(encoding="utf-8"),
]
TOKENS = [
    '"',
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "<-",
    "->",
    "\n",
    " ",
    "\\",
    "“",
    "&&",
    "job",
    "map",
    "scope",
    "group",
    "IIF(",
    "Switch(",
    "match",
    "priority",
    "-1",
    "0",
    "IS NULL",
    "EQUALS",
    "extension",
    'import "x.prov"',
    "on create",
    "default",
    "\x00",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)))
        width = draw(st.integers(0, 12))
        if op == "insert":
            text = text[:pos] + piece + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + width :]
        else:
            text = text[:pos] + piece + text[pos + width :]
    return text


def _check(tmp_path: Path, text: str) -> list[Diagnostic]:
    path = tmp_path / "fuzz.prov"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = check_paths([path])
    assert isinstance(result.diagnostics, list)
    for diag in result.diagnostics:
        assert diag.span.line >= 1 and diag.span.col >= 1 and diag.message
    return result.diagnostics


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
def test_mutated_files_only_give_diagnostics(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_random_text_only_gives_diagnostics(tmp_path: Path, text: str) -> None:
    diags = _check(tmp_path, text)
    if not text.strip(" \t\r\n\u00a0\u3000"):
        assert [d.code.value for d in diags] == ["PROV003"]
