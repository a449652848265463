"""Hypothesis strategies for the formatter tests: random IR expressions and .prov texts."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from syncrules.catalogue.functions import all_functions, canonical_name
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Name, Num, Str

KNOWN = sorted(all_functions())
_IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)
UNKNOWN = _IDENT.filter(lambda n: canonical_name(n) is None)

_PIECES = [*"ab \"\\'/,()[]{}:;\n\té€😀\u201c\u2019+*$", "//", "\\d", "\\+", "\\\\"]
strings = st.lists(st.sampled_from(_PIECES), max_size=10).map("".join)

numbers = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.tuples(st.integers(-999, 999), st.integers(0, 9999)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.integers(0, 2**32).map(lambda n: f"&H{n:X}"),
)

_simple_attr = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
attribute_names = st.one_of(
    _simple_attr,
    st.lists(_simple_attr, min_size=2, max_size=3).map(".".join),
    _simple_attr.map(lambda n: f"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:{n}"),
    st.tuples(_simple_attr, st.sampled_from(["work", "home", 'a\\"b']), _simple_attr).map(
        lambda t: f'{t[0]}[type eq "{t[1]}"].{t[2]}'
    ),
    st.just("extension_0123abcd_costCenter"),
)

bare_names = st.sampled_from(["vbBinaryCompare", "UTF8", "IgnoreAttributeFlow", "Null"]) | _IDENT


def _leaf() -> st.SearchStrategy[Expr]:
    return st.one_of(
        strings.map(lambda v: Str(value=v)),
        numbers.map(lambda t: Num(text=t)),
        attribute_names.map(lambda n: AttrRef(name=n)),
        bare_names.filter(lambda n: canonical_name(n) is None).map(lambda n: Name(name=n)),
    )


def _call(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    slot = st.one_of(st.none(), children, children)
    # F() has no slots; a single empty slot cannot be written (it parses as no slots).
    args = st.lists(slot, max_size=7).map(lambda a: () if a == [None] else tuple(a))
    name = st.one_of(st.sampled_from(KNOWN), UNKNOWN)
    calls = st.builds(lambda n, a: Call(name=n, args=a), name, args)
    operand = children  # comparisons only appear as an IIF's first argument, never as operands
    compare = st.builds(
        lambda op, left, right, rest: Call(
            name="IIF", args=(Compare(op=op, left=left, right=right), *rest)
        ),
        st.sampled_from(["=", "<>", "<", "<=", ">", ">="]),
        operand,
        operand,
        st.lists(st.one_of(st.none(), children), min_size=1, max_size=2),
    )
    return st.one_of(calls, compare)


_trees: st.SearchStrategy[Expr] = st.recursive(_leaf(), _call, max_leaves=25)
# deferred: hypothesis would otherwise print the whole recursive strategy (megabytes) as its repr.
expressions: st.SearchStrategy[Expr] = st.deferred(lambda: _trees)

_WS = st.sampled_from([" ", "  ", "\n", "\n    ", "\t", " \n  "])


def respace(text: str, choices: list[str]) -> str:
    """Put the given whitespace at the token boundaries of a compact expression (outside strings
    and attribute references); ``choices`` is consumed in order, "" keeps the text as it is."""
    pieces = re.split(r'("(?:[^"\\]|\\.)*"|\[(?:[^\[\]"]|"(?:[^"\\]|\\.)*"|\[[^\]]*\])*\])', text)
    out = []
    k = 0
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(piece)
            continue
        for ch in piece:
            if ch in "()," and k < len(choices):
                out.append(choices[k] + ch)
                k += 1
            else:
                out.append(ch)
    return "".join(out)


whitespace_runs = st.lists(_WS | st.just(""), max_size=60)
