"""".NET regular expressions on top of the ``regex`` package, with a timeout on every operation.

Contract: imports only the standard library, ``regex`` and sibling runtime modules. A pattern is
first translated from .NET syntax (``net_regex.translate``: group numbering, classes, anchors,
options, case-insensitivity spelt out; what cannot be translated faithfully is refused), then
compiled once (LRU cache) and run with ``timeout=`` over the UTF-16 code units of the input
(``utf16``), as .NET runs it; a timeout becomes ``ExpressionError("regex-timeout")``, a pattern
.NET refuses ``ExpressionError("invalid-regex")`` and an untranslatable one
``ExpressionError("unsupported-regex")``. Matches are found as .NET's ``Regex.Replace`` finds them:
after an empty match the next search starts one code unit further.
Replacement strings use .NET substitutions: ``$1``, ``${name}``, ``$$``, ``$&``, ``$```, ``$'``,
``$+``, ``$_``; a reference to a group that does not exist stays literal text, as in .NET.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import regex

from . import net_regex, utf16
from .errors import MAX_VALUE_LENGTH, ExpressionError, too_long


@functools.lru_cache(maxsize=512)
def translation(pattern: str) -> net_regex.Translation:
    """The ``regex`` form of a .NET pattern (see ``net_regex``).

    Raises:
        ExpressionError: ``invalid-regex`` (.NET refuses it) or ``unsupported-regex``.
    """
    try:
        return net_regex.translate(pattern)
    except net_regex.Untranslatable as exc:
        raise ExpressionError(
            "unsupported-regex",
            f"the regular expression {pattern!r} uses {exc.construct} (position "
            f"{exc.position}), which syncrules cannot run faithfully",
        ) from None
    except net_regex.NetRegexError as exc:
        raise ExpressionError(
            "invalid-regex", f"invalid regular expression {pattern!r}: {exc}"
        ) from None


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
        ExpressionError: ``invalid-regex`` or ``unsupported-regex`` (also ``invalid-regex`` for a
        pattern whose counted repetitions would expand past ``MAX_PATTERN_COST`` atoms when
        compiled: it is refused, not compiled).
    """
    translated = translation(pattern)
    cost = max(pattern_cost(translated.pattern), pattern_cost(translated.after_empty))
    if cost > MAX_PATTERN_COST:
        raise ExpressionError(
            "invalid-regex",
            f"the regular expression {pattern!r} is too costly to compile: its counted "
            f"repetitions ({{n}}, {{n,m}}) expand to {cost} or more elements (at most "
            f"{MAX_PATTERN_COST}); use * or + instead of large or nested counts",
        )
    try:
        return regex.compile(translated.pattern)
    except (regex.error, ValueError, TypeError, OverflowError) as exc:
        raise ExpressionError(
            "unsupported-regex",
            f"the regular expression {pattern!r} cannot be run here: {exc}",
        ) from None


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """``(kind, message)`` when ``pattern`` cannot be used, kind being ``invalid-regex`` (.NET
    refuses it) or ``unsupported-regex`` (syncrules cannot run it faithfully); else ``None``."""
    try:
        compile_pattern(pattern)
    except ExpressionError as exc:
        return exc.reason, exc.message
    return None


def validate_pattern(pattern: str) -> str | None:
    """An error message if ``pattern`` is not a usable regular expression, else ``None``."""
    problem = pattern_problem(pattern)
    return None if problem is None else problem[1]


@functools.lru_cache(maxsize=512)
def _compile_after_empty(pattern: str) -> Any:
    translated = translation(pattern)
    if translated.after_empty == translated.pattern:
        return compile_pattern(pattern)
    return regex.compile(translated.after_empty)


def _matches(pattern: str, units: str, timeout: float) -> Iterator[Any]:
    """Every match, as .NET's ``Regex.Matches``/``Replace`` iterate: after an empty match the
    next search starts one code unit further (where ``\\G`` no longer matches)."""
    compiled = compile_pattern(pattern)
    pos, end = 0, len(units)
    while pos <= end:
        match = compiled.search(units, pos, timeout=timeout)
        if match is None:
            return
        yield match
        if match.end() == match.start():
            pos = match.end() + 1
            compiled = _compile_after_empty(pattern)
        else:
            pos = match.end()
            compiled = compile_pattern(pattern)


def _timeout(pattern: str, seconds: float) -> ExpressionError:
    return ExpressionError(
        "regex-timeout", f"the regular expression {pattern!r} ran longer than {seconds:g} s"
    )


Part = str | tuple[str, str | int]


_is_word_char = net_regex.is_word_char  # group names in ${name}, as in patterns


