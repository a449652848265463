"""Differential: .NET regular expressions (matching, replacing, substitutions, group numbering).

Random .NET patterns come from a grammar of constructs (literals and escapes, classes with
subtraction, categories and blocks, anchors, every group kind, inline options, conditionals,
back references, greedy/lazy quantifiers, alternation); inputs from an alphabet with Turkish,
Greek and non-BMP characters. For each case:

- both refuse the pattern, or both accept it (a pattern syncrules refuses as untranslatable is
  counted apart: refused, never run differently);
- the group numbers and names are the same;
- every match (``Regex.Matches``, so the empty-match iteration too) has the same groups at the
  same UTF-16 positions;
- ``Regex.Replace`` with a random replacement (``$1 ${name} $& $_ $$ ...``) gives the same text.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from syncrules.runtime import ExpressionError, regexes, utf16
from tests.oracle.dotnet import Net, net_str
from tests.oracle.support import ALPHABET, EXAMPLES, ORACLE_SETTINGS, Tally, utf16_call

TIMEOUT = 2.0

LITERALS = [
    "a", "b", "A", "i", "I", "İ", "ı", "s", "S", "ſ", "k", "K", "ß", "é", "σ", "Σ", "ς", "ᾳ",
    " ", "-", "_", "0", "9", ",", "😀", "𝐀", "𐐀", "中", "\\.", "\\$", "\\(", "\\)", "\\[",
    "\\]", "\\\\", "\\t", "\\n", "\\x41", "\\u00e9", "\\u0130", "\\101", "\\0", "\\cA", "\\e",
    "\\-", "\\ ", "\\#", "#", "{", "}", "]", "{1", "\\u200d",
]
ESCAPES = [
    "\\w", "\\W", "\\d", "\\D", "\\s", "\\S", "\\p{L}", "\\p{Lu}", "\\p{Ll}", "\\P{Ll}",
    "\\p{Lt}", "\\p{Nd}", "\\p{IsGreek}", "\\p{IsBasicLatin}", "\\P{IsBasicLatin}",
    "\\p{IsLatin-1Supplement}", "\\p{Sm}", "\\p{Cs}", "\\p{Mn}", "\\p{Zs}", "\\p{C}",
    "\\p{IsHighSurrogates}", ".", "\\p{Cn}",
]
ANCHORS = ["^", "$", "\\b", "\\B", "\\A", "\\z", "\\Z", "\\G"]
CLASS_MEMBERS = [
    "a", "b", "z", "a-z", "A-Z", "0-9", "i", "I", "İ", "ı", "s", "ſ", "K", "\\w", "\\W", "\\d",
    "\\s", "\\S", "\\p{Lu}", "\\p{L}", "\\P{L}", "\\p{IsGreek}", "-", "\\-", "\\]", "\\[", "^",
    " ", "😀", "\\ud83d", "é", "σ-ω", "\\b", "\\x41-\\x5a", ".", "$", "(", "|",
]
INVALID = ["\\R", "\\X", "\\K", "(?P<n>a)", "a*+", "a++", "a{2}+", "\\h", "(?<0>a)", "[z-a]",
           "\\p{lu}", "\\p{IsNotABlock}", "(?", "a)", "[a", "(?(1)a|b|c)", "\\k<nope>"]
QUANTIFIERS = ["*", "+", "?", "{2}", "{1,3}", "{0,}", "{0}", "{2,2}"]
OPTIONS = ["(?i)", "(?-i)", "(?m)", "(?s)", "(?n)", "(?x)", "(?-x)", "(?i-s)", "(?#note)"]
CONDITIONS = ["(?(n1)", "(?(1)", "(?(first)", "(?(a)", "(?(?=a)", "(?(?!\\d)"]

literal = st.sampled_from(LITERALS)
escape = st.sampled_from(ESCAPES)
anchor = st.sampled_from(ANCHORS)
char_class = st.builds(
    lambda negated, members, sub: "[" + ("^" if negated else "") + "".join(members)
    + (f"-[{''.join(sub)}]" if sub else "") + "]",
    st.booleans(),
    st.lists(st.sampled_from(CLASS_MEMBERS), min_size=1, max_size=4),
    st.one_of(st.just([]), st.lists(st.sampled_from(CLASS_MEMBERS), min_size=1, max_size=3)),
)
leaf = st.one_of(literal, literal, escape, anchor, char_class, st.sampled_from(OPTIONS),
                 st.sampled_from(["\\1", "\\2", "\\k<n1>", "\\k'first'", "\\3"]),
                 st.sampled_from(INVALID))


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = st.sampled_from(
        ["(", "(?:", "(?<n1>", "(?'n2'", "(?<2>", "(?<first>", "(?=", "(?!", "(?<=", "(?<!",
         "(?>", "(?i:", "(?-i:", "(?s:", "(?m:", "(?n:", "(?x:", "(?i-m:"])
    return st.one_of(
        st.tuples(inner, inner).map("".join),
        st.tuples(inner, inner, inner).map("".join),
        st.tuples(inner, inner).map("|".join),
        st.tuples(inner, st.sampled_from(QUANTIFIERS), st.sampled_from(["", "?"])).map("".join),
        st.tuples(group, inner).map(lambda t: t[0] + t[1] + ")"),
        st.tuples(st.sampled_from(CONDITIONS), inner, inner).map(lambda t: f"{t[0]}{t[1]}|{t[2]})"),
        st.tuples(st.sampled_from(["(?(n1)", "(?(1)"]), inner).map(lambda t: f"{t[0]}{t[1]})"),
    )


patterns = st.recursive(leaf, _compound, max_leaves=8)
inputs = st.text(alphabet=ALPHABET + "aaabb(){}[]#", max_size=10)
replacements = st.lists(
    st.sampled_from(["$1", "$2", "$3", "${n1}", "${n2}", "${first}", "${2}", "${0}", "$&", "$`",
                     "$'", "$+", "$_", "$$", "$", "x", "${", "$10", "$0", "-", " ", "😀", "${x}",
                     "{", "}", "$n1"]),
    max_size=4,
).map("".join)

UNTRANSLATABLE = "refused by syncrules as untranslatable (never run differently)"
TIMED_OUT = "timed out on either side"


def _net_spans(dotnet: Net, regex: Any, text: str) -> list[list[tuple[int, int] | None]]:
    out = []
    for match in regex.Matches(net_str(text)):
        groups = []
        for number in regex.GetGroupNumbers():
            group = match.Groups[number]
            groups.append((group.Index, group.Index + group.Length) if group.Success else None)
        out.append(groups)
    return out


def _our_spans(pattern: str, text: str) -> list[list[tuple[int, int] | None]]:
    translated = regexes.translation(pattern)
    out = []
    for match in regexes._matches(pattern, utf16.to_units(text), TIMEOUT):
        groups = []
        for number in translated.numbers:
            start, end = match.span(0 if number == 0 else f"g{number}")
            groups.append(None if start < 0 else (start, end))
        out.append(groups)
    return out


def test_regex_against_dotnet(dotnet: Net) -> None:
    replace = utf16_call(dotnet, dotnet.Regex, "Replace", "sss")
    timeout = dotnet.System.TimeSpan.FromSeconds(TIMEOUT)
    no_options = getattr(dotnet.RegexOptions, "None")
    tally = Tally(".NET regular expressions")

    @ORACLE_SETTINGS
    @given(pattern=patterns, text=inputs, replacement=replacements)
    def run(pattern: str, text: str, replacement: str) -> None:
        case = f"pattern {pattern!r} on {text!r} with {replacement!r}"
        try:
            regex = dotnet.Regex(net_str(pattern), no_options, timeout)
        except Exception:
            regex = None
        try:
            translated = regexes.translation(pattern)
            regexes.compile_pattern(pattern)
        except ExpressionError as exc:
            if exc.reason == "unsupported-regex" and regex is not None:
                tally.record(True, case, excluded=UNTRANSLATABLE)
            else:
                tally.record(regex is None, f"{case}: syncrules refuses ({exc.message}), .NET "
                             "accepts")
            return
        if regex is None:
            tally.record(False, f"{case}: .NET refuses, syncrules accepts")
            return
        names = {str(n): regex.GroupNumberFromName(n) for n in regex.GetGroupNames()}
        numbers = tuple(regex.GetGroupNumbers())
        if (numbers, names) != (translated.numbers, translated.names):
            tally.record(False, f"{case}: groups .NET {numbers} {names}, syncrules "
                         f"{translated.numbers} {translated.names}")
            return
        try:
            theirs = (_net_spans(dotnet, regex, text), replace(text, pattern, replacement))
        except Exception as exc:  # RegexMatchTimeoutException
            if "Timeout" not in type(exc).__name__ and "timed out" not in str(exc):
                raise
            tally.record(True, case, excluded=TIMED_OUT)
            return
        try:
            ours = (_our_spans(pattern, text),
                    regexes.replace_all(text, pattern, replacement, TIMEOUT))
        except ExpressionError as exc:
            if exc.reason != "regex-timeout":
                raise
            tally.record(True, case, excluded=TIMED_OUT)
            return
        tally.record(ours == theirs, f"{case}: .NET {theirs}, syncrules {ours}")

    run()
    tally.check()


# Excluded, by name (listed in `prov explain semantics`): characters whose Unicode general
# category differs between .NET Core 3.1's tables and the newer ones syncrules runs with (the
# `regex` package's); syncrules keeps its tables.
EXCLUDED_CATEGORY_CHANGED = "unicode-category-changed-since-net-core-3.1"
CATEGORIES = ("Lu Ll Lt Lm Lo Mn Mc Me Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs Zl Zp Cc Cf "  # noqa: SIM905
              "Co Cn").split()
# Every BMP character in a big run (ORACLE_EXAMPLES >= 10000); else all of U+0000-U+05FF (Latin,
# Greek, Cyrillic, Armenian) and every 11th character beyond, to stay within a few seconds.
EVERY_BMP = "".join(
    chr(c) for c in range(0x10000)
    if not 0xD800 <= c <= 0xDFFF and (EXAMPLES >= 10000 or c < 0x600 or c % 11 == 0)
)
CLASS_PATTERNS = [
    r"\w", r"\W", r"\d", r"\D", r"\s", r"\S", ".", r"(?s).", r"[a-z]", r"[^a-z]", r"\b.", r"\B.",
    r"(?i)[a-z]", r"(?i)[À-Þ]", r"(?i)[Ā-ſ]", r"(?i)[Ḁ-ỿ]", r"(?i)[Ͱ-Ͽ]", r"(?i)[Ѐ-ӿ]",
    r"(?i)[Ⴀ-ჿ]", r"(?i)[Ꭰ-Ᏽ]", r"(?i)[Ⰰ-Ɀ]", r"(?i)[꜠-ꟿ]", r"(?i)[\u0000-\uffff]",
    r"(?i)\p{Lu}", r"(?i)\p{Ll}", r"(?i)[\w-[a-z]]", r"(?i)[^\W\d]", r"(?i)k", r"(?i)ǅ", r"(?i)İ",
    r"(?i)ı", r"(?i)σ", r"(?i)ß", r"(?i)[İı]", r"[\p{L}-[\p{Lu}]]", r"[\s-[\n]]",
    r"\p{IsGreek}", r"\p{IsBasicLatin}", r"\P{IsLatinExtended-A}", r"(?i)\p{IsCyrillic}",
    r"[\d-[\p{IsBasicLatin}]]", *(rf"\p{{{c}}}" for c in CATEGORIES),
    r"\p{L}", r"\p{M}", r"\p{N}", r"\p{P}", r"\p{S}", r"\p{Z}", r"\p{C}",
]


def _matched(replace: Any, pattern: str) -> set[str]:
    return set(EVERY_BMP) - set(replace(EVERY_BMP, pattern, ""))


def test_classes_over_every_bmp_character(dotnet: Net) -> None:
    net_replace = utf16_call(dotnet, dotnet.Regex, "Replace", "sss")

    def ours(text: str, pattern: str, replacement: str) -> str:
        return regexes.replace_all(text, pattern, replacement, 60.0)

    changed: set[str] = set()
    for category in CATEGORIES:
        pattern = rf"\p{{{category}}}"
        changed |= _matched(net_replace, pattern) ^ _matched(ours, pattern)
    # \b and \B also look at the neighbours of a changed character
    near = {EVERY_BMP[i + d] for i, ch in enumerate(EVERY_BMP) if ch in changed
            for d in (-1, 0, 1) if 0 <= i + d < len(EVERY_BMP)}
    tally = Tally(".NET regex classes over every BMP character")
    tally.excluded[EXCLUDED_CATEGORY_CHANGED] = len(changed)
    for pattern in CLASS_PATTERNS:
        theirs, mine = _matched(net_replace, pattern), _matched(ours, pattern)
        differ = (theirs ^ mine) - (near if "\\b" in pattern or "\\B" in pattern else changed)
        tally.agreed += len(EVERY_BMP) - len(changed) - len(differ)
        for ch in sorted(differ)[:3]:
            tally.record(False, f"{pattern} on U+{ord(ch):04X}: .NET {ch in theirs}")
        tally.total_disagreed += max(0, len(differ) - 3)
    tally.check()
    assert tally.total_disagreed == 0


def test_the_excluded_classes_are_listed_in_prov_explain_semantics() -> None:
    from syncrules.explain import semantics

    assert EXCLUDED_CATEGORY_CHANGED in semantics()
