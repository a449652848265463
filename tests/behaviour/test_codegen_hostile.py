"""Generated code under hostile text: folder and file names, job and group names, constants,
defaults and URNs holding encoding directives, UTF-7 payloads, quotes, line breaks of every kind
and bytes that are not UTF-8. The written package must be read by Python as UTF-8 (its own first
line says so), every string must come back as the same value, and nothing may run on import or on
evaluation."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syncrules.api import check_paths, compile_paths
from syncrules.backends.python.emit import CODING_LINE, check_module_bytes
from syncrules.backends.python.load import load_evaluator
from syncrules.ir.expressions import escape


def _payload(marker: Path) -> str:
    """UTF-7 for `'` newline `import os; os.system("touch MARKER")` newline `x='`."""
    return (
        "+ACc-+AAo-import os+ADs-os.system(+ACI-touch "
        + str(marker)
        + "+ACI-)+AAo-x=+ACc-"
    )


#: Texts that have made, or could make, Python read generated code differently from what was meant.
HOSTILE_NAMES = [
    "coding:utf-7",
    "-*- coding: utf-7 -*-",
    "vim: set fileencoding=utf-7 :",
    "coding=latin-1",
    "\ufeffcoding:utf-16",
    "a\x0cb coding:utf-7",
    "triple '''\"\"\" \\",
]


def _prov(name: str, constant: str) -> str:
    return (
        f"job {escape(name)} {{\n    target entra\n    actions create, update\n}}\n"
        "match [externalId] -> employeeId\n"
        f"scope {{\n    group {escape(name)} {{\n        [userType] NOT EQUALS {escape(constant)}\n"
        "    }\n}\n"
        "map {\n"
        f"    displayName <- {escape(constant)}\n"
        f"    jobTitle <- [title] default {escape(name)}\n"
        "}\n"
    )


def _import_script(packages: list[tuple[str, str, str]]) -> str:
    """Import each written package from disk in a fresh interpreter and print what it evaluates."""
    return (
        "import importlib, json, sys\n"
        f"cases = {packages!r}\n"
        "out = []\n"
        "for folder, package, _ in cases:\n"
        "    sys.path.insert(0, folder)\n"
        "    job = importlib.import_module(package)\n"
        "    o = job.evaluate({'externalId': '1', 'userType': 'Employee'})\n"
        "    out.append([job.JOB.name, o.values['displayName'], o.values['jobTitle']])\n"
        "    sys.path.pop(0)\n"
        "print(json.dumps(out))\n"
    )


def test_hostile_folder_and_file_names_never_become_code(tmp_path: Path) -> None:
    """The reported attack: a folder named `coding:utf-7` and a constant holding `+ACc-`."""
    marker = tmp_path / "pwned"
    constant = _payload(marker)
    cases = []
    for n, name in enumerate(HOSTILE_NAMES):
        folder = tmp_path / f"{n} {name.replace('/', '_')}"
        folder.mkdir()
        prov = folder / f"{name} {n}.prov"
        prov.write_text(_prov(f"job{n} {name}", constant), encoding="utf-8")
        out = tmp_path / f"out{n}"
        result = compile_paths([prov], out, ("python",))
        assert result.ok, [d.message for d in result.diagnostics]
        [package] = [p for p in out.iterdir() if p.is_dir()]
        for module in package.rglob("*.py"):
            data = module.read_bytes()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            assert encoding == "utf-8", module
            if module.parent == package:
                assert data.startswith(CODING_LINE.encode())
                assert str(prov.name).encode() not in data.split(b"\n", 2)[1]
        importable = tmp_path / f"pkg{n}"
        importable.mkdir()
        package.rename(importable / f"hostile{n}")
        cases.append((str(importable), f"hostile{n}", f"job{n} {name}"))
    done = subprocess.run(
        [sys.executable, "-c", _import_script(cases)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert json.loads(done.stdout) == [[job, constant, job] for _, _, job in cases]


def test_a_path_that_is_not_utf8_is_escaped_in_the_header(tmp_path: Path) -> None:
    if sys.platform == "darwin":  # pragma: no cover - APFS refuses such names
        pytest.skip("the file system refuses names that are not UTF-8")
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/\xff coding:utf-7"))
    folder.mkdir()
    (folder / "job.prov").write_text(_prov("J", "+ACc-"), encoding="utf-8")
    out = tmp_path / "out"
    result = compile_paths([folder], out, ("python",))
    assert result.ok, [d.message for d in result.diagnostics]
    text = (out / "j" / "evaluator.py").read_bytes().decode("utf-8")
    assert text.startswith(CODING_LINE) and "\\udcff coding:utf-7" in text


def test_the_bytes_check_refuses_a_module_python_would_read_otherwise() -> None:
    utf7 = "# coding: utf-7\nx = '+ACc-'\n"
    assert check_module_bytes(utf7, "m.py") == (
        "1: the module does not start with its encoding declaration"
    )
    assert check_module_bytes(CODING_LINE + "x = '\udcff'\n", "m.py").startswith("2: text that")
    assert check_module_bytes(CODING_LINE + "x = (\n", "m.py") is not None
    assert check_module_bytes(CODING_LINE + "x = 1\n", "m.py") is None


_hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [*HOSTILE_NAMES, "+ACc-+AAo-", "\u2028\u2029\x85", "\r\n\r", "\x00", "{{ x }}"]
    ),
).map(lambda s: s.replace("\x00", "").replace("\r", ""))


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_hostile_text, constant=_hostile_text)
def test_fuzzed_texts_in_every_position_stay_data(
    tmp_path_factory: pytest.TempPathFactory, name: str, constant: str
) -> None:
    """Job name, group name, scoping operand, mapping constant and default, in memory, read back
    through the same bytes check as written packages."""
    folder = tmp_path_factory.mktemp("fuzz")
    prov = folder / "job.prov"
    prov.write_text(_prov("J " + name, constant), encoding="utf-8", errors="surrogatepass")
    checked = check_paths([prov])
    if not checked.ok:
        # some texts are not valid `.prov` strings (lone surrogates, for example): a diagnostic,
        # never generated code
        assert all(d.code.value.startswith("PROV") for d in checked.diagnostics)
        return
    [job] = checked.jobs
    module = load_evaluator(job)
    assert module.JOB.name == "J " + name
    outcome = module.evaluate({"externalId": "1", "userType": constant + "x"})
    assert outcome.values["displayName"] == constant
    assert outcome.scope.group == "J " + name