@functools.lru_cache(maxsize=512)
def _parse_replacement(pattern: str, replacement: str) -> tuple[Part, ...]:
    """.NET ``RegexParser.ScanReplacement``: literal text and substitutions."""
    translated = translation(pattern)
    parts: list[Part] = []
    text: list[str] = []
    i, n = 0, len(replacement)
    while i < n:
        ch = replacement[i]
        if ch != "$" or i + 1 >= n:
            text.append(ch)
            i += 1
            continue
        j = i + 1
        nxt = replacement[j]
        angled = nxt == "{" and j + 1 < n
        if angled:
            j += 1
            nxt = replacement[j]
        ref: Part | None = None
        if nxt in "0123456789":
            end = j
            while end < n and replacement[end] in "0123456789":
                end += 1
            digits = replacement[j:end]
            if angled:
                if end < n and replacement[end] == "}":
                    end += 1
                else:
                    digits = ""
            if digits and int(digits) in translated.numbers:
                ref, j = ("group", int(digits)), end
        elif angled and _is_word_char(nxt):
            end = j
            while end < n and _is_word_char(replacement[end]):
                end += 1
            name = replacement[j:end]
            if end < n and replacement[end] == "}" and name in translated.names:
                ref, j = ("group", translated.names[name]), end + 1
        elif not angled and nxt == "$":
            text.append("$")
            i = j + 1
            continue
        elif not angled and nxt in "&`'+_":
            ref, j = ("special", nxt), j + 1
        if ref is None:  # not a substitution: the "$" is literal text
            text.append("$")
            i += 1
            continue
        if text:
            parts.append("".join(text))
            text = []
        parts.append(ref)
        i = j
    if text:
        parts.append("".join(text))
    return tuple(parts)


def _group(match: Any, number: int) -> str:
    value = match.group(0 if number == 0 else f"g{number}")
    return "" if value is None else str(value)


def _expander(pattern: str, replacement: str) -> Callable[[Any], str]:
    parts = _parse_replacement(pattern, replacement)
    last = translation(pattern).numbers[-1]

    def expand(match: Any) -> str:
        out: list[str] = []
        size = 0
        for part in parts:
            if size > MAX_VALUE_LENGTH:
                raise too_long("Replace", size)
            if isinstance(part, str):
                out.append(part)
                size += len(part)
                continue
            kind, key = part
            if kind == "group":
                out.append(_group(match, int(key)))
            elif key == "&":
                out.append(match.group(0))
            elif key == "`":
                out.append(match.string[: match.start()])
            elif key == "'":
                out.append(match.string[match.end() :])
            elif key == "_":
                out.append(match.string)
            else:  # "$+": the group with the highest number (the whole match when none)
                out.append(_group(match, last))
            size += len(out[-1])
        return "".join(out)

    return expand


def _splice(source: str, pattern: str, timeout: float, render: Callable[[Any], str]) -> str:
    """The source with every match replaced by ``render(match)``.

    Raises:
        ExpressionError: ``regex-timeout``, or ``value-too-long`` as soon as the text built so far
        plus the rest of the source passes ``MAX_VALUE_LENGTH`` (checked while it is built).
    """
    units = utf16.to_units(source)
    out: list[str] = []
    done = 0
    size = 0
    try:
        for match in _matches(pattern, units, timeout):
            out.append(units[done : match.start()])
            out.append(render(match))
            size += len(out[-2]) + len(out[-1])
            done = match.end()
            if size + len(units) - done > MAX_VALUE_LENGTH:
                raise too_long("Replace", size + len(units) - done)
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
    if not out:
        return source
    out.append(units[done:])
    return utf16.from_units("".join(out))


def replace_all(source: str, pattern: str, replacement: str, timeout: float) -> str:
    """.NET ``Regex.Replace(source, pattern, replacement)``: every match, with substitutions.

    Raises:
        ExpressionError: ``invalid-regex``, ``unsupported-regex``, ``regex-timeout`` or
        ``value-too-long`` (the result would pass ``MAX_VALUE_LENGTH``; checked while it is built).
    """
    compile_pattern(pattern)
    return _splice(source, pattern, timeout, _expander(pattern, replacement))


def _group_key(pattern: str, group: str) -> str | int:
    key = translation(pattern).group_key(group)
    if key is None:
        raise ExpressionError(
            "invalid-argument", f"the regular expression {pattern!r} has no group {group!r}"
        )
    return key


def replace_group(source: str, pattern: str, group: str, replacement: str, timeout: float) -> str:
    """In every match, replace only the text captured by ``group`` with ``replacement`` (literal).

    Raises:
        ExpressionError: ``invalid-regex``, ``unsupported-regex``, ``regex-timeout``, or
        ``invalid-argument`` when the pattern has no such group.
    """
    compile_pattern(pattern)
    key = _group_key(pattern, group)

    def splice(match: Any) -> str:
        start, end = match.span(key)
        if start < 0:
            return str(match.group(0))
        whole_start = match.start()
        text = match.group(0)
        return str(text[: start - whole_start] + replacement + text[end - whole_start :])

    return _splice(source, pattern, timeout, splice)


def search_group(source: str, pattern: str, group: str, timeout: float) -> str | None:
    """The text ``group`` captured in the first match, or ``None`` when nothing matches.

    Raises:
        ExpressionError: ``invalid-regex``, ``unsupported-regex``, ``regex-timeout`` or
        ``invalid-argument``.
    """
    compiled = compile_pattern(pattern)
    key = _group_key(pattern, group)
    try:
        match = compiled.search(utf16.to_units(source), timeout=timeout)
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
    if match is None:
        return None
    value = match.group(key)
    return None if value is None else utf16.from_units(str(value))


def search(pattern: str, text: str, timeout: float) -> bool:
    """Whether ``pattern`` matches anywhere in ``text`` (.NET ``Regex.IsMatch``).

    Raises:
        ExpressionError: ``invalid-regex``, ``unsupported-regex`` or ``regex-timeout``.
    """
    compiled = compile_pattern(pattern)
    try:
        return compiled.search(utf16.to_units(text), timeout=timeout) is not None
    except TimeoutError:
        raise _timeout(pattern, timeout) from None
