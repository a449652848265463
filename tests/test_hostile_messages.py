"""Issue #18's messages and exit codes: hostile input gives one clear message, with a location,
worded the same by every command, the documented exit code and never an internal error.

Each test names the finding it guards: the command, the input, and what it did before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from syncrules.cli import main
from syncrules.source import display_path
from tests.conftest import ROOT

CONTOSO = ROOT / "examples" / "contoso-hr" / "contoso-hr.prov"
RULES = """job "M" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
map {
    displayName <- DISPLAY
}
"""
SP = ["--service-principal", "11111111-2222-3333-4444-555555555555", "--job", "j.1"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _no_bug(result: Result) -> str:
    text = result.output + result.stderr
    assert result.exit_code != 3 and "PROV901" not in text and "Traceback" not in text, text
    return text


def _rules(tmp_path: Path, display: str = "[displayName]", name: str = "m.prov") -> Path:
    path = tmp_path / name
    path.write_text(RULES.replace("DISPLAY", display), encoding="utf-8")
    return path


def _lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# ---- expressions: numbers that cannot be read, regular expressions ---------------------------


@pytest.mark.parametrize(
    "literal, message",
    [
        ("9" * 5000, "a number of 5000 digits is too long to read (at most 4300 digits)"),
        ("9" * 400 + ".5", "is past the range of a double"),
    ],
)
def test_a_number_literal_that_cannot_be_read_is_diagnosed(
    runner: CliRunner, tmp_path: Path, literal: str, message: str
) -> None:
    """check passed these; compile, run and eval stopped with an internal error (exit 3)."""
    rules = _rules(tmp_path, f'Left("abc", {literal})')
    users = _lines(tmp_path / "u.jsonl", '{"externalId": "1", "displayName": "x"}')
    commands = [
        ["check", str(rules)],
        ["compile", str(rules), "-o", str(tmp_path / "out")],
        ["run", str(rules), "--input", str(users)],
        ["eval", f'Left("abc", {literal})'],
    ]
    for args in commands:
        result = runner.invoke(main, args)
        text = _no_bug(result)
        assert result.exit_code == 1, (args, text)
        assert "error[PROV001]" in result.stderr and message in result.stderr, (args, text)


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 400 + ".5"])
def test_a_record_number_that_cannot_be_read_fails_alone(
    runner: CliRunner, tmp_path: Path, value: str
) -> None:
    """A record whose text is a number too long for a whole number, used where one is needed
    (Left's length), stopped the whole run with an internal error (exit 3)."""
    rules = _rules(tmp_path, 'Left("abc", [displayName])')
    users = _lines(
        tmp_path / "u.jsonl",
        json.dumps({"externalId": "1", "displayName": value}),
        json.dumps({"externalId": "2", "displayName": "2"}),
    )
    result = runner.invoke(main, ["run", str(rules), "--input", str(users), "--format", "json"])
    _no_bug(result)
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["provisioningStatusInfo"]["status"] for r in records] == ["failure", "success"]
    reason = json.dumps(records[0]["provisioningStatusInfo"]["errorInformation"])
    assert "Left NumChars is past the range of a number" in reason
    evaluated = runner.invoke(
        main, ["eval", 'Left("abc", [a])', "--input", json.dumps({"a": value})]
    )
    _no_bug(evaluated)
    assert evaluated.exit_code == 1
    assert "Left NumChars is past the range of a number" in evaluated.stderr


def test_a_regular_expression_message_says_so_once(runner: CliRunner) -> None:
    result = runner.invoke(main, ["eval", 'Replace([a], , "(", , "x", , )'])
    assert "invalid regular expression: '(': " in result.stderr
    assert "invalid regular expression: invalid regular expression" not in result.stderr
