"""`prov import`: compiling the imported file yields a schema equivalent to the input, including
the parts the language does not model; the file is already in the `prov fmt` layout; other kinds
of jobs are refused with a clear message."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from syncrules.api import compile_paths
from syncrules.backends.jobconfig.emit import dumps
from syncrules.cli import main
from syncrules.fmt import format_source
from tests.conftest import DATA, ROOT

SOURCES = [
    "examples/contoso-hr",
    "examples/fabrikam-contractors-ad",
    "rules",
    "tests/cases/valid/scoping",
    "tests/cases/valid/expressions",
    "tests/cases/valid/imports",
]
PORTAL_DOWNLOAD = "tests/data/portal-download.json"


def normalise(schema: dict[str, Any]) -> dict[str, Any]:
    """Order-insensitive view: mappings by target, attributes and objects by name."""
    schema = copy.deepcopy({k: v for k, v in schema.items() if not k.startswith("@odata")})
    for rule in schema.get("synchronizationRules") or []:
        for mapping in rule.get("objectMappings") or []:
            mapping["attributeMappings"] = sorted(
                mapping.get("attributeMappings") or [], key=lambda m: m["targetAttributeName"]
            )
    for directory in schema.get("directories") or []:
        for obj in directory.get("objects") or []:
            obj["attributes"] = sorted(obj.get("attributes") or [], key=lambda a: a["name"])
    return schema


def _import(tmp_path: Path, document: dict[str, Any], name: str) -> Path:
    source = tmp_path / f"{name}.json"
    source.write_text(dumps(document), encoding="utf-8")
    out = tmp_path / "imported" / f"{name}.prov"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("folder", SOURCES)
def test_import_then_compile_is_equivalent(folder: str, tmp_path: Path) -> None:
    compiled = compile_paths([folder], None, ("json",))
    assert compiled.ok and compiled.documents
    for name, document in compiled.documents:
        out = _import(tmp_path, document, name.replace(" ", "-"))
        again = compile_paths([out], None, ("json",))
        assert again.ok, [d.message for d in again.diagnostics]
        [(_, document2)] = again.documents
        assert normalise(document2["schema"]) == normalise(document["schema"])
        for key in ("name", "target", "actions", "deletionThreshold"):
            assert document2["job"][key] == document["job"][key]


def _inputs(name: str) -> list[tuple[str, dict[str, Any]]]:
    """The documents an import test feeds in: a folder's compiled jobs, or a downloaded schema."""
    if name.endswith(".json"):
        return [(Path(name).stem, json.loads((ROOT / name).read_text(encoding="utf-8")))]
    compiled = compile_paths([name], None, ("json",))
    assert compiled.ok and compiled.documents
    return [(job.replace(" ", "-"), document) for job, document in compiled.documents]


@pytest.mark.parametrize("name", [*SOURCES, PORTAL_DOWNLOAD])
def test_imported_file_is_already_formatted(name: str, tmp_path: Path) -> None:
    for job, document in _inputs(name):
        out = _import(tmp_path, document, job)
        text = out.read_text(encoding="utf-8")
        assert format_source(text, str(out)) == (text, [])
        result = CliRunner().invoke(main, ["fmt", "--check", str(out)])
        assert result.exit_code == 0, result.output


