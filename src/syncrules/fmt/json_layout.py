"""Layout of the JSON values in ``test`` blocks (textX ``JsonValue`` objects → lines).

Strings and numbers are written exactly as in the source (they follow JSON escaping, which the
lowering reads with ``json.loads``). An object or array stays on one line when that line fits in
the width, else it is broken one member per line; a test record (``given user {...}``) is always
broken. A trailing comma is dropped. Lines after the first are indented relative to the line
holding the value.
"""

from __future__ import annotations

from typing import Any


def json_flat(value: Any) -> str:
    """The one-line form: ``{"a": 1, "b": [1, 2]}``."""
    if isinstance(value, str):  # true, false and null are match rules: textX gives the word
        return value
    kind = type(value).__name__
    if kind == "JsonObject":
        return "{" + ", ".join(f"{m.key.raw}: {json_flat(m.value)}" for m in value.members) + "}"
    if kind == "JsonArray":
        return "[" + ", ".join(json_flat(v) for v in value.items) + "]"
    if kind == "JsonTrue":
        return "true"
    if kind == "JsonFalse":
        return "false"
    if kind == "JsonNull":
        return "null"
    return str(value.raw)  # StringLit, NumberLit


def json_lines(
    value: Any,
    column: int,
    base: int,
    width: int,
    indent: str,
    record: bool = False,
    level: int = 0,
) -> list[str]:
    """Structural lines of ``value`` whose first line starts at ``column``; ``base`` is the
    absolute indentation of the line holding it."""
    kind = type(value).__name__
    if kind == "JsonObject":
        entries = [(f"{m.key.raw}: ", m.value) for m in value.members]
        opening, closing = "{", "}"
    elif kind == "JsonArray":
        entries = [("", v) for v in value.items]
        opening, closing = "[", "]"
    else:
        return [json_flat(value)]
    one = json_flat(value)
    if not entries or (not record and "\n" not in one and column + len(one) <= width):
        return [one]
    inner = indent * (level + 1)
    lines = [opening]
    for i, (key, item) in enumerate(entries):
        at = base + len(inner) + len(key)
        sub = json_lines(item, at, base, width, indent, False, level + 1)
        sub[0] = inner + key + sub[0]
        if i + 1 < len(entries):
            sub[-1] += ","
        lines.extend(sub)
    lines.append(indent * level + closing)
    return lines
