"""`format_expression`: what real admins write is accepted and printed in the canonical layouts."""

from __future__ import annotations

import time

import pytest

from syncrules.fmt import format_expression
from syncrules.ir.expressions import parse_expression
from syncrules.ir.printer import compact, literal, readable


def fmt(text: str, **kwargs: object) -> str:
    out, diags = format_expression(text, **kwargs)  # type: ignore[arg-type]
    assert out is not None, [d.message for d in diags]
    assert diags == []
    return out


@pytest.mark.parametrize(
    ("given", "readable_form", "compact_form"),
    [
        # any casing of known function names; unknown names as written
        (
            'iif(isPresent([a]),"x","y")',
            'IIF(IsPresent([a]), "x", "y")',
            'IIF(IsPresent([a]), "x", "y")',
        ),
        ("myCustomFn( [a] )", "myCustomFn([a])", "myCustomFn([a])"),
        ('Instr([x], "/", , )', 'InStr([x], "/", , )', 'InStr([x], "/", , )'),
        # a newline or spaces between a function name and '('
        ('Join\n  (" ",[a],   [b])', 'Join(" ", [a], [b])', 'Join(" ", [a], [b])'),
        # empty and trailing empty slots, written with or without spaces
        (
            'Replace([username],,"(?<id>.*)@(?<domain>.*)",,"${id}",,)',
            'Replace([username], , "(?<id>.*)@(?<domain>.*)", , "${id}", , )',
            'Replace([username], , "(?<id>.*)@(?<domain>.*)", , "${id}", , )',
        ),
        (
            "SelectUniqueValue([a], [b], [c],\n)",
            "SelectUniqueValue([a], [b], [c], )",
            "SelectUniqueValue([a], [b], [c], )",
        ),
        (
            "ToLower(Mid([lastName], 2, 64), )",
            "ToLower(Mid([lastName], 2, 64), )",
            "ToLower(Mid([lastName], 2, 64), )",
        ),
        ("Now()", "Now()", "Now()"),
        # numbers bare or quoted, negative, decimal, hex
        ('Mid([x], "1", 3)', 'Mid([x], "1", 3)', 'Mid([x], "1", 3)'),
        (
            'DateAdd("d", -10, CDate([d]))',
            'DateAdd("d", -10, CDate([d]))',
            'DateAdd("d", -10, CDate([d]))',
        ),
        ("BitAnd(&HF, &HF7)", "BitAnd(&HF, &HF7)", "BitAnd(&HF, &HF7)"),
        ("Len(42568.75)", "Len(42568.75)", "Len(42568.75)"),
        # comparisons: spaced in the readable form, tight in the compact (Graph) form
        (
            'IIF(BitAnd([uac], 2)="0","True","False")',
            'IIF(BitAnd([uac], 2) = "0", "True", "False")',
            'IIF(BitAnd([uac], 2)="0", "True", "False")',
        ),
        ('IIF([a] <>  "x", 1, )', 'IIF([a] <> "x", 1, )', 'IIF([a]<>"x", 1, )'),
        ("CBool([a] >= [b])", "CBool([a] >= [b])", "CBool([a]>=[b])"),
        # strings keep their spelling in both forms: "\+" and "\\+" are the same string \+,
        # but fmt changes layout and casing only
        (
            'Replace([x], , "\\+", , "", , )',
            'Replace([x], , "\\+", , "", , )',
            'Replace([x], , "\\+", , "", , )',
        ),
        (
            'replace([x], , "\\\\+", , "\\,", , )',
            'Replace([x], , "\\\\+", , "\\,", , )',
            'Replace([x], , "\\\\+", , "\\,", , )',
        ),
        (
            'Join("", "say \\"hi\\"", "\\\\")',
            'Join("", "say \\"hi\\"", "\\\\")',
            'Join("", "say \\"hi\\"", "\\\\")',
        ),
        # attribute names with inner brackets, URNs, dots
        (
            '[addresses[type eq "work"].formatted]',
            '[addresses[type eq "work"].formatted]',
            '[addresses[type eq "work"].formatted]',
        ),
        (
            "[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager]",
            "[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager]",
            "[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager]",
        ),
        (
            'InStr("repEated","e",3,vbBinaryCompare)',
            'InStr("repEated", "e", 3, vbBinaryCompare)',
            'InStr("repEated", "e", 3, vbBinaryCompare)',
        ),
    ],
)
def test_accepted_forms(given: str, readable_form: str, compact_form: str) -> None:
    assert fmt(given) == readable_form
    assert fmt(given, compact=True) == compact_form
    assert (
        parse_expression(readable_form) == parse_expression(compact_form) == parse_expression(given)
    )


