"""A Graph synchronizationSchema (portal download, `GET .../schema`, or a compiled document) →
.prov text, plus what the language does not model.

Guarantees (tested): compiling the imported .prov, with its ``preserve`` file, yields a schema
equivalent to the input: the same mappings, sources, scopes, matching priorities, flow types and
extension attributes (order normalised), and every part the language does not model unchanged.
The text is in the canonical layout of `prov fmt`, so formatting a fresh import changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncrules.backends.jobconfig import names
from syncrules.backends.jobconfig.merge import is_extension_attribute
from syncrules.catalogue.attributes import source_attributes
from syncrules.fmt import format_source
from syncrules.importer.tree import ATTR_REF as _ATTR_REF
from syncrules.importer.tree import TreeError, expression_from_tree, tree_problem
from syncrules.ir.expressions import escape
from syncrules.ir.nodes import INT32_MAX, AttrRef, TargetKind
from syncrules.ir.printer import compact
from syncrules.jsontext import JsonFileError, json_kind, read_json_object_file
from syncrules.runtime.scoping import OPERATORS as SCOPE_OPERATORS
from syncrules.safeio import read_input, why_unreadable

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
    """The schema cannot be imported (message says why). ``named``: the message names the file
    itself ("cannot read FILE: no such file"); otherwise callers name it."""

    def __init__(self, message: str, named: bool = False, located: str | None = None) -> None:
        super().__init__(message)
        self.named = named
        #: the same problem with the file and where in it (FILE:LINE:COL: ...), when known
        self.located = located


@dataclass
class Imported:
    text: str  # in the layout of `prov fmt`, unless ``formatted`` is False
    preserve: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # unmodelled parts, reported to the user
    formatted: bool = True  # False: the formatter could not parse ``text`` (an importer bug)


def read_schema_file(path: Path) -> dict[str, Any]:
    """Read a schema JSON file in UTF-8 (BOM or not) or UTF-16 (with BOM): ImportProblem with
    the reason when it cannot be read (``syncrules.jsontext.read_json_object_file``)."""
    try:  # refuses FIFOs, devices, huge files
        return read_json_object_file(path, read=read_input, why_unreadable=why_unreadable)
    except JsonFileError as exc:
        if exc.unreadable:
            raise ImportProblem(str(exc), named=True) from None
        raise ImportProblem(exc.reason, located=str(exc)) from None  # the callers name the file


#: The largest value of a Graph Int32 property (matching priority, deletion threshold).

_WHAT = {list: "a list", dict: "an object", str: "a string", int: "a whole number"}


def _typed(value: Any, kind: type, where: str) -> Any:
    """``value`` when it is a ``kind`` (or null), else ImportProblem naming the JSON path."""
    if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    raise ImportProblem(f"{where} must be {_WHAT[kind]}, not {json_kind(value)}")


def _objects(value: Any, where: str) -> list[dict[str, Any]]:
    """A list (null: empty) whose items are all JSON objects, else ImportProblem."""
    items = _typed(value, list, where) or []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ImportProblem(f"{where}[{index}] must be an object, not {json_kind(item)}")
    return items


def _number(value: Any, where: str, low: int) -> int | None:
    """A whole number from ``low`` to INT32_MAX (or null), else ImportProblem."""
    number = _typed(value, int, where)
    if number is not None and not low <= number <= INT32_MAX:
        raise ImportProblem(f"{where} must be from {low} to {INT32_MAX}, not {number}")
    return number


def _pick(schema: dict[str, Any], root: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The rule and User -> User object mapping to import, and the JSON path of the mapping."""
    rules = _objects(schema.get("synchronizationRules"), f"{root}synchronizationRules")
    if not rules:
        raise ImportProblem("the schema has no synchronizationRules")
    known_targets = set(names.TARGET_DIRECTORY.values())
    candidates = [
        (i, r)
        for i, r in enumerate(rules)
        if isinstance(r.get("targetDirectoryName"), str)
        and r["targetDirectoryName"] in known_targets
    ]
    if not candidates:
        raise ImportProblem(
            "no synchronization rule targets "
            + " or ".join(sorted(known_targets))
            + "; syncrules models API-driven inbound provisioning to Entra ID or AD"
        )
    index, rule = candidates[0]
    where = f"{root}synchronizationRules[{index}]"
    for key in ("name", "sourceDirectoryName"):
        _typed(rule.get(key), str, f"{where}.{key}")
    source_dir = rule.get("sourceDirectoryName")
    if source_dir in _NOT_API:
        raise ImportProblem(
            f"the rule {rule.get('name')!r} reads from {source_dir!r}: this is not an API-driven "
            "inbound job (it looks like Entra Cloud Sync, AD to Entra ID). syncrules models the "
            "API-driven provisioning apps (templates API2AAD and API2AD), whose source is the "
            "SCIM API schema"
        )
    every = list(enumerate(_objects(rule.get("objectMappings"), f"{where}.objectMappings")))
    for index, m in every:
        for key in ("sourceObjectName", "targetObjectName"):
            _typed(m.get(key), str, f"{where}.objectMappings[{index}].{key}")
    # The users' object mapping, by whatever names it has: User -> User first, then one whose
    # objects are users by name (a SCIM URN such as urn:ietf:params:scim:schemas:core:2.0:User).
    for test in (_is_user_exactly, _is_user_like):
        mappings = [(i, m) for i, m in every if test(m.get("sourceObjectName"))
                    and test(m.get("targetObjectName"))]
        if mappings:
            return rule, mappings[0][1], f"{where}.objectMappings[{mappings[0][0]}]"
    found = ", ".join(f"{m.get('sourceObjectName')!r} -> {m.get('targetObjectName')!r}"
                      for _, m in every) or "none"
    raise ImportProblem(
        f"the rule {rule.get('name')!r} has no object mapping of users (found: {found})")


