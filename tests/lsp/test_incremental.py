"""``ItemParser`` (prov lsp's incremental parsing) gives what parsing the whole file gives: the
same diagnostics, the same job, the same positions, for every .prov file of the repository and
after random edits; and it parses again only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from syncrules.check import check_job
from syncrules.diagnostics import DiagnosticBag
from syncrules.ir.lower import load_job
from syncrules.ir.visitor import iter_nodes
from syncrules.lsp.incremental import ItemParser, split_items
from tests.conftest import ROOT
from tests.lsp.test_lsp_robustness import PIECES

FILES = sorted(
    p
    for p in [
        *ROOT.glob("examples/**/*.prov"),
        *ROOT.glob("rules/*.prov"),
        *ROOT.glob("tests/**/*.prov"),
    ]
    if p.read_bytes().isascii()
)


def _check(path: Path, text: str, parse: Any = None) -> tuple[Any, ...]:
    bag = DiagnosticBag()
    loaded = load_job(path, bag, overlay={path.resolve(): text}, parse=parse)
    job = loaded.job
    if job is not None and not bag.has_errors:
        check_job(job, bag)
    spans: list[Any] = []
    if job is not None:
        spans += [m.span for m in job.mappings] + [t.span for t in job.tests]
        spans += [g.span for g in job.scope] + [e.span for e in job.extensions]
        spans += [n.span for m in job.mappings for n in iter_nodes(m.expression)]
    tests = job.tests if job is not None else ()
    return job, tests, [d.to_json() for d in bag.sorted()], spans


def test_every_file_parses_the_same_in_pieces() -> None:
    cut = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        cut += split_items(text) is not None
        assert _check(path, text, ItemParser()) == _check(path, text), path
    assert cut >= 20


def test_a_change_parses_only_its_piece() -> None:
    path = ROOT / "examples" / "contoso-hr" / "contoso-hr.prov"
    text = path.read_text(encoding="utf-8")
    parser = ItemParser()
    _check(path, text, parser)
    pieces = len(split_items(text) or ())
    assert parser.parsed == pieces > 20  # the map block is cut into its mappings
    changed = text.replace('"Staff"', '"Employee"', 1)
    assert _check(path, changed, parser) == _check(path, changed)
    # the mapping, and the map block's frame (its blanked-out body changed length)
    assert parser.parsed == pieces + 2
    assert parser.reused == pieces - 2
    longer = changed.replace("[title]", "[title]  ", 1)  # every later piece moves
    assert _check(path, longer, parser) == _check(path, longer)


_edit = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=0, max_value=10),
    st.one_of(
        st.sampled_from([*PIECES, "\n    x <- [y]\n", "}\n", "map {\n", "\n"]),
        st.text(alphabet='[]"(){}\\:,<-/* \nxé', max_size=4),
    ),
)
_SOURCES = [
    ROOT / "examples" / "contoso-hr" / "contoso-hr.prov",
    ROOT / "tests" / "lsp" / "data" / "every_token.prov",
    ROOT / "rules" / "api-to-ad.prov",
]


@settings(max_examples=30, deadline=None)
@given(source=st.sampled_from(_SOURCES), edits=st.lists(_edit, min_size=1, max_size=4))
def test_random_edits_parse_the_same_in_pieces(
    source: Path, edits: list[tuple[float, int, str]]
) -> None:
    text = source.read_text(encoding="utf-8")
    parser = ItemParser()  # kept across the edits, as the server keeps it
    for where, delete, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + delete :]
        assert _check(source, text, parser) == _check(source, text)
