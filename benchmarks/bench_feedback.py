"""Benchmark of the feedback loop (issue #17): start-up, check, compile, compile scaling, rule
tests in many files, the memory of `prov upload --dry-run` and `prov run --apply`, each as a
ratio to its floor.

    python benchmarks/bench_feedback.py                  # about 5 minutes on a quiet 2-core machine
    python benchmarks/bench_feedback.py --repeat 9 --upload-users 100000 1000000
    python benchmarks/bench_feedback.py --only mappings scaling --repeat 9   # some rows only

Every row runs the measured command and its floor as separate processes (``.pyc`` files present),
taking turns (floor, command, command, floor, ...) so load from elsewhere falls on both alike, and
compares the medians. Times are wall-clock; the CPU time (user + system) of the same runs is
printed beside them, as it is steadier on a shared machine. Rows:

* ``prov --help`` against ``python -c "import click"``;
* ``prov check`` / ``prov compile`` of ``examples/contoso-hr`` against
  ``python -c "import textx, jinja2, jsonschema, click"``;
* ``prov compile`` of a generated job of 1,000 mappings against a bare textX parse of the same
  file with ``grammar/prov.tx`` (the project's metamodel settings, nothing else);
* compile scaling: the time of ``compile_paths`` itself (no start-up) for 10x the mappings;
* ``prov test`` of 300 tests in 30 files that ``import`` the job against the same tests in one file;
* ``prov upload --dry-run``: peak memory (the child's own ``VmHWM``) for 10x the users.

* ``prov run --apply`` of 100,000 synthetic workers (``--run-records``) against the cycle floor
  of ``benchmarks/bench_run.py`` (the least work any cycle must do, hand-written, for this one
  job; checked first to write the same log and directory as ``prov run`` over 20,000 records):
  both as ``bench_run.py`` runs them, each a whole process (start-up and compiling the job
  included) over a fresh directory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "prov.tx"
CONTOSO = ROOT / "examples" / "contoso-hr"
PY = sys.executable
HEX = "0123456789abcdef0123456789abcdef"

# ---- inputs --------------------------------------------------------------------------------------


def mappings_job(count: int) -> str:
    """A job of ``count`` mappings to directory extensions, four expression shapes in turn."""
    lines = [f'job "Scale {count}" {{', "    target entra", "    actions create, update", "}", ""]
    lines.append('extension "urn:ietf:params:scim:schemas:extension:contoso:1.0:User" as c {')
    lines += [f"    A{i}: string" for i in range(count)]
    lines += ["}", "", "match [externalId] -> employeeId", "", "scope {", '    group "Staff" {']
    lines += ['        [c:A0] EQUALS "Employee"', "    }", "}", "", "map {"]
    shapes = (
        "[c:A{i}]",
        'Join(" ", [name.givenName], [c:A{i}])',
        'IIF(IsPresent([c:A{i}]), ToLower([c:A{i}]), "none")',
        'Replace([c:A{i}], , "(?<x>[0-9]+)", "x", "", , )',
    )
    for i in range(count):
        lines.append(f"    extension_{HEX}_A{i} <- {shapes[i % 4].format(i=i)}")
    return "\n".join([*lines, "}", ""])


def test_files(root: Path, files: int, per_file: int) -> Path:
    """The contoso job (its own tests left out) and ``files`` test files that import it."""
    root.mkdir(parents=True)
    job = (CONTOSO / "contoso-hr.prov").read_text(encoding="utf-8")
    (root / "job.prov").write_text(job[: job.index('\ntest "')] + "\n", encoding="utf-8")
    case = """test "employee {i}" {{
    given user {{
        "externalId": "{n}",
        "userName": "u{i}@example.com",
        "active": true,
        "name": {{"givenName": "Given{i}", "familyName": "Family{i}"}},
        "urn:ietf:params:scim:schemas:extension:contoso:1.0:User": {{"WorkerType": "Employee"}}
    }}
    expect create group "Employees" {{
        displayName == "Given{i} Family{i}"
        jobTitle == "Staff"
    }}
}}
"""
    for f in range(files):
        tests = "\n".join(
            case.format(i=f * per_file + k, n=700000 + f * per_file + k) for k in range(per_file)
        )
        (root / f"tests{f:02d}.prov").write_text(f'import "job.prov"\n\n{tests}', encoding="utf-8")
    return root


def users_file(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            user = {
                "externalId": f"{100000 + i}",
                "userName": f"user{i}@contoso.com",
                "active": True,
                "name": {"givenName": f"Given{i}", "familyName": f"Family{i}"},
                "title": "Engineer",
            }
            out.write(json.dumps(user) + "\n")
    return path


# ---- measuring -----------------------------------------------------------------------------------

_PEAK = """
import sys
def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
sys.argv = ["prov", *sys.argv[1:]]
from syncrules.cli import main
try:
    main()
