"""SCIM users → flat source attributes, as the API-driven source schema names them.

Real payloads are messy: attribute names are case-insensitive (``username``), extension data
sits in objects keyed by URN (or, rarely, in flat ``urn:...:User:attr`` keys), booleans come as
``true`` or ``"True"``, numbers as JSON numbers, the manager as ``{"value": "<externalId>"}``, and
only ``work``-typed entries of addresses, emails and phoneNumbers are processed (a documented
limitation).

Contract: standard library only (this module is copied into generated packages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_FILTERED = re.compile(
    r'^([A-Za-z0-9_]+)\[\s*([A-Za-z0-9_]+)\s+eq\s+"([^"]*)"\s*\]\.([A-Za-z0-9_]+)$'
)

#: The attribute types that get normalised: "True"/"true" become booleans for Boolean attributes.
BOOLEAN_WORDS = {"true": True, "false": False}


def _lower_map(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in obj.items()}


def member(obj: Any, key: str) -> Any:
    """Case-insensitive member of a JSON object (None when absent or obj is not an object).

    SCIM attribute names are case-insensitive; every reader of SCIM payloads uses this one.
    """
    if obj.__class__ is not dict and not isinstance(obj, Mapping):
        return None
    if key in obj:
        return obj[key]
    lowered = key.lower()
    try:
        if lowered not in map(str.lower, obj):  # the usual answer, without a Python loop
            return None
    except TypeError:  # a key that is not a string: look at each
        pass
    for k, v in obj.items():
        if (k if k.__class__ is str else str(k)).lower() == lowered:
            return v
    return None


def _scalar(value: Any, type_: str) -> Any:
    """Normalise one JSON value to the runtime value model for an attribute of ``type_``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        # Complex values such as the manager reference: {"value": "..."}.
        inner = member(value, "value")
        return _scalar(inner, type_) if inner is not None else None
    if type_ == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[value.strip().lower()]
        return str(value)
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    return value if isinstance(value, str) else str(value)


