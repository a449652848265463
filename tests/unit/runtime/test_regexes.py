"""regexes: .NET syntax translation, substitutions, timeouts, validation."""

from __future__ import annotations

import pytest

from syncrules.runtime import ExpressionError, validate_pattern
from syncrules.runtime.regexes import (
    compile_pattern,
    replace_all,
    replace_group,
    search_group,
    translate,
)


@pytest.mark.parametrize(
    ("dotnet", "python"),
    [
        ("(?'n'a)", "(?P<n>a)"),
        (r"(?<n>a)\k<n>", r"(?<n>a)(?P=n)"),
        (r"\k'n'", "(?P=n)"),
        (r"a\Z", r"a(?=\n?\z)"),
        (r"[\Z]", r"[\Z]"),
        (r"[]'(?'x]", r"[]'(?'x]"),
        (r"\\Z", r"\\Z"),
    ],
)
def test_translate(dotnet: str, python: str) -> None:
    assert translate(dotnet) == python


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