def _is_user_exactly(name: Any) -> bool:
    return isinstance(name, str) and name.lower() == "user"


def _is_user_like(name: Any) -> bool:
    """``User``, or a schema name ending in ``:User`` (SCIM core or an extension's URN)."""
    return isinstance(name, str) and (name.lower() == "user" or name.lower().endswith(":user"))


def _target_kind(rule: dict[str, Any]) -> TargetKind:
    for kind, name in names.TARGET_DIRECTORY.items():
        if rule.get("targetDirectoryName") == name:
            return kind
    raise AssertionError("checked by _pick")


def _extensions(
    schema: dict[str, Any], rule: dict[str, Any], notes: list[str], root: str,
    source_object: str = "user",
) -> dict[str, list[str]]:
    """Extension attributes of the source object (``source_object``, lower case)."""
    core = source_attributes()
    by_urn: dict[str, list[str]] = {}
    directories = _typed(schema.get("directories"), list, f"{root}directories") or []
    for d_index, directory in enumerate(directories):
        if not isinstance(directory, dict) or directory.get("name") != rule.get(
            "sourceDirectoryName"
        ):
            continue
        where = f"{root}directories[{d_index}].objects"
        for o_index, obj in enumerate(_typed(directory.get("objects"), list, where) or []):
            if not isinstance(obj, dict) or str(obj.get("name", "")).lower() != source_object:
                continue
            at = f"{where}[{o_index}].attributes"
            for a_index, attr in enumerate(_typed(obj.get("attributes"), list, at) or []):
                name = attr.get("name") if isinstance(attr, dict) else None
                if not isinstance(name, str) or name in core:
                    continue
                urn, sep, short = name.rpartition(":")
                if is_extension_attribute(name) and not (sep and _WORD.match(short)):
                    # Refused, not noted as kept: `prov compile` would drop it when merging.
                    raise ImportProblem(
                        f"{at}[{a_index}].name: {name!r} cannot be written as a .prov "
                        "extension attribute"
                    )
                if not name.startswith("urn:") or not sep or not _WORD.match(short):
                    notes.append(f"source attribute {name!r} is not an extension attribute; kept")
                    continue
                kind = _TYPES.get(str(attr.get("type") or "String"), "string")
                multi = "[]" if attr.get("multivalued") else ""
                by_urn.setdefault(urn, []).append(f"{short}: {kind}{multi}")
    return by_urn