def _value(value: Any, type_: str, multivalued: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        items = [_scalar(v, type_) for v in value]
        items = [v for v in items if v is not None]
        if multivalued:
            return items or None
        return items[0] if items else None
    scalar = _scalar(value, type_)
    return [scalar] if multivalued and scalar is not None else scalar


def lookup(user: Mapping[str, Any], name: str) -> Any:
    """The raw JSON value of source attribute ``name`` in a SCIM user (None when absent)."""
    if name.startswith("urn:"):
        urn, _, attr = name.rpartition(":")
        ext = member(user, urn)
        if isinstance(ext, Mapping):
            return _path(ext, attr)
        flat = member(user, name)
        return flat
    match = _FILTERED.match(name)
    if match:
        collection, key, wanted, field = match.groups()
        return filtered(user, collection, key, wanted.lower(), field)
    return _path(user, name)


def filtered_parts(name: str) -> tuple[str, str, str, str] | None:
    """``(collection, key, wanted, field)`` of a ``collection[key eq "wanted"].field`` name."""
    match = _FILTERED.match(name)
    if match is None:
        return None
    collection, key, wanted, field = match.group(1, 2, 3, 4)
    return collection, key, wanted, field


def filtered(user: Mapping[str, Any], collection: str, key: str, wanted: str, field: str) -> Any:
    """The raw value of ``collection[key eq "wanted"].field``: ``field`` of the first entry whose
    ``key`` is ``wanted`` (given lower-cased; compared without regard to case), None when absent.
    """
    items = user.get(collection)
    if items is None:
        items = member(user, collection)
    if items.__class__ is not list:
        if isinstance(items, Mapping):
            items = [items]
        elif not isinstance(items, list):
            return None
    for item in items:
        # dict.get first: None (absent, or present as null) is settled by member, as lookup does
        kind = item.get(key) if item.__class__ is dict else None
        if kind is None:
            kind = member(item, key)
        if isinstance(kind, str) and kind.lower() == wanted:
            value = item.get(field) if item.__class__ is dict else None
            return member(item, field) if value is None else value
    return None


def source(user: Mapping[str, Any], name: str, type_: str, multivalued: bool) -> Any:
    """One source attribute of a SCIM user in the value model (None when absent), as
    ``flatten`` reads it: the general path generated evaluators fall back to when an exact-case
    read does not settle it."""
    step = _SOURCES.get(name)
    if step is None or step[4] != type_ or step[5] != multivalued:
        step = _SOURCES[name] = _plan(((name, type_, multivalued),))[0]
    kind, urn, parts, plain = step[1], step[2], step[3], step[6]
    if kind == 0:
        value = _walk(user, parts)
    elif kind == 1:
        ext = member(user, urn)
        value = _walk(ext, parts) if isinstance(ext, Mapping) else member(user, name)
    else:
        value = lookup(user, name)
    if value is None or (plain and value.__class__ is str):
        return value
    return _value(value, type_, multivalued)


_SOURCES: dict[str, _Step] = {}


#: The normalisation of a raw JSON value (for generated code: ``value(raw, type, multivalued)``).
value = _value


def _path(obj: Any, dotted: str) -> Any:
    current = obj
    for part in dotted.split("."):
        current = member(current, part)
        if current is None:
            return None
    return current


def _walk(obj: Any, parts: tuple[str, ...]) -> Any:
    """``_path`` with the dotted name already split (the exact key first, as ``member`` does)."""
    for part in parts:
        obj = obj[part] if obj.__class__ is dict and part in obj else member(obj, part)
        if obj is None:
            return None
    return obj


#: (name, kind, urn, parts, type, multivalued, plain): kind 0 core path, 1 extension, 2 filtered;
#: ``plain`` when a JSON string is already the runtime value (not Boolean, not multi-valued).
_Step = tuple[str, int, str, tuple[str, ...], str, bool, bool]
_PLANS: dict[int, tuple[Any, tuple[_Step, ...]]] = {}


def _plan(attributes: Iterable[tuple[str, str, bool]]) -> tuple[_Step, ...]:
    """How to read each attribute, worked out once per attribute table (generated jobs pass
    the same tuple every time)."""
    if attributes.__class__ is tuple:
        cached = _PLANS.get(id(attributes))
        if cached is not None and cached[0] is attributes:
            return cached[1]
    steps: list[_Step] = []
    for name, type_, multivalued in attributes:
        plain = type_ != "Boolean" and not multivalued
        if name.startswith("urn:"):
            urn, _, attr = name.rpartition(":")
            steps.append((name, 1, urn, tuple(attr.split(".")), type_, multivalued, plain))
        elif _FILTERED.match(name):
            steps.append((name, 2, "", (), type_, multivalued, plain))
        else:
            steps.append((name, 0, "", tuple(name.split(".")), type_, multivalued, plain))
    plan = tuple(steps)
    if attributes.__class__ is tuple:
        if len(_PLANS) > 4096:
            _PLANS.clear()
        _PLANS[id(attributes)] = (attributes, plan)
    return plan


def flatten(user: Mapping[str, Any], attributes: Iterable[tuple[str, str, bool]]) -> dict[str, Any]:
    """Flat ``{source attribute: value}`` for the given ``(name, type, multivalued)`` attributes.

    Absent attributes are left out (NULL); present ones are normalised to the value model.
    Same result as ``_value(lookup(user, name), type, multivalued)`` for each attribute; this is
    the hot path of a provisioning run, so the lookups are planned once per attribute table.
    """
    out: dict[str, Any] = {}
    for name, kind, urn, parts, type_, multivalued, plain in _plan(attributes):
        if kind == 0:
            value = _walk(user, parts)
        elif kind == 1:
            ext = member(user, urn)
            if ext.__class__ is dict or isinstance(ext, Mapping):
                value = _walk(ext, parts)
            else:
                value = member(user, name)
        else:
            value = lookup(user, name)
        if value is None:
            continue
        if plain and value.__class__ is str:
            out[name] = value
            continue
        value = _value(value, type_, multivalued)
        if value is not None:
            out[name] = value
    return out


def set_path(user: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at a SCIM path in ``user`` (the inverse of :func:`lookup`, used for CSV)."""
    if path.startswith("urn:"):
        urn, _, attr = path.rpartition(":")
        ext = user.setdefault(urn, {})
        if attr == "manager":
            ext[attr] = {"value": value}
        else:
            _set_dotted(ext, attr, value)
        schemas = user.setdefault("schemas", [])
        if urn not in schemas:
            schemas.append(urn)
        return
    match = _FILTERED.match(path)
    if match:
        collection, key, wanted, field = match.groups()
        items = user.setdefault(collection, [])
        for item in items:
            if item.get(key) == wanted:
                item[field] = value
                return
        items.append({key: wanted, field: value})
        return
    _set_dotted(user, path, value)


def _set_dotted(obj: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        obj = obj.setdefault(part, {})
    obj[parts[-1]] = value
