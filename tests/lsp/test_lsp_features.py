"""Every `prov lsp` feature, through the real server over stdio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from syncrules.api import check_paths
from syncrules.explain import explain_code, explain_function
from syncrules.fmt import format_source
from syncrules.lsp.client import ServerError
from tests.conftest import ROOT, case_dirs, case_id
from tests.lsp.conftest import Session, apply_edits, position_of

CONTOSO = ROOT / "examples" / "contoso-hr" / "contoso-hr.prov"
FABRIKAM = ROOT / "examples" / "fabrikam-contractors-ad" / "contractors-to-ad.prov"
TYPO = "    givenName         <- [name.givenNme]"


def _contoso(**replacements: str) -> str:
    text = CONTOSO.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _utf16(line: str, col: int) -> int:
    return len(line[: col - 1].encode("utf-16-le")) // 2


# ---- diagnostics --------------------------------------------------------------------------------


def test_a_typo_gives_prov101_at_its_exact_range(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso(**{"    givenName         <- [name.givenName]": TYPO})
    path = tmp_path / "contoso-hr.prov"
    uri = lsp_session.open(path, text)
    diags = lsp_session.diagnostics(uri)
    assert [d["code"] for d in diags] == ["PROV101"]
    line, start = position_of(text, "[name.givenNme]")
    assert diags[0]["range"] == {
        "start": {"line": line, "character": start},
        "end": {"line": line, "character": start + len("[name.givenNme]")},
    }
    assert diags[0]["severity"] == 1
    assert diags[0]["source"] == "prov"
    assert diags[0]["message"] == (
        "unknown source attribute 'name.givenNme'\nhelp: did you mean 'name.givenName'?"
    )


def test_a_change_updates_the_diagnostics(lsp_session: Session, tmp_path: Path) -> None:
    text = CONTOSO.read_text(encoding="utf-8")
    uri = lsp_session.open(tmp_path / "job.prov", text)
    assert lsp_session.diagnostics(uri) == []
    version = lsp_session.change(uri, text.replace("[title]", "[titel]", 1))
    assert [d["code"] for d in lsp_session.diagnostics(uri, version)] == ["PROV101"]
    version = lsp_session.change(uri, text)
    assert lsp_session.diagnostics(uri, version) == []


_INVALID = [
    c
    for c in case_dirs("invalid")
    if (c / "input.prov").read_bytes().isascii() and b"\r" not in (c / "input.prov").read_bytes()
]


@pytest.mark.parametrize("case", _INVALID, ids=[case_id(c) for c in _INVALID])
def test_diagnostics_are_those_of_prov_check(lsp_session: Session, case: Path) -> None:
    """Same codes, ranges, messages and hints as `prov check FILE`; problems in imported files
    are shown on the import line, named with their place."""
    path = case / "input.prov"
    text = path.read_text(encoding="utf-8")
    uri = lsp_session.open(path, text)
    got = lsp_session.diagnostics(uri)
    expected = check_paths([path.relative_to(ROOT)]).diagnostics
    assert len(got) == len(expected)
    shown = path.relative_to(ROOT).as_posix()
    lines = text.split("\n")
    for lsp_diag, diag in zip(got, expected, strict=True):
        assert lsp_diag["code"] == diag.code.value
        body = diag.message + (f"\nhelp: {diag.hint}" if diag.hint else "")
        if diag.span.file == shown:
            assert lsp_diag["message"] == body
            span = diag.span
            assert lsp_diag["range"] == {
                "start": {
                    "line": span.line - 1,
                    "character": _utf16(lines[span.line - 1], span.col),
                },
                "end": {
                    "line": span.end_line - 1,
                    "character": _utf16(lines[span.end_line - 1], span.end_col),
                },
            }
        else:
            where = f"{diag.span.file}:{diag.span.line}:{diag.span.col}: "
            assert lsp_diag["message"] == where + body
            assert "import" in lines[lsp_diag["range"]["start"]["line"]]
            related = lsp_diag["relatedInformation"][0]["location"]
            assert related["uri"] == (ROOT / diag.span.file).resolve().as_uri()
            assert related["range"]["start"]["line"] == diag.span.line - 1


def test_an_imported_job_in_an_unsaved_buffer(lsp_session: Session, tmp_path: Path) -> None:
    """A test file importing a job reads the job's open buffer, and is checked again when the
    job changes; a problem in the job shows on the import line, pointing at the job."""
    job = tmp_path / "job.prov"
    job.write_text(CONTOSO.read_text(encoding="utf-8"), encoding="utf-8")
    tests_text = (
        'import "job.prov"\n\ntest "a worker" {\n    given user { "externalId": "1" }\n'
        "    expect skip\n}\n"
    )
    tests_uri = lsp_session.open(tmp_path / "tests.prov", tests_text)
    assert lsp_session.diagnostics(tests_uri) == []
    job_uri = lsp_session.open(job)
    assert lsp_session.diagnostics(job_uri) == []
    lsp_session.client.diagnostics.pop(tests_uri, None)
    broken = job.read_text(encoding="utf-8").replace("[title]", "[titel]", 1)
    version = lsp_session.change(job_uri, broken)
    assert [d["code"] for d in lsp_session.diagnostics(job_uri, version)] == ["PROV101"]
    found = lsp_session.client.wait_diagnostics(
        tests_uri, where=lambda params: bool(params["diagnostics"])
    )["diagnostics"]
    assert [d["code"] for d in found] == ["PROV101"]
    assert found[0]["range"]["start"]["line"] == 0  # the import line
    line, col = position_of(broken, "[titel]")
    related = found[0]["relatedInformation"][0]["location"]
    assert related["uri"] == job.resolve().as_uri()
    assert related["range"]["start"] == {"line": line, "character": col}
    assert "[titel]" not in job.read_text(encoding="utf-8")  # nothing was saved


def test_a_second_location_is_related_information(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso(**{'    companyName       <- "Contoso"': '    surname <- "Contoso"'})
    uri = lsp_session.open(tmp_path / "dup.prov", text)
    diags = [d for d in lsp_session.diagnostics(uri) if d["code"] == "PROV103"]
    assert len(diags) == 1
    first_line, first_col = position_of(text, "    surname           <-", delta=4)
    related = diags[0]["relatedInformation"]
    assert related[0]["location"]["uri"] == uri
    assert related[0]["location"]["range"]["start"] == {"line": first_line, "character": first_col}


# ---- completion ---------------------------------------------------------------------------------


def _labels(result: Any) -> list[str]:
    items = result["items"] if isinstance(result, dict) else result
    return [i["label"] for i in items]


def test_completion_inside_brackets_offers_source_attributes(
    lsp_session: Session, tmp_path: Path
) -> None:
    text = _contoso(
        **{"    givenName         <- [name.givenName]": "    givenName         <- [na]"}
    )
    uri = lsp_session.open(tmp_path / "c.prov", text)
    line, col = position_of(text, "[na]", delta=3)
    result = lsp_session.ask("textDocument/completion", uri, line, col)
    labels = _labels(result)
    assert "name.givenName" in labels
    assert "contoso:WorkerType" in labels  # by alias
    assert "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:WorkerType" in labels
    assert "enterprise:department" in labels
    item = next(i for i in result["items"] if i["label"] == "name.givenName")
    assert item["textEdit"]["newText"] == "name.givenName"  # the ']' is already there
    assert item["textEdit"]["range"]["start"] == {"line": line, "character": col - 2}
    assert item["detail"] == "String"


def test_completion_of_targets_functions_and_keywords(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso(
        **{
            '    companyName       <- "Contoso"': "    compa\n    city <- Jo",
            "        [contoso:BadgeId] IS NOT NULL": "        [contoso:BadgeId] IS",
            '    expect skip\n}\n\ntest "a badged': '    expect \n}\n\ntest "a badged',
            "        department not set": "        depa",
        }
    )
    uri = lsp_session.open(tmp_path / "k.prov", text)

    def labels_at(needle: str, delta: int) -> list[str]:
        line, col = position_of(text, needle, delta=delta)
        return _labels(lsp_session.ask("textDocument/completion", uri, line, col))

    assert "companyName" in labels_at("    compa\n", 9)  # Entra targets left of <-
    join = lsp_session.ask("textDocument/completion", uri, *position_of(text, "<- Jo", delta=5))
    item = next(i for i in join["items"] if i["label"] == "Join")
    assert item["insertTextFormat"] == 2  # a snippet
    assert item["textEdit"]["newText"] == "Join(${1:separator}, ${2:source})"
    assert "Join(separator, source)" in item["detail"]
    operators = labels_at("[contoso:BadgeId] IS", 20)
    assert {"IS NOT NULL", "EQUALS", "REGEX MATCH"} <= set(operators)
    assert "disable" in labels_at("    expect \n", 11)
    assert "department" in labels_at("        depa", 12)  # expect attributes
    assert set(labels_at("        depa", 0)) >= {"employeeId"}
    top = labels_at("// The API-driven", 0)
    assert {"job", "extension", "map", "test"} <= set(top)


def test_completion_for_an_ad_job_offers_ad_targets(lsp_session: Session) -> None:
    text = FABRIKAM.read_text(encoding="utf-8")
    line, _ = position_of(text, "map {\n", delta=6)
    uri = lsp_session.open(
        FABRIKAM,
        text[: sum(len(x) for x in text.splitlines(True)[:line])]
        + "    sAM\n"
        + "".join(text.splitlines(True)[line:]),
    )
    labels = _labels(lsp_session.ask("textDocument/completion", uri, line, 7))
    assert "sAMAccountName" in labels
    assert "usageLocation" not in labels


def test_completion_never_in_comments_or_strings(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso()
    uri = lsp_session.open(tmp_path / "n.prov", text)
    for needle in ("// Custom HR attributes", 'companyName       <- "Con'):
        line, col = position_of(text, needle, delta=len(needle) - 2)
        assert _labels(lsp_session.ask("textDocument/completion", uri, line, col)) == []


# ---- hover --------------------------------------------------------------------------------------


def _hover(session: Session, uri: str, text: str, needle: str, delta: int = 1) -> str:
    line, col = position_of(text, needle, delta=delta)
    result = session.ask("textDocument/hover", uri, line, col)
    return "" if result is None else result["contents"]["value"]


def test_hover_on_join_explains_it(lsp_session: Session) -> None:
    text = CONTOSO.read_text(encoding="utf-8")
    uri = lsp_session.open(CONTOSO, text)
    shown = _hover(lsp_session, uri, text, 'Join(" "')
    assert explain_function("Join") in shown
    assert "NULL and empty values" in shown


def test_hover_on_attributes_codes_and_targets(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso(**{"// The API-driven default": "// PROV101 The API-driven default"})
    uri = lsp_session.open(tmp_path / "h.prov", text)
    ext = _hover(lsp_session, uri, text, "[contoso:WorkerType] EQUALS", 3)
    assert "urn:ietf:params:scim:schemas:extension:contoso:1.0:User:WorkerType" in ext
    wt_line, _ = position_of(text, "    WorkerType: string")
    assert f"h.prov:{wt_line + 1}:5" in ext and "String" in ext
    core = _hover(lsp_session, uri, text, "[name.givenName]", 3)
    assert "**name.givenName**: String" in core and "source schema" in core
    assert explain_code("PROV101") in _hover(lsp_session, uri, text, "PROV101", 2)
    target = _hover(lsp_session, uri, text, "    displayName       <-", 6)
    assert "**displayName** (entra target attribute): String" in target
    assert '"Barbara Jensen"' in target
    assert 'test "an employee is created with a display name"' in target


def test_hover_on_a_diagnostic_explains_its_code(lsp_session: Session, tmp_path: Path) -> None:
    text = _contoso(**{"    givenName         <- [name.givenName]": TYPO})
    uri = lsp_session.open(tmp_path / "d.prov", text)
    shown = _hover(lsp_session, uri, text, "[name.givenNme]", 5)
    assert "unknown source attribute" in shown
    assert explain_code("PROV101") in shown


# ---- go to definition ---------------------------------------------------------------------------


def test_definition_of_extension_attributes_aliases_and_imports(lsp_session: Session) -> None:
    common = ROOT / "examples" / "fabrikam-contractors-ad" / "common.prov"
    text = FABRIKAM.read_text(encoding="utf-8")
    uri = lsp_session.open(FABRIKAM, text)
    found = lsp_session.ask("textDocument/definition", uri, *position_of(text, 'import "', delta=9))
    assert found == [
        {
            "uri": common.resolve().as_uri(),
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
        }
    ]
    contoso = CONTOSO.read_text(encoding="utf-8")
    curi = lsp_session.open(CONTOSO, contoso)
    attr = lsp_session.ask(
        "textDocument/definition", curi, *position_of(contoso, "[contoso:HireDate]", delta=10)
    )
    line, col = position_of(contoso, "    HireDate: string", delta=4)
    assert attr == [
        {
            "uri": curi,
            "range": {
                "start": {"line": line, "character": col},
                "end": {"line": line, "character": col + len("HireDate")},
            },
        }
    ]
    alias = lsp_session.ask(
        "textDocument/definition", curi, *position_of(contoso, "[contoso:HireDate]", delta=2)
    )
    line, col = position_of(contoso, '" as contoso', delta=5)
    assert alias[0]["range"]["start"] == {"line": line, "character": col}
    core = lsp_session.ask(
        "textDocument/definition", curi, *position_of(contoso, "[name.givenName]", delta=2)
    )
    assert core == []  # catalogue attributes are not declared in a file


def test_definition_across_files(lsp_session: Session) -> None:
    """An extension attribute declared in an imported file."""
    text = FABRIKAM.read_text(encoding="utf-8")
    common = ROOT / "examples" / "fabrikam-contractors-ad" / "common.prov"
    uri = lsp_session.open(FABRIKAM, text)
    common_text = common.read_text(encoding="utf-8")
    import re

    ref = next(
        m.group(0) for m in re.finditer(r"\[(\w+):(\w+)\]", text) if f"{m.group(2)}:" in common_text
    )
    found = lsp_session.ask(
        "textDocument/definition", uri, *position_of(text, ref, delta=len(ref) - 2)
    )
    assert found and found[0]["uri"] == common.resolve().as_uri()


# ---- symbols ------------------------------------------------------------------------------------


def test_document_symbols(lsp_session: Session) -> None:
    text = CONTOSO.read_text(encoding="utf-8")
    uri = lsp_session.open(CONTOSO, text)
    symbols = lsp_session.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    names = [s["name"] for s in symbols]
    assert names[0] == "Contoso HR to Entra ID"
    assert {"contoso", "enterprise", "employeeId", "Employees", "displayName"} <= set(names)
    assert "a leaver is disabled" in names
    ext = next(s for s in symbols if s["name"] == "contoso")
    assert [c["name"] for c in ext["children"]] == ["WorkerType", "HireDate", "BadgeId", "Skills"]
    kinds = {s["name"]: s["kind"] for s in symbols}
    assert kinds["Employees"] == 23 and kinds["a leaver is disabled"] == 6  # Struct, Method
    # half-typed text keeps the outline of the last text that parsed
    lsp_session.change(uri, text + "\nmap {\n    foo <- \n")
    again = lsp_session.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in again] == names


# ---- formatting ---------------------------------------------------------------------------------

MESSY = """job   "Fmt"{ target entra
actions create,update }
map {
  displayName<-join(" ",[name.givenName],[name.familyName])
    // a comment
  surname <-   [name.familyName]
}
"""


def test_formatting_returns_prov_fmt_edits(lsp_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "messy.prov"
    path.write_text(MESSY, encoding="utf-8")
    uri = lsp_session.open(path, MESSY)
    edits = lsp_session.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
    )
    assert edits
    formatted = apply_edits(MESSY, edits)
    subprocess.run(
        [sys.executable, "-m", "syncrules", "fmt", str(path)], check=True, capture_output=True
    )
    assert formatted == path.read_text(encoding="utf-8")  # what `prov fmt` wrote
    uri = lsp_session.open(path, formatted)
    assert (
        lsp_session.request(
            "textDocument/formatting",
            {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
        )
        == []
    )


def test_range_formatting_changes_only_the_range(lsp_session: Session, tmp_path: Path) -> None:
    uri = lsp_session.open(tmp_path / "range.prov", MESSY)
    line, _ = position_of(MESSY, "  displayName")
    edits = lsp_session.request(
        "textDocument/rangeFormatting",
        {
            "textDocument": {"uri": uri},
            "range": {
                "start": {"line": line, "character": 0},
                "end": {"line": line + 1, "character": 0},
            },
            "options": {"tabSize": 4, "insertSpaces": True},
        },
    )
    result = apply_edits(MESSY, edits)
    formatted, _ = format_source(MESSY)
    assert formatted is not None
    assert '    displayName <- Join(" ", [name.givenName], [name.familyName])\n' in result
    assert result.startswith('job   "Fmt"{ target entra\n')  # outside the range: untouched
    assert "surname <-   [name.familyName]" in result


def test_formatting_a_syntax_error_changes_nothing(lsp_session: Session, tmp_path: Path) -> None:
    uri = lsp_session.open(tmp_path / "bad.prov", "job {")
    edits = lsp_session.request(
        "textDocument/formatting",
        {"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": True}},
    )
    assert edits is None


# ---- code actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "fixed"),
    [
        ("[name.givenName]\n", "[name.givenNme]\n", "[name.givenName]\n"),
        (
            '[contoso:WorkerType] EQUALS "Employee"',
            '[contoso:WorkerTyp] EQUALS "Employee"',
            '[contoso:WorkerType] EQUALS "Employee"',
        ),
        ('Join(" ", [name.givenName]', 'Jion(" ", [name.givenName]', 'Join(" ", [name.givenName]'),
        ("    surname           <-", "    surnme            <-", "    surname            <-"),
    ],
    ids=["attribute", "alias", "function", "target"],
)
def test_quick_fix_applies_the_did_you_mean_hint(
    lsp_session: Session, tmp_path: Path, old: str, new: str, fixed: str
) -> None:
    text = _contoso(**{old: new})
    uri = lsp_session.open(tmp_path / "fix.prov", text)
    # a renamed target also leaves the tests' expectations of it unmapped (PROV114)
    diags = [d for d in lsp_session.diagnostics(uri) if d["code"] != "PROV114"]
    assert len(diags) == 1 and "did you mean" in diags[0]["message"]
    actions = lsp_session.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        },
    )
    assert len(actions) == 1 and actions[0]["kind"] == "quickfix"
    result = apply_edits(text, actions[0]["edit"]["changes"][uri])
    assert result == text.replace(new, fixed, 1)
    assert check_paths([_write(tmp_path / "fixed.prov", result)]).diagnostics == []


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---- live values --------------------------------------------------------------------------------


def _hints(session: Session, uri: str) -> dict[int, dict[str, Any]]:
    hints = session.request(
        "textDocument/inlayHint",
        {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10000, "character": 0}},
        },
    )
    return {h["position"]["line"]: h for h in hints}


def test_inlay_hints_show_values_for_the_tests_sample_record(
    lsp_session: Session, tmp_path: Path
) -> None:
    text = _contoso(
        **{
            '    companyName       <- "Contoso"': '    companyName       <- "Contoso"\n'
            "    employeeLeaveDateTime <- CDate([title])"
        }
    )
    text = text.replace(
        '"name": {"givenName": "Barbara", "familyName": "Jensen"},',
        '"name": {"givenName": "Barbara", "familyName": "Jensen"},\n        "title": "Engineer",',
        1,
    )
    uri = lsp_session.open(tmp_path / "live.prov", text)
    hints = _hints(lsp_session, uri)

    def at(needle: str) -> dict[str, Any]:
        return hints[position_of(text, needle)[0]]

    display = at("    displayName       <-")
    assert display["label"] == '= "Barbara Jensen"'
    line_text = text.split("\n")[display["position"]["line"]]
    assert display["position"]["character"] == len(line_text)  # at the end of the mapping
    assert 'test "an employee is created with a display name"' in display["tooltip"]
    assert at("    department        <-")["label"] == "= does not flow"
    assert at("    accountEnabled    <-")["label"] == "= true"
    assert (
        at("    employeeLeaveDateTime")["label"]
        == "= error: 'Engineer' is not a date/time .NET reads (the word 'Engineer')"
    )
    upn_end = position_of(text, ")  on create")[0]
    assert hints[upn_end]["label"] == '= "bjensen@contoso.com"'  # a multi-line mapping
    # the expected values of the test agree with the hints
    assert hints[position_of(text, '"GB"\n    )')[0] + 1]["label"] == '= "US"'


def test_live_values_follow_the_first_test_and_fall_back_to_a_fixture(
    lsp_session: Session, tmp_path: Path
) -> None:
    job = (
        'job "Live" {\n    target entra\n    actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        'map {\n    displayName <- Join(" ", [name.givenName], [name.familyName])\n'
        "    jobTitle <- IgnoreFlowIfNullOrEmpty([title])\n}\n"
    )
    folder = tmp_path / "live.fixtures"
    folder.mkdir()
    (folder / "users.json").write_text(
        '[{"externalId": "1", "name": {"givenName": "Ada", "familyName": "Lovelace"}}]',
        encoding="utf-8",
    )
    path = _write(tmp_path / "live.prov", job)
    uri = lsp_session.open(path, job)
    hints = _hints(lsp_session, uri)
    display = hints[6]
    assert display["label"] == '= "Ada Lovelace"'
    assert "fixture users.json, record 1" in display["tooltip"]
    assert hints[7]["label"] == "= does not flow"
    with_test = job + (
        'test "t" {\n    given user {"externalId": "2", "name": {"givenName": "Grace", '
        '"familyName": "Hopper"}, "title": "Admiral"}\n    expect create\n}\n'
    )
    version = lsp_session.change(uri, with_test)
    lsp_session.diagnostics(uri, version)
    hints = _hints(lsp_session, uri)
    assert hints[6]["label"] == '= "Grace Hopper"'
    assert hints[7]["label"] == '= "Admiral"'


def test_a_prov_sample_comment_names_the_record(lsp_session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "named.fixtures"
    folder.mkdir()
    (folder / "users.json").write_text(
        '[{"externalId": "1", "title": "First"}, {"externalId": "2", "title": "Second"}]',
        encoding="utf-8",
    )
    job = (
        "// prov-sample: users.json#2\n"
        'job "Named" {\n    target entra\n}\n'
        "match [externalId] -> employeeId\n"
        "map {\n    jobTitle <- [title]\n}\n"
        'test "t" {\n    given user {"externalId": "3", "title": "From the test"}\n'
        "    expect create\n}\n"
    )
    uri = lsp_session.open(_write(tmp_path / "named.prov", job), job)
    hint = _hints(lsp_session, uri)[6]
    assert hint["label"] == '= "Second"'  # the comment wins over the test
    assert "fixture users.json, record 2" in hint["tooltip"]
    version = lsp_session.change(uri, job.replace("#2", "#5"))
    lsp_session.diagnostics(uri, version)
    assert (
        _hints(lsp_session, uri)[6]["label"] == "= error: prov-sample: users.json has 2 record(s)"
    )


# ---- robustness and the command -----------------------------------------------------------------


def test_a_failing_request_answers_with_an_error_and_the_server_goes_on(
    lsp_session: Session, tmp_path: Path
) -> None:
    missing = (tmp_path / "never-opened" / "x.prov").as_uri()
    with pytest.raises(ServerError):
        lsp_session.ask("textDocument/hover", missing, 0, 0)
    with pytest.raises(ServerError):
        lsp_session.request("textDocument/hover", {"textDocument": {"uri": 42}})
    text = CONTOSO.read_text(encoding="utf-8")
    uri = lsp_session.open(CONTOSO, text)
    assert explain_function("Join") in _hover(lsp_session, uri, text, 'Join(" "')


def test_positions_past_the_end_and_empty_documents(lsp_session: Session, tmp_path: Path) -> None:
    uri = lsp_session.open(tmp_path / "empty.prov", "")
    assert [d["code"] for d in lsp_session.diagnostics(uri)] == ["PROV003"]
    for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
        lsp_session.ask(method, uri, 99, 99)
    assert _hints(lsp_session, uri) == {}


def test_prov_help_does_not_import_pygls() -> None:
    code = "import sys, syncrules.cli; print(sorted(m for m in sys.modules if 'pygls' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    helped = subprocess.run(
        [sys.executable, "-m", "syncrules", "lsp", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0 and "Language Server" in helped.stdout
