"""Merge a compiled synchronizationSchema into the live one, and say what changes.

Contract: ``merge_schema(live, compiled)`` returns a ``MergeResult`` whose ``schema`` is a deep copy
of ``live`` in which only the parts syncrules models are replaced by the compiled ones:

- per compiled synchronization rule, the live rule it belongs to (same name; else the only live
  rule; else the only one with the same source and target directory names);
- per compiled object mapping, the live object mapping with the same source and target object
  names (else the same name; else the compiled mapping is added whole): its ``attributeMappings``
  (list and order are ours), ``scope.groups`` and ``flowTypes``;
- in the live source directory (the rule's ``sourceDirectoryName``), per object, the custom
  extension attributes (names ``urn:...:<attr>`` outside the core and enterprise User schemas):
  ours replace theirs.

A live attribute mapping (same target) or attribute definition (same name) that we also define is
updated in place with the properties the language models (``MAPPING_KEYS``, ``ATTRIBUTE_KEYS``) and
keeps all others (``exportMissingReferences``, ``flowBehavior``, ``metadata``, ``apiExpressions``,
...); new ones are taken whole from the compiled schema. Live mappings of type None (``source``
null: a default value only), which .prov cannot express, are kept. ``inputFilterGroups`` and
``categoryFilterGroups`` (experimental, not modelled) are kept.

Everything else (other rules, object mappings, directories, metadata, unknown properties, ``id``,
``version``) is kept as is. Inputs are never modified. ``changes`` lists the differences in a
deterministic order; ``problems`` lists why a merge was impossible (then ``schema`` is unusable).
``render_changes`` turns the changes into readable lines.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER_URN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

# Documented defaults: an absent property compares equal to its default
# (docs/entra-provisioning.md §4.1, §2.1).
_MAPPING_DEFAULTS: dict[str, Any] = {
    "defaultValue": None,
    "exportMissingReferences": False,
    "flowBehavior": "FlowWhenChanged",
    "flowType": "Always",
    "matchingPriority": 0,
    "source": None,
}
_ATTRIBUTE_DEFAULTS: dict[str, Any] = {
    "type": "String",
    "multivalued": False,
    "required": False,
    "anchor": False,
    "caseExact": False,
    "mutability": "ReadWrite",
    "flowNullValues": False,
    "defaultValue": None,
    "apiExpressions": [],
    "metadata": [],
    "referencedObjects": [],
}
_LABELS = {
    "source": "source",
    "defaultValue": "default",
    "flowType": "apply",
    "matchingPriority": "matching priority",
}
# What the .prov language models; every other property of a live object is kept as it is.
MAPPING_KEYS = ("targetAttributeName", "source", "defaultValue", "flowType", "matchingPriority")
ATTRIBUTE_KEYS = ("name", "type", "multivalued")
SCOPE_KEYS = ("groups",)
_FILTER_SETS = (
    ("groups", "scoping group"),
    ("inputFilterGroups", "input filter group"),
    ("categoryFilterGroups", "category filter group"),
)
_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the live schema and the merged one."""

    where: str  # e.g. "rule 'API2AAD', object mapping 'Provision API User'"
    area: str  # "mapping", "scoping group", "flowTypes", "extension attribute", "object mapping"
    kind: str  # "added" | "removed" | "changed"
    subject: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeResult:
    schema: dict[str, Any]
    changes: tuple[Change, ...]
    problems: tuple[str, ...]


def is_extension_attribute(name: object) -> bool:
    """A custom source attribute: ``urn:...`` but not a core or enterprise User attribute."""
    if not isinstance(name, str) or not name.startswith("urn:"):
        return False
    return not name.startswith((CORE_USER_URN + ":", ENTERPRISE_USER_URN + ":"))


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---- sources -----------------------------------------------------------------------------------


def source_text(source: Any) -> str:
    """A readable ``attributeMappingSource``: its expression, else rebuilt from the tree."""
    if not isinstance(source, dict):
        return "(none)"
    expression = source.get("expression")
    if isinstance(expression, str) and expression.strip():
        return expression
    kind = str(source.get("type") or "Attribute")
    name = str(source.get("name") or "")
    if kind == "Constant":
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind == "Function":
        args = [
            source_text(p.get("value"))
            for p in source.get("parameters") or []
            if isinstance(p, dict)
        ]
        return f"{name}({', '.join(args)})"
    return f"[{name}]"


def _source_key(source: Any) -> Any:
    """What identifies a source: the structured tree (authoritative), else the expression text."""
    if not isinstance(source, dict):
        return source
    if "type" not in source:
        return ("expression", source.get("expression"))
    params = tuple(
        (p.get("key"), _source_key(p.get("value")))
        for p in source.get("parameters") or []
        if isinstance(p, dict)
    )
    return (source.get("type"), source.get("name"), params)