def _job_lines(
    job_settings: dict[str, Any],
    rule: dict[str, Any],
    mapping: dict[str, Any],
    name: str | None,
    mapping_at: str,
) -> list[str]:
    """The job block, from the compiled document's ``job`` (if any), the rule and the mapping."""
    kind = _target_kind(rule)
    job_name = name or _typed(job_settings.get("name"), str, "job.name")
    job_name = job_name or str(rule.get("name") or "Imported job")
    flow_types = _typed(mapping.get("flowTypes"), str, f"{mapping_at}.flowTypes")
    flow_types = flow_types or "Add, Update, Delete"
    actions = [
        _ACTIONS[w.strip().lower()] for w in flow_types.split(",") if w.strip().lower() in _ACTIONS
    ]
    if not actions:
        raise ImportProblem(f"{mapping_at}.flowTypes {flow_types!r} has no Add, Update or Delete")
    lines = [
        f"job {escape(job_name)} {{",
        f"    target {kind.value}",
        "    actions " + ", ".join(a for a in ("create", "update", "delete") if a in actions),
    ]
    threshold = _number(job_settings.get("deletionThreshold"), "job.deletionThreshold", 0)
    if threshold is not None:
        lines.append(f"    deletion threshold {threshold}")
    objects = (str(mapping.get("sourceObjectName")), str(mapping.get("targetObjectName")))
    if objects != ("User", "User"):
        lines.append(f"    objects {escape(objects[0])} -> {escape(objects[1])}")
    lines.append("}")
    return lines


def _graph_lines(job_settings: dict[str, Any]) -> list[str]:
    graph = _typed(job_settings.get("graph"), dict, "job.graph")
    if not graph or not any(graph.values()):
        return []
    lines = ["", "graph {"]
    for key, word in (("servicePrincipal", "service principal"), ("job", "job"), ("url", "url")):
        value = _typed(graph.get(key), str, f"job.graph.{key}")
        if value:
            lines.append(f"    {word} {escape(value)}")
    lines.append("}")
    return lines


def _scope_lines(scope: dict[str, Any], where: str, notes: list[str]) -> list[str]:
    lines: list[str] = []
    groups = _objects(scope.get("groups"), f"{where}.groups")
    if groups:
        lines += ["", "scope {"]
        for g_index, group in enumerate(groups):
            at = f"{where}.groups[{g_index}]"
            group_name = group.get("name")
            if isinstance(group_name, dict | list):
                _typed(group_name, str, f"{at}.name")
            lines.append(f"    group {escape(str(group_name or ''))} {{")
            for c_index, clause in enumerate(_objects(group.get("clauses"), f"{at}.clauses")):
                lines.append("        " + _clause_text(clause, f"{at}.clauses[{c_index}]"))
            lines.append("    }")
        lines.append("}")
    for key in ("inputFilterGroups", "categoryFilterGroups"):
        if scope.get(key):
            count = f"{len(scope[key])} group(s)" if isinstance(scope[key], list) else "set"
            notes.append(f"scope.{key} ({count}) is not modelled; kept")
    return lines


def _clause_text(clause: dict[str, Any], where: str) -> str:
    attribute = _typed(clause.get("sourceOperandName"), str, f"{where}.sourceOperandName")
    operator = _typed(clause.get("operatorName"), str, f"{where}.operatorName")
    if not attribute or not _ATTR_REF.fullmatch(f"[{attribute}]"):
        raise ImportProblem(
            f"{where}.sourceOperandName: {attribute!r} cannot be written as a .prov attribute"
        )
    # another operator is refused rather than written as text that does not parse
    if operator not in SCOPE_OPERATORS:
        raise ImportProblem(f"{where}.operatorName: {operator!r} is not a scoping operator")
    operand = _typed(clause.get("targetOperand"), dict, f"{where}.targetOperand") or {}
    values = _typed(operand.get("values"), list, f"{where}.targetOperand.values") or []
    for v_index, value in enumerate(values):
        if isinstance(value, dict | list) or value is None:
            raise ImportProblem(
                f"{where}.targetOperand.values[{v_index}] must be a string, not {json_kind(value)}"
            )
    shown = ", ".join(escape(str(v)) for v in values)
    return f"[{attribute}] {operator} {shown}".rstrip()