def test_text_the_formatter_cannot_read_is_reported_as_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The importer should never write text that does not parse; if it does, the file is still
    written (to fix by hand) and the user is told it is a bug, without a traceback."""
    import syncrules.importer.decompile

    monkeypatch.setattr(syncrules.importer.decompile, "format_source", lambda text: (None, []))
    out = tmp_path / "job.prov"
    result = CliRunner().invoke(main, ["import", str(ROOT / PORTAL_DOWNLOAD), "-o", str(out)])
    assert result.exit_code == 1
    assert "not in the `prov fmt` layout" in result.stderr
    assert "bug in `prov import`" in result.stderr
    assert "Traceback" not in result.output
    assert 'default "Contoso"' in out.read_text(encoding="utf-8")


def test_portal_download_round_trips_with_unmodelled_parts(tmp_path: Path) -> None:
    original = json.loads((ROOT / PORTAL_DOWNLOAD).read_text(encoding="utf-8"))
    source = tmp_path / "download.json"
    source.write_text(json.dumps(original), encoding="utf-8")
    out = tmp_path / "job.prov"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert (
        "    accountEnabled    <- IIF(\n"
        '        BitAnd([urn:ietf:params:scim:schemas:extension:acme:1.0:User:Flags], 2) = "0",\n'
        '        "True",\n'
        '        "False"\n'
        "    )\n"
    ) in text
    assert "    userPrincipalName <- Join(\"@\", [userName], %DomainFQDN%)  on create\n" in text
    assert (
        # strings keep the spelling Graph (and the portal) show: \\( as stored, not shortened
        '    jobTitle          <- Replace([title], , "(?<t>.*) \\\\(Temp\\\\)", , "${t}", , )\n'
        in text
    )
    for kept in (
        "flowBehavior FlowAlways",
        "mapping type None",
        "inputFilterGroups",
        "Provision API Group",
        "metadata",
    ):
        assert kept in result.stderr
    again = compile_paths([out], None, ("json",))
    assert again.ok, [d.message for d in again.diagnostics]
    [(_, document)] = again.documents
    assert normalise(document["schema"]) == normalise(original)


def test_editing_the_imported_file_changes_only_that(tmp_path: Path) -> None:
    original = json.loads((ROOT / PORTAL_DOWNLOAD).read_text(encoding="utf-8"))
    source = tmp_path / "download.json"
    source.write_text(json.dumps(original), encoding="utf-8")
    out = tmp_path / "job.prov"
    assert CliRunner().invoke(main, ["import", str(source), "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    out.write_text(text.replace('default "Contoso"', 'default "Fabrikam"'), encoding="utf-8")
    [(_, document)] = compile_paths([out], None, ("json",)).documents
    expected = copy.deepcopy(original)
    for m in expected["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]:
        if m["targetAttributeName"] == "companyName":
            m["defaultValue"] = "Fabrikam"
    assert normalise(document["schema"]) == normalise(expected)


@pytest.mark.parametrize(
    "name", ["cloud-sync-ad-to-entra-default.json", "cloud-sync-ad-to-entra-customised.utf16.json"]
)
def test_other_kinds_of_jobs_are_refused_clearly(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["import", str(DATA / "real-exports" / name), "-o", str(tmp_path / "x.prov")]
    )
    assert result.exit_code == 1
    assert "not an API-driven inbound job" in result.stderr
    assert "Cloud Sync" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.prov").exists()


def test_bad_input_files(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(main, ["import", str(bad)])
    assert result.exit_code == 1 and "not valid JSON" in result.stderr
    missing = runner.invoke(main, ["import", str(tmp_path / "missing.json")])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    result = runner.invoke(main, ["import", str(empty)])
    assert result.exit_code == 1 and "no synchronizationRules" in result.stderr


def test_existing_output_is_not_overwritten(tmp_path: Path) -> None:
    source = ROOT / PORTAL_DOWNLOAD
    out = tmp_path / "job.prov"
    out.write_text("// mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "// mine\n"


def test_object_mappings_keep_their_names(tmp_path: Path) -> None:
    """A schema whose source object is the SCIM core User URN imports (no "User -> User"
    required) and compiles back to the same names, through `objects "..." -> "..."`."""
    compiled = compile_paths([ROOT / "examples" / "contoso-hr"], None, ("json",))
    [(_, document)] = compiled.documents
    schema = copy.deepcopy(document["schema"])
    urn = "urn:ietf:params:scim:schemas:core:2.0:User"
    rule = schema["synchronizationRules"][0]
    rule["objectMappings"][0]["sourceObjectName"] = urn
    for directory in schema["directories"]:
        if directory["name"] == rule["sourceDirectoryName"]:
            for obj in directory["objects"]:
                obj["name"] = urn
    source = tmp_path / "scim.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    out = tmp_path / "job.prov"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f'    objects "{urn}" -> "User"\n' in text
    assert 'extension "urn:ietf:params:scim:schemas:extension:contoso:1.0:User"' in text
    assert format_source(text, str(out))[0] == text
    again = compile_paths([out], None, ("json",))
    assert again.ok, [d.message for d in again.diagnostics]
    [(_, document)] = again.documents
    assert normalise(document["schema"]) == normalise(schema)


def test_a_schema_without_user_objects_names_what_it_has(tmp_path: Path) -> None:
    compiled = compile_paths([ROOT / "examples" / "contoso-hr"], None, ("json",))
    [(_, document)] = compiled.documents
    schema = copy.deepcopy(document["schema"])
    schema["synchronizationRules"][0]["objectMappings"][0]["sourceObjectName"] = "Group"
    source = tmp_path / "groups.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(tmp_path / "x.prov")])
    assert result.exit_code != 0
    assert "no object mapping of users (found: 'Group' -> 'User')" in result.output
