""".NET regular expressions on top of the ``regex`` package, with a timeout on every operation.

Contract: imports only the standard library, ``regex`` and sibling runtime modules. Patterns are
translated from .NET syntax where the two differ (``(?'name'..)``, ``\\k<name>``, ``\\Z``),
compiled once (LRU cache) and run with ``timeout=``; a timeout becomes
``ExpressionError("regex-timeout")`` and a bad pattern ``ExpressionError("invalid-regex")``.
Replacement strings use .NET substitutions: ``$1``, ``${name}``, ``$$``, ``$&``, ``$```, ``$'``,
``$+``, ``$_``; a reference to a group that does not exist stays literal text, as in .NET.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import regex

from .errors import MAX_VALUE_LENGTH, ExpressionError, too_long

_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def translate(pattern: str) -> str:
    """Rewrite the .NET-only constructs of ``pattern`` into ``regex`` syntax."""
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if not in_class and nxt == "Z":
                out.append(r"(?=\n?\z)")  # .NET \Z: end of input or before a final newline
                i += 2
                continue
            if not in_class and nxt == "k" and i + 2 < len(pattern) and pattern[i + 2] in "<'":
                close = ">" if pattern[i + 2] == "<" else "'"
                end = pattern.find(close, i + 3)
                if end > 0:
                    out.append(f"(?P={pattern[i + 3 : end]})")
                    i = end + 1
                    continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            # a ']' right after '[' or '[^' is a literal member
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            continue
        elif ch == "(" and pattern.startswith("?'", i + 1):
            end = pattern.find("'", i + 3)
            if end > 0:
                out.append(f"(?P<{pattern[i + 3 : end]}>")
                i = end + 1
                continue
        out.append(ch)
        i += 1
    return "".join(out)


#: The most pattern atoms a compiled regular expression may expand to: counted repetitions are
#: unrolled when compiled, so ``(?:(?:a{1000}){1000}){1000}`` (29 characters) would need a
#: billion nodes and gigabytes. 200,000 compiles in about 60 MB.
MAX_PATTERN_COST = 200_000

_COUNTED = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


def pattern_cost(pattern: str) -> int:
    """How many atoms ``pattern`` expands to once counted repetitions (``{n}``, ``{n,m}``) are
    unrolled, nested ones multiplied (an upper bound; ``*``, ``+`` and ``?`` count once)."""
    frames: list[list[int]] = [[0, 0]]  # per group: [cost of the atoms before the last, last]
    i = 0
    n = len(pattern)

    def atom(cost: int) -> None:
        frame = frames[-1]
        frame[0] += frame[1]
        frame[1] = cost

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if pattern.startswith(("p{", "P{", "x{", "N{", "u{"), i + 1):
                end = pattern.find("}", i)
                i = end + 1 if end > 0 else n
            else:
                i += 2
            atom(1)
            continue
        if ch == "[":
            j = i + 1
            if pattern.startswith("^", j):
                j += 1
            if pattern.startswith("]", j):
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            atom(1)
            continue
        if ch == "(":
            frames.append([0, 0])
            i += 1
            continue
        if ch == ")" and len(frames) > 1:
            done = frames.pop()
            atom(max(1, done[0] + done[1]))
            i += 1
            continue
        if ch == "{":
            counted = _COUNTED.match(pattern, i)
            if counted is not None and (counted.group(1) or counted.group(3)):
                low = int(counted.group(1) or 0)
                high = int(counted.group(3)) if counted.group(3) else low
                frames[-1][1] *= max(1, low, high)
                if frames[-1][1] > MAX_PATTERN_COST:  # no need to count further
                    return frames[-1][1]
                i = counted.end()
                continue
        if ch in "*+?|^$":
            i += 1
            continue
        atom(1)
        i += 1
    total = 0
    for frame in frames:
        total += frame[0] + frame[1]
    return total


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    """The compiled form of a .NET pattern.

    Raises:
        ExpressionError: ``invalid-regex`` (also for a pattern whose counted repetitions would
        expand past ``MAX_PATTERN_COST`` atoms when compiled: it is refused, not compiled).
    """
    translated = translate(pattern)
    cost = pattern_cost(translated)
    if cost > MAX_PATTERN_COST:
        raise ExpressionError(
            "invalid-regex",
            f"the regular expression {pattern!r} is too costly to compile: its counted "
            f"repetitions ({{n}}, {{n,m}}) expand to {cost} or more elements (at most "
            f"{MAX_PATTERN_COST}); use * or + instead of large or nested counts",
        )
    try:
        return regex.compile(translated)
    except (regex.error, ValueError, TypeError) as exc:
        raise ExpressionError(
            "invalid-regex", f"invalid regular expression {pattern!r}: {exc}"
        ) from None


def validate_pattern(pattern: str) -> str | None:
    """An error message if ``pattern`` is not a usable regular expression, else ``None``."""
    try:
        compile_pattern(pattern)
    except ExpressionError as exc:
        return exc.message
    return None


def _timeout(pattern: str, seconds: float) -> ExpressionError:
    return ExpressionError(
        "regex-timeout", f"the regular expression {pattern!r} ran longer than {seconds:g} s"
    )


Part = str | tuple[str, str]


@functools.lru_cache(maxsize=512)
def _parse_replacement(pattern: str, replacement: str) -> tuple[Part, ...]:
    compiled = compile_pattern(pattern)
    names = set(compiled.groupindex)

    def exists(key: str) -> bool:
        return key in names if not key.isdigit() else int(key) <= compiled.groups

    parts: list[Part] = []
    text: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch != "$" or i + 1 >= len(replacement):
            text.append(ch)
            i += 1
            continue
        nxt = replacement[i + 1]
        ref: Part | None = None
        width = 0
        if nxt == "$":
            text.append("$")
            i += 2
            continue
        if nxt == "{":
            end = replacement.find("}", i + 2)
            key = replacement[i + 2 : end] if end > 0 else ""
            if end > 0 and _GROUP_NAME.fullmatch(key) and exists(key):
                ref, width = ("group", key), end + 1 - i
        elif nxt.isdigit():
            end = i + 1
            while end < len(replacement) and replacement[end].isdigit():
                end += 1
            key = replacement[i + 1 : end]
            if exists(key):
                ref, width = ("group", key), end - i
        elif nxt in "&`'+_":
            ref, width = ("special", nxt), 2
        if ref is None:
            text.append("$")
            i += 1
            continue
        if text:
            parts.append("".join(text))
            text = []
        parts.append(ref)
        i += width
    if text:
        parts.append("".join(text))
    return tuple(parts)


def _expander(pattern: str, replacement: str) -> Callable[[Any], str]:
    """The substitution callback; it raises ``value-too-long`` as soon as the replacements made
    so far (plus the text before the match) pass ``MAX_VALUE_LENGTH``."""
    parts = _parse_replacement(pattern, replacement)
    built = [0]  # characters of the replacements made so far

    def expand(match: Any) -> str:
        out: list[str] = []
        size = built[0] + match.start()
        for part in parts:
            kind, key = ("text", part) if isinstance(part, str) else part
            if kind == "text":
                out.append(key)
            elif kind == "group":
                out.append(match.group(int(key) if key.isdigit() else key) or "")
            elif key == "&":
                out.append(match.group(0))
            elif key == "`":
                out.append(match.string[: match.start()])
            elif key == "'":
                out.append(match.string[match.end() :])
            elif key == "_":
                out.append(match.string)
            else:  # "$+": the last group of the pattern
                last = match.re.groups
                out.append((match.group(last) or "") if last else match.group(0))
            size += len(out[-1])
            if size > MAX_VALUE_LENGTH:
                raise too_long("Replace", size)
        text = "".join(out)
        built[0] += len(text)
        return text

    return expand


def replace_all(source: str, pattern: str, replacement: str, timeout: float) -> str:
    """.NET ``Regex.Replace(source, pattern, replacement)``: every match, with substitutions.

    Raises:
        ExpressionError: ``invalid-regex``, ``regex-timeout`` or ``value-too-long`` (the result
        would pass ``MAX_VALUE_LENGTH``; checked while it is built).
    """
    compiled = compile_pattern(pattern)
    try:
        result = str(compiled.sub(_expander(pattern, replacement), source, timeout=timeout))
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
    if len(result) > MAX_VALUE_LENGTH:
        raise too_long("Replace", len(result))
    return result


def replace_group(source: str, pattern: str, group: str, replacement: str, timeout: float) -> str:
    """In every match, replace only the text captured by ``group`` with ``replacement`` (literal).

    Raises:
        ExpressionError: ``invalid-regex``, ``regex-timeout``, or ``invalid-argument`` when the
        pattern has no such group.
    """
    compiled = compile_pattern(pattern)
    key: str | int = int(group) if group.isdigit() else group
    if (isinstance(key, int) and key > compiled.groups) or (
        isinstance(key, str) and key not in compiled.groupindex
    ):
        raise ExpressionError(
            "invalid-argument", f"the regular expression {pattern!r} has no group {group!r}"
        )

    built = [0]

    def splice(match: Any) -> str:
        built[0] += len(replacement)
        if built[0] + len(source) > MAX_VALUE_LENGTH:
            raise too_long("Replace", built[0] + len(source))
        start, end = match.span(key)
        if start < 0:
            return str(match.group(0))
        whole_start = match.start()
        text = match.group(0)
        return str(text[: start - whole_start] + replacement + text[end - whole_start :])

    try:
        result = str(compiled.sub(splice, source, timeout=timeout))
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
    if len(result) > MAX_VALUE_LENGTH:
        raise too_long("Replace", len(result))
    return result


def search_group(source: str, pattern: str, group: str, timeout: float) -> str | None:
    """The text ``group`` captured in the first match, or ``None`` when nothing matches.

    Raises:
        ExpressionError: ``invalid-regex``, ``regex-timeout`` or ``invalid-argument``.
    """
    compiled = compile_pattern(pattern)
    key: str | int = int(group) if group.isdigit() else group
    try:
        match = compiled.search(source, timeout=timeout)
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
    if match is None:
        return None
    try:
        value = match.group(key)
    except IndexError:
        raise ExpressionError(
            "invalid-argument", f"the regular expression {pattern!r} has no group {group!r}"
        ) from None
    return None if value is None else str(value)


def search(pattern: str, text: str, timeout: float) -> bool:
    """Whether ``pattern`` matches anywhere in ``text`` (.NET ``Regex.IsMatch``).

    Raises:
        ExpressionError: ``invalid-regex`` or ``regex-timeout``.
    """
    compiled = compile_pattern(pattern)
    try:
        return compiled.search(text, timeout=timeout) is not None
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
