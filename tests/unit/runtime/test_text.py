"""text and diacritics: .NET casing and title-casing, Word, encodings, the diacritics table."""

from __future__ import annotations

import unicodedata

import pytest

from syncrules.runtime.diacritics import TABLE, mapping, normalize_diacritics
from syncrules.runtime.text import (
    base64_utf16le,
    ignore_case,
    proper_case,
    simple_lower,
    simple_upper,
    to_title_case,
    utf8_hex,
    word,
)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("hello world", "Hello World"),
        ("USA today", "USA Today"),
        ("o'neil", "O'neil"),
        ("a-b (c) d/e", "A-B (C) D/E"),
        ("x1y z", "X1y Z"),
        ("\u01c6a", "\u01c5a"),
        ("", ""),
    ],
)
def test_to_title_case(text: str, title: str) -> None:
    assert to_title_case(text) == title


def test_proper_case_lowers_first_and_honours_separators() -> None:
    assert proper_case("USA TODAY", None) == "Usa Today"
    assert proper_case("PINTO-DE'SILVA", " '-") == "Pinto-De'Silva"
    assert proper_case("ab-cd ef", "-") == "Ab-Cd ef"


def test_simple_case_mapping_keeps_length() -> None:
    assert simple_upper("straße") == "STRAßE"
    assert simple_lower("\u0130") == "\u0130"  # .NET invariant culture keeps İ


@pytest.mark.parametrize(("culture", "lower", "upper"), [
    (None, "İzmir ıi", "İZMIR ıI"),
    ("", "İzmir ıi", "İZMIR ıI"),
    ("en-US", "izmir ıi", "İZMIR II"),
    ("tr-TR", "izmir ıı", "İZMİR Iİ"),
    ("az", "izmir ıı", "İZMİR Iİ"),
])
def test_turkish_letters_case_by_culture(culture: str | None, lower: str, upper: str) -> None:
    # what .NET gives (tests/oracle/test_casing.py compares every character)
    assert simple_lower("İzmir ıI", culture) == lower
    assert simple_upper("İzmir ıi", culture) == upper


@pytest.mark.parametrize("a, b, equal", [
    ("Ada@Contoso.com", "ADA@CONTOSO.COM", True),
    ("Straße", "STRASSE", False),  # casefold would say equal; OrdinalIgnoreCase does not
    ("ΟΔΥΣΣΕΑΣ", "οδυσσεας", True),  # final and medial sigma both upper-case to capital sigma
    ("ﬁle", "FILE", False),  # the ligature has no one-to-one upper case
    ("Ǆ", "ǆ", True),
    ("\u0131", "I", True),  # what .NET's OrdinalIgnoreCase says (tests/oracle/test_casing.py)
    ("\u0130", "i", False),
])
def test_ignore_case_is_dotnet_ordinal_ignore_case(a: str, b: str, equal: bool) -> None:
    assert (ignore_case(a) == ignore_case(b)) is equal
    assert len(ignore_case(a)) == len(a)


def test_change_detection_ignores_case_as_dotnet_does() -> None:
    from syncrules.runtime.record import same

    assert same("ada", "ADA") and same(["a", "B"], ["A", "b"])
    assert not same("Straße", "STRASSE") and not same("1", 1)


def test_word() -> None:
    assert word("a,b;c", 2, ",;") == "b"
    assert word(",,a", 1, ",") == "a"
    assert word("abc", 1, "") == "abc"


def test_encodings() -> None:
    assert base64_utf16le("Hello world!") == "SABlAGwAbABvACAAdwBvAHIAbABkACEA"
    assert utf8_hex("\u00e9") == "C3A9"


def test_every_documented_entry_is_mapped_in_both_spellings() -> None:
    table = mapping()
    for output, inputs in TABLE:
        for key in inputs.split():
            for form in (key, unicodedata.normalize("NFC", key), unicodedata.normalize("NFD", key)):
                assert table[form] == output, (key, form)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("\u00c4\u00d6\u00dc", "AOU"),
        ("\u0106\u0141\u0143\u015a\u0179", "CLNSZ"),
        ("\u00c6\u00d8", "AEOE"),
        ("\u01d5", "U"),
        ("\u0232\u0301", "Y"),
        ("o\u0308\u0304", "o"),
        ("\u00df\u1e9e", "ss\u1e9e"),
        ("\u0110\u00de", "\u0110\u00de"),
        ("a\u0323", "a\u0323"),
    ],
)
def test_normalize_diacritics(text: str, plain: str) -> None:
    assert normalize_diacritics(text) == plain
