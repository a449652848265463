"""The Graph commands fail as the rest of `prov` does: the exit codes of ``syncrules.output`` (no
module defines its own), ``error: ...`` for a missing input, and the same internal-error banner."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from graph_support import users, write_jsonl

import syncrules.api
from syncrules import output
from syncrules.cli import main
from syncrules.graph import commands, deploy, session

SRC = Path(__file__).resolve().parents[2] / "src" / "syncrules"
RULES = Path(__file__).resolve().parents[2] / "tests/cases/valid/appendix/01_contoso_hr/input.prov"
ENV = {"PROV_ACCESS_TOKEN": "not-a-real-token", "PROV_GRAPH_URL": "http://127.0.0.1:9/v1.0",
       "PROV_SERVICE_PRINCIPAL_ID": "sp", "PROV_JOB_ID": "job"}


def _prov(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=ENV)


def test_exit_codes_are_defined_once() -> None:
    """Only ``syncrules.output`` gives an ``EXIT_*`` name a number; the others import it."""
    defined = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.Tuple):
                names = [t for target in node.targets
                         for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
                if any(isinstance(n, ast.Name) and n.id.startswith("EXIT_") for n in names):
                    defined.append(str(path.relative_to(SRC)))
    assert defined and set(defined) == {"output.py"}
    assert (session.EXIT_OK, session.EXIT_FAILED, session.EXIT_USAGE) == (0, 1, 2)
    assert commands.EXIT_INTERNAL is output.EXIT_INTERNAL and deploy.EXIT_CHANGED == 2


def test_no_command_exits_with_a_bare_number() -> None:
    """``sys.exit(1)`` hides which documented code is meant: commands use the EXIT_* names."""
    bare = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "exit"  # sys.exit, ctx.exit
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, int)
            ):
                bare.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bare == []


def test_a_missing_input_file_is_reported_as_prov_run_reports_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    ran = _prov("run", str(RULES), "--input", str(missing))
    graph = _prov("upload", str(missing), "--dry-run")
    assert ran.exit_code == graph.exit_code == output.EXIT_ERRORS
    assert ran.stderr == graph.stderr == f"error: cannot read {missing}: no such file\n"


@pytest.mark.parametrize("command", [
    ["deploy", "{missing}", "--dry-run"],
    ["pull", "--prov", "{missing}"],
    ["upload", "--prov", "{missing}", "{users}", "--dry-run"],
])
def test_a_missing_rules_file_is_reported_as_prov_run_reports_it(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "missing.prov"
    users_file = write_jsonl(tmp_path / "users.jsonl", users(1))
    ran = _prov("run", str(missing), "--input", str(users_file))
    graph = _prov(*(a.format(missing=missing, users=users_file) for a in command))
    assert ran.exit_code == graph.exit_code == output.EXIT_ERRORS
    first = ran.stderr.splitlines()[0]
    assert "error[PROV002]: cannot read" in first and "no such file" in first
    assert graph.stderr.splitlines()[0] == first


def test_a_folder_is_not_an_input_file(tmp_path: Path) -> None:
    for args in (["upload", str(tmp_path), "--dry-run"], ["deploy", str(tmp_path), "--dry-run"]):
        result = _prov(*args)
        assert result.exit_code == output.EXIT_ERRORS
        assert result.stderr.startswith(f"error: cannot read {tmp_path}: it is a folder")


def test_a_usage_error_is_clicks_exit_2() -> None:
    for args in (["upload"], ["upload", "x.jsonl", "--batch-size", "51"], ["deploy", "--nope"]):
        result = _prov(*args)
        assert result.exit_code == output.EXIT_USAGE and "Usage: " in result.stderr


def test_an_internal_error_has_the_same_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(syncrules.api, "check_paths", boom)
    monkeypatch.setattr(commands, "iter_records", boom)
    checked = _prov("check", str(RULES))
    uploaded = _prov("upload", str(write_jsonl(tmp_path / "u.jsonl", users(1))), "--dry-run")
    assert checked.exit_code == uploaded.exit_code == output.EXIT_INTERNAL
    assert checked.stderr == uploaded.stderr
    banner = "error[PROV901]: internal error: RuntimeError: simulated bug\n"
    assert checked.stderr.startswith(banner)
    assert "this is a bug" in checked.stderr and "--debug" in checked.stderr
    debug = _prov("--debug", "upload", str(tmp_path / "u.jsonl"), "--dry-run")
    assert debug.exit_code == output.EXIT_INTERNAL and "Traceback" in debug.stderr
