"""The attribute catalogues shipped as package data."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from syncrules.catalogue.attributes import (
    ATTRIBUTE_TYPES,
    AttributeDef,
    assumed_attributes,
    catalogue_note,
    is_directory_extension,
    not_mappable,
    source_attributes,
    target_attributes,
)
from syncrules.ir.nodes import TargetKind

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
KINDS = ("source", "entra", "ad")


def catalogue(kind: str) -> dict[str, AttributeDef]:
    return source_attributes() if kind == "source" else target_attributes(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_entries_are_well_formed(kind: str) -> None:
    attrs = catalogue(kind)
    assert len(attrs) > 30
    for name, attr in attrs.items():
        assert name == attr.name and name == name.strip()
        assert attr.type in ATTRIBUTE_TYPES
        assert isinstance(attr.multivalued, bool)
        assert attr.description


@pytest.mark.parametrize(
    ("kind", "file"),
    [("source", "source_api.json"), ("entra", "target_entra.json"), ("ad", "target_ad.json")],
)
def test_data_files_are_sorted_without_duplicates_and_noted(kind: str, file: str) -> None:
    doc = json.loads(
        (resources.files("syncrules.catalogue") / "data" / file).read_text(encoding="utf-8")
    )
    names = [a["name"] for a in doc["attributes"]]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert doc["source"] == catalogue_note(kind) and len(doc["source"]) > 100
    assert set(doc["assumptions"]) == assumed_attributes(kind)
    assert assumed_attributes(kind) <= set(names)


def test_source_schema() -> None:
    attrs = source_attributes()
    for name in (
        "userName",
        "externalId",
        "displayName",
        "name.givenName",
        "name.familyName",
        "title",
        'emails[type eq "work"].value',
        'phoneNumbers[type eq "work"].value',
        'phoneNumbers[type eq "mobile"].value',
        'addresses[type eq "work"].locality',
        ENTERPRISE + "employeeNumber",
        ENTERPRISE + "department",
        ENTERPRISE + "costCenter",
    ):
        assert attrs[name].type == "String", name
    assert attrs["active"].type == "Boolean"
    assert attrs[ENTERPRISE + "manager"].type == "Reference"
    # only the filtered forms of the multi-valued SCIM attributes are referenced
    assert not {"emails", "phoneNumbers", "addresses"} & set(attrs)
    # names are case-sensitive
    assert "username" not in attrs and "Active" not in attrs


def test_entra_target_schema() -> None:
    attrs = target_attributes("entra")
    assert attrs["accountEnabled"].type == "Boolean"
    assert attrs["employeeHireDate"].type == "DateTime"
    assert attrs["employeeLeaveDateTime"].type == "DateTime"
    assert attrs["manager"].type == "Reference"
    assert attrs["otherMails"].multivalued and attrs["businessPhones"].multivalued
    assert not attrs["userPrincipalName"].multivalued
    for name in (
        "employeeOrgData.division",
        "employeeOrgData.costCenter",
        "surname",
        "telephoneNumber",
        "usageLocation",
        "passwordProfile.password",
    ):
        assert name in attrs
    assert {f"extensionAttribute{i}" for i in range(1, 16)} <= set(attrs)
    assert "extensionAttribute16" not in attrs and "sn" not in attrs


def test_ad_target_schema() -> None:
    attrs = target_attributes("ad")
    assert attrs["accountDisabled"].type == "Boolean"
    assert attrs["msExchHideFromAddressLists"].type == "Boolean"
    assert attrs["accountExpires"].type == "Integer"
    assert attrs["countryCode"].type == "Integer"
    assert attrs["manager"].type == "Reference"
    assert attrs["proxyAddresses"].multivalued
    for name in (
        "sAMAccountName",
        "sn",
        "l",
        "st",
        "c",
        "co",
        "parentDistinguishedName",
        "employeeID",
        "physicalDeliveryOfficeName",
        "wWWHomePage",
    ):
        assert name in attrs
    assert "cn" not in attrs and "surname" not in attrs
    assert "cn" in not_mappable("ad")
    assert not_mappable("entra") == {}


def test_target_kind_enum_is_accepted() -> None:
    assert target_attributes(TargetKind.AD) == target_attributes("ad")


def test_unknown_target_kind_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unknown target kind"):
        target_attributes("salesforce")


def test_returned_dicts_do_not_share_state() -> None:
    first = target_attributes("entra")
    first.clear()
    assert target_attributes("entra")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("extension_0123456789abcdef0123456789ABCDEF_costCenter", True),
        ("extension_00aa00aabb11cc22dd3344ee44ee44ee_Org_Unit2", True),
        ("extension_<AppIdWithoutHyphens>_GroupDN", False),
        ("extension_0123456789abcdef0123456789abcde_short", False),
        ("extension_0123456789abcdef0123456789abcdef_", False),
        ("extensionAttribute1", False),
        ("Extension_0123456789abcdef0123456789abcdef_x", False),
    ],
)
def test_is_directory_extension(name: str, expected: bool) -> None:
    assert is_directory_extension(name) is expected
