"""Benchmark of `prov lsp`: how long after a change a 500-line job's diagnostics and inlay hints
(live values) arrive.

    python benchmarks/bench_lsp.py                 # 500 lines, 30 changes
    python benchmarks/bench_lsp.py --lines 1000 --changes 50

It writes a generated job of about N lines (a job block, an extension, scoping groups, mappings
with multi-line Switch and Join expressions, a CSV block, tests) to a temporary folder, starts
`prov lsp` as a subprocess over stdio (the same client the tests use), opens the file, and then,
for each change (an edit of one mapping's string constant, alternating with a typo that makes
PROV101 appear and disappear), measures:

* diagnostics: from sending ``textDocument/didChange`` to receiving the
  ``textDocument/publishDiagnostics`` for that version (this includes the server's debounce);
* inlay hints: from sending the change to the answer of ``textDocument/inlayHint`` over the
  whole document, sent right after the change (the server analyses the new text on demand);
* hover and completion on the changed document, for reference.

Prints the median, 90th percentile and maximum of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

_TARGETS = [
    "businessPhones",
    "city",
    "companyName",
    "country",
    "department",
    "employeeType",
    "extensionAttribute1",
    "extensionAttribute2",
    "extensionAttribute3",
    "extensionAttribute4",
    "extensionAttribute5",
    "extensionAttribute6",
    "extensionAttribute7",
    "extensionAttribute8",
    "extensionAttribute9",
    "extensionAttribute10",
    "extensionAttribute11",
    "extensionAttribute12",
    "extensionAttribute13",
    "extensionAttribute14",
    "extensionAttribute15",
    "faxNumber",
    "jobTitle",
    "mobilePhone",
    "officeLocation",
    "postalCode",
    "preferredLanguage",
    "state",
    "streetAddress",
    "telephoneNumber",
    "usageLocation",
]


def generate_job(lines: int = 500) -> str:
    """A realistic job of about ``lines`` lines (deterministic)."""
    out = [
        "// generated for benchmarks/bench_lsp.py",
        'job "Benchmark HR to Entra ID" {',
        "    target entra",
        "    actions create, update",
        "}",
        "",
        'extension "urn:ietf:params:scim:schemas:extension:bench:1.0:User" as bench {',
    ]
    out += [f"    Field{i}: string" for i in range(40)]
    out += ["    Skills: string[]", "}", "", "match [externalId] -> employeeId", "", "scope {"]
    for g in range(8):
        out += [
            f'    group "Group {g}" {{',
            f'        [bench:Field{g}] EQUALS "Value {g}"',
            f"        [bench:Field{g + 10}] IS NOT NULL",
            "    }",
        ]
    out += ["}", "", "map {"]
    out += [
        "    accountEnabled    <- [active]",
        "    givenName         <- [name.givenName]",
        "    surname           <- [name.familyName]",
        '    displayName       <- Join(" ", [name.givenName], [name.familyName])',
        '    userPrincipalName <- Join("", Replace([userName], , "(?<Suffix>@(.)*)", "Suffix", '
        '"", , ), "@contoso.com")  on create',
    ]
    for i, target in enumerate(_TARGETS):
        if i % 3 == 0:
            out.append(f"    {target} <- Switch(")
            out.append(f"        [bench:Field{i}],")
            out.append(f'        "default {i}",')
            out += [f'        "key {k}", "value {k}",' for k in range(6)]
            out.append('        "key 6", "value 6"')
            out.append("    )")
        elif i % 3 == 1:
            out.append(
                f"    {target} <- IIF(IsPresent([bench:Field{i}]), ToUpper([bench:Field{i}]), "
                f'"none")  default "x"'
            )
        else:
            out.append(f'    {target} <- Join("-", [bench:Field{i}], [title], "{i}")')
    out += ["}", "", "source csv {"]
    out += [f"    bench:Field{i} <- [Column{i}]" for i in range(20)]
    out += ["    externalId <- [WorkerID]", "}", ""]
    n = 0
    while len(out) < lines - 14:
        out += [
            f'test "worker {n}" {{',
            "    given user {",
            f'        "externalId": "{1000 + n}",',
            f'        "userName": "user{n}@example.com",',
            '        "active": true,',
            f'        "name": {{"givenName": "Given{n}", "familyName": "Family{n}"}},',
            '        "urn:ietf:params:scim:schemas:extension:bench:1.0:User": {',
            f'            "Field0": "Value 0", "Field10": "x{n}", "Field3": "key {n % 7}"',
            "        }",
            "    }",
            '    expect create group "Group 0" {',
            f'        displayName == "Given{n} Family{n}"',
            "    }",
            "}",
        ]
        n += 1
    return "\n".join(out) + "\n"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args(argv)

    from syncrules.lsp.client import StdioClient

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.prov"
        text = generate_job(args.lines)
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        lines = text.splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith("    displayName"))
        n_lines = len(lines)
        timings: dict[str, list[float]] = {
            "diagnostics": [],
            "inlay hints": [],
            "hover": [],
            "completion": [],
        }
        with StdioClient.start([sys.executable, "-m", "syncrules", "lsp"], cwd=tmp) as client:
            client.initialize(Path(tmp).as_uri())
            client.open(uri, text)
            first = client.wait_diagnostics(uri, version=1)
            if first["diagnostics"]:
                print("the generated job has diagnostics:", first["diagnostics"][:3])
                return 1
            for change in range(1, args.changes + 1):
                version = change + 1
                attr = "name.givenNme" if change % 2 else "name.givenName"
                new_line = (
                    f'    displayName       <- Join(" {change}", [{attr}], [name.familyName])'
                )
                started = time.perf_counter()
                client.change(uri, version, row, lines[row], new_line)
                lines[row] = new_line
                hints = client.request(
                    "textDocument/inlayHint",
                    {
                        "textDocument": {"uri": uri},
                        "range": {
                            "start": {"line": 0, "character": 0},
                            "end": {"line": n_lines, "character": 0},
                        },
                    },
                )
                timings["inlay hints"].append(time.perf_counter() - started)
                published = client.wait_diagnostics(uri, version=version)
                timings["diagnostics"].append(published["received"] - started)
                if bool(published["diagnostics"]) != bool(change % 2) or not hints:
                    print("unexpected answer at change", change)
                    return 1
                started = time.perf_counter()
                client.request(
                    "textDocument/hover",
                    {"textDocument": {"uri": uri}, "position": {"line": row, "character": 30}},
                )
                timings["hover"].append(time.perf_counter() - started)
                started = time.perf_counter()
                client.request(
                    "textDocument/completion",
                    {"textDocument": {"uri": uri}, "position": {"line": row, "character": 36}},
                )
                timings["completion"].append(time.perf_counter() - started)
    print(f"prov lsp, {n_lines}-line job, {args.changes} changes (milliseconds)")
    print("| response | median | p90 | max |")
    print("|---|---:|---:|---:|")
    for name, values in timings.items():
        ms = [v * 1000 for v in values]
        print(
            f"| {name} | {statistics.median(ms):.0f} | {_percentile(ms, 0.9):.0f} | {max(ms):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
