"""Hostile input to the importer, `prov plan`, `prov upload`, the Graph settings, `prov check` and
the diagnostic renderer: each case gives a message with a location and a documented exit code,
never an internal error (PROV901/PROV902, exit 3), and a bad record fails alone."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from syncrules.api import check_paths, compile_paths
from syncrules.cli import main
from syncrules.diagnostics import Code, Diagnostic, Severity
from syncrules.diagnostics.render import MAX_EXCERPT, render_text
from syncrules.graph.config import ConfigProblem, GraphSettings, resolve_settings
from syncrules.graph.upload import read_users
from syncrules.importer.decompile import ImportProblem, decompile, read_schema_file
from syncrules.run.jsoncodec import LONE_SURROGATE, TOO_DEEP
from syncrules.source import SourceFile, Span
from syncrules.testing.fixtures import read_records

ROOT = Path(__file__).resolve().parents[1]
REAL_EXPORTS = ROOT / "tests" / "data" / "real-exports"
PORTAL_DOWNLOAD = ROOT / "tests" / "data" / "portal-download.json"
RULES = ROOT / "rules" / "api-to-entra.prov"
DEEP_JSON = "[" * 100_000
TOKEN_ENV = {"PROV_ACCESS_TOKEN": "not-a-real-token"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _no_bug(result: Result) -> str:
    text = result.output + result.stderr
    assert "PROV901" not in text and "PROV902" not in text and "Traceback" not in text, text
    assert result.exit_code != 3, text
    return text


def _portal() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(PORTAL_DOWNLOAD.read_text(encoding="utf-8"))
    return doc


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


# ---- 1. deeply nested JSON ---------------------------------------------------------------------


def test_deep_schema_json_is_an_import_problem(runner: CliRunner, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(ImportProblem, match="nested too deeply"):
        read_schema_file(deep)
    result = runner.invoke(main, ["plan", str(RULES), str(deep)])
    assert "nested too deeply" in _no_bug(result)
    assert result.exit_code == 1


def test_deep_fixture_json_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(ValueError, match="nested too deeply"):
        read_records(deep)
    result = runner.invoke(main, ["plan", str(RULES), str(RULES), "--fixtures", str(deep)])
    assert f"{deep}: {TOO_DEEP}" in _no_bug(result)
    assert result.exit_code == 1


def test_deep_upload_json_is_a_failed_record(runner: CliRunner, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP_JSON, encoding="utf-8")
    read = read_users(deep)
    assert read.users == () and [f.reason for f in read.failures] == [TOO_DEEP]
    lines = tmp_path / "users.jsonl"
    lines.write_text('{"externalId": "a"}\n' + DEEP_JSON + "\n", encoding="utf-8")
    read = read_users(lines)
    assert [u.origin for u in read.users] == [f"{lines}:1"]
    assert [(f.origin, f.reason) for f in read.failures] == [(f"{lines}:2", TOO_DEEP)]
    result = runner.invoke(main, ["upload", str(deep), "--dry-run", "--out-dir", str(tmp_path)])
    assert TOO_DEEP in _no_bug(result)
    assert result.exit_code == 1


# ---- 2. schema JSON of the wrong shape -------------------------------------------------------

RULE = "synchronizationRules[0]"
USER = f"{RULE}.objectMappings[0]"


def _shape(case: str) -> tuple[dict[str, Any], str]:
    """The portal download with one value of the wrong type, and the JSON path to report."""
    doc = _portal()
    rule = doc["synchronizationRules"][0]
    mapping = rule["objectMappings"][0]
    if case == "objectMappings":
        rule["objectMappings"] = 5
        return doc, f"{RULE}.objectMappings must be a list, not a number"
    if case == "attributeMappings":
        mapping["attributeMappings"] = 5
        return doc, f"{USER}.attributeMappings must be a list, not a number"
    if case == "matchingPriority":
        mapping["attributeMappings"][0]["matchingPriority"] = "x"
        return doc, f"{USER}.attributeMappings[0].matchingPriority must be a whole number"
    if case == "groups":
        mapping["scope"]["groups"] = "x"
        return doc, f"{USER}.scope.groups must be a list, not a string"
    if case == "source":
        mapping["attributeMappings"][0]["source"] = "x"
        return doc, f"{USER}.attributeMappings[0].source must be an object, not a string"
    if case == "parameters":  # read again when the preserved schema is merged back in
        mapping["attributeMappings"][1]["source"]["parameters"] = 5
        return doc, f"{USER}.attributeMappings[1].source: parameters must be a list, not a number"
    assert case == "other object mapping"  # not imported, but merged back in by compile and plan
    rule["objectMappings"][1]["attributeMappings"] = 5
    return doc, f"{RULE}.objectMappings[1].attributeMappings must be a list, not a number"


@pytest.mark.parametrize(
    "case",
    [
        "objectMappings",
        "attributeMappings",
        "matchingPriority",
        "groups",
        "source",
        "parameters",
        "other object mapping",
    ],
)
def test_wrong_shape_names_the_json_path(runner: CliRunner, tmp_path: Path, case: str) -> None:
    doc, expected = _shape(case)
    with pytest.raises(ImportProblem) as problem:
        decompile(doc, "x.json", "x.preserve.json")
    assert expected in str(problem.value)
    source = _write(tmp_path / "schema.json", doc)
    result = runner.invoke(main, ["import", str(source), "-o", str(tmp_path / "x.prov")])
    assert expected in _no_bug(result) and result.exit_code == 1
    assert not (tmp_path / "x.prov").exists()
    result = runner.invoke(main, ["plan", str(RULES), str(source)])
    assert expected in _no_bug(result) and result.exit_code == 1


def test_names_that_cannot_be_written_are_refused_not_dropped(tmp_path: Path) -> None:
    """A mapping the importer cannot write would be dropped by `prov compile`: refused instead."""
    doc = _portal()
    mappings = doc["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"]
    mappings[1]["targetAttributeName"] = "not a name"
    with pytest.raises(ImportProblem, match=r"attributeMappings\[1\]\.targetAttributeName"):
        decompile(doc, "x.json", "x.preserve.json")
    doc = _portal()
    source = doc["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][1]
    source["source"] = {"type": "Attribute", "name": "a]b", "parameters": []}
    with pytest.raises(ImportProblem, match="cannot be written"):
        decompile(doc, "x.json", "x.preserve.json")


def test_too_deep_a_source_tree_is_refused() -> None:
    doc = _portal()
    tree: dict[str, Any] = {"type": "Attribute", "name": "userName", "parameters": []}
    for _ in range(200):
        tree = {
            "type": "Function",
            "name": "ToUpper",
            "parameters": [{"key": "source", "value": tree}],
        }
    doc["synchronizationRules"][0]["objectMappings"][0]["attributeMappings"][1]["source"] = tree
    with pytest.raises(ImportProblem, match="nest more than 40 deep"):
        decompile(doc, "x.json", "x.preserve.json")


def _documents() -> dict[str, dict[str, Any]]:
    """The documents mutated: the portal download, a compiled document (job + schema) and the
    real Cloud Sync exports, as they are and with an API source (so they pass the job check)."""
    docs = {"portal": _portal()}
    compiled = compile_paths([RULES], None, ("json",))
    docs["compiled"] = compiled.documents[0][1]
    for path in sorted(REAL_EXPORTS.glob("*.json")):
        data = path.read_bytes()
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
        docs[path.name] = json.loads(text)
        api = json.loads(text)
        for rule in api["synchronizationRules"]:
            rule["sourceDirectoryName"] = "API"
        for directory in api.get("directories") or []:
            if directory.get("name") == "Active Directory":
                directory["name"] = "API"
        docs[path.name + " (API source)"] = api
    return docs


def _values(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, (*path, index))


def _replacements(value: Any) -> list[Any]:
    """Values of other JSON types than ``value`` (and numbers out of range)."""
    if isinstance(value, bool):
        return ["x", 5, None]
    if isinstance(value, dict):
        return [5, "x", [], None]
    if isinstance(value, list):
        return [5, "x", {}, [5]]
    if isinstance(value, str):
        return [5, [], {}, None, True]
    if isinstance(value, int | float):
        return ["x", [], {}, -1, 2**40, 1.5]
    return [5, "x", [], {}]


def _mutated(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    copy = json.loads(json.dumps(doc))
    if not path:
        return new
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def _mutations() -> list[tuple[str, tuple[Any, ...], Any]]:
    """Every value of the portal download replaced once (the replacement cycling through the
    other types), and fixed samples of the compiled document and of the real exports."""
    docs = _documents()
    chosen: list[tuple[str, tuple[Any, ...], Any]] = []
    for index, (path, value) in enumerate(_values(docs["portal"])):
        options = _replacements(value)
        chosen.append(("portal", path, options[index % len(options)]))
    pick = random.Random(20240601)
    for names, count in (
        (("compiled",), 120),
        (tuple(n for n in docs if n not in ("portal", "compiled")), 80),
    ):
        pool = [
            (name, path, new)
            for name in names
            for path, value in _values(docs[name])
            for new in _replacements(value)
        ]
        chosen += pick.sample(pool, count)
    return [(name, path, _mutated(docs[name], path, new)) for name, path, new in chosen]


def test_mutated_schemas_import_or_fail_with_a_message(tmp_path: Path) -> None:
    """Every mutation imports (the output then compiles, merging the preserved schema back in)
    or fails with ImportProblem; a sample also goes through `prov import` and `prov plan`."""
    runner = CliRunner()
    imported = 0
    for name, path, doc in _mutations():
        where = f"{name} {'.'.join(map(str, path))}"
        if not isinstance(doc, dict):
            continue
        try:
            result = decompile(doc, "m.json", "m.preserve.json")
        except ImportProblem as exc:
            assert str(exc), where
            continue
        assert result.formatted, where
        imported += 1
        if imported % 30 == 1:  # the whole pipeline, on a sample (a compile takes time)
            source = _write(tmp_path / "m.json", doc)
            args = ["import", str(source), "-o", str(tmp_path / "m.prov"), "--force"]
            outcome = runner.invoke(main, args)
            assert _no_bug(outcome) and outcome.exit_code in (0, 1), where
            sides = [str(RULES), str(source)]  # the mutated schema as NEW, then as OLD
            outcome = runner.invoke(main, ["plan", *(sides if imported % 60 == 1 else sides[::-1])])
            assert _no_bug(outcome) and outcome.exit_code in (0, 1, 2), where
    assert imported > 100


# ---- 3. prov upload: non-UTF-8 lines, lone surrogates, kinds of values --------------------------


def test_upload_bad_lines_fail_alone(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "users.jsonl"
    source.write_bytes(
        b'{"externalId": "a"}\n'
        b'{"externalId": "b\xff"}\n'
        b'{"externalId": "c\\ud800"}\n'
        b'5\n"s"\n[1]\nnull\ntrue\n{}\n'
        b'{"externalId": "d", "note": "line\xe2\x80\xa8separator"}\n'
    )
    read = read_users(source)
    assert [u.origin for u in read.users] == [f"{source}:1", f"{source}:10"]
    reasons = {f.origin.rpartition(":")[2]: f.reason for f in read.failures}
    assert reasons["2"] == "not UTF-8 text (byte 0xff at column 18)"
    assert reasons["3"] == LONE_SURROGATE
    assert reasons["4"] == "not a JSON object (a number)"
    assert reasons["5"] == "not a JSON object (a string)"
    assert reasons["6"] == "not a JSON object (a list)"
    assert reasons["7"] == "not a JSON object (null)"
    assert reasons["8"] == "not a JSON object (a boolean)"
    out = tmp_path / "out"
    result = runner.invoke(main, ["upload", str(source), "--dry-run", "--out-dir", str(out)])
    text = _no_bug(result)
    assert result.exit_code == 1
    assert "2 users in 1 payloads" in text and LONE_SURROGATE in text
    payload = json.loads((out / "payload-0001.json").read_text(encoding="utf-8"))
    assert [op["data"]["externalId"] for op in payload["Operations"]] == ["a", "d"]


def test_upload_json_array_names_the_kind(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "users.json", [{"externalId": "a"}, 5, "x", {"externalId": "\ud800"}]
    )
    read = read_users(source)
    assert [f.reason for f in read.failures] == [
        "not a JSON object (a number)",
        "not a JSON object (a string)",
        LONE_SURROGATE,
    ]
    assert len(read.users) == 1


# ---- 4. Graph settings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("\udcff", "job", None), "service principal id (--service-principal) holds bytes"),
        (("sp", "j\udcfe", None), "job id (--job) holds bytes that are not UTF-8"),
        (("sp", "job", "https://[::1"), "Graph URL (--graph-url) is not a valid URL"),
        (("sp", "job", "https://x:99999"), "is not a valid URL"),
        (("sp", "job", "https://a b/"), "holds a space or a control character"),
        (("sp", "job", "https://"), "has no host name"),
        (("sp", "job", "https://x/\udcff"), "holds bytes that are not UTF-8"),
    ],
)
def test_bad_graph_settings_are_usage_errors(
    runner: CliRunner, options: tuple[str, str, str | None], message: str
) -> None:
    sp, job, url = options
    settings = resolve_settings(service_principal=sp, job=job, graph_url=url, env={}, block=None)
    assert isinstance(settings, ConfigProblem) and message in settings.message
    args = ["pull", "--service-principal", sp, "--job", job]
    args += ["--graph-url", url] if url else []
    result = runner.invoke(main, args, env=TOKEN_ENV)
    assert message in _no_bug(result) and result.exit_code == 2


def test_bad_id_from_the_environment_is_named(runner: CliRunner) -> None:
    env = {"PROV_JOB_ID": "\udcff"}
    settings = resolve_settings(
        service_principal="sp", job=None, graph_url=None, env=env, block=None
    )
    assert isinstance(settings, ConfigProblem) and "(PROV_JOB_ID)" in settings.message
    good = resolve_settings(service_principal="sp", job="j", graph_url=None, env={}, block=None)
    assert isinstance(good, GraphSettings)


# ---- 5. an empty folder among other paths -------------------------------------------------------


def test_empty_folder_among_other_paths_is_reported(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    alone = check_paths([empty])
    together = check_paths([empty, RULES])
    assert [d.code for d in alone.diagnostics] == [Code.UNREADABLE_FILE]
    assert [(d.code, d.message) for d in together.diagnostics] == [
        (d.code, d.message) for d in alone.diagnostics
    ]
    assert len(together.jobs) == 1
    result = runner.invoke(main, ["check", str(empty), str(RULES)])
    assert "PROV002" in _no_bug(result) and "no .prov files in" in result.output + result.stderr
    assert result.exit_code == 1


# ---- 6. numbers past their Graph range ----------------------------------------------------------


def _job_with(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "job.prov"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    actions create, update\n",
            "    actions create, update\n    deletion threshold -1\n",
            "deletion threshold -1 is out of range",
        ),
        (
            "    actions create, update\n",
            "    actions create, update\n    deletion threshold 2147483648\n",
            "deletion threshold 2147483648 is out of range",
        ),
        (
            "match [externalId] -> employeeId",
            "match [externalId] -> employeeId priority 99999999999",
            "matching priority 99999999999 is out of range",
        ),
        (
            "match [externalId] -> employeeId",
            "match [externalId] -> employeeId priority -3",
            "matching priority -3 is out of range",
        ),
        (  # 0 silently made the pair an ordinary mapping
            "match [externalId] -> employeeId",
            "match [externalId] -> employeeId priority 0",
            "matching priority 0 is out of range",
        ),
        (  # past int()'s 4300-digit limit: an internal error before
            "match [externalId] -> employeeId",
            "match [externalId] -> employeeId priority " + "9" * 5000,
            "matching priority 999999999999… (5000 digits) is out of range",
        ),
        (  # with delete on: no follow-on "delete without a threshold" warning
            "    actions create, update\n",
            "    actions create, update, delete\n    deletion threshold " + "9" * 5000 + "\n",
            "deletion threshold 999999999999… (5000 digits) is out of range",
        ),
    ],
)
def test_numbers_out_of_range_are_diagnosed(
    runner: CliRunner, tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _job_with(tmp_path, old, new)
    result = check_paths([path])
    assert [(d.code, message in d.message) for d in result.diagnostics] == [
        (Code.NUMBER_OUT_OF_RANGE, True)
    ]
    for command in ("check", "compile"):
        args = [command, str(path)] + (
            ["-o", str(tmp_path / "out")] if command == "compile" else []
        )
        outcome = runner.invoke(main, args)
        assert "PROV310" in _no_bug(outcome) and outcome.exit_code == 1


def test_largest_int32_values_are_accepted(tmp_path: Path) -> None:
    path = _job_with(
        tmp_path,
        "    actions create, update\n",
        "    actions create, update\n    deletion threshold 2147483647\n",
    )
    assert compile_paths([path], None, ("json",)).ok


# ---- 7. lone surrogates in test blocks ----------------------------------------------------------


def test_lone_surrogate_in_a_test_block_is_diagnosed(runner: CliRunner, tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8") + (
        '\ntest "lone" {\n'
        '    given user {"externalId": "E1", "userName": "a@b.c", "displayName": "A \\ud800"}\n'
        '    existing user {"employeeId": "E1", "displayName": "\\udfff"}\n'
        '    expect update {\n        displayName == "A \\udc00"\n    }\n}\n'
    )
    path = tmp_path / "job.prov"
    path.write_text(text, encoding="utf-8")
    result = check_paths([path])
    assert [d.code for d in result.diagnostics] == [Code.NOT_UNICODE_TEXT] * 3
    assert all(LONE_SURROGATE in d.message for d in result.diagnostics)
    assert all(d.severity is Severity.WARNING for d in result.diagnostics)
    outcome = runner.invoke(main, ["check", str(path)])
    assert "warning[PROV010]" in _no_bug(outcome) and outcome.exit_code == 0
    # A valid pair is Unicode text: no diagnostic
    path.write_text(
        text.replace("\\ud800", "\\ud83d\\ude00").replace("\\udfff", "x").replace("\\udc00", "y"),
        encoding="utf-8",
    )
    assert not [d for d in check_paths([path]).diagnostics if d.code is Code.NOT_UNICODE_TEXT]


# ---- 8. long source lines in diagnostics --------------------------------------------------------


def _diagnostic(line: str, col: int, end_col: int) -> str:
    source = SourceFile("x.prov", line + "\n")
    span = Span("x.prov", 1, col, 1, end_col)
    diag = Diagnostic(Code.SYNTAX_ERROR, Severity.ERROR, "m", span, None)
    return render_text([diag], {"x.prov": source})


def test_a_long_source_line_is_cut_around_the_span() -> None:
    line = "a" * 2_500_000 + "TARGET" + "b" * 2_500_000
    col = 2_500_001
    text = _diagnostic(line, col, col + 6)
    assert len(text) < 3 * MAX_EXCERPT
    _, shown, carets = text.splitlines()
    assert shown.startswith("    1 | …") and shown.endswith("…")
    start = carets.index("^")
    assert carets[start:].strip() == "^^^^^^" and shown[start : start + 6] == "TARGET"
    # a span at the very end of a long line, and a span running past the cut
    text = _diagnostic(line + "END", len(line) + 1, len(line) + 4)
    _, shown, carets = text.splitlines()
    assert shown.endswith("END") and shown[carets.index("^") :].startswith("END")
    text = _diagnostic(line, 1, len(line))
    _, shown, carets = text.splitlines()
    assert shown.endswith("…") and not shown.startswith("    1 | …")
    assert len(carets) < 2 * MAX_EXCERPT


def test_a_short_line_is_shown_whole(tmp_path: Path) -> None:
    text = _diagnostic("abc def", 5, 8)
    assert text.splitlines()[1:] == ["    1 | abc def", "      |     ^^^"]


def test_check_of_a_5mb_line_prints_little(runner: CliRunner, tmp_path: Path) -> None:
    path = _job_with(
        tmp_path,
        "    displayName       <- [displayName]",
        '    displayName <- Join("' + "a" * 5_000_000 + '", [nosuch])',
    )
    result = runner.invoke(main, ["check", str(path)])
    assert len(result.output + result.stderr) < 5_000
    assert "PROV214" in _no_bug(result) and "PROV101" in result.output + result.stderr


# ---- 9. plan fixtures that are not objects ------------------------------------------------------


def test_plan_reports_fixture_entries_that_are_not_users(runner: CliRunner, tmp_path: Path) -> None:
    fixture = _write(
        tmp_path / "users.json",
        [1, {"externalId": "E1", "userName": "a@b.c"}, "x", {"externalId": "\ud800"}],
    )
    result = runner.invoke(main, ["plan", str(RULES), str(RULES), "--fixtures", str(fixture)])
    text = _no_bug(result)
    assert result.exit_code == 1
    assert "users.json record 1: not a JSON object (a number)" in text
    assert "users.json record 3: not a JSON object (a string)" in text
    assert f"users.json record 4: {LONE_SURROGATE}" in text
    assert "record 2" not in text
    result = runner.invoke(
        main, ["plan", str(RULES), str(RULES), "--fixtures", str(fixture), "--format", "json"]
    )
    _no_bug(result)
    problems = json.loads(result.stdout)["problems"]
    assert [p.split(":")[0] for p in problems] == [
        "users.json record 1",
        "users.json record 3",
        "users.json record 4",
    ]


def test_plan_of_a_compiled_document_whose_job_is_null(runner: CliRunner, tmp_path: Path) -> None:
    document = compile_paths([RULES], None, ("json",)).documents[0][1]
    source = _write(tmp_path / "compiled.json", {**document, "job": None})
    result = runner.invoke(main, ["plan", str(RULES), str(source)])
    _no_bug(result)
    assert result.exit_code in (0, 2)


@pytest.mark.parametrize(("seed", "shown"), [
    ("9" * 5000, "999999999999… (5000 digits)"), ("-1", "-1"), ("2147483648", "2147483648"),
])
def test_test_seeds_out_of_range_are_diagnosed(tmp_path: Path, seed: str, shown: str) -> None:
    """A test block's seed past int()'s digit limit was an internal error; it now takes the
    same range as the job's other numbers."""
    path = tmp_path / "seed.prov"
    path.write_text(
        'job "Seed" {\n    target entra\n    actions create, update\n}\n'
        "match [externalId] -> employeeId\n"
        "map {\n    displayName <- [userName]\n}\n"
        'test "seeded" {\n    given user {"externalId": "1", "userName": "a"}\n'
        f"    seed {seed}\n    expect create\n}}\n",
        encoding="utf-8",
    )
    result = check_paths([path])
    assert [(d.code, d.message) for d in result.diagnostics] == [(
        Code.NUMBER_OUT_OF_RANGE,
        f"test seed {shown} is out of range: a whole number from 0 to 2147483647 is expected",
    )]
