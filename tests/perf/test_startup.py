"""Start-up: `prov --help`, `--version` and completing a command name import no command module
and none of the heavy libraries; the lazy command table agrees with the commands it loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.commands import COMMANDS, load_command

#: Libraries only some commands need; none of them may load for help, version or completion.
HEAVY = (
    "regex",
    "orjson",
    "sqlite3",
    "textx",
    "jinja2",
    "jsonschema",
    "httpx",
    "rich",
    "syncrules.api",
    "syncrules.commands.run_cmd",
    "syncrules.graph",
    "syncrules.run",
    "syncrules.runtime",
)

_PROBE = """
import json, sys
from syncrules.cli import main
try:
    main(sys.argv[1:], prog_name="prov")
except SystemExit:
    pass
sys.stdout.flush()
print("\\n@@" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(args: list[str], env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )
    marker = proc.stderr.rindex("\n@@")
    return proc.stdout, set(json.loads(proc.stderr[marker + 3 :]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"], []])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    output, modules = _modules_after(args)
    assert output or not args  # it did print the help or the version (bare `prov`: usage)
    assert _heavy(modules) == []


def test_completing_a_command_name_imports_nothing_heavy() -> None:
    env = {"_PROV_COMPLETE": "bash_complete", "COMP_WORDS": "prov r", "COMP_CWORD": "1"}
    output, modules = _modules_after([], env)
    assert output.split() == ["plain,run"]
    assert _heavy(modules) == []


def test_a_command_loads_only_its_own_module() -> None:
    _, modules = _modules_after(["fmt", "--help"])
    assert "syncrules.commands.fmt_cmd" in modules
    assert "syncrules.commands.run_cmd" not in modules
    assert "syncrules.graph.commands" not in modules


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_line_is_the_commands_own_help(name: str) -> None:
    command = load_command(name)
    assert isinstance(command, click.Command)
    assert command.name == name
    stand_in = click.Command(name, help=COMMANDS[name][1])
    for limit in (30, 45, 80, 200):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].split()
    for name in [*COMMANDS, "check", "compile", "explain", "schema"]:
        assert name in listed


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2 and "No such command" in result.output
