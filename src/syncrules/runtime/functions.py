"""The Entra app-provisioning function library: one ``fn_<Name>`` per function.

Contract: imports only the standard library, ``regex`` (through ``regexes``) and sibling runtime
modules. Every ``fn_<Name>`` takes already-evaluated arguments positionally, an empty slot or a
NULL value being ``None``; the functions the catalogue marks ``needs_context`` take the
``EvalContext`` first. Results follow ``values`` (NULL = ``None``, multi-valued = ``list``,
predicates = ``bool``, numbers = ``int``, DateTimes = ``M/d/yyyy h:mm:ss tt`` strings). Failures
raise ``ExpressionError``; ``IgnoreFlowIfNullOrEmpty`` raises ``NoFlow``. The lazy forms an
interpreter or generated code needs (IIF, Switch, Coalesce, SelectUniqueValue evaluate only what
they use) are built on
``switch_match``, ``coalesce`` and ``select_unique``. Arity, laziness, which functions take the
context and the NULL rules are declared in the function catalogue (``syncrules.catalogue``),
which this package cannot import; ``tests/behaviour/test_function_implementations.py``
checks that every ``fn_<Name>`` signature agrees with it, and where Microsoft's reference does
not settle a behaviour, the choice made is recorded there (``catalogue/function_decisions.py``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from . import regexes, text, utf16
from .context import EvalContext
from .date_functions import (  # noqa: F401  (registered in RUNTIME_FUNCTIONS below)
    fn_CDate,
    fn_DateAdd,
    fn_DateDiff,
    fn_DateFromNum,
    fn_FormatDateTime,
    fn_Now,
    fn_NumFromDate,
)
from .diacritics import normalize_diacritics
from .errors import MAX_VALUE_LENGTH, ExpressionError, NoFlow, too_long
from .values import is_null, is_null_or_empty, to_bool, to_int, to_str, values_of

SPECIAL_CHARACTERS = "~!@#$%^&*_-+=`|\\(){}[]:;\"'<>,.?/"


def _s(value: Any) -> str | None:
    return to_str(value)


def _unsupported(name: str) -> ExpressionError:
    return ExpressionError(
        "unsupported-function",
        f"{name} needs an Entra ID source with appRoleAssignments (outbound provisioning) and "
        "cannot be evaluated for inbound rules",
    )


# ---- strings -------------------------------------------------------------------------------


def fn_Append(source: Any, suffix: Any) -> str | None:
    if source is None and suffix is None:
        return None
    return (_s(source) or "") + (_s(suffix) or "")


def fn_ConvertToBase64(source: Any) -> str | None:
    value = _s(source)
    return None if value is None else text.base64_utf16le(value)


def fn_ConvertToUTF8Hex(source: Any) -> str | None:
    value = _s(source)
    return None if value is None else text.utf8_hex(value)


def fn_CStr(value: Any) -> str | None:
    return _s(value)


def fn_InStr(value1: Any, value2: Any, start: Any = None, compareType: Any = None) -> int:
    begin = 1 if start is None else to_int(start, "InStr start")
    if begin < 1:
        raise ExpressionError("invalid-argument", f"InStr start must be 1 or more, got {begin}")
    haystack, needle = _s(value1), _s(value2)
    mode = "binary" if compareType is None else _compare_mode(compareType)
    if haystack is None:
        return 0
    if not needle:  # positions count UTF-16 code units, as in .NET
        return begin if begin <= utf16.length(haystack) + 1 else 0
    if mode == "text":
        haystack, needle = text.simple_lower(haystack), text.simple_lower(needle)
    return utf16.find(haystack, needle, begin - 1) + 1


def _compare_mode(value: Any) -> str:
    name = (_s(value) or "").strip().lower()
    if name in ("vbtextcompare", "1"):
        return "text"
    if name in ("vbbinarycompare", "0"):
        return "binary"
    raise ExpressionError(
        "invalid-argument",
        f"InStr compareType must be vbTextCompare or vbBinaryCompare, got {value!r}",
    )


def fn_Join(separator: Any, first: Any, *rest: Any) -> str:
    parts = []
    for source in (first, *rest):
        if source.__class__ is str:  # the common case, as values_of and _s would give it
            if source:
                parts.append(source)
            continue
        for value in values_of(source):
            rendered = _s(value)
            if rendered:
                parts.append(rendered)
    if separator.__class__ is not str:
        separator = _s(separator) or ""
    return separator.join(parts)  # type: ignore[no-any-return]


def fn_Left(string: Any, numChars: Any) -> str:
    count = to_int(numChars, "Left NumChars")
    value = _s(string) or ""
    return value if count < 0 else utf16.substring(value, 0, count)  # UTF-16 code units


def fn_Len(string: Any) -> int:
    return utf16.length(_s(string) or "")  # UTF-16 code units: Len("😀") is 2, as in .NET


def fn_Mid(source: Any, start: Any, length: Any) -> str:
    begin, count = to_int(start, "Mid start"), to_int(length, "Mid length")
    if begin < 1 or count < 0:
        raise ExpressionError(
            "invalid-argument", f"Mid needs start >= 1 and length >= 0, got {begin} and {count}"
        )
    value = _s(source) or ""
    return utf16.substring(value, begin - 1, count)  # UTF-16 code units


def fn_NormalizeDiacritics(source: Any) -> str | None:
    value = _s(source)
    return None if value is None else normalize_diacritics(value)


def fn_PCase(source: Any, wordSeparators: Any = None) -> str | None:
    value = _s(source)
    return None if value is None else text.proper_case(value, _s(wordSeparators))


def fn_StripSpaces(source: Any) -> str | None:
    value = _s(source)
    return None if value is None else text.strip_spaces(value)


def fn_ToLower(source: Any, culture: Any = None) -> str | None:
    if source.__class__ is str and source.isascii() and culture is None:
        return source.lower()  # type: ignore[no-any-return]  # simple_lower's ASCII case
    value = _s(source)
    return None if value is None else text.simple_lower(value, _s(culture))


def fn_ToUpper(source: Any, culture: Any = None) -> str | None:
    if source.__class__ is str and source.isascii() and culture is None:
        return source.upper()  # type: ignore[no-any-return]
    value = _s(source)
    return None if value is None else text.simple_upper(value, _s(culture))


def fn_Word(string: Any, wordNumber: Any, delimiters: Any) -> str:
    number = to_int(wordNumber, "Word WordNumber")
    return text.word(_s(string) or "", number, _s(delimiters) or "")


def fn_Split(source: Any, delimiter: Any = None) -> list[str] | None:
    value = _s(source)
    if value is None:
        return None
    separator = _s(delimiter)
    if separator is None or separator == "":
        return re.split(r"\s", value)
    return value.split(separator)


def _bounded(length: int) -> None:
    """Refuse to build a Replace result longer than ``MAX_VALUE_LENGTH`` (the record fails)."""
    if length > MAX_VALUE_LENGTH:
        raise too_long("Replace", length)


def fn_Replace(
    ctx: EvalContext,
    source: Any,
    oldValue: Any,
    regexPattern: Any = None,
    regexGroupName: Any = None,
    replacementValue: Any = None,
    replacementAttributeName: Any = None,
    template: Any = None,
) -> str | None:
    value, old, pattern = _s(source), _s(oldValue), _s(regexPattern)
    group, replacement = _s(regexGroupName), _s(replacementValue)
    if pattern is not None and group is not None and replacementValue is None:
        # Mode 5: the source if it has a value, else the group captured from the other value.
        if value:
            return value
        other = _s(replacementAttributeName)
        if other is None:
            return None
        return regexes.search_group(other, pattern, group, ctx.regex_timeout)
    if value is None:
        return None
    if old is not None:
        if old == "":
            return value
        if template is not None:
            text = _s(template) or ""
            _bounded(len(text) + text.count(old) * (len(value) - len(old)))
            return text.replace(old, value)
        _bounded(len(value) + value.count(old) * (len(replacement or "") - len(old)))
        return value.replace(old, replacement or "")
    if pattern is not None:
        if group is not None:
            return regexes.replace_group(
                value, pattern, group, replacement or "", ctx.regex_timeout
            )
        return regexes.replace_all(value, pattern, replacement or "", ctx.regex_timeout)
    return value


# ---- multi-valued ----------------------------------------------------------------------------


def fn_Count(attribute: Any) -> int:
    if isinstance(attribute, list):
        return len(attribute)
    return 0 if is_null_or_empty(attribute) else 1


def fn_Item(attribute: Any, index: Any) -> Any:
    position = to_int(index, "Item index")
    if attribute is None:
        return None
    items = values_of(attribute)
    if not 1 <= position <= len(items):
        raise ExpressionError(
            "index-out-of-range",
            f"Item index {position} is outside 1..{len(items)} (the attribute has "
            f"{len(items)} value{'s' if len(items) != 1 else ''})",
        )
    return items[position - 1]


def fn_RemoveDuplicates(attribute: Any) -> list[Any] | None:
    if attribute is None:
        return None
    seen: set[Any] = set()
    out = []
    for value in values_of(attribute):
        key = _s(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


# ---- logic and predicates --------------------------------------------------------------------


def fn_CBool(expression: Any) -> bool:
    return to_bool(expression)


def coalesce(values: Iterable[Any]) -> Any:
    """The first non-NULL value (lazy when given a generator), else NULL."""
    for value in values:
        if not is_null(value):
            return value
    return None


def fn_Coalesce(source: Any, *sources: Any) -> Any:
    return coalesce((source, *sources))


def fn_IgnoreFlowIfNullOrEmpty(expression: Any) -> Any:
    if is_null_or_empty(expression):
        raise NoFlow()
    return expression


def fn_IIF(condition: Any, valueIfTrue: Any, valueIfFalse: Any) -> Any:
    return valueIfTrue if to_bool(condition) else valueIfFalse


def fn_IsNull(expression: Any) -> bool:
    return is_null(expression)


def fn_IsNullOrEmpty(expression: Any) -> bool:
    return is_null_or_empty(expression)


def fn_IsPresent(expression: Any) -> bool:
    return not is_null_or_empty(expression)


def fn_IsString(expression: Any) -> bool:
    return not is_null(expression) and not (isinstance(expression, list) and len(expression) > 1)


def fn_Not(source: Any) -> bool:
    if isinstance(source, bool):
        return not source
    return not (isinstance(source, str) and source.strip().lower() == "true")


def fn_Redact(value: Any) -> Any:
    return value


def switch_match(source: Any, keys: Iterable[Any]) -> int | None:
    """Index of the first key equal to ``source`` (ordinal; NULL compares as ""), else None."""
    wanted = _s(source) or ""
    for index, key in enumerate(keys):
        if (_s(key) or "") == wanted:
            return index
    return None


def switch_pairs(pairs: tuple[Any, ...]) -> tuple[Any, ...]:
    """Switch's key/value slots, with one trailing empty slot tolerated.

    Raises:
        ExpressionError: ``invalid-argument`` when a key has no value.
    """
    if len(pairs) % 2 and pairs[-1] is None:
        pairs = pairs[:-1]
    if len(pairs) % 2:
        raise ExpressionError(
            "invalid-argument", "Switch needs key/value pairs; a key has no value"
        )
    return pairs


def fn_Switch(source: Any, defaultValue: Any, key: Any, value: Any, *more: Any) -> Any:
    pairs = switch_pairs((key, value, *more))
    index = switch_match(source, pairs[0::2])
    return defaultValue if index is None else pairs[2 * index + 1]


# ---- numbers ---------------------------------------------------------------------------------


def fn_BitAnd(value1: Any, value2: Any) -> int | None:
    if value1 is None or value2 is None:
        return None
    return to_int(value1, "BitAnd value1") & to_int(value2, "BitAnd value2")


# ---- context: tenant, target, randomness -----------------------------------------------------


def fn_DefaultDomain(ctx: EvalContext) -> str:
    if not ctx.default_domain:
        raise ExpressionError("no-default-domain", "the tenant has no default verified domain")
    return ctx.default_domain


def fn_Guid(ctx: EvalContext) -> str:
    return str(uuid.UUID(int=ctx.random.getrandbits(128), version=4))


def fn_RandomString(
    ctx: EvalContext,
    Length: Any,
    MinimumNumbers: Any,
    MinimumSpecialCharacters: Any,
    MinimumCapital: Any,
    MinimumLowerCase: Any,
    CharactersToAvoid: Any = None,
) -> str:
    length = to_int(Length, "RandomString Length")
    minima = [
        to_int(MinimumNumbers, "RandomString MinimumNumbers"),
        to_int(MinimumSpecialCharacters, "RandomString MinimumSpecialCharacters"),
        to_int(MinimumCapital, "RandomString MinimumCapital"),
        to_int(MinimumLowerCase, "RandomString MinimumLowerCase"),
    ]
    if not 1 <= length <= 256 or min(minima) < 0 or sum(minima) > length:
        raise ExpressionError(
            "invalid-argument",
            f"RandomString needs 1 <= Length <= 256 and minima (>= 0) summing to at most Length; "
            f"got Length {length}, minima {minima}",
        )
    avoid = set(_s(CharactersToAvoid) or "")
    pools = [
        "".join(ch for ch in chars if ch not in avoid)
        for chars in (
            "0123456789",
            SPECIAL_CHARACTERS,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "abcdefghijklmnopqrstuvwxyz",
        )
    ]
    chosen: list[str] = []
    for count, pool in zip(minima, pools, strict=True):
        if count and not pool:
            raise ExpressionError("invalid-argument", "CharactersToAvoid removes a required class")
        chosen.extend(ctx.random.choice(pool) for _ in range(count))
    rest = pools[0] + pools[2] + pools[3] + (pools[1] if minima[1] > 0 else "")
    if len(chosen) < length and not rest:
        raise ExpressionError("invalid-argument", "CharactersToAvoid leaves no usable character")
    chosen.extend(ctx.random.choice(rest) for _ in range(length - len(chosen)))
    ctx.random.shuffle(chosen)
    return "".join(chosen)


def select_unique(ctx: EvalContext, candidates: Iterable[Any]) -> str:
    """The first candidate not already taken in the target (lazy when given a generator).

    Raises:
        ExpressionError: ``unique-values-exhausted`` when every candidate is taken or empty.
    """
    tried = []
    for candidate in candidates:
        value = _s(candidate)
        if not value:
            continue
        if not ctx.is_taken(value):
            return value
        tried.append(value)
    raise ExpressionError(
        "unique-values-exhausted",
        "every SelectUniqueValue candidate is already taken"
        + (f" ({', '.join(repr(v) for v in tried)})" if tried else " or empty"),
    )


def fn_SelectUniqueValue(ctx: EvalContext, first: Any, second: Any, *rules: Any) -> str:
    return select_unique(ctx, (first, second, *rules))


# ---- outbound-only functions -----------------------------------------------------------------


def fn_AppRoleAssignmentsComplex(source: Any) -> Any:
    raise _unsupported("AppRoleAssignmentsComplex")


def fn_AssertiveAppRoleAssignmentsComplex(source: Any) -> Any:
    raise _unsupported("AssertiveAppRoleAssignmentsComplex")


def fn_SingleAppRoleAssignment(source: Any) -> Any:
    raise _unsupported("SingleAppRoleAssignment")


RUNTIME_FUNCTIONS: dict[str, Callable[..., Any]] = {
    name[3:]: value
    for name, value in sorted(globals().items())
    if name.startswith("fn_") and callable(value)
}