# ---- attribute mappings ------------------------------------------------------------------------


def _modelled(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: copy.deepcopy(obj[k]) for k in keys if k in obj}


def _field_differences(
    live: dict[str, Any], ours: dict[str, Any], defaults: dict[str, Any], keys: tuple[str, ...]
) -> list[str]:
    details = []
    for key in keys:
        if key not in ours:
            continue
        old = live.get(key, defaults.get(key))
        new = ours[key]
        label = _LABELS.get(key, key)
        if key == "source":
            if _source_key(old) != _source_key(new):
                details.append(f"source: {source_text(old)}  ->  {source_text(new)}")
        elif old != new:
            details.append(f"{label}: {_show(old)} -> {_show(new)}")
    return details


def _mapping_flags(mapping: dict[str, Any]) -> tuple[str, ...]:
    flags = []
    if mapping.get("matchingPriority"):
        flags.append(f"matching priority {mapping['matchingPriority']}")
    if mapping.get("flowType", "Always") != "Always":
        flags.append(f"apply {mapping['flowType']}")
    if mapping.get("defaultValue") is not None:
        flags.append(f"default {_show(mapping['defaultValue'])}")
    return tuple(flags)


def _merge_attribute_mappings(
    live_list: list[Any], ours: list[Any], where: str, changes: list[Change]
) -> list[Any]:
    remaining: list[Any] = list(live_list)
    merged = []
    for mapping in ours:
        target = mapping.get("targetAttributeName")
        found = next(
            (
                i
                for i, m in enumerate(remaining)
                if isinstance(m, dict) and m.get("targetAttributeName") == target
            ),
            None,
        )
        if found is None:
            merged.append(copy.deepcopy(mapping))
            subject = f"{target} <- {source_text(mapping.get('source'))}"
            changes.append(Change(where, "mapping", "added", subject, _mapping_flags(mapping)))
            continue
        old = remaining.pop(found)
        updated = {**old, **_modelled(mapping, MAPPING_KEYS)}
        if "source" in old and _source_key(old["source"]) == _source_key(mapping.get("source")):
            # The same tree: keep the live text (Graph may print it differently, e.g. a macro
            # constant %DomainFQDN% whose expression is null), so nothing changes needlessly.
            updated["source"] = copy.deepcopy(old["source"])
        merged.append(updated)
        details = _field_differences(old, mapping, _MAPPING_DEFAULTS, MAPPING_KEYS[1:])
        if details:
            changes.append(Change(where, "mapping", "changed", str(target), tuple(details)))
    for old in remaining:
        if isinstance(old, dict) and old.get("source") is None:
            # Mapping type "None" (no source, a default only) cannot be written in .prov:
            # syncrules does not manage it, so it is kept as it is.
            merged.append(old)
            continue
        if isinstance(old, dict):
            subject = f"{old.get('targetAttributeName')} <- {source_text(old.get('source'))}"
            changes.append(Change(where, "mapping", "removed", subject, _mapping_flags(old)))
    return merged


# ---- scope and flow types ----------------------------------------------------------------------


def _clause_text(clause: Any) -> str:
    if not isinstance(clause, dict):
        return _show(clause)
    operand = clause.get("targetOperand") or {}
    values = operand.get("values") if isinstance(operand, dict) else None
    shown = ", ".join(_show(v) for v in values or [])
    text = f"[{clause.get('sourceOperandName')}] {clause.get('operatorName')}"
    return f"{text} {shown}" if shown else text


def _group_key(groups: list[Any]) -> dict[str, list[str]]:
    keyed: dict[str, list[str]] = {}
    for index, group in enumerate(groups):
        name = group.get("name") if isinstance(group, dict) else None
        key = str(name) if name else f"#{index + 1}"
        while key in keyed:
            key += "'"
        clauses = group.get("clauses") if isinstance(group, dict) else None
        keyed[key] = [_clause_text(c) for c in clauses or []]
    return keyed


