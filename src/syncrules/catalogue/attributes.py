"""Attribute catalogues: the API-driven source schema and the Entra ID / AD target schemas.

The lists are package data (``syncrules/catalogue/data/*.json``), each with a top-level
``source`` note (where the list comes from), ``assumptions`` (entries least established) and
``attributes`` sorted by name; ``target_ad.json`` also holds ``not_mappable`` (attribute -> why).
Loading is cached; the getters return fresh dicts, so callers may not corrupt the cache. Names are
case-sensitive. A malformed data file is a packaging bug and raises ``ValueError``.

Directory extensions (``extension_<32 hex digits>_<name>``) are target attributes recognised by
their name, not listed: see :func:`is_directory_extension`.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

ATTRIBUTE_TYPES = frozenset({"String", "Boolean", "Integer", "DateTime", "Reference", "Binary"})
TARGET_KINDS = ("entra", "ad")

_FILES = {"source": "source_api.json", "entra": "target_entra.json", "ad": "target_ad.json"}
_DIRECTORY_EXTENSION = re.compile(r"extension_[0-9A-Fa-f]{32}_[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """One attribute of a catalogue; ``type`` is a Graph attributeDefinition type name."""

    name: str
    type: str  # String | Boolean | Integer | DateTime | Reference | Binary
    multivalued: bool
    description: str = ""
    #: target rules (see ``target_rules``): the longest value the target holds, and a syntax
    #: ("upn", "mailNickname", "countryCode", "samAccountName", "dn") its values must have
    max_length: int | None = None
    syntax: str | None = None


@dataclass(frozen=True, slots=True)
class _Catalogue:
    source: str
    assumptions: frozenset[str]
    attributes: tuple[AttributeDef, ...]
    not_mappable: tuple[tuple[str, str], ...]
    #: the target's own rules: where they come from, and what a create requires
    constraints_source: str = ""
    required_on_create: tuple[str, ...] = ()


def source_attributes() -> dict[str, AttributeDef]:
    """The API-driven inbound source schema (SCIM core and enterprise User), by name."""
    return {a.name: a for a in _load("source").attributes}


def target_attributes(kind: str) -> dict[str, AttributeDef]:
    """The target schema for ``kind`` ("entra" or "ad"), by name.

    Raises:
        ValueError: ``kind`` is not a known target kind (a caller bug: kinds are checked earlier).
    """
    return {a.name: a for a in _load(_target(kind)).attributes}


def catalogue_note(kind: str) -> str:
    """The ``source`` note of a catalogue: "source", "entra" or "ad"."""
    return _load(kind if kind == "source" else _target(kind)).source


def assumed_attributes(kind: str) -> frozenset[str]:
    """Names in a catalogue ("source", "entra" or "ad") whose presence is an assumption."""
    return _load(kind if kind == "source" else _target(kind)).assumptions


def not_mappable(kind: str) -> dict[str, str]:
    """Target attributes that exist but cannot be mapped, with the reason (AD ``cn``)."""
    return dict(_load(_target(kind)).not_mappable)


def target_constraints(kind: str) -> tuple[str, tuple[str, ...]]:
    """The target's rules note and the attributes a create requires ("entra" or "ad")."""
    catalogue = _load(_target(kind))
    return catalogue.constraints_source, catalogue.required_on_create


def is_directory_extension(name: str) -> bool:
    """True for a directory extension target name: ``extension_<32 hex digits>_<name>``."""
    return _DIRECTORY_EXTENSION.fullmatch(name) is not None


def _target(kind: str) -> str:
    if kind not in TARGET_KINDS:
        raise ValueError(f"unknown target kind {kind!r}; expected one of {TARGET_KINDS}")
    return str(kind)


@functools.cache
def _load(which: str) -> _Catalogue:
    text = (resources.files("syncrules.catalogue") / "data" / _FILES[which]).read_text("utf-8")
    return _parse(json.loads(text), _FILES[which])


def _parse(doc: Any, file: str) -> _Catalogue:
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), str):
        raise ValueError(f"{file}: expected an object with a 'source' note")
    attributes = []
    for entry in doc.get("attributes", ()):
        attr = AttributeDef(
            name=entry["name"],
            type=entry["type"],
            multivalued=bool(entry["multivalued"]),
            description=entry.get("description", ""),
            max_length=entry.get("maxLength"),
            syntax=entry.get("syntax"),
        )
        if attr.type not in ATTRIBUTE_TYPES:
            raise ValueError(f"{file}: {attr.name}: unknown type {attr.type!r}")
        attributes.append(attr)
    names = [a.name for a in attributes]
    if len(set(names)) != len(names):
        raise ValueError(f"{file}: duplicate attribute names")
    assumptions = frozenset(doc.get("assumptions", ()))
    if not assumptions <= set(names):
        raise ValueError(f"{file}: assumptions name unknown attributes")
    not_mappable = tuple(sorted(doc.get("not_mappable", {}).items()))
    constraints = doc.get("constraints", {})
    required = tuple(constraints.get("requiredOnCreate", ()))
    if not set(required) <= set(names):
        raise ValueError(f"{file}: requiredOnCreate names unknown attributes")
    return _Catalogue(doc["source"], assumptions, tuple(attributes), not_mappable,
                      constraints.get("source", ""), required)
