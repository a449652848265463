"""regexes: .NET syntax translation, substitutions, timeouts, validation."""

from __future__ import annotations

import pytest

from syncrules.runtime import ExpressionError, validate_pattern
from syncrules.runtime.regexes import (
    compile_pattern,
    replace_all,
    replace_group,
    search_group,
)


@pytest.mark.parametrize(
    ("pattern", "source", "replacement", "expected"),
    [
        # every expected value is what .NET's Regex.Replace gives (tests/oracle checks them)
        ("(?'n'a)", "xa", "[${n}]", "x[a]"),
        (r"(?<n>a)\k<n>", "aab", "-", "-b"),
        (r"(?<n>a)\k'n'", "aab", "-", "-b"),
        (r"(?<first>\w+) (\w+)", "John Smith", "$2, $1", "John, Smith"),
        (r"[a-z-[aeiou]]+", "education", "_", "e_u_a_io_"),
        (r"(?i)s", "Ssſ", "x", "xxſ"),
        (r"(?n)(a)(?<b>b)", "ab", "$1", "b"),
        (r"(?<a>x)?(?(a)b|c)", "xbc", "-", "--"),
        (r"a(?i)b|c", "aBC", "-", "--"),
        (r"\p{IsGreek}+", "aβγ", "-", "a-"),
        (r"a*?", "aaa", "-", "-a-a-a-"),
        (".", "\U0001F600", "-", "--"),
        (r"\W", "a\U0001F600", "-", "a--"),
        ("^.", "\U0001F600", "", "\ufffd"),
        (r"[\]'(?'x]", "a]x", "-", "a--"),
        (r"\\Z", "\\Z", "-", "-"),
    ],
)
def test_dotnet_semantics(pattern: str, source: str, replacement: str, expected: str) -> None:
    assert replace_all(source, pattern, replacement, 1.0) == expected


@pytest.mark.parametrize(
    "pattern", [r"\R", r"\X", r"a\Kb", r"(?P<n>a)", "a*+", "a++", "a{2}+", r"[\Z]", r"\k<x>",
                r"(?<a>x)\2"],
)
def test_what_dotnet_refuses_is_invalid(pattern: str) -> None:
    with pytest.raises(ExpressionError) as exc:
        compile_pattern(pattern)
    assert exc.value.reason == "invalid-regex"


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [(r"(?<o>\()?[^()]*(?<-o>\))", "balancing group"), (r"(?<a-o>x)", "balancing group")],
)
def test_untranslatable_is_refused_with_the_construct(pattern: str, construct: str) -> None:
    with pytest.raises(ExpressionError) as exc:
        compile_pattern(pattern)
    assert exc.value.reason == "unsupported-regex"
    assert construct in exc.value.message and "position" in exc.value.message


def test_dotnet_big_z_matches_before_final_newline() -> None:
    assert replace_all("ab\n", r"b\Z", "X", 1.0) == "aX\n"
    assert replace_all("ab\n", r"b\z", "X", 1.0) == "ab\n"


@pytest.mark.parametrize(
    ("replacement", "result"),
    [
        ("$2-$1", "b-a!"),
        ("${second}${first}", "ba!"),
        ("$$", "$!"),
        ("$0", "ab!"),
        ("$&$&", "abab!"),
        ("$`|$'", "|!!"),
        ("$+", "b!"),
        ("$_", "ab!!"),
        ("$9", "$9!"),
        ("${x}", "${x}!"),
        ("$", "$!"),
        ("${1}0", "a0!"),
    ],
)
def test_substitutions(replacement: str, result: str) -> None:
    assert replace_all("ab!", "(?<first>a)(?<second>b)", replacement, 1.0) == result


def test_replace_group_splices_every_match() -> None:
    assert replace_group("a1-b2", r"(?<l>[a-z])(?<d>\d)", "d", "#", 1.0) == "a#-b#"
    assert replace_group("xa", r"x(?<o>y)?a", "o", "#", 1.0) == "xa"  # group did not take part


def test_search_group() -> None:
    assert search_group("+91 8887779999", r"\+(?<c>\d+) (?<n>\d+)", "n", 1.0) == "8887779999"
    assert search_group("none", r"(?<n>\d+)", "n", 1.0) is None


def test_timeout_becomes_expression_error() -> None:
    with pytest.raises(ExpressionError) as caught:
        replace_all("a" * 60 + "b", "(a|aa)+$", "", 0.02)
    assert caught.value.reason == "regex-timeout"


def test_invalid_pattern() -> None:
    assert validate_pattern("a+") is None
    message = validate_pattern("(")
    assert message is not None and "invalid regular expression" in message
    with pytest.raises(ExpressionError) as caught:
        compile_pattern("+")
    assert caught.value.reason == "invalid-regex"


def test_compiled_patterns_are_cached() -> None:
    assert compile_pattern(r"\d+x") is compile_pattern(r"\d+x")