def _scope_changes(live: Any, ours: Any, where: str, changes: list[Change]) -> None:
    for key, label in _FILTER_SETS:
        if key not in SCOPE_KEYS or (isinstance(ours, dict) and key not in ours):
            continue  # not modelled: kept as is
        old = _group_key((live or {}).get(key) or [] if isinstance(live, dict) else [])
        new = _group_key((ours or {}).get(key) or [] if isinstance(ours, dict) else [])
        for name, clauses in new.items():
            if name not in old:
                changes.append(Change(where, label, "added", name, tuple(clauses)))
            elif sorted(old[name]) != sorted(clauses):
                details = tuple(f"- {c}" for c in old[name] if c not in clauses) + tuple(
                    f"+ {c}" for c in clauses if c not in old[name]
                )
                changes.append(
                    Change(where, label, "changed", name, details or ("clauses changed",))
                )
        for name, clauses in old.items():
            if name not in new:
                changes.append(Change(where, label, "removed", name, tuple(clauses)))


def _flow_set(value: Any) -> frozenset[str]:
    text = value if isinstance(value, str) else "Add, Update, Delete"
    return frozenset(part.strip().lower() for part in text.split(",") if part.strip())


def _merge_object_mapping(
    live: dict[str, Any], ours: dict[str, Any], where: str, changes: list[Change]
) -> None:
    if "attributeMappings" in ours:
        live["attributeMappings"] = _merge_attribute_mappings(
            live.get("attributeMappings") or [], ours["attributeMappings"] or [], where, changes
        )
    if "scope" in ours:
        _scope_changes(live.get("scope"), ours["scope"], where, changes)
        if isinstance(ours["scope"], dict) and isinstance(live.get("scope"), dict):
            live["scope"] = {**live["scope"], **_modelled(ours["scope"], SCOPE_KEYS)}
        else:
            live["scope"] = copy.deepcopy(ours["scope"])
    if "flowTypes" in ours:
        old = live.get("flowTypes")
        if _flow_set(old) != _flow_set(ours["flowTypes"]):
            subject = f"{old if old is not None else '(unset)'} -> {ours['flowTypes']}"
            changes.append(Change(where, "flowTypes", "changed", subject))
        live["flowTypes"] = ours["flowTypes"]


# ---- choosing what to merge into ---------------------------------------------------------------


def _unique(items: list[Any], predicate: Any) -> int | None:
    found = [i for i, item in enumerate(items) if isinstance(item, dict) and predicate(item)]
    return found[0] if len(found) == 1 else None


def _pick_rule(rules: list[Any], ours: dict[str, Any]) -> int | None:
    if (
        ours.get("name")
        and (i := _unique(rules, lambda r: r.get("name") == ours["name"])) is not None
    ):
        return i
    if len(rules) == 1 and isinstance(rules[0], dict):
        return 0
    return _unique(
        rules,
        lambda r: (
            r.get("sourceDirectoryName") == ours.get("sourceDirectoryName")
            and r.get("targetDirectoryName") == ours.get("targetDirectoryName")
        ),
    )


def _pick_object_mapping(mappings: list[Any], ours: dict[str, Any]) -> int | None:
    same_objects = _unique(
        mappings,
        lambda m: (
            m.get("sourceObjectName") == ours.get("sourceObjectName")
            and m.get("targetObjectName") == ours.get("targetObjectName")
        ),
    )
    if same_objects is not None:
        return same_objects
    return (
        _unique(mappings, lambda m: m.get("name") == ours.get("name")) if ours.get("name") else None
    )


def _by_name(items: Any, name: Any) -> dict[str, Any] | None:
    if not isinstance(items, list):
        return None
    found = [d for d in items if isinstance(d, dict) and d.get("name") == name]
    return found[0] if len(found) == 1 else None


# ---- extension attributes ----------------------------------------------------------------------


def _merge_object_attributes(
    live_obj: dict[str, Any], ours: list[dict[str, Any]], where: str, changes: list[Change]
) -> None:
    ours_by_name = {a["name"]: a for a in ours}
    placed: set[str] = set()
    merged = []
    for attr in live_obj.get("attributes") or []:
        name = attr.get("name") if isinstance(attr, dict) else None
        if not is_extension_attribute(name):
            merged.append(attr)
            continue
        assert isinstance(name, str)
        if name in ours_by_name and name not in placed:
            placed.add(name)
            mine = ours_by_name[name]
            merged.append({**attr, **_modelled(mine, ATTRIBUTE_KEYS)})
            details = _field_differences(attr, mine, _ATTRIBUTE_DEFAULTS, ATTRIBUTE_KEYS[1:])
            if details:
                changes.append(
                    Change(where, "extension attribute", "changed", name, tuple(details))
                )
        else:
            changes.append(
                Change(where, "extension attribute", "removed", name, _attr_summary(attr))
            )
    for attr in ours:
        if attr["name"] not in placed:
            placed.add(attr["name"])
            merged.append(copy.deepcopy(attr))
            changes.append(
                Change(where, "extension attribute", "added", attr["name"], _attr_summary(attr))
            )
    live_obj["attributes"] = merged