except SystemExit:
    pass
finally:
    print("@@peak", _peak(), file=sys.stderr)
"""

_COMPILE_ONLY = """
import sys, time
from syncrules.api import compile_paths
wall, cpu = time.perf_counter(), time.process_time()
result = compile_paths([sys.argv[1]], sys.argv[2])
print(time.perf_counter() - wall, time.process_time() - cpu, result.ok)
"""


def run(argv: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall and CPU seconds of one process, and its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}\n{stderr[-2000:]}")
    return wall, _cpu_of_last_child(), stderr


_children_cpu = [0.0]


def _cpu_of_last_child() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    spent, _children_cpu[0] = total - _children_cpu[0], total
    return spent


def compare(label: str, ours: list[str], floor: list[str], repeat: int, goal: float) -> dict:
    """Interleaved runs of ``ours`` and ``floor``; the ratio of the medians."""
    times: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
    for i in range(repeat):
        order = (
            (("floor", floor), ("ours", ours)) if i % 2 == 0 else (("ours", ours), ("floor", floor))
        )
        for name, argv in order:
            wall, cpu, _ = run(argv)
            times[name].append((wall, cpu))
    return _row(label, times, goal)


def _row(label: str, times: dict[str, list[tuple[float, float]]], goal: float) -> dict:
    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in times.items()
    }
    ratio = med["ours"][0] / med["floor"][0]
    cpu_ratio = med["ours"][1] / med["floor"][1]
    return {
        "what": label,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "goal": goal,
        "ours": med["ours"],
        "floor": med["floor"],
    }


def compile_scaling(work: Path, small: int, repeat: int, goal: float) -> dict:
    large = small * 10
    files = {}
    for n in (small, large):
        files[n] = work / f"scale{n}.prov"
        files[n].write_text(mappings_job(n), encoding="utf-8")
    times: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
    for i in range(repeat):
        for n in (small, large) if i % 2 == 0 else (large, small):
            proc = subprocess.run(
                [PY, "-c", _COMPILE_ONLY, str(files[n]), str(work / f"out{n}")],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            wall, cpu, ok = proc.stdout.split()
            assert ok == "True", proc.stdout + proc.stderr
            times["ours" if n == large else "floor"].append((float(wall), float(cpu)))
    return _row(f"`compile_paths` of {large:,} mappings / of {small:,}", times, goal)


def cycle(work: Path, records: int, repeat: int, goal: float) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_run

    job = work / "bench.prov"
    job.write_text(bench_run.JOB, encoding="utf-8")
    bench_run.check_floor(job, work)  # the floor writes what prov run writes, or no figures
    source = work / "cycle.jsonl"
    bench_run.write_input(source, records)
    script = str(ROOT / "benchmarks" / "bench_run.py")
    times: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
    for i in range(repeat):
        for name in ("floor", "ours") if i % 2 == 0 else ("ours", "floor"):
            db = work / f"cycle-{name}-{i}.sqlite"
            mode = "--child" if name == "ours" else "--floor"
            wall, cpu, _ = run([PY, script, mode, str(job), str(source), str(db)])
            times[name].append((wall, cpu))
            for leftover in work.glob(f"cycle-{name}-{i}.sqlite*"):
                leftover.unlink()
    source.unlink()
    return _row(f"`prov run --apply`, {records:,} workers / the cycle floor of bench_run.py",
                times, goal)


def upload_memory(work: Path, sizes: tuple[int, int], goal: float) -> dict:
    peaks = {}
    for n in sizes:
        source = users_file(work / f"users{n}.jsonl", n)
        out = work / f"payloads{n}"
        _, _, stderr = run(
            [PY, "-c", _PEAK, "upload", str(source), "--dry-run", "--out-dir", str(out)]
        )
        peaks[n] = int(stderr.rsplit("@@peak", 1)[1].split()[0])
        shutil.rmtree(out)
        source.unlink()
    small, large = sizes
    return {
        "what": f"`prov upload --dry-run` peak memory, {large:,} users / {small:,} users",
        "ratio": peaks[large] / peaks[small],
        "cpu_ratio": None,
        "goal": goal,
        "note": f"{peaks[large] / 1024:.0f} / {peaks[small] / 1024:.0f} MiB",
    }


ROWS = ("help", "check", "compile", "mappings", "scaling", "tests", "upload", "run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command (odd)")
    parser.add_argument("--mappings", type=int, default=1000, help="mappings of the compile row")
    parser.add_argument("--scale-from", type=int, default=300, help="compile scaling: N and 10N")
    parser.add_argument("--upload-users", type=int, nargs=2, default=(10_000, 100_000))
    parser.add_argument("--run-records", type=int, default=100_000, help="workers of the run row")
    parser.add_argument(
        "--only", nargs="+", choices=ROWS, default=ROWS, help="these rows only (default: all)"
    )
    args = parser.parse_args()
    only = set(args.only)
    prov = [PY, "-m", "syncrules"]
    imports = [PY, "-c", "import textx, jinja2, jsonschema, click"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-feedback-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [*prov, "compile", str(CONTOSO), "-o", str(work / "warm")],
            check=True,
            capture_output=True,
        )  # .pyc files present
        _cpu_of_last_child()
        if "help" in only:
            rows.append(
                compare(
                    '`prov --help` / `python -c "import click"`',
                    [*prov, "--help"],
                    [PY, "-c", "import click"],
                    args.repeat,
                    1.5,
                )
            )
        if "check" in only:
            rows.append(
                compare(
                    "`prov check examples/contoso-hr` / `import textx, jinja2, jsonschema, click`",
                    [*prov, "check", str(CONTOSO)],
                    imports,
                    args.repeat,
                    1.15,
                )
            )
        if "compile" in only:
            rows.append(
                compare(
                    "`prov compile examples/contoso-hr` / the same import floor",
                    [*prov, "compile", str(CONTOSO), "-o", str(work / "contoso")],
                    imports,
                    args.repeat,
                    1.6,
                )
            )
        if "mappings" in only:
            big = work / f"m{args.mappings}.prov"
            big.write_text(mappings_job(args.mappings), encoding="utf-8")
            bare = (
                "import sys\nfrom textx import metamodel_from_file\n"
                "from syncrules.frontend.grammar import WHITESPACE\n"
                f"mm = metamodel_from_file({str(GRAMMAR)!r}, autokwd=True, use_regexp_group=False,"
                " ws=WHITESPACE)\n"
                f"mm.model_from_file({str(big)!r})\n"
            )
            rows.append(
                compare(
                    f"`prov compile` of {args.mappings:,} mappings"
                    " / a bare textX parse of the same file",
                    [*prov, "compile", str(big), "-o", str(work / "big")],
                    [PY, "-c", bare],
                    max(3, args.repeat // 2),
                    1.6,
                )
            )
        if "scaling" in only:
            rows.append(compile_scaling(work, args.scale_from, max(3, args.repeat // 2), 10.5))
        if "tests" in only:
            many, one = test_files(work / "t30", 30, 10), work / "t1"
            one.mkdir()
            shutil.copy(many / "job.prov", one / "job.prov")
            merged = ['import "job.prov"\n']
            for f in sorted(many.glob("tests*.prov")):
                merged.append(f.read_text(encoding="utf-8").split("\n", 2)[2])
            (one / "tests.prov").write_text("\n".join(merged), encoding="utf-8")
            rows.append(
                compare(
                    "300 tests in 30 files that `import` the job / the same tests in one file",
                    [*prov, "test", str(many)],
                    [*prov, "test", str(one)],
                    max(3, args.repeat // 2),
                    1.3,
                )
            )
        if "upload" in only:
            rows.append(upload_memory(work, tuple(args.upload_users), 1.5))
        if "run" in only:
            rows.append(cycle(work, args.run_records, max(3, args.repeat // 2), 1.5))
    print("| what | ratio (wall) | ratio (CPU) | goal | |")
    print("|---|---:|---:|---:|---|")
    for row in rows:
        cpu = f"{row['cpu_ratio']:.2f}x" if row["cpu_ratio"] is not None else ""
        met = "met" if row["ratio"] <= row["goal"] else "**not met**"
        note = f" ({row['note']})" if "note" in row else ""
        print(f"| {row['what']} | {row['ratio']:.2f}x{note} | {cpu} | <= {row['goal']}x | {met} |")


if __name__ == "__main__":
    main()
