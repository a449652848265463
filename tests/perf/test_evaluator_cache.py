"""Each job's evaluator is built once per process, however many files import the job: `prov test`,
fixtures and the pytest plugin share it (cached by a hash of the content it is made from)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from syncrules.api import check_paths
from syncrules.backends.python import load
from syncrules.cli import main
from syncrules.diagnostics import DiagnosticBag
from syncrules.frontend.parse import parse_source
from syncrules.source import SourceFile
from syncrules.testing.runner import run_tests

JOB = """job "{name}" {{
    target entra
    actions create, update
}}

match [externalId] -> employeeId

map {{
    displayName <- Join(" ", [name.givenName], [name.familyName])
    jobTitle    <- [title]  default "Staff"
}}
"""

TEST = """test "worker {i}" {{
    given user {{ "externalId": "{i}", "name": {{"givenName": "G{i}", "familyName": "F{i}"}} }}
    expect create {{
        displayName == "G{i} F{i}"
        jobTitle == "Staff"
    }}
}}
"""


def _rules(root: Path, files: int, per_file: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "job.prov").write_text(JOB.format(name=f"Cache {root.name}"), encoding="utf-8")
    for f in range(files):
        tests = "\n".join(TEST.format(i=f * per_file + k) for k in range(per_file))
        (root / f"t{f:02d}.prov").write_text(f'import "job.prov"\n\n{tests}', encoding="utf-8")
    return root


def test_prov_test_builds_the_evaluator_once_for_thirty_importing_files(tmp_path: Path) -> None:
    root = _rules(tmp_path / "thirty", files=30, per_file=3)
    before = load.builds
    report = run_tests([root])
    assert [r.status for r in report.results] == ["passed"] * 90
    assert len({id(j) for j in report.check.jobs}) == 31  # a Job per file...
    assert load.builds - before == 1  # ...and one evaluator


def test_coverage_builds_one_instrumented_evaluator(tmp_path: Path) -> None:
    root = _rules(tmp_path / "covered", files=5, per_file=2)
    before = load.builds
    result = CliRunner().invoke(main, ["test", str(root), "--coverage"])
    assert result.exit_code == 0, result.output
    assert load.builds - before == 1


def test_the_same_content_is_the_same_module_and_other_content_is_not(tmp_path: Path) -> None:
    root = _rules(tmp_path / "same", files=2, per_file=1)
    jobs = check_paths([root / "t00.prov", root / "t01.prov"]).jobs
    assert len(jobs) == 2 and jobs[0] is not jobs[1]
    first = load.load_evaluator(jobs[0])
    assert load.load_evaluator(jobs[1]) is first
    assert load.load_evaluator(jobs[0], instrument=True) is not first

    changed = tmp_path / "changed"
    changed.mkdir()
    text = JOB.format(name=f"Cache {root.name}")
    (changed / "job.prov").write_text(text.replace('"Staff"', '"Team"'), encoding="utf-8")
    other = load.load_evaluator(check_paths([changed / "job.prov"]).jobs[0])
    assert other is not first
    user = {"externalId": "1", "name": {"givenName": "A", "familyName": "B"}}
    assert first.evaluate(user).values["jobTitle"] == "Staff"
    assert other.evaluate(user).values["jobTitle"] == "Team"


def test_a_mapping_moved_to_another_line_is_another_evaluator(tmp_path: Path) -> None:
    # positions are in the generated comments, failure messages and coverage probes
    text = JOB.format(name=f"Cache {tmp_path.name}")
    (tmp_path / "a.prov").write_text(text, encoding="utf-8")
    (tmp_path / "b.prov").write_text(text.replace("map {", "\nmap {"), encoding="utf-8")
    a, b = (check_paths([tmp_path / n]).jobs[0] for n in ("a.prov", "b.prov"))
    assert a == b  # the IR compares equal without spans
    assert load.evaluator_key(a) != load.evaluator_key(b)


def test_parsing_the_same_text_twice_reuses_the_model() -> None:
    text = JOB.format(name="Parsed once")
    first = parse_source(SourceFile("rules/p.prov", text), DiagnosticBag())
    assert first is not None
    assert parse_source(SourceFile("rules/p.prov", text), DiagnosticBag()) is first
    assert parse_source(SourceFile("rules/q.prov", text), DiagnosticBag()) is not first
    edited = text.replace("Staff", "Team")
    assert parse_source(SourceFile("rules/p.prov", edited), DiagnosticBag()) is not first


def test_a_syntax_error_is_reported_every_time() -> None:
    source = SourceFile("rules/bad.prov", 'job "x" {')
    for _ in range(2):
        bag = DiagnosticBag()
        assert parse_source(source, bag) is None
        assert [d.code.value for d in bag.items] == ["PROV001"]


CONFTEST = """
from pathlib import Path

from syncrules.backends.python import load


def pytest_sessionfinish(session):
    Path("builds.txt").write_text(str(load.builds))
"""


def test_the_pytest_plugin_builds_the_evaluator_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = _rules(tmp_path / "repo", files=6, per_file=2)
    (root / "pytest.ini").write_text("[pytest]\nprov_tests = true\n", encoding="utf-8")
    (root / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "12 passed" in proc.stdout
    assert (root / "builds.txt").read_text() == "1"