def _attr_summary(attr: dict[str, Any]) -> tuple[str, ...]:
    kind = str(attr.get("type") or "String")
    return (f"{kind}{'[]' if attr.get('multivalued') else ''}",)


def _merge_extensions(
    merged: dict[str, Any],
    live_rule: dict[str, Any],
    compiled: dict[str, Any],
    our_rule: dict[str, Any],
    changes: list[Change],
    problems: list[str],
) -> None:
    our_dirs = compiled.get("directories")
    if not isinstance(our_dirs, list) or not our_dirs:
        return
    our_dir = _by_name(our_dirs, our_rule.get("sourceDirectoryName"))
    if our_dir is None:
        if len(our_dirs) != 1 or not isinstance(our_dirs[0], dict):
            problems.append("the compiled schema has no source directory to take attributes from")
            return
        our_dir = our_dirs[0]
    live_name = live_rule.get("sourceDirectoryName")
    live_dir = _by_name(merged.get("directories"), live_name)
    if live_dir is None:
        problems.append(f"the live schema has no source directory named {_show(live_name)}")
        return
    for our_obj in our_dir.get("objects") or []:
        if not isinstance(our_obj, dict):
            continue
        ours = [
            a
            for a in our_obj.get("attributes") or []
            if isinstance(a, dict) and is_extension_attribute(a.get("name"))
        ]
        live_obj = _by_name(live_dir.get("objects"), our_obj.get("name"))
        if live_obj is None:
            problems.append(
                f"the live source directory {_show(live_name)} has no object "
                f"{_show(our_obj.get('name'))}"
            )
            continue
        where = f"directory {_show(live_name)}, object {_show(our_obj.get('name'))}"
        _merge_object_attributes(live_obj, ours, where, changes)


# ---- entry points ------------------------------------------------------------------------------


def merge_schema(live: dict[str, Any], compiled: dict[str, Any]) -> MergeResult:
    """Merge ``compiled`` into a copy of ``live`` as described in the module docstring."""
    merged = copy.deepcopy(live)
    changes: list[Change] = []
    problems: list[str] = []
    live_rules = merged.get("synchronizationRules")
    our_rules = compiled.get("synchronizationRules") or []
    if not isinstance(live_rules, list) or not live_rules:
        return MergeResult(merged, (), ("the live schema has no synchronizationRules",))
    for our_rule in our_rules:
        if not isinstance(our_rule, dict):
            continue
        index = _pick_rule(live_rules, our_rule)
        if index is None:
            names = ", ".join(_show(r.get("name")) for r in live_rules if isinstance(r, dict))
            problems.append(
                "cannot tell which live synchronization rule to update for "
                f"{_show(our_rule.get('name'))} "
                f"(live rules: {names})"
            )
            continue
        live_rule = live_rules[index]
        mappings = live_rule.setdefault("objectMappings", [])
        for ours in our_rule.get("objectMappings") or []:
            if not isinstance(ours, dict):
                continue
            where = f"rule {_show(live_rule.get('name'))}, object mapping {_show(ours.get('name'))}"
            found = _pick_object_mapping(mappings, ours)
            if found is None:
                mappings.append(copy.deepcopy(ours))
                count = len(ours.get("attributeMappings") or [])
                changes.append(
                    Change(
                        where,
                        "object mapping",
                        "added",
                        str(ours.get("name")),
                        (f"{count} attribute mappings",),
                    )
                )
                continue
            name = _show(mappings[found].get("name"))
            where = f"rule {_show(live_rule.get('name'))}, object mapping {name}"
            _merge_object_mapping(mappings[found], ours, where, changes)
        _merge_extensions(merged, live_rule, compiled, our_rule, changes, problems)
    return MergeResult(merged, tuple(changes), tuple(problems))


def put_body(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema to PUT: without top-level ``@odata.*`` response annotations."""
    return {k: v for k, v in schema.items() if not k.startswith("@odata.")}


def render_changes(changes: tuple[Change, ...] | list[Change]) -> list[str]:
    """Readable lines, grouped by location, ending with a count; ``["no changes"]`` when empty."""
    if not changes:
        return ["no changes"]
    lines: list[str] = []
    where = None
    for change in changes:
        if change.where != where:
            where = change.where
            lines.append(f"{where}:")
        lines.append(f"  {_SIGNS[change.kind]} {change.area} {change.subject}")
        lines.extend(f"      {detail}" for detail in change.details)
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in _SIGNS}
    lines.append(
        f"{len(changes)} change{'s' if len(changes) != 1 else ''}: "
        f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"
    )
    return lines
