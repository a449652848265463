"""Same input, same bytes: compiling twice, or with the paths in another order, is identical."""

from __future__ import annotations

from pathlib import Path

from syncrules.api import compile_paths


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_compiling_twice_is_byte_identical(tmp_path: Path) -> None:
    for paths in (["examples", "rules"], ["tests/cases/valid"]):
        first, second, third = tmp_path / "a", tmp_path / "b", tmp_path / "c"
        assert compile_paths(paths, first).ok
        assert compile_paths(paths, second).ok
        assert compile_paths(list(reversed(paths)), third).ok
        assert _tree(first) == _tree(second) == _tree(third)
        assert _tree(first)
        for folder in (first, second, third):
            import shutil

            shutil.rmtree(folder)


def test_same_job_name_twice_is_reported() -> None:
    result = compile_paths(["examples/contoso-hr", "tests/cases/valid/appendix"], None, ("json",))
    assert not result.ok
    assert any(d.code.value == "PROV009" for d in result.diagnostics)


def test_no_absolute_paths_or_timestamps(tmp_path: Path) -> None:
    assert compile_paths(["examples"], tmp_path).ok
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".py"):
            text = path.read_text(encoding="utf-8")
            assert str(Path.cwd()) not in text
            assert "/tmp/" not in text
