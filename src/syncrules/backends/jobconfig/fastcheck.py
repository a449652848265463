"""A fast yes/no check of a document against the packaged JSON Schema, built once from it.

``jsonschema`` walks the schema for every node of the document (building validators, resolving
references, collecting errors): at thousands of mappings that is a third of `prov compile`. This
module turns the same schema, once per process, into nested Python checks that answer only
"valid or not", with the semantics of JSON Schema 2020-12 for the keywords the schema uses (a
keyword it does not know is refused when the checker is built, so the schema cannot grow past
it unnoticed). When a document is not valid, ``jsonschema`` itself runs to say why; the test
suite checks that both give the same verdict on every compiled case and on documents broken in
every place the schema constrains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Callable[[Any], bool]

#: Keywords that only annotate (they never change a verdict).
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$defs", "$comment"})

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def equal(one: Any, two: Any) -> bool:
    """JSON equality as JSON Schema defines it (``true`` is not ``1``; ``1`` is ``1.0``)."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, bool) != isinstance(two, bool):
        return False
    return bool(one == two)


class SchemaChecker:
    """``SchemaChecker(schema)(document)`` → True when the document is valid."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.root = schema
        self.refs: dict[str, Check] = {}
        self.check = self._compile(schema)

    def __call__(self, document: Any) -> bool:
        return self.check(document)

    def _ref(self, ref: str) -> Check:
        if not ref.startswith("#/$defs/") or "/" in ref[len("#/$defs/") :]:
            raise ValueError(f"unsupported $ref {ref!r}")
        if ref not in self.refs:
            holder: list[Check] = []
            self.refs[ref] = lambda v: holder[0](v)  # recursion: resolved once compiled
            holder.append(self._compile(self.root["$defs"][ref[len("#/$defs/") :]]))
            self.refs[ref] = holder[0]
            return holder[0]
        return self.refs[ref]

    def _compile(self, schema: Mapping[str, Any]) -> Check:
        checks: list[Check] = []
        unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
        if unknown:
            raise ValueError(f"keywords the fast check does not implement: {sorted(unknown)}")
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        kind = schema.get("type")
        if kind == "object":  # the common case, in one function: type, required, properties
            checks.append(self._object(schema, typed=True))
        elif kind == "array" and "items" in schema:  # type and items in one function
            item = self._compile(schema["items"])
            checks.append(lambda v: isinstance(v, list) and all(map(item, v)))
        elif "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            tests = tuple(_TYPES[n] for n in names)
            if len(tests) == 1:
                checks.append(tests[0])
            else:
                checks.append(lambda v: any(t(v) for t in tests))
        if "enum" in schema:
            options = list(schema["enum"])
            if all(isinstance(o, str) for o in options):
                strings = frozenset(options)
                checks.append(lambda v: isinstance(v, str) and v in strings)
            else:
                checks.append(lambda v: any(equal(v, o) for o in options))
        if "minLength" in schema:
            least = schema["minLength"]
            checks.append(lambda v: not isinstance(v, str) or len(v) >= least)
        if "pattern" in schema:
            search = re.compile(schema["pattern"]).search
            checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
        if "minimum" in schema:
            low = schema["minimum"]
            checks.append(lambda v: not _number(v) or v >= low)
        if "minItems" in schema:
            fewest = schema["minItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) >= fewest)
        if "maxItems" in schema:
            most = schema["maxItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) <= most)
        if schema.get("uniqueItems"):
            checks.append(lambda v: not isinstance(v, list) or _unique(v))
        if "items" in schema and kind != "array":
            item = self._compile(schema["items"])
            checks.append(lambda v: not isinstance(v, list) or all(map(item, v)))
        if kind != "object" and (
            "required" in schema or "properties" in schema or "additionalProperties" in schema
        ):
            checks.append(self._object(schema, typed=False))
        for sub in schema.get("allOf", ()):
            checks.append(self._compile(sub))
        if "oneOf" in schema:
            options_ = tuple(self._compile(sub) for sub in schema["oneOf"])
            checks.append(lambda v: sum(1 for o in options_ if o(v)) == 1)
        if "if" in schema:
            condition = self._compile(schema["if"])
            then = self._compile(schema["then"]) if "then" in schema else _always
            otherwise = self._compile(schema["else"]) if "else" in schema else _always
            checks.append(lambda v: then(v) if condition(v) else otherwise(v))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda v: first(v) and second(v)
        all_checks = tuple(checks)
        return lambda v: all(c(v) for c in all_checks)

    def _object(self, schema: Mapping[str, Any], typed: bool) -> Check:
        """``properties``, ``required`` and ``additionalProperties``; with ``typed``, also
        ``type: object`` (anything else fails), else anything but an object passes."""
        properties = {k: self._compile(s) for k, s in schema.get("properties", {}).items()}
        additional = schema.get("additionalProperties", True)
        if additional is not False and additional is not True:
            raise ValueError("additionalProperties other than true/false is not implemented")
        closed = additional is False
        known = frozenset(properties)
        required = frozenset(schema.get("required", ()))

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return not typed
            if closed and not known.issuperset(value):
                return False
            if required and not required.issubset(value):
                return False
            for key, item in value.items():
                sub = properties.get(key)
                if sub is not None and not sub(item):
                    return False
            return True

        return check


_KEYWORDS = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "minLength",
        "pattern",
        "minimum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
        "required",
        "properties",
        "additionalProperties",
        "allOf",
        "oneOf",
        "if",
        "then",
        "else",
    }
)


def _always(value: Any) -> bool:
    return True


def _unique(items: Sequence[Any]) -> bool:
    for i, one in enumerate(items):
        for two in items[i + 1 :]:
            if equal(one, two):
                return False
    return True
