"""Generated .prov texts for the formatter's properties: re-spaced, commented appendix files and
generated mappings.

The sources are lexed into tokens (strings, ``[attribute]`` references and multi-word scope
operators stay whole); a text is rebuilt by joining the tokens with random whitespace and, at
random boundaries, inserting numbered comments (``/* cN */`` or ``// cN`` + newline).
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

from syncrules.ir.nodes import Call, Expr, Name
from syncrules.ir.printer import compact
from tests.conftest import CASES
from tests.unit.fmt.strategies import expressions, respace

_TOKEN = re.compile(
    r"""
      //[^\n]*
    | /\*[\s\S]*?\*/
    | "(?:[^"\\]|\\.)*"
    | \[(?:[^\[\]"]|"(?:[^"\\]|\\.)*"|\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*")*\])*\]
    | (?:NOT\s+REGEX\s+MATCH|REGEX\s+MATCH|NOT\s+EQUALS)\b
    | (?:IS\s+NOT\s+NULL|IS\s+NULL|IS\s+TRUE|IS\s+FALSE)\b
    | <-|->|<>|<=|>=|==|!&
    | -?\d+(?:\.\d+)?
    | &H[0-9A-Fa-f]+
    | %[A-Za-z_][A-Za-z0-9_]*%
    | [A-Za-z_](?:[A-Za-z0-9_.:]|-(?!>))*
    | \S
    """,
    re.VERBOSE,
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _sources() -> list[list[str]]:
    files = sorted((CASES / "valid").glob("*/*/input.prov"))
    files += sorted(p for p in (CASES / "fmt").glob("*/input.prov") if "comment_only" not in str(p))
    return [tokens(Path(p).read_text(encoding="utf-8")) for p in files]


SOURCES = _sources()

_GAPS = [" ", " ", " ", "  ", "\n", "\n    ", "\n\n", "\t", " \n\n\n  "]
KEYWORDS = {
    "import",
    "job",
    "target",
    "actions",
    "deletion",
    "threshold",
    "extension",
    "as",
    "match",
    "priority",
    "scope",
    "group",
    "map",
    "default",
    "on",
    "create",
    "source",
    "csv",
    "graph",
    "service",
    "principal",
    "url",
    "test",
    "now",
    "seed",
    "domain",
    "given",
    "user",
    "existing",
    "taken",
    "expect",
    "not",
    "set",
    "does",
    "flow",
    "true",
    "false",
    "null",
}
TARGETS = [
    "displayName",
    "givenName",
    "surname",
    "jobTitle",
    "department",
    "mail",
    "mailNickname",
    "userPrincipalName",
    "employeeId",
    "companyName",
    "extensionAttribute1",
    "city",
    "country",
]


def _no_keyword_names(expr: Expr | None) -> bool:
    if isinstance(expr, Name):
        return expr.name.lower() not in KEYWORDS
    if isinstance(expr, Call):
        return all(_no_keyword_names(a) for a in expr.args)
    return True


@st.composite
def rebuilt(draw: st.DrawFn, toks: list[str]) -> str:
    """``toks`` joined with random whitespace and numbered comments."""
    out: list[str] = []
    n = 0
    for i, tok in enumerate(toks):
        out.append(tok)
        if i + 1 == len(toks):
            break
        gap = draw(st.sampled_from(_GAPS))
        if tok.startswith("//") and "\n" not in gap:
            gap = "\n"
        if draw(st.integers(0, 9)) == 0:
            n += 1
            if draw(st.booleans()):
                gap = f"{gap}/* c{n} */{draw(st.sampled_from(_GAPS))}"
            else:
                gap = f"{gap}// c{n}\n"
        out.append(gap)
    return "".join(out) + "\n"


@st.composite
def mapping_block(draw: st.DrawFn) -> str:
    """A ``map {}`` block of generated mappings written compactly with odd spacing."""
    lines = ["map {"]
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(TARGETS))
        expr = draw(expressions.filter(_no_keyword_names))
        text = respace(compact(expr), draw(st.lists(st.sampled_from(_GAPS), max_size=20)))
        option = draw(
            st.sampled_from(["", ' default "x"', " on create", '  on  create default "y"'])
        )
        lines.append(f"  {target} <- {text}{option}")
    lines.append("}")
    return "\n".join(lines) + "\n"


@st.composite
def prov_texts(draw: st.DrawFn) -> str:
    """A mutated case file, sometimes with a generated map block appended."""
    toks = draw(st.sampled_from(SOURCES))
    text = draw(rebuilt(toks))
    if draw(st.booleans()):
        text += "\n" + draw(mapping_block())
    return text
