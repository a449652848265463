"""The import check of `prov run`: values whose JSON shape the job's source schema cannot take.

The evaluators read SCIM users leniently (``runtime.scim``: ``{"value": x}`` is ``x``, a list
for a single-valued attribute gives its first value, ``"True"`` is a boolean, anything else is
kept as text), so `prov eval` and `prov test` can take whatever a user pastes. A provisioning
cycle validates each operation first, as the service validates a payload against the source
schema: an operation with a value that lenient reading would silently drop or cut fails alone
at the import step (``InvalidSourceValue``), naming the attribute. Refused, for the attributes
the job reads and for ``externalId`` (the source anchor):

* a JSON object without a ``value`` member where the schema declares a single value (it would
  read as NULL: ``"userName": {"first": "a"}``);
* several values where the schema declares a single-valued attribute (only the first would be
  read: ``"externalId": ["1", "2"]``);
* a string that is not a boolean where the schema declares a Boolean (``"active": "maybe"``:
  neither true nor false would flow; an empty string is NULL, as an empty CSV cell is).

Names are matched without regard to case, as ``runtime.scim`` matches them. Only plain names
(``userName``), one level of a complex attribute (``name.givenName``) and extension attributes
(``urn:...:User:department``) are checked; filtered paths (``emails[type eq "work"].value``)
and references (``manager``, which is ``{"value": ...}``) are read as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from syncrules.runtime.scim import BOOLEAN_WORDS

#: (attribute name as the job writes it, its type)
_Spec = tuple[str, str]


class ShapeCheck:
    """``problem(user)``: why one SCIM user's values do not fit the job's source schema."""

    def __init__(self, source_attributes: Iterable[tuple[str, str, bool]]) -> None:
        # container (lower-cased key; "" for the user itself) -> member (lower-cased) -> spec
        self._single: dict[str, dict[str, _Spec]] = {"": {"externalid": ("externalId", "String")}}
        for name, type_, multivalued in source_attributes:
            if multivalued or type_ == "Reference" or "[" in name:
                continue
            container, member = _split(name)
            if member is not None:
                self._single.setdefault(container, {})[member.lower()] = (name, type_)
        # whether a top-level string value may need a look (a Boolean attribute at the top)
        self._top_booleans = any(t == "Boolean" for _, t in self._single[""].values())

    def problem(self, user: Mapping[str, Any]) -> str | None:
        top = self._single[""]
        for key, value in user.items():
            cls = value.__class__
            if cls is str:
                if self._top_booleans:
                    spec = top.get(key.lower())
                    if spec is not None and spec[1] == "Boolean":
                        why = _scalar(spec, value)
                        if why:
                            return why
            elif cls is dict:
                lowered = key.lower()
                spec = top.get(lowered)
                if spec is not None:
                    why = _object(spec, value)
                    if why:
                        return why
                members = self._single.get(lowered)
                if members is not None:
                    why = _members(members, value)
                    if why:
                        return why
            elif cls is list:
                spec = top.get(key.lower())
                if spec is not None:
                    why = _scalar(spec, value)
                    if why:
                        return why
        return None


def _split(name: str) -> tuple[str, str | None]:
    """``(container, member)``: ``("", "userName")``, ``("name", "givenName")``,
    ``("urn:...:user", "department")``; member None for a path the check does not look into."""
    if name.startswith("urn:"):
        urn, _, attribute = name.rpartition(":")
        return (urn.lower(), attribute) if "." not in attribute else ("", None)
    parts = name.split(".")
    if len(parts) == 1:
        return "", name
    if len(parts) == 2:
        return parts[0].lower(), parts[1]
    return "", None


def _members(members: dict[str, _Spec], container: Mapping[str, Any]) -> str | None:
    for key, value in container.items():
        spec = members.get(key.lower())
        if spec is None:
            continue
        cls = value.__class__
        if cls is dict:
            why = _object(spec, value)
        elif cls is list or (cls is str and spec[1] == "Boolean"):
            why = _scalar(spec, value)
        else:
            continue
        if why:
            return why
    return None


def _object(spec: _Spec, value: Mapping[str, Any]) -> str | None:
    """A complex value is read through its ``value`` member (``{"value": x}`` is ``x``)."""
    while True:
        inner = _MISSING
        for key, member in value.items():
            if key.lower() == "value":
                inner = member
                break
        if inner is _MISSING:
            name, type_ = spec
            return (f"{name} is a JSON object without a \"value\" member, but the source "
                    f"schema declares one {type_} value")
        if inner.__class__ is not dict:
            return None
        value = inner


_MISSING = object()


def _scalar(spec: _Spec, value: Any) -> str | None:
    """A list for a single-valued attribute, or a string for a Boolean one."""
    name, type_ = spec
    if value.__class__ is list:
        present = sum(v is not None for v in value)
        if present > 1:
            return (f"{name} holds {present} values, but the source schema declares it "
                    "single-valued")
        return None
    text = value.strip().lower()
    if type_ == "Boolean" and text and text not in BOOLEAN_WORDS:
        return f"{name} is {json.dumps(value)}: not a Boolean (true, false, \"True\", \"False\")"
    return None
