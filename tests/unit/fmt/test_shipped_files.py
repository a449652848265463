"""Every .prov file the repository ships (valid cases, rules/, examples/) formats without error,
idempotently, and to the same meaning: each folder is copied, every file in the copy is
formatted, and the root files of both folders compile to the same IR, diagnostics and JSON.
The shipped files themselves are never changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from syncrules.api import compile_paths
from syncrules.backends.jobconfig.emit import dumps
from syncrules.fmt import format_source
from tests.conftest import CASES, ROOT

FOLDERS = sorted(
    {p.parent for p in (CASES / "valid").glob("*/*/input.prov")}
    | {p.parent for base in ("rules", "examples") for p in (ROOT / base).rglob("*.prov")}
)


def _compiled(path: Path) -> tuple[object, list[str], list[str]]:
    result = compile_paths([path], None, ("json",))
    texts = []
    for _, document in result.documents:
        document["job"].pop("source", None)
        texts.append(dumps(document))
    codes = sorted(d.code.value for d in result.diagnostics)
    return (result.jobs[0] if result.jobs else None), codes, texts


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.relative_to(ROOT).as_posix() for f in FOLDERS])
def test_shipped_folder_formats_to_the_same_meaning(folder: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    files = sorted(copy.glob("*.prov"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        formatted, diags = format_source(text, path.name)
        assert formatted is not None, [d.message for d in diags]
        assert format_source(formatted, path.name)[0] == formatted
        path.write_text(formatted, encoding="utf-8")
    for path in files:
        assert _compiled(folder / path.name) == _compiled(path)