def test_long_call_is_broken_one_argument_per_line() -> None:
    text = (
        'SelectUniqueValue(Left(Join("", Left([name.givenName], 1), [name.familyName]), 20), '
        'Left(Join("", Left([name.givenName], 2), [name.familyName]), 20), '
        'Left(Join(".", [name.givenName], [name.familyName]), 20))'
    )
    assert fmt(text) == (
        "SelectUniqueValue(\n"
        '    Left(Join("", Left([name.givenName], 1), [name.familyName]), 20),\n'
        '    Left(Join("", Left([name.givenName], 2), [name.familyName]), 20),\n'
        '    Left(Join(".", [name.givenName], [name.familyName]), 20)\n'
        ")"
    )


def test_broken_call_keeps_empty_slots_unambiguous() -> None:
    text = 'Replace([mail], , "(?<user>[^@]+)@contoso\\.com", "user", "", , )'
    assert fmt(text, width=30) == (
        "Replace(\n"
        "    [mail],\n"
        "    ,\n"
        '    "(?<user>[^@]+)@contoso\\.com",\n'
        '    "user",\n'
        '    "",\n'
        "    ,\n"
        ")"
    )
    assert fmt(fmt(text, width=30), compact=True) == fmt(text, compact=True)
    # a leading empty slot and a comparison broken over lines
    assert fmt('F(, IIF(Len([aaaaaaaaaaaaaaa])="10", "x", ))', width=40) == (
        'F(\n    ,\n    IIF(\n        Len([aaaaaaaaaaaaaaa]) = "10",\n        "x",\n    )\n)'
    )


def test_deeply_nested_calls_are_broken_even_when_short() -> None:
    text = "Trim(ToLower(Trim(ToLower(Trim([a])))))"
    assert fmt(text).splitlines() == [
        "Trim(",
        "    ToLower(Trim(ToLower(Trim([a]))))",
        ")",
    ]
    assert fmt("Trim(ToLower(Trim(ToLower([a]))))") == "Trim(ToLower(Trim(ToLower([a]))))"


def test_minimal_string_escapes() -> None:
    assert literal("\\d+") == '"\\d+"'
    assert literal('a"b') == '"a\\"b"'
    assert literal("end\\") == '"end\\\\"'
    assert literal("\\\\") == '"\\\\\\\\"'
    assert literal("\\\n") == '"\\\\\n"'
    for value in ["\\d+", 'a"b', "end\\", "\\\\", '\\"', "\\\n", "x\\y\\"]:
        expr = parse_expression(literal(value))
        assert expr is not None and getattr(expr, "value", None) == value


def test_multi_line_strings_keep_their_text() -> None:
    text = 'Join("", "line one\n   line two", [a])'
    out = fmt(text, width=10)
    assert '"line one\n   line two"' in out
    assert parse_expression(out) == parse_expression(text)


def test_very_long_expression() -> None:
    parts = ", ".join(f'Replace([attr{i}], , "(?<x>\\d+)-{i}", "x", "", , )' for i in range(250))
    text = f'Join(",", {parts})'
    assert len(text) > 10_000
    started = time.perf_counter()
    out = fmt(text)
    assert time.perf_counter() - started < 20
    assert out.count("\n") == 252  # the name line, 251 slots, the ")"
    assert parse_expression(out) == parse_expression(text)
    assert fmt(out) == out
    assert fmt(out, compact=True) == compact(parse_expression(text), as_written=True)


@pytest.mark.parametrize("depth", [30, 200, 2000])
def test_deep_nesting_works_or_gives_a_clean_diagnostic(depth: int) -> None:
    text = "Trim(" * depth + "[a]" + ")" * depth
    out, diags = format_expression(text)
    if out is None:
        assert len(diags) == 1
        assert diags[0].code.value == "PROV001"
        assert "nested too deeply" in diags[0].message
    else:
        assert parse_expression(out) == parse_expression(text)
    if depth <= 30:
        assert out is not None


def test_readable_accepts_a_start_column() -> None:
    expr = parse_expression('Join(" ", [givenName], [surname])')
    assert readable(expr, width=40, column=0) == 'Join(" ", [givenName], [surname])'
    assert readable(expr, width=40, column=20).startswith("Join(\n")
