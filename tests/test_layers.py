"""The package's parts import each other in one direction only.

A part is a top-level subpackage (``syncrules.run``) or module (``syncrules.api``) of
``src/syncrules``. Every import counts, including those inside functions (a deferred import is
still a dependency; it only hides the cycle from Python's import machinery). The test reads the
sources with ``ast``, so it sees imports on every path, not only those a test happens to execute.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "syncrules"

# An import: (importing part, imported part, "file:line")
Edge = tuple[str, str, str]


def _module_name(path: Path, root: Path) -> tuple[str, str]:
    """(dotted module name, dotted package a relative import starts from)."""
    parts = ("syncrules", *path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        name = ".".join(parts[:-1])
        return name, name
    return ".".join(parts), ".".join(parts[:-1])


def _imported(node: ast.AST, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level == 0:
            yield node.module or ""
            return
        base = package.split(".")
        base = base[: len(base) - (node.level - 1)]
        if node.module:
            yield ".".join([*base, node.module])
        else:
            yield from (".".join([*base, alias.name]) for alias in node.names)


def _part(module: str) -> str:
    """``syncrules.run.cycle`` → ``run``; ``syncrules`` itself → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def import_edges(root: Path = PACKAGE) -> list[Edge]:
    """Every import between two different parts of the package, in file order."""
    edges: list[Edge] = []
    for path in sorted(root.rglob("*.py")):
        module, package = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, package):
                if target == "syncrules" or target.startswith("syncrules."):
                    source_part, target_part = _part(module), _part(target)
                    if source_part != target_part:
                        where = f"{path.relative_to(root.parent)}:{node.lineno}"
                        edges.append((source_part, target_part, where))
    return edges


def find_cycle(edges: list[Edge]) -> list[Edge] | None:
    """One cycle of the graph (as the imports that close it), or None when it is acyclic."""
    graph: dict[str, dict[str, str]] = {}
    for source, target, where in edges:
        graph.setdefault(source, {}).setdefault(target, where)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[Edge] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt]
                return [(a, b, graph[a][b]) for a, b in itertools.pairwise(loop)]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def describe(cycle: list[Edge]) -> str:
    names = " -> ".join([cycle[0][0], *(b for _, b, _ in cycle)])
    lines = [f"import cycle between the parts of syncrules: {names}"]
    lines += [f"  {a} -> {b}   ({where})" for a, b, where in cycle]
    lines.append(
        "move the shared code down (a leaf module such as syncrules/jsontext.py) instead of "
        "importing upwards, also inside functions"
    )
    return "\n".join(lines)


def test_the_parts_of_the_package_import_each_other_in_one_direction() -> None:
    edges = import_edges()
    assert edges, "no imports found: the test reads the wrong folder"
    cycle = find_cycle(edges)
    assert cycle is None, describe(cycle or [])


def test_the_leaf_modules_import_nothing_from_the_package() -> None:
    leaves = {"jsontext", "filesystem"}
    assert [edge for edge in import_edges() if edge[0] in leaves] == []


def test_the_offline_store_does_not_import_the_cli() -> None:
    """``run/`` (the store, the cycle, the inputs) works without click: no ``syncrules.output``."""
    offenders = [
        where
        for source, target, where in import_edges()
        if source == "run" and target in {"output", "cli", "commands"}
    ]
    assert offenders == []
    for path in (PACKAGE / "run").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            assert "click" not in set(_imported(node, "syncrules.run")), path


def test_a_cycle_is_found_and_named(tmp_path: Path) -> None:
    """The checker itself: a deferred import that closes a loop is reported with its place."""
    (tmp_path / "ir").mkdir()
    (tmp_path / "importer").mkdir()
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "ir" / "__init__.py").write_text("")
    (tmp_path / "importer" / "__init__.py").write_text("")
    (tmp_path / "ir" / "lower.py").write_text(
        "def f():\n    from syncrules.importer.decompile import read\n"
    )
    (tmp_path / "importer" / "decompile.py").write_text("from ..ir import lower\n")
    (tmp_path / "api.py").write_text("import syncrules.ir.lower\n")
    edges = import_edges(tmp_path)
    cycle = find_cycle(edges)
    assert cycle is not None
    text = describe(cycle)
    assert "ir -> importer -> ir" in text
    assert f"{tmp_path.name}/ir/lower.py:2" in text
    assert f"{tmp_path.name}/importer/decompile.py:1" in text
    assert find_cycle([e for e in edges if e[0] != "ir"]) is None
