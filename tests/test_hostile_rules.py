"""Hostile `.prov` files and values for `prov check`, `prov test` and `prov eval`: an import of a
file that is not `.prov` (never read, never echoed), a regular expression whose counted
repetitions would take gigabytes to compile, integers past Python's 4,300-digit limit, and a
Replace that multiplies its input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncrules.cli import main
from syncrules.runtime.regexes import MAX_PATTERN_COST, pattern_cost, validate_pattern

JOB = """job "J" {
    target entra
    actions create, update
}
match [externalId] -> employeeId
"""


def _capped_address_space():  # type: ignore[no-untyped-def]
    """A context capping this process's address space at its current size + 2 GiB, where the
    platform can (Linux): a regression then fails with MemoryError instead of swapping."""
    import contextlib

    @contextlib.contextmanager
    def cap():  # type: ignore[no-untyped-def]
        try:
            import resource

            with open("/proc/self/statm", encoding="ascii") as handle:
                size = int(handle.read().split()[0]) * resource.getpagesize()
        except (ImportError, OSError):
            yield
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + 2 * 1024**3
        if soft != resource.RLIM_INFINITY:
            limit = min(limit, soft)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            yield
        finally:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    return cap()


def _prov(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout + result.stderr


def test_an_import_of_another_kind_of_file_is_never_read(tmp_path: Path) -> None:
    secret = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SECRET"
    (tmp_path / "token.txt").write_text(secret + "\nmore\n", encoding="utf-8")
    (tmp_path / "job.prov").write_text(
        'import "token.txt"\n' + JOB + "map {\n    displayName <- [displayName]\n}\n",
        encoding="utf-8",
    )
    for fmt in ("text", "json", "sarif"):
        code, shown = _prov("check", str(tmp_path), "--format", fmt)
        assert code == 1
        assert secret not in shown and "SECRET" not in shown
        assert "an import must name a .prov file" in shown


@pytest.mark.parametrize(
    "pattern",
    ["(?:(?:a{1000}){1000}){1000}", "(a{1000}){1000}", "(?:[ab]{99999}){99999}", r"(\d{500}){500}"],
)
def test_a_regex_too_costly_to_compile_is_refused_at_check(tmp_path: Path, pattern: str) -> None:
    # a regression would compile it: cap the address space so it fails fast, not the machine
    with _capped_address_space():
        (tmp_path / "job.prov").write_text(
            JOB + f'scope {{\n    group "G" {{\n        [displayName] REGEX MATCH "{pattern}"\n'
            "    }\n}\n"
            f'map {{\n    displayName <- Replace([displayName], , "{pattern}", , "x", , )\n}}\n',
            encoding="utf-8",
        )
        code, shown = _prov("check", str(tmp_path / "job.prov"))
    assert code == 1
    assert "error[PROV306]" in shown and "error[PROV203]" in shown
    assert "is too costly to compile" in shown


def test_pattern_cost_counts_nested_repetitions() -> None:
    assert pattern_cost("abc") == 3
    assert pattern_cost(r"\d{3}-\d{4}") == 8
    assert pattern_cost("(?:a{10}){10}") > 100
    assert pattern_cost("[a-z]{2,5}") == 5
    assert pattern_cost("x{,5}") == 5
    assert pattern_cost("a{1001}{1000}") > MAX_PATTERN_COST
    assert validate_pattern("^(?<Suffix>@(.)*)$") is None
    assert validate_pattern("a{60000}") is None  # large, but cheap: allowed


def test_a_huge_integer_in_a_test_block_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "job.prov").write_text(
        JOB + "map {\n    displayName <- [displayName]\n}\n"
        'test "t" {\n    given user { "externalId": "1", "n": ' + "9" * 5000 + " }\n"
        "    expect create\n}\n",
        encoding="utf-8",
    )
    for command in ("check", "test"):
        code, shown = _prov(command, str(tmp_path / "job.prov"))
        assert code == 1, shown
        assert "a number of 5000 digits is too long to read" in shown


def test_a_huge_integer_given_to_eval_is_a_bad_value(tmp_path: Path) -> None:
    (tmp_path / "in.json").write_text('{"n": ' + "9" * 5000 + "}", encoding="utf-8")
    code, shown = _prov("eval", "[n]", "--input", f"@{tmp_path / 'in.json'}")
    assert code == 2
    assert "an integer of 5000 digits is too long to read" in shown


def test_a_multiplying_replace_fails_in_eval(tmp_path: Path) -> None:
    user = json.dumps({"nickName": "d" * 20_000})
    code, shown = _prov("eval", 'Replace([nickName], , "(.)", , "$_$_", , )', "--input", user)
    assert code == 1, shown
    assert "value-too-long" in shown or "longer than any target attribute holds" in shown
