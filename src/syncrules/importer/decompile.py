"""A Graph synchronizationSchema (portal download, `GET .../schema`, or a compiled document) →
.prov text, plus what the language does not model.

Guarantees (tested): compiling the imported .prov, with its ``preserve`` file, yields a schema
equivalent to the input: the same mappings, sources, scopes, matching priorities, flow types and
extension attributes (order normalised), and every part the language does not model unchanged.
The text is in the canonical layout of `prov fmt`, so formatting a fresh import changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.backends.jobconfig import names
from syncrules.catalogue.attributes import source_attributes
from syncrules.fmt import format_source
from syncrules.importer.tree import TreeError, expression_from_tree
from syncrules.ir.expressions import escape
from syncrules.ir.nodes import AttrRef, TargetKind
from syncrules.ir.printer import compact

_TARGET_NAME = re.compile(r"^[A-Za-z_](?:[A-Za-z0-9_.:]|-(?!>))*$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_TYPES = {
    "String": "string",
    "Boolean": "boolean",
    "Integer": "integer",
    "DateTime": "datetime",
    "Reference": "reference",
    "Binary": "binary",
}
_ACTIONS = {"add": "create", "update": "update", "delete": "delete"}
_NOT_API = ("Active Directory",)  # source directory names of other kinds of jobs


class ImportProblem(ValueError):
    """The schema cannot be imported (message says why)."""


@dataclass
class Imported:
    text: str  # in the layout of `prov fmt`, unless ``formatted`` is False
    preserve: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # unmodelled parts, reported to the user
    formatted: bool = True  # False: the formatter could not parse ``text`` (an importer bug)


def read_schema_file(path: Path) -> dict[str, Any]:
    """Read a schema JSON file in UTF-8 (BOM or not) or UTF-16 (with BOM)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportProblem(f"{path} is neither UTF-8 nor UTF-16 text") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(doc, dict):
        raise ImportProblem(f"{path} does not hold a JSON object")
    return doc


