"""merge.py: the compiled schema replaces only the modelled parts of the live schema."""

from __future__ import annotations

from pathlib import Path

from graph_support import (
    CONTOSO,
    ENTERPRISE,
    attribute_source,
    compiled_document,
    copy_of,
    live_schema,
)

from syncrules.backends.jobconfig.merge import (
    is_extension_attribute,
    merge_schema,
    put_body,
    render_changes,
)

REPO = Path(__file__).resolve().parents[2]


def _user_mapping(schema: dict) -> dict:
    return schema["synchronizationRules"][0]["objectMappings"][0]


def _api_user(schema: dict) -> dict:
    return schema["directories"][0]["objects"][0]


def test_merge_replaces_modelled_parts_and_keeps_the_rest() -> None:
    live, compiled = live_schema(), compiled_document()["schema"]
    before_live, before_compiled = copy_of(live), copy_of(compiled)
    result = merge_schema(live, compiled)
    assert result.problems == ()
    assert live == before_live and compiled == before_compiled  # inputs untouched
    merged = result.schema
    mapping = _user_mapping(merged)
    assert [m["targetAttributeName"] for m in mapping["attributeMappings"]] == [
        "employeeId",
        "jobTitle",
        "companyName",
    ]
    job_title = mapping["attributeMappings"][1]
    assert job_title["defaultValue"] == "Staff"
    assert job_title["exportMissingReferences"] is True  # not modelled: the live value is kept
    assert mapping["flowTypes"] == "Add, Update"
    assert mapping["scope"]["groups"][0]["name"] == "Employees"
    # unmodelled parts survive
    assert mapping["metadata"] == [{"key": "Disposition", "value": "Normal"}]
    assert merged["id"] == "API2AAD" and merged["version"] == live["version"]
    assert merged["customProperty"] == {"keep": ["me"]}
    assert (
        merged["synchronizationRules"][0]["objectMappings"][1]
        == live["synchronizationRules"][0]["objectMappings"][1]
    )
    assert (
        merged["synchronizationRules"][0]["metadata"] == live["synchronizationRules"][0]["metadata"]
    )
    assert merged["directories"][1] == live["directories"][1]
    assert merged["directories"][0]["objects"][1] == live["directories"][0]["objects"][1]
    assert merged["directories"][0]["metadata"] == [{"key": "Extensible", "value": "true"}]


def test_extension_attributes_ours_replace_theirs() -> None:
    result = merge_schema(live_schema(), compiled_document()["schema"])
    attrs = _api_user(result.schema)["attributes"]
    names = [a["name"] for a in attrs]
    # built-in attributes kept in place, OldCode dropped, Skills appended
    assert names == [
        "externalId",
        "userName",
        f"{CONTOSO}:HireDate",
        "title",
        f"{ENTERPRISE}:department",
        f"{CONTOSO}:Skills",
    ]
    hire = attrs[2]
    assert hire["type"] == "DateTime"
    assert hire["metadata"] == [{"key": "note", "value": "x"}]  # not modelled: kept
    assert attrs[-1]["multivalued"] is True


def test_changes_are_listed_and_rendered() -> None:
    result = merge_schema(live_schema(), compiled_document()["schema"])
    kinds = {(c.area, c.kind, c.subject.split(" <- ")[0]) for c in result.changes}
    assert ("mapping", "added", "companyName") in kinds
    assert ("mapping", "removed", "faxNumber") in kinds
    assert ("mapping", "changed", "jobTitle") in kinds
    assert ("flowTypes", "changed", "Add, Update, Delete -> Add, Update") in kinds
    assert ("scoping group", "added", "Employees") in kinds
    assert ("scoping group", "removed", "Everyone") in kinds
    assert ("extension attribute", "added", f"{CONTOSO}:Skills") in kinds
    assert ("extension attribute", "removed", f"{CONTOSO}:OldCode") in kinds
    assert ("extension attribute", "changed", f"{CONTOSO}:HireDate") in kinds
    assert not any(c.subject.startswith("employeeId") for c in result.changes)
    assert not any(c.area == "input filter group" for c in result.changes)
    scope = _user_mapping(result.schema)["scope"]
    assert scope["inputFilterGroups"] == [{"name": "experimental", "clauses": []}]
    lines = render_changes(result.changes)
    assert lines == render_changes(
        merge_schema(live_schema(), compiled_document()["schema"]).changes
    )
    text = "\n".join(lines)
    assert '  + mapping companyName <- "Contoso"' in text
    assert "  - mapping faxNumber <- [userName]" in text
    assert 'default: (none) -> "Staff"' in text
    assert "  ~ flowTypes Add, Update, Delete -> Add, Update" in text
    assert f'  + scoping group Employees\n      [{CONTOSO}:WorkerType] EQUALS "Employee"' in text
    assert "exportMissingReferences" not in text and "metadata" not in text
    assert lines[-1].endswith("added, 3 removed, 3 changed")


