"""Shared test helpers: case discovery, the test data folder, text snapshot extensions."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
DATA = ROOT / "tests" / "data"


class JsonText(SingleFileSnapshotExtension):
    """Emitted JSON stored byte for byte as a reviewable .json file."""

    _write_mode = WriteMode.TEXT
    file_extension = "json"


class PyText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "py"


class Text(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


@pytest.fixture
def json_snapshot(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(JsonText)


@pytest.fixture
def py_snapshot(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(PyText)


@pytest.fixture
def text_snapshot(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(Text)


def case_dirs(kind: str) -> list[Path]:
    return sorted(p.parent for p in (CASES / kind).glob("*/*/input.prov"))


def case_id(path: Path) -> str:
    return f"{path.parent.name}-{path.name}"


@pytest.fixture(autouse=True)
def _run_in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths in diagnostics and outputs are relative to the repository root."""
    monkeypatch.chdir(ROOT)