def _pick(schema: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    rules = schema.get("synchronizationRules")
    if not isinstance(rules, list) or not rules:
        raise ImportProblem("the schema has no synchronizationRules")
    known_targets = set(names.TARGET_DIRECTORY.values())
    candidates = [
        r for r in rules if isinstance(r, dict) and r.get("targetDirectoryName") in known_targets
    ]
    if not candidates:
        raise ImportProblem(
            "no synchronization rule targets "
            + " or ".join(sorted(known_targets))
            + "; syncrules models API-driven inbound provisioning to Entra ID or AD"
        )
    rule = candidates[0]
    source_dir = rule.get("sourceDirectoryName")
    if source_dir in _NOT_API:
        raise ImportProblem(
            f"the rule {rule.get('name')!r} reads from {source_dir!r}: this is not an API-driven "
            "inbound job (it looks like Entra Cloud Sync, AD to Entra ID). syncrules models the "
            "API-driven provisioning apps (templates API2AAD and API2AD), whose source is the "
            "SCIM API schema"
        )
    mappings = [
        m
        for m in rule.get("objectMappings") or []
        if isinstance(m, dict)
        and str(m.get("sourceObjectName", "")).lower() == "user"
        and str(m.get("targetObjectName", "")).lower() == "user"
    ]
    if not mappings:
        raise ImportProblem(f"the rule {rule.get('name')!r} has no User -> User object mapping")
    return rule, mappings[0]


def _target_kind(rule: dict[str, Any]) -> TargetKind:
    for kind, name in names.TARGET_DIRECTORY.items():
        if rule.get("targetDirectoryName") == name:
            return kind
    raise AssertionError("checked by _pick")


def _extensions(
    schema: dict[str, Any], rule: dict[str, Any], notes: list[str]
) -> dict[str, list[str]]:
    core = source_attributes()
    by_urn: dict[str, list[str]] = {}
    for directory in schema.get("directories") or []:
        if not isinstance(directory, dict) or directory.get("name") != rule.get(
            "sourceDirectoryName"
        ):
            continue
        for obj in directory.get("objects") or []:
            if not isinstance(obj, dict) or str(obj.get("name", "")).lower() != "user":
                continue
            for attr in obj.get("attributes") or []:
                name = attr.get("name") if isinstance(attr, dict) else None
                if not isinstance(name, str) or name in core:
                    continue
                urn, sep, short = name.rpartition(":")
                if not name.startswith("urn:") or not sep or not _WORD.match(short):
                    notes.append(f"source attribute {name!r} is not an extension attribute; kept")
                    continue
                kind = _TYPES.get(str(attr.get("type") or "String"), "string")
                multi = "[]" if attr.get("multivalued") else ""
                by_urn.setdefault(urn, []).append(f"{short}: {kind}{multi}")
    return by_urn


def decompile(
    doc: dict[str, Any], origin: str, preserve_name: str, name: str | None = None
) -> Imported:
    """The .prov text for ``doc`` (a schema, or a compiled document with ``job`` and ``schema``)."""
    settings_value = doc.get("job")
    job_settings: dict[str, Any] = settings_value if isinstance(settings_value, dict) else {}
    schema_value = doc.get("schema")
    base: dict[str, Any] = schema_value if isinstance(schema_value, dict) else doc
    schema = {k: v for k, v in base.items() if not k.startswith("@odata")}
    rule, mapping = _pick(schema)
    notes: list[str] = []
    kind = _target_kind(rule)
    job_name = name or job_settings.get("name") or str(rule.get("name") or "Imported job")
    flow_types = str(mapping.get("flowTypes") or "Add, Update, Delete")
    actions = [
        _ACTIONS[w.strip().lower()] for w in flow_types.split(",") if w.strip().lower() in _ACTIONS
    ]
    if not actions:
        raise ImportProblem(f"flowTypes {flow_types!r} has no Add, Update or Delete")
    lines = [
        f"// Imported by syncrules from {origin}.",
        f"// Parts the .prov language does not model are kept in {preserve_name} and merged",
        "// back in by `prov compile` and `prov deploy`.",
        f"job {escape(job_name)} {{",
        f"    target {kind.value}",
        "    actions " + ", ".join(a for a in ("create", "update", "delete") if a in actions),
    ]
    threshold = job_settings.get("deletionThreshold")
    if isinstance(threshold, int):
        lines.append(f"    deletion threshold {threshold}")
    lines += ["}", "", f"preserve {escape(preserve_name)}"]
    graph = job_settings.get("graph")
    if isinstance(graph, dict) and any(graph.values()):
        lines += ["", "graph {"]
        if graph.get("servicePrincipal"):
            lines.append(f"    service principal {escape(graph['servicePrincipal'])}")
        if graph.get("job"):
            lines.append(f"    job {escape(graph['job'])}")
        if graph.get("url"):
            lines.append(f"    url {escape(graph['url'])}")
        lines.append("}")
    for urn, attrs in sorted(_extensions(schema, rule, notes).items()):
        lines += ["", f"extension {escape(urn)} {{", *(f"    {a}" for a in attrs), "}"]
    matches, plain = [], []
    for am in mapping.get("attributeMappings") or []:
        if not isinstance(am, dict):
            continue
        target = am.get("targetAttributeName")
        source = am.get("source")
        if not isinstance(target, str) or not _TARGET_NAME.match(target):
            notes.append(f"mapping to {target!r}: the target name cannot be written in .prov; kept")
            continue
        if source is None:
            notes.append(f"mapping to {target!r} has no source (mapping type None); kept as is")
            continue
        try:
            expr = expression_from_tree(source)
        except TreeError as exc:
            raise ImportProblem(f"mapping to {target!r}: {exc}") from None
        options = ""
        if am.get("defaultValue") is not None:
            options += f"  default {escape(str(am['defaultValue']))}"
        flow = am.get("flowType", "Always")
        if flow == "ObjectAddOnly":
            options += "  on create"
        elif flow not in ("Always", None):
            notes.append(
                f"mapping to {target!r}: flowType {flow} is kept from the preserved schema"
            )
        behaviour = am.get("flowBehavior", "FlowWhenChanged")
        if behaviour not in ("FlowWhenChanged", None):
            notes.append(f"mapping to {target!r}: flowBehavior {behaviour} is kept")
        priority = int(am.get("matchingPriority") or 0)
        if priority:
            matches.append(
                (priority, f"match {compact(expr)} -> {target} priority {priority}{options}")
            )
        else:
            plain.append((target, compact(expr), options))
    lines.append("")
    lines += [text for _, text in sorted(matches)]
    scope_value = mapping.get("scope")
    scope: dict[str, Any] = scope_value if isinstance(scope_value, dict) else {}
    groups = scope.get("groups") or []
    if groups:
        lines += ["", "scope {"]
        for group in groups:
            lines.append(f"    group {escape(str(group.get('name') or ''))} {{")
            for clause in group.get("clauses") or []:
                operand = clause.get("targetOperand") or {}
                values = operand.get("values") or [] if isinstance(operand, dict) else []
                shown = ", ".join(escape(str(v)) for v in values)
                text = f"[{clause.get('sourceOperandName')}] {clause.get('operatorName')}"
                lines.append(f"        {text} {shown}".rstrip())
            lines.append("    }")
        lines.append("}")
    for key in ("inputFilterGroups", "categoryFilterGroups"):
        if scope.get(key):
            notes.append(f"scope.{key} ({len(scope[key])} group(s)) is not modelled; kept")
    if plain:
        lines += ["", "map {", *(f"    {t} <- {e}{o}" for t, e, o in plain), "}"]
    other_rules = len(schema.get("synchronizationRules") or []) - 1
    if other_rules:
        notes.append(f"{other_rules} other synchronization rule(s) kept")
    others = [m for m in rule.get("objectMappings") or [] if m is not mapping]
    for other in others:
        notes.append(f"object mapping {other.get('name')!r} is not modelled; kept")
    if rule.get("metadata") or mapping.get("metadata") or schema.get("metadata"):
        notes.append("metadata entries are kept")
    text, formatted = _canonical("\n".join(lines) + "\n")
    return Imported(text, schema, notes, formatted)


def _canonical(text: str) -> tuple[str, bool]:
    """``text`` in the layout of `prov fmt`, and whether the formatter could lay it out.

    The lines above only have to be valid .prov; leaving the layout to the formatter keeps one
    definition of it, so `prov fmt --check` passes on a fresh import. The formatter fails only on
    text that does not parse (or is nested too deeply), which the importer should never write: the
    text is then returned as generated, for the caller to report as a bug while the user keeps a
    file to fix by hand.
    """
    formatted, _ = format_source(text)
    return (text, False) if formatted is None else (formatted, True)


def is_matching_attr(expr: object) -> bool:
    return isinstance(expr, AttrRef)