def test_merging_the_result_again_changes_nothing() -> None:
    compiled = compiled_document()["schema"]
    once = merge_schema(live_schema(), compiled)
    twice = merge_schema(once.schema, compiled)
    assert twice.changes == ()
    assert twice.schema == once.schema
    assert render_changes(twice.changes) == ["no changes"]


def test_equivalent_spellings_are_not_changes() -> None:
    live = live_schema()
    compiled = {
        "synchronizationRules": [
            {
                "name": "API2AAD",
                "objectMappings": [
                    {
                        "name": "Provision API User",
                        "sourceObjectName": "User",
                        "targetObjectName": "User",
                        "flowTypes": "Add,Update,Delete",
                        "attributeMappings": [
                            # same tree, different expression text: the tree is authoritative
                            {
                                "targetAttributeName": "employeeId",
                                "matchingPriority": 1,
                                "source": {
                                    **attribute_source("externalId"),
                                    "expression": "[externalId] ",
                                },
                            },
                            {
                                "targetAttributeName": "jobTitle",
                                "source": attribute_source("title"),
                            },
                            {
                                "targetAttributeName": "faxNumber",
                                "source": attribute_source("userName"),
                            },
                        ],
                    }
                ],
            }
        ]
    }
    result = merge_schema(live, compiled)
    assert result.changes == ()
    # a property the compiled mapping does not carry is kept from the live one
    assert _user_mapping(result.schema)["attributeMappings"][1]["exportMissingReferences"] is True
    # no directories in the compiled schema: the source attributes are untouched
    assert result.schema["directories"] == live["directories"]


def test_ambiguous_rule_is_a_problem() -> None:
    live = live_schema()
    second = copy_of(live["synchronizationRules"][0])
    second["name"] = "Other"
    live["synchronizationRules"][0]["name"] = "First"
    live["synchronizationRules"].append(second)
    compiled = compiled_document()["schema"]
    compiled["synchronizationRules"][0]["name"] = "NoSuchRule"
    result = merge_schema(live, compiled)
    assert result.problems and "cannot tell which live synchronization rule" in result.problems[0]


def test_missing_live_source_directory_is_a_problem() -> None:
    live = live_schema()
    live["synchronizationRules"][0]["sourceDirectoryName"] = "Somewhere"
    result = merge_schema(live, compiled_document()["schema"])
    assert result.problems == ('the live schema has no source directory named "Somewhere"',)


def test_new_object_mapping_is_added() -> None:
    compiled = compiled_document()["schema"]
    compiled["synchronizationRules"][0]["objectMappings"][0]["sourceObjectName"] = "Worker"
    compiled["synchronizationRules"][0]["objectMappings"][0]["name"] = "Provision Workers"
    result = merge_schema(live_schema(), compiled)
    mappings = result.schema["synchronizationRules"][0]["objectMappings"]
    assert [m["name"] for m in mappings] == [
        "Provision API User",
        "Provision API Group",
        "Provision Workers",
    ]
    assert any(c.area == "object mapping" and c.kind == "added" for c in result.changes)


def test_put_body_drops_odata_annotations_only() -> None:
    body = put_body({"@odata.context": "x", "id": "1", "nested": {"@odata.type": "kept"}})
    assert body == {"id": "1", "nested": {"@odata.type": "kept"}}


def test_extension_attribute_names() -> None:
    assert is_extension_attribute(f"{CONTOSO}:HireDate")
    assert is_extension_attribute("urn:contoso:employee:HireDate")
    assert not is_extension_attribute(f"{ENTERPRISE}:department")
    assert not is_extension_attribute("urn:ietf:params:scim:schemas:core:2.0:User:userName")
    assert not is_extension_attribute("name.givenName")


def test_merge_of_a_really_compiled_job_keeps_the_live_extras() -> None:
    from syncrules.api import compile_path

    result = compile_path(REPO / "tests/cases/valid/appendix/01_contoso_hr/input.prov")
    assert result.ok, [d.message for d in result.diagnostics]
    ((_, document),) = result.documents
    merged = merge_schema(live_schema(), document["schema"])
    assert merged.problems == ()
    schema = merged.schema
    targets = {m["targetAttributeName"] for m in _user_mapping(schema)["attributeMappings"]}
    assert {"employeeId", "userPrincipalName", "employeeHireDate"} <= targets
    assert "faxNumber" not in targets
    assert schema["synchronizationRules"][0]["objectMappings"][1]["name"] == "Provision API Group"
    names = [a["name"] for a in _api_user(schema)["attributes"]]
    assert f"{CONTOSO}:Skills" in names and f"{CONTOSO}:OldCode" not in names
    assert names[:2] == ["externalId", "userName"]  # built-ins kept as they were
    assert merge_schema(schema, document["schema"]).changes == ()