def _check_shape(schema: dict[str, Any], root: str) -> None:
    """ImportProblem, naming the JSON path, for a part of the wrong JSON type anywhere
    `prov compile` and `prov plan` read when they merge the preserved schema back in (every
    rule, object mapping, attribute mapping, source tree, scope and source directory)."""
    rules_at = f"{root}synchronizationRules"
    for r_index, rule in enumerate(_objects(schema.get("synchronizationRules"), rules_at)):
        maps_at = f"{rules_at}[{r_index}].objectMappings"
        for m_index, mapping in enumerate(_objects(rule.get("objectMappings"), maps_at)):
            at = f"{maps_at}[{m_index}]"
            mappings = _objects(mapping.get("attributeMappings"), f"{at}.attributeMappings")
            for a_index, am in enumerate(mappings):
                source = _typed(am.get("source"), dict, f"{at}.attributeMappings[{a_index}].source")
                problem = tree_problem(source) if source is not None else None
                if problem is not None:
                    raise ImportProblem(f"{at}.attributeMappings[{a_index}].source: {problem}")
            scope = _typed(mapping.get("scope"), dict, f"{at}.scope") or {}
            for g_index, group in enumerate(_objects(scope.get("groups"), f"{at}.scope.groups")):
                clauses_at = f"{at}.scope.groups[{g_index}].clauses"
                for c_index, clause in enumerate(_objects(group.get("clauses"), clauses_at)):
                    operand_at = f"{clauses_at}[{c_index}].targetOperand"
                    operand = _typed(clause.get("targetOperand"), dict, operand_at) or {}
                    _typed(operand.get("values"), list, f"{operand_at}.values")
    dirs_at = f"{root}directories"
    for d_index, directory in enumerate(_typed(schema.get("directories"), list, dirs_at) or []):
        if not isinstance(directory, dict):
            continue
        objects_at = f"{dirs_at}[{d_index}].objects"
        for o_index, obj in enumerate(_typed(directory.get("objects"), list, objects_at) or []):
            if isinstance(obj, dict):
                _typed(obj.get("attributes"), list, f"{objects_at}[{o_index}].attributes")


def decompile(
    doc: dict[str, Any], origin: str, preserve_name: str, name: str | None = None
) -> Imported:
    """The .prov text for ``doc`` (a schema, or a compiled document with ``job`` and ``schema``).

    A value of the wrong JSON type (a number where the schema has a list, ...) is an
    ImportProblem naming its JSON path, such as
    ``synchronizationRules[0].objectMappings[1].attributeMappings``.
    """
    job_settings: dict[str, Any] = _typed(doc.get("job"), dict, "job") or {}
    root = "schema." if "schema" in doc else ""
    base: dict[str, Any] = _typed(doc.get("schema"), dict, "schema") or doc
    schema = {k: v for k, v in base.items() if not k.startswith("@odata")}
    rule, mapping, mapping_at = _pick(schema, root)
    _check_shape(schema, root)
    notes: list[str] = []
    lines = [
        f"// Imported by syncrules from {origin}.",
        f"// Parts the .prov language does not model are kept in {preserve_name} and merged",
        "// back in by `prov compile` and `prov deploy`.",
        *_job_lines(job_settings, rule, mapping, name, mapping_at),
        "",
        f"preserve {escape(preserve_name)}",
        *_graph_lines(job_settings),
    ]
    source_object = str(mapping.get("sourceObjectName")).lower()
    for urn, attrs in sorted(_extensions(schema, rule, notes, root, source_object).items()):
        lines += ["", f"extension {escape(urn)} {{", *(f"    {a}" for a in attrs), "}"]
    matches, plain = [], []
    where = f"{mapping_at}.attributeMappings"
    for index, am in enumerate(_objects(mapping.get("attributeMappings"), where)):
        at = f"{where}[{index}]"
        target = _typed(am.get("targetAttributeName"), str, f"{at}.targetAttributeName")
        source = _typed(am.get("source"), dict, f"{at}.source")
        if source is None:
            notes.append(f"mapping to {target!r} has no source (mapping type None); kept as is")
            continue
        if not isinstance(target, str) or not _TARGET_NAME.match(target):
            # Refused, not noted as kept: `prov compile` would drop the mapping when merging.
            raise ImportProblem(
                f"{at}.targetAttributeName: {target!r} cannot be written as a .prov target name"
            )
        try:
            expr = expression_from_tree(source)
        except TreeError as exc:
            raise ImportProblem(f"{at}.source (mapping to {target!r}): {exc}") from None
        options = ""
        default = _typed(am.get("defaultValue"), str, f"{at}.defaultValue")
        if default is not None:
            options += f"  default {escape(default)}"
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
        priority = _number(am.get("matchingPriority"), f"{at}.matchingPriority", 0) or 0
        if priority:
            matches.append(
                (priority, f"match {compact(expr)} -> {target} priority {priority}{options}")
            )
        else:
            plain.append((target, compact(expr), options))
    lines.append("")
    lines += [text for _, text in sorted(matches)]
    scope = _typed(mapping.get("scope"), dict, f"{mapping_at}.scope") or {}
    lines += _scope_lines(scope, f"{mapping_at}.scope", notes)
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
