"""The VS Code extension's TextMate grammar (editors/vscode/syntaxes/prov.tmLanguage.json),
tokenized as VS Code does it (vscode-textmate + vscode-oniguruma, run by Node), over every
shipped .prov file: examples/, rules/ and the valid test cases.

The scopes are compared with snapshots (tests/lsp/__snapshots__/test_grammar.ambr), and checked
against the parser: every function name, attribute reference and string constant the parser
finds gets the matching scope.

The Node modules come from ``npm ci --prefix editors/vscode`` (.ci/run does it). Without them
the test fails in CI (the CI environment variable is set) and is skipped elsewhere, with that
command as the reason.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from syncrules.ir.nodes import AttrRef, Call, Str
from syncrules.ir.visitor import iter_nodes
from syncrules.lsp.analysis import analyse
from tests.conftest import ROOT

EXTENSION = ROOT / "editors" / "vscode"
INSTALL = "npm ci --prefix editors/vscode"
FILES = sorted(
    [
        *(ROOT / "examples").rglob("*.prov"),
        *(ROOT / "rules").glob("*.prov"),
        *(ROOT / "tests" / "cases" / "valid").rglob("*.prov"),
        ROOT / "tests" / "lsp" / "data" / "every_token.prov",  # escapes, block comments, hex
    ]
)


def _require_node() -> str:
    node = shutil.which("node")
    modules = EXTENSION / "node_modules"
    missing = [m for m in ("vscode-textmate", "vscode-oniguruma") if not (modules / m).is_dir()]
    if node is not None and not missing:
        return node
    why = "Node.js is not installed" if node is None else f"missing node modules {missing}"
    message = f"the grammar test needs Node.js and its modules ({why}); run: {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@cache
def _tokens() -> dict[str, list[list[tuple[int, int, list[str]]]]]:
    node = _require_node()
    done = subprocess.run(
        [node, str(EXTENSION / "test" / "tokenize.js"), *map(str, FILES)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    raw: dict[str, Any] = json.loads(done.stdout)
    return {Path(k).resolve().relative_to(ROOT).as_posix(): v for k, v in raw.items()}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _render(text: str, lines: list[Any]) -> str:
    """One line per source line, then one per token that has a scope of its own."""
    out = []
    for number, (line, tokens) in enumerate(zip(text.split("\n"), lines, strict=True), 1):
        out.append(f"{number:4} | {line}")
        for start, end, scopes in tokens:
            piece = line[start:end]
            names = [s.removesuffix(".prov") for s in scopes if s != "source.prov"]
            if names and piece.strip():
                out.append(f"       {piece!r} {' '.join(names)}")
    return "\n".join(out) + "\n"


def test_the_shipped_files_are_all_tokenized() -> None:
    assert len(FILES) >= 11
    assert set(_tokens()) == {_rel(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_grammar_scopes(path: Path, snapshot: Any) -> None:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    lines = _tokens()[_rel(path)]
    assert len(lines) == text.count("\n") + 1
    for line, tokens in zip(text.split("\n"), lines, strict=True):
        # the tokens cover each line exactly, in order
        assert tokens[0][0] == 0
        assert all(a[1] == b[0] for a, b in itertools.pairwise(tokens))
        assert not line or tokens[-1][1] == len(line)
        for _start, _end, scopes in tokens:
            assert not any(s.startswith("invalid") for s in scopes)
    assert _render(text, lines) == snapshot


@cache
def _parsed_nodes() -> dict[str, list[tuple[str, int, int]]]:
    """(kind, line, col) of functions, attribute references and strings, by file."""
    found: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for path in FILES:
        analysis = analyse(path, path.read_text(encoding="utf-8"))
        job = analysis.job
        if job is None:
            continue
        expressions = [m.expression for m in job.mappings] + [e.expression for e in job.csv]
        for expr in expressions:
            for node in iter_nodes(expr):
                if isinstance(node, Call):
                    found[node.name_span.file].add(
                        ("function", node.name_span.line, node.name_span.col)
                    )
                elif isinstance(node, AttrRef):
                    found[node.span.file].add(("attribute", node.span.line, node.span.col))
                elif isinstance(node, Str):
                    kind = "macro" if node.raw.startswith("%") else "string"
                    found[node.span.file].add((kind, node.span.line, node.span.col))
    return {k: sorted(v) for k, v in found.items()}


_SCOPE = {
    "function": "entity.name.function.prov",
    "attribute": "punctuation.definition.attribute.begin.prov",
    "string": "punctuation.definition.string.begin.prov",
    "macro": "constant.other.placeholder.macro.prov",
}


@pytest.mark.parametrize("path", FILES, ids=[_rel(p) for p in FILES])
def test_grammar_agrees_with_the_parser(path: Path) -> None:
    lines = _tokens()[_rel(path)]
    nodes = _parsed_nodes().get(_rel(path), [])
    if path.name != "shared.prov" and path.name != "common.prov":
        assert nodes, "a shipped job has expressions"
    for kind, line, col in nodes:
        token = next(t for t in lines[line - 1] if t[0] <= col - 1 < t[1])
        assert _SCOPE[kind] in token[2], (kind, line, col, token)


def _scopes_of(path: Path, needle: str, occurrence: int = 0) -> list[str]:
    """The scopes of the token starting at the ``occurrence``-th ``needle`` in the file."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    col = at - (text.rfind("\n", 0, at) + 1)
    tokens = _tokens()[_rel(path)][line]
    token = next(t for t in tokens if t[0] <= col < t[1])
    return [s.removesuffix(".prov") for s in token[2] if s != "source.prov"]


