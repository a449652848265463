"""String helpers with .NET semantics: invariant casing, ToTitleCase word breaking, encodings.

Contract: imports only the standard library. Casing is .NET's invariant culture: the 1:1 "simple"
case mapping (``ß`` stays ``ß`` in upper case), so string lengths never change, and the Turkish
``İ`` and ``ı`` are left as they are (``ToLower("İzmir")`` is ``İzmir``, ``ToUpper("ıstanbul")``
is ``ıSTANBUL``). .NET Core keeps them on purpose, to agree with Windows, whose invariant
casing tables have no mapping for them; ``prov explain semantics`` records the choice.
"""

from __future__ import annotations

import base64
import functools
import unicodedata

_LETTERS = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo"})
# .NET TextInfo.ToTitleCase: categories that end a word (separators, controls, format characters,
# punctuation and symbols). Marks, digits and other letters stay inside the word.
_WORD_SEPARATORS = frozenset(
    {"Zs", "Zl", "Zp", "Cc", "Cf", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
)


def _simple_upper_char(ch: str) -> str:
    if ch == "\u0131":  # dotless ı: the invariant culture leaves it (see module doc)
        return ch
    upper = ch.upper()
    if len(upper) == 1:
        return upper
    # The full mapping expands (ß → SS, ᾳ → ΑΙ); the simple one is the title-case letter when
    # that is one character (ᾳ → ᾼ), else the character itself (ß stays ß).
    title = ch.title()
    return title if len(title) == 1 else ch


@functools.lru_cache(maxsize=64)  # bounded: a culture may come from the record's data
def casing_rule(culture: str | None) -> str:
    """How a .NET culture cases the Turkish letters: ``invariant`` (no culture: ``İ`` and ``ı``
    kept), ``turkic`` (``tr``, ``az``: ``i``↔``İ``, ``ı``↔``I``) or ``linguistic`` (any other
    culture: ``İ`` lowers to ``i``, ``ı`` uppers to ``I``). Every other character cases the same
    in every culture (checked against .NET over the whole BMP)."""
    name = (culture or "").strip().lower()
    if not name:
        return "invariant"
    return "turkic" if name.split("-")[0].split("_")[0] in ("tr", "az") else "linguistic"


_LOWER_RULES = {"turkic": str.maketrans("I\u0130", "\u0131i"), "linguistic": str.maketrans(
    "\u0130", "i")}
_UPPER_RULES = {"turkic": str.maketrans("i\u0131", "\u0130I"), "linguistic": str.maketrans(
    "\u0131", "I")}


def simple_lower(text: str, culture: str | None = None) -> str:
    """Lower case, one character for one character, in ``culture`` (see :func:`casing_rule`;
    invariant by default, which keeps ``İ``)."""
    if culture:
        rule = casing_rule(culture)
        if rule != "invariant":
            text = text.translate(_LOWER_RULES[rule])
    if text.isascii():
        return text.lower()  # the same mapping for ASCII, without the per-character loop
    out = []
    for ch in text:
        lower = ch.lower()
        out.append(lower if len(lower) == 1 else ch)  # only İ expands ("i̇"): kept
    return "".join(out)


def simple_upper(text: str, culture: str | None = None) -> str:
    """Upper case, one character for one character, in ``culture`` (see :func:`casing_rule`;
    invariant by default, which keeps ``ı``)."""
    if culture:
        rule = casing_rule(culture)
        if rule != "invariant":
            text = text.translate(_UPPER_RULES[rule])
    upper = text.upper()
    if len(upper) == len(text) and "\u0131" not in text:
        return upper  # no character expanded (ß → SS), so each took its 1:1 mapping
    return "".join(_simple_upper_char(ch) for ch in text)


def ignore_case(text: str) -> str:
    """The form in which two texts are equal when .NET's ``OrdinalIgnoreCase`` says they are:
    each character upper-cased by the invariant 1:1 mapping (``ß`` and ``SS`` differ, ``ς``
    and ``Σ`` are equal). Entra compares attributes that are not ``caseExact`` this way
    (matching, change detection, uniqueness). Unlike ``ToUpper``, ``OrdinalIgnoreCase`` takes
    ``ı`` and ``I`` as equal (``İ`` and ``i`` stay different), as .NET does."""
    if text.isascii():
        return text.upper()  # the same 1:1 mapping for ASCII (the common case), at C speed
    return simple_upper(text, "ordinal")  # any named culture: ı uppers to I, İ is kept


def _title_char(ch: str) -> str:
    if ch == "\u0131":
        return ch  # as simple_upper: the invariant culture has no capital for dotless ı
    title = ch.title()
    return title if len(title) == 1 else simple_upper(ch)


def to_title_case(text: str) -> str:
    """.NET ``TextInfo.ToTitleCase`` (invariant): first letter of each word upper (title) case.

    As in .NET, the rest of a word is lower-cased only when the word contains a lower-case letter
    (so acronyms survive), and an apostrophe does not start a new word ("o'neil" -> "O'neil").
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if unicodedata.category(text[i]) not in _LETTERS:
            out.append(text[i])
            i += 1
            continue
        out.append(_title_char(text[i]))
        has_lower = unicodedata.category(text[i]) == "Ll"
        i += 1
        start = i
        while i < n:
            category = unicodedata.category(text[i])
            if category in _LETTERS:
                has_lower = has_lower or category == "Ll"
                i += 1
            elif text[i] == "'":
                i += 1
                chunk = text[start:i]
                out.append(simple_lower(chunk) if has_lower else chunk)
                start, has_lower = i, True
            elif category not in _WORD_SEPARATORS:
                i += 1
            else:
                break
        chunk = text[start:i]
        out.append(simple_lower(chunk) if has_lower else chunk)
    return "".join(out)


def proper_case(text: str, separators: str | None) -> str:
    """PCase: the input is lower-cased, then each word starts with an upper-case letter.

    Without ``separators`` words break as in .NET ToTitleCase; with them, only those characters
    separate words.
    """
    lowered = simple_lower(text)
    if not separators:
        return to_title_case(lowered)
    out: list[str] = []
    at_start = True
    for ch in lowered:
        if ch in separators:
            out.append(ch)
            at_start = True
        elif at_start:
            out.append(_title_char(ch))
            at_start = False
        else:
            out.append(ch)
    return "".join(out)


def word(text: str, number: int, delimiters: str) -> str:
    """The ``number``-th (1-based) word; any character of ``delimiters`` separates words.

    Runs of delimiters count as one break (empty words are not words); a missing word is "".
    """
    if number < 1:
        return ""
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in delimiters:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words[number - 1] if number <= len(words) else ""


def base64_utf16le(text: str) -> str:
    """Base64 of the UTF-16LE bytes (.NET ``Encoding.Unicode``)."""
    return base64.b64encode(text.encode("utf-16-le", "surrogatepass")).decode("ascii")


def utf8_hex(text: str) -> str:
    """Upper-case hexadecimal of the UTF-8 bytes."""
    return text.encode("utf-8", "surrogatepass").hex().upper()


def strip_spaces(text: str) -> str:
    """Remove every U+0020 space (other whitespace stays)."""
    return text.replace(" ", "")
