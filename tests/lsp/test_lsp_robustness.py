"""`prov lsp` never fails on any document state: random edits of a real job (hypothesis), each
followed by every kind of request at a random place, all answered without an error; the
diagnostics of the last edit arrive and the server still runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.lsp.conftest import Session

CONTOSO = (ROOT / "examples" / "contoso-hr" / "contoso-hr.prov").read_text(encoding="utf-8")
FABRIKAM = ROOT / "examples" / "fabrikam-contractors-ad" / "contractors-to-ad.prov"

#: pieces of text an editor session inserts: syntax, half-typed names, odd characters
PIECES = [
    "[",
    "]",
    "(",
    ")",
    '"',
    "{",
    "}",
    "<-",
    "->",
    ",",
    " ",
    "\n",
    "\t",
    "\r\n",
    "//",
    "/*",
    "*/",
    "\\",
    "Join(",
    "IIF(",
    "[name.",
    "[contoso:",
    "[urn:",
    "map {",
    'test "t" {',
    "given user {",
    "expect ",
    "scope {",
    'group "g" {',
    "EQUALS",
    'import "',
    "default",
    "on create",
    "é",
    "😀",
    "\x00",
    "&H",
    "-",
    "==",
    "not set",
    "does not flow",
    'job "x" {',
    'extension "urn:x" as a {',
    ":",
    "string[]",
    "123",
    '[addresses[type eq "work"].',
]

_edit = st.tuples(
    st.floats(min_value=0, max_value=1),  # where, as a fraction of the text
    st.integers(min_value=0, max_value=12),  # how many characters to delete
    st.one_of(st.sampled_from(PIECES), st.text(max_size=4)),  # what to insert
)


def _apply(text: str, edit: tuple[float, int, str]) -> str:
    where, delete, insert = edit
    at = int(where * len(text))
    return text[:at] + insert + text[at + delete :]


def _position(text: str, fraction: float) -> dict[str, int]:
    at = int(fraction * len(text))
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line, "character": len(text[start:at].encode("utf-16-le")) // 2}


def _every_request(session: Session, uri: str, text: str, fraction: float) -> None:
    doc = {"textDocument": {"uri": uri}}
    position = _position(text, fraction)
    for method in (
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
    ):
        session.request(method, {**doc, "position": position})
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 100000, "character": 0}}
    session.request("textDocument/inlayHint", {**doc, "range": whole})
    session.request("textDocument/documentSymbol", doc)
    options = {"tabSize": 4, "insertSpaces": True}
    session.request("textDocument/formatting", {**doc, "options": options})
    session.request(
        "textDocument/rangeFormatting",
        {**doc, "range": {"start": position, "end": position}, "options": options},
    )
    diagnostics: list[Any] = [
        {
            "range": {"start": position, "end": position},
            "message": "unknown source attribute 'x'\nhelp: did you mean 'y'?",
            "source": "prov",
            "code": "PROV101",
        }
    ]
    session.request(
        "textDocument/codeAction",
        {
            **doc,
            "range": {"start": position, "end": position},
            "context": {"diagnostics": diagnostics},
        },
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(_edit, min_size=1, max_size=4),
    places=st.lists(st.floats(min_value=0, max_value=1), min_size=4, max_size=4),
)
def test_random_edits_never_break_the_server(
    lsp_session: Session, tmp_path: Path, edits: list[tuple[float, int, str]], places: list[float]
) -> None:
    uri = lsp_session.open(tmp_path / "fuzz.prov", CONTOSO)
    text = CONTOSO
    for edit, place in zip(edits, places, strict=False):
        text = _apply(text, edit)
        lsp_session.change(uri, text)
        _every_request(lsp_session, uri, text, place)
    published = lsp_session.diagnostics(uri)  # the last version's diagnostics arrive
    assert all(d["source"] == "prov" for d in published)
    assert lsp_session.client.process.poll() is None


def test_an_import_of_a_broken_buffer(lsp_session: Session, tmp_path: Path) -> None:
    """The imported file changes under a document that imports it: still no failure."""
    lib = tmp_path / "lib.prov"
    lib.write_text('extension "urn:x:1.0:User" as x {\n    A: string\n}\n', encoding="utf-8")
    main_text = (
        'import "lib.prov"\njob "J" {\n    target entra\n}\nmatch [externalId] -> employeeId\n'
        "map {\n    displayName <- [x:A]\n}\n"
    )
    main_uri = lsp_session.open(tmp_path / "main.prov", main_text)
    assert lsp_session.diagnostics(main_uri) == []
    lib_uri = lsp_session.open(lib)
    for broken in ('extension "urn:x:1.0:User" as x {\n    A: str', "", 'import "main.prov"\n'):
        lsp_session.change(lib_uri, broken)
        _every_request(lsp_session, main_uri, main_text, 0.9)
        _every_request(lsp_session, lib_uri, broken, 0.5)
    found = lsp_session.client.wait_diagnostics(
        main_uri, where=lambda p: any(d["code"] == "PROV006" for d in p["diagnostics"])
    )
    assert found["diagnostics"][0]["range"]["start"]["line"] == 0  # the import line