def test_every_kind_of_token() -> None:
    path = ROOT / "tests" / "lsp" / "data" / "every_token.prov"
    assert _scopes_of(path, "/* Every") == ["comment.block", "punctuation.definition.comment.begin"]
    assert _scopes_of(path, "in one valid job") == ["comment.block"]
    assert _scopes_of(path, "/* inline */", 0)[0] == "comment.block"
    assert _scopes_of(path, "// trailing") == ["comment.line.double-slash"]
    assert _scopes_of(path, '\\"names') == ["string.quoted.double", "constant.character.escape"]
    assert _scopes_of(path, "\\\\paths") == ["string.quoted.double", "constant.character.escape"]
    assert _scopes_of(path, "\\d") == ["string.quoted.double"]  # not an escape in Entra
    assert _scopes_of(path, "-1") == ["constant.numeric"]
    assert _scopes_of(path, "&HF") == ["constant.numeric.hex"]
    assert _scopes_of(path, "500") == ["constant.numeric"]
    assert _scopes_of(path, "IIF") == ["entity.name.function"]
    assert _scopes_of(path, ">= 2") == ["keyword.operator.comparison"]
    assert _scopes_of(path, "Greater_Than") == ["keyword.operator.scope"]
    assert _scopes_of(path, "acme:Level]") == [
        "meta.attribute-reference",
        "entity.name.namespace.alias",
    ]
    assert _scopes_of(path, "urn:ietf:params:scim:schemas:extension:enterprise") == [
        "meta.attribute-reference",
        "variable.other.attribute",
    ]
    assert _scopes_of(path, "eq") == [
        "meta.attribute-reference",
        "meta.filter",
        "keyword.operator.filter",
    ]
    assert _scopes_of(path, "jobTitle <-") == ["entity.other.attribute-name.target"]
    assert _scopes_of(path, "city not set") == ["entity.other.attribute-name.target"]
    assert _scopes_of(path, "not set") == ["keyword.operator.expectation"]
    assert _scopes_of(path, "Skills: string") == ["variable.other.member.extension-attribute"]
    assert _scopes_of(path, "string[]") == ["storage.type"]
    assert _scopes_of(path, "true") == ["constant.language"]
    assert _scopes_of(path, "null") == ["constant.language"]
    assert _scopes_of(path, "priority") == ["keyword.other"]
    assert _scopes_of(path, "default") == ["keyword.other"]
    assert _scopes_of(path, "objects") == ["keyword.other"]
    assert _scopes_of(path, "%DomainFQDN%") == ["constant.other.placeholder.macro"]
