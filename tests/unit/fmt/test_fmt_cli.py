"""`prov fmt` through click's CliRunner: exit codes, stdout vs stderr, files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from tests.unit.fmt.test_syntax_hints import BROKEN

MESSY = 'job "x" {target entra}\nmatch [externalId]->employeeId\nmap{ a <- join(" ",[b]) }\n'
TIDY = (
    'job "x" {\n    target entra\n}\n\nmatch [externalId] -> employeeId\n\n'
    'map {\n    a <- Join(" ", [b])\n}\n'
)


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["fmt", *args], input=stdin)


def test_expression_readable_and_compact() -> None:
    result = run("--expression", 'iif(isPresent([a]),[a],"x",)')
    assert result.exit_code == 0
    assert result.stdout == 'IIF(IsPresent([a]), [a], "x", )\n'
    long_one = "Join(" + ", ".join(f"[attribute{i}]" for i in range(12)) + ")"
    result = run("-e", long_one)
    assert result.exit_code == 0 and result.stdout.startswith("Join(\n    [attribute0],\n")
    result = run("-e", "Join(\n  [a],\n  [b]\n)", "--compact")
    assert result.exit_code == 0 and result.stdout == "Join([a], [b])\n"


def test_expression_from_stdin() -> None:
    result = run("-e", "-", stdin='Replace([x],,"\\+",,"",,)\n')
    assert result.exit_code == 0
    assert result.stdout == 'Replace([x], , "\\+", , "", , )\n'
    result = run("-e", "-", "--compact", stdin='Replace([x],,"\\+",,"",,)')
    assert result.stdout == 'Replace([x], , "\\+", , "", , )\n'  # spelled as written


@pytest.mark.parametrize(("text", "line", "col", "hint"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_expression_exit_1_with_position_and_hint(
    text: str, line: int, col: int, hint: str
) -> None:
    result = run("-e", text)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"<expression>:{line}:{col}: error[PROV001]" in result.stderr
    assert hint in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_expression_from_stdin() -> None:
    result = run("-e", "-", stdin='Join(" ", [a]\n')
    assert result.exit_code == 1
    assert "<expression>:2:1: error[PROV001]" in result.stderr
    assert "'(' opened at 1:5 is never closed" in result.stderr


def test_too_deep_is_a_diagnostic_not_a_traceback() -> None:
    result = run("-e", "Trim(" * 200 + "[a]" + ")" * 200)
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert "nested too deeply" in result.stderr
    assert "Traceback" not in result.stderr and "PROV901" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["-e", "[a]", "rules.prov"],
        ["-e", "[a]", "--check"],
        ["-e", "[a]", "--diff"],
        ["--compact", "x.prov"],
    ],
)
def test_usage_errors(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2


def test_rewrites_only_changed_files(tmp_path: Path) -> None:
    messy = tmp_path / "messy.prov"
    tidy = tmp_path / "tidy.prov"
    messy.write_text(MESSY, encoding="utf-8")
    tidy.write_text(TIDY, encoding="utf-8")
    before = tidy.stat().st_mtime_ns
    result = run(str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert messy.read_text(encoding="utf-8") == TIDY
    assert tidy.stat().st_mtime_ns == before
    assert "reformatted" in result.stderr and "messy.prov" in result.stderr
    assert "1 file reformatted, 1 file left unchanged." in result.stderr
    assert run(str(tmp_path)).exit_code == 0


def test_check_and_diff_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.prov"
    path.write_text(MESSY, encoding="utf-8")
    result = run("--check", str(path))
    assert result.exit_code == 1
    assert "would reformat" in result.stderr and "messy.prov" in result.stderr
    assert result.stdout == ""
    result = run("--diff", str(path))
    assert result.exit_code == 0
    assert '-map{ a <- join(" ",[b]) }' in result.stdout
    assert '+    a <- Join(" ", [b])' in result.stdout
    result = run("--check", "--diff", str(path))
    assert result.exit_code == 1 and result.stdout.startswith("---")
    assert path.read_text(encoding="utf-8") == MESSY
    path.write_text(TIDY, encoding="utf-8")
    result = run("--check", str(path))
    assert result.exit_code == 0 and result.stdout == ""


def test_syntax_error_file_is_reported_and_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.prov"
    good = tmp_path / "good.prov"
    bad.write_text('job "x" {target entra}\nmap { a <- Join(" ", [b] }\n', encoding="utf-8")
    good.write_text(MESSY, encoding="utf-8")
    result = run(str(bad), str(good))
    assert result.exit_code == 1
    assert "bad.prov:2:" in result.stderr and "error[PROV001]" in result.stderr
    assert bad.read_text(encoding="utf-8").startswith('job "x" {target entra}')
    assert good.read_text(encoding="utf-8") == TIDY
    assert "1 file failed" in result.stderr


def test_missing_file_and_crlf(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.prov"))
    assert result.exit_code == 1 and "PROV002" in result.stderr
    crlf = tmp_path / "crlf.prov"
    crlf.write_bytes(MESSY.replace("\n", "\r\n").encode("utf-8"))
    assert run(str(crlf)).exit_code == 0
    assert crlf.read_bytes() == TIDY.replace("\n", "\r\n").encode("utf-8")
    assert run("--check", str(crlf)).exit_code == 0


def test_rewrite_is_atomic_and_keeps_permissions(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    messy = tmp_path / "messy.prov"
    messy.write_text(MESSY, encoding="utf-8")
    messy.chmod(0o640)
    assert run(str(messy)).exit_code == 0
    assert messy.read_text(encoding="utf-8") == TIDY
    assert messy.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.prov"]
    # a failure while replacing leaves the original untouched and no temporary file behind
    messy.write_text(MESSY, encoding="utf-8")

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = run(str(messy))
    assert result.exit_code == 1
    assert messy.read_text(encoding="utf-8") == MESSY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.prov"]
