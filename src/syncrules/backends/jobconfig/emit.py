"""IR Job → plain dict → canonical JSON text: a Graph ``synchronizationSchema`` plus job settings.

The output document is ``{"job": {...}, "schema": {...}}``. ``schema`` is what
``PUT .../synchronization/jobs/{jobId}/schema`` accepts. Encoding follows real Graph exports:
``source`` trees of Attribute / Constant / Function nodes, parameters keyed by the functions'
internal names, constants with ``name`` = raw value and ``expression`` = the quoted form, IIF with
keys one..five where a comparison condition is split into left operand / operator / right operand.
"""

from __future__ import annotations

from typing import Any

from syncrules.backends.jobconfig import names
from syncrules.canonicaljson import canonical
from syncrules.catalogue import functions as fncat
from syncrules.catalogue.attributes import AttributeDef, source_attributes, target_attributes
from syncrules.ir.expressions import escape
from syncrules.ir.nodes import AttrRef, Call, Compare, Expr, Job, Name, Num, Str
from syncrules.ir.printer import compact


def dumps(document: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return canonical(document) + "\n"


def _constant(name: str, expression: str | None) -> dict[str, Any]:
    return {"expression": expression, "name": name, "parameters": [], "type": "Constant"}


def param_keys(call: Call) -> list[str]:
    """The Graph parameter key of each argument slot of ``call`` (by position)."""
    fn = fncat.get(call.name)
    count = len(call.args)
    if fn is None:
        return [f"arg{i + 1}" for i in range(count)]
    if fn.name == "FormatDateTime" and count == 3:
        by_name = {p.name: p.key for p in fn.params}
        return [by_name["source"], by_name["inputFormat"], by_name["outputFormat"]]
    keys: list[str] = []
    params = list(fn.params)
    for i in range(count):
        if i < len(params):
            keys.append(params[i].key)
        else:
            repeating = [p for p in params if p.repeating]
            keys.append(repeating[-1].key if repeating else f"arg{i + 1}")
    return keys


def source_tree(expr: Expr) -> dict[str, Any]:
    """``attributeMappingSource`` for an expression."""
    if isinstance(expr, AttrRef):
        return {
            "expression": f"[{expr.name}]",
            "name": expr.name,
            "parameters": [],
            "type": "Attribute",
        }
    if isinstance(expr, Str):
        # A macro constant (%DomainFQDN%) is stored as Entra's own mappings store it: the macro
        # as its name, no expression.
        return _constant(expr.value, None if expr.is_macro else escape(expr.value))
    if isinstance(expr, Num):
        # Graph stores numbers as constants with the quoted form:
        # {"name": "2", "expression": "\"2\""}
        return _constant(expr.text, escape(expr.text))
    if isinstance(expr, Name):
        return _constant(expr.name, expr.name)
    if isinstance(expr, Compare):
        # A comparison outside IIF (CBool's argument) is encoded like IIF's condition.
        return {
            "expression": compact(expr),
            "name": expr.op,
            "parameters": _compare_params(expr),
            "type": "Function",
        }
    if isinstance(expr, Call):
        return {
            "expression": compact(expr),
            "name": expr.name,
            "parameters": _call_params(expr),
            "type": "Function",
        }
    raise AssertionError(f"cannot encode {type(expr).__name__}")


def _compare_params(cmp: Compare) -> list[dict[str, Any]]:
    return [
        {"key": "one", "value": source_tree(cmp.left)},
        {"key": "two", "value": _constant(cmp.op, escape(cmp.op))},
        {"key": "three", "value": source_tree(cmp.right)},
    ]


def _call_params(call: Call) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    if call.name in ("IIF", "CBool"):
        condition = call.args[0] if call.args else None
        if isinstance(condition, Compare):
            params.extend(_compare_params(condition))
        elif condition is not None:
            params.append({"key": "one", "value": source_tree(condition)})
        if call.name == "IIF":
            for key, arg in zip(("four", "five"), call.args[1:3], strict=False):
                if arg is not None:
                    params.append({"key": key, "value": source_tree(arg)})
        return params
    for key, arg in zip(param_keys(call), call.args, strict=True):
        if arg is not None:
            params.append({"key": key, "value": source_tree(arg)})
    return params


def _attribute_definition(
    defn: AttributeDef, anchor: bool = False, referenced_object: str = names.OBJECT_NAME
) -> dict[str, Any]:
    referenced = (
        [{"referencedObjectName": referenced_object, "referencedProperty": None}]
        if defn.type == "Reference"
        else []
    )
    return {
        "anchor": anchor,
        "apiExpressions": [],
        "caseExact": False,
        "defaultValue": None,
        "flowNullValues": False,
        "metadata": [],
        "multivalued": defn.multivalued,
        "mutability": "ReadWrite",
        "name": defn.name,
        "referencedObjects": referenced,
        "required": False,
        "type": defn.type,
    }


def _source_directory(job: Job) -> dict[str, Any]:
    attrs = dict(source_attributes())
    for ext in job.extensions:
        for attr in ext.attributes:
            attrs[attr.full_name] = AttributeDef(
                name=attr.full_name, type=attr.type.value, multivalued=attr.multivalued
            )
    return {
        "name": names.SOURCE_DIRECTORY,
        "objects": [
            {
                "attributes": [
                    _attribute_definition(attrs[n], anchor=(n == "externalId"))
                    for n in sorted(attrs)
                ],
                "metadata": [],
                "name": job.source_object,
                "supportedApis": [],
            }
        ],
    }


def _target_directory(job: Job) -> dict[str, Any]:
    catalogue = target_attributes(job.target.value)
    used = sorted({m.target for m in job.mappings})
    defs = []
    for name in used:
        defn = catalogue.get(name) or AttributeDef(name=name, type="String", multivalued=False)
        defs.append(_attribute_definition(defn, referenced_object=job.target_object))
    return {
        "name": names.TARGET_DIRECTORY[job.target],
        "objects": [
            {"attributes": defs, "metadata": [], "name": job.target_object, "supportedApis": []}
        ],
    }


def _scope(job: Job) -> dict[str, Any]:
    groups = []
    for group in job.scope:
        clauses = []
        for clause in group.clauses:
            clauses.append(
                {
                    "operatorName": clause.operator,
                    "sourceOperandName": clause.attribute,
                    "targetOperand": {"values": list(clause.values)} if clause.values else None,
                }
            )
        groups.append({"clauses": clauses, "name": group.name})
    return {"categoryFilterGroups": [], "groups": groups, "inputFilterGroups": []}


def attribute_mappings(job: Job) -> list[dict[str, Any]]:
    out = []
    for mapping in job.mappings:
        out.append(
            {
                "defaultValue": mapping.default,
                "exportMissingReferences": False,
                "flowBehavior": "FlowWhenChanged",
                "flowType": mapping.flow.value,
                "matchingPriority": mapping.matching_priority,
                "source": source_tree(mapping.expression),
                "targetAttributeName": mapping.target,
            }
        )
    # Matching attributes first (by priority), then the rest by target name: a stable order.
    out.sort(
        key=lambda m: (
            m["matchingPriority"] == 0,
            m["matchingPriority"],
            str(m["targetAttributeName"]).lower(),
            str(m["targetAttributeName"]),
        )
    )
    return out


def build_document(job: Job) -> dict[str, Any]:
    """The whole compiled document for ``job``."""
    flow_types = ", ".join(names.FLOW_TYPES[a] for a in job.actions)
    rule = {
        "editable": True,
        "metadata": [],
        "name": names.RULE_NAME[job.target],
        "objectMappings": [
            {
                "attributeMappings": attribute_mappings(job),
                "enabled": True,
                "flowTypes": flow_types,
                "metadata": [],
                "name": names.OBJECT_MAPPING_NAME,
                "scope": _scope(job),
                "sourceObjectName": job.source_object,
                "targetObjectName": job.target_object,
            }
        ],
        "priority": 1,
        "sourceDirectoryName": names.SOURCE_DIRECTORY,
        "targetDirectoryName": names.TARGET_DIRECTORY[job.target],
    }
    settings: dict[str, Any] = {
        "actions": list(job.actions),
        "deletionThreshold": job.deletion_threshold,
        "name": job.name,
        "source": job.source_path,
        "target": job.target.value,
        "templateId": names.TEMPLATE_ID[job.target],
    }
    if job.graph is not None:
        settings["graph"] = {
            "job": job.graph.job,
            "servicePrincipal": job.graph.service_principal,
            "url": job.graph.url,
        }
    return {
        "job": settings,
        "schema": {
            "directories": [_source_directory(job), _target_directory(job)],
            "synchronizationRules": [rule],
        },
    }
